"""collect takes the individual sheets back (SPEC 8, issue 10 item 7) with the
guarantees of the section sheets: three-way merge against the signed base,
conflicts kept, new rows appended, save order, formulas refused, and need to
know on the way in.

办公室's Q3 workbook of mail_fixtures.add_staff (columns as in the contract):
个人扣加分 A 考核月份 B 人员 C 个人指标编号 D 类型 E 分值 F 事由 G 记录人 H 状态,
rows 2 (2014-07 BGS01 0.5) and 3 (2014-08 BGS02 加分 1), blank rows 4-15;
个人月度评定 A 考核月份 B 人员 C 评定等次 D 评语 E 考核人, row 2 (2014-07 BGS01 好),
blank rows 3-12; 个人指标 row 2 BGS01-1 (已审核), row 3 BGS02-1 (草拟).
In the master 个人扣加分 rows 2-6 (BGS01 07, BGS02 08, BGS01 02, RSK01 07,
BGS01 10), 个人月度评定 rows 2-3 (BGS01 07, RSK01 07), 个人指标 rows 2-4.
"""
from __future__ import annotations

import datetime as dt

import pytest

from lyciq_xl import contract as c
from mail_fixtures import (
    BGS_RECEIPT,
    distributed_staff,
    edit_master,
    eml,
    fill,
    grid,
    libreoffice_resave,
    receipt_lines,
    run_cli,
)

REC, REV, IND = c.PersonalRecords.SHEET, c.MonthlyReviews.SHEET, c.PersonalIndicators.SHEET


@pytest.fixture
def q3(tmp_path):
    return distributed_staff(tmp_path)


def rows(master, sheet):
    return [r for r in grid(master, sheet)[1:] if any(r)]


def receipt_text(folder) -> str:
    return "\n".join(" ".join(str(v) for v in line) for line in receipt_lines(folder, BGS_RECEIPT))


FILLED = {
    REC: {"E2": 0.8, "H3": "撤销",
          # a new row by 人员编号, and one by the section's own unique 姓名 (张明 = BGS01)
          "A4": "2014-09", "B4": "BGS02", "C4": "BGS02-1", "D4": "扣分", "E4": 0.3,
          "F4": "报表迟报", "G4": "王丽",
          "A5": "2014-09", "B5": "张明", "C5": "BGS01-1", "D5": "加分", "E5": 0.5, "F5": "受表扬"},
    REV: {"D2": "很认真", "A3": "2014-08", "B3": "BGS02", "C3": "较好"},
    IND: {"F2": "新的个人指标内容"},
}


def check_filled(master, returned_name):
    assert rows(master, REC) == [
        ["2014-07", "BGS01", "BGS01-1", "扣分", 0.8, "公文错字", "王丽", "有效"],
        ["2014-08", "BGS02", "BGS02-1", "加分", 1.0, "信息被采用", "王丽", "撤销"],
        ["2014-02", "BGS01", "BGS01-1", "扣分", 0.3, "一季度的记录", "王丽", "有效"],
        ["2014-07", "RSK01", "RSK01-1", "扣分", 0.3, "档案缺页", "刘军", "有效"],
        ["2014-10", "BGS01", "BGS01-1", "扣分", 0.2, "四季度的记录", "王丽", "有效"],
        ["2014-09", "BGS02", "BGS02-1", "扣分", 0.3, "报表迟报", "王丽", "有效"],    # appended
        ["2014-09", "BGS01", "BGS01-1", "加分", 0.5, "受表扬", "", "有效"]]          # 姓名 -> 人员编号
    assert rows(master, REV) == [["2014-07", "BGS01", "好", "很认真", "王丽"],
                                 ["2014-07", "RSK01", "", "", "刘军"],
                                 ["2014-08", "BGS02", "较好", "", ""]]
    first = rows(master, IND)[0]
    assert first[5] == "新的个人指标内容" and first[7] == "草拟"           # content changed: re-approve
    receipts = rows(master, c.Receipts.SHEET)
    # the section's return and its individual part (status counts the latter);
    # 变更数: the 科室填报 row counts every change of the file, 23 =
    # records E2, H3 (2) + row 7: 状态 有效 + 7 filled cells (8) + row 8: 状态 + 6 (7)
    # + reviews D2 (1) + row 4: 3 cells (3) + indicators F2 and 审核状态 (2);
    # the 个人考核 row counts the same 23 (only individual cells changed)
    assert [(r[0], r[1], r[2], int(r[5]), r[9]) for r in receipts] == [
        ("办公室", "2014Q3", returned_name, 23, "科室填报"),
        ("办公室", "2014Q3", returned_name, 23, "个人考核")]


def test_round_trip_merges_changes_and_new_rows(q3):
    master, sent, tmp = q3
    back = fill(sent, tmp / "back", FILLED)
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 0
    check_filled(master, back.name)
    text = receipt_text(tmp / "rc")
    assert "已接收,更新 23 处" in text
    assert "个人扣加分 E2 已更新 “分值”已更新。 0.5 0.8" in text
    changes = grid(master, c.Changes.SHEET)
    head = changes[0]
    mine = [dict(zip(head, r)) for r in changes[1:] if r[0] == REC and r[2] == "分值"]
    # rows are identified by 考核月份 人员 个人指标编号 类型 (指标编号 column of 回收变更)
    assert [(m["行"], m["原值"], m["新值"], m["指标编号"], m["分发时值"]) for m in mine] == [
        (2.0, "0.5", "0.8", "2014-07 BGS01 BGS01-1 扣分", "0.5"),
        (7.0, "", "0.3", "2014-09 BGS02 BGS02-1 扣分", ""),
        (8.0, "", "0.5", "2014-09 BGS01 BGS01-1 加分", "")]


def test_round_trip_through_libreoffice(q3):
    master, sent, tmp = q3
    returned = libreoffice_resave(fill(sent, tmp / "filled", FILLED), tmp)
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc") == 0
    check_filled(master, returned.name)


def test_other_sections_people_bad_values_and_formulas_are_refused(q3):
    master, sent, tmp = q3
    before = rows(master, REC), rows(master, REV)
    back = fill(sent, tmp / "back", {
        REC: {**{f"{col}4": v for col, v in zip("ABCDEF", ("2014-09", "RSK01", "RSK01-1", "扣分",
                                                              0.5, "别科室的人"))},
              **{f"{col}5": v for col, v in zip("ABCDEF", ("2014-09", "王强", "RSK01-1", "扣分",
                                                              0.5, "别科室的姓名"))},
              **{f"{col}6": v for col, v in zip("ABCDEF", ("2014-09", "BGS01", "BGS01-1", "扣分",
                                                              0.25, "分值不合规"))},
              **{f"{col}7": v for col, v in zip("ABCDEF", ("2014-02", "BGS01", "BGS01-1", "扣分",
                                                              0.5, "不是本期"))},
              **{f"{col}8": v for col, v in zip("ABCDEF", ("2014-09", "BGS01", "BGS01-1", "扣分",
                                                              0.5, "==1+1"))}},
        REV: {"C2": "良"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 1   # rows refused
    assert (rows(master, REC), rows(master, REV)) == before                  # nothing of them
    lines = receipt_lines(tmp / "rc", BGS_RECEIPT)
    refused = {(line[0], line[1]): line[3] for line in lines if line[2] == "未导入"}
    assert "规则P01" in refused[(REC, "B4")] and "规则P01" in refused[(REC, "B5")]
    assert "本科室“人员”表" in refused[(REC, "B4")] and "下拉列表" in refused[(REC, "B4")]
    assert "规则P04" in refused[(REC, "E6")] and "0.1" in refused[(REC, "E6")]
    assert "规则P05" in refused[(REC, "A7")] and "2014-07、2014-08、2014-09" in refused[(REC, "A7")]
    assert "公式" in refused[(REC, "A8")]
    assert "规则P06" in refused[(REV, "C2")]
    # need to know: the receipt names nobody of 人事科, not even what was typed
    text = receipt_text(tmp / "rc")
    assert "RSK01" not in text and "王强" not in text


def test_both_sides_changed_is_a_conflict_the_masters_value_stays(q3):
    master, sent, tmp = q3
    edit_master(master, REC, {"E2": 0.6})                # the office corrects 分值 after sending
    back = fill(sent, tmp / "back", {REC: {"E2": 0.8, "F2": "公文错字两处"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 1
    first = rows(master, REC)[0]
    assert first[4] == 0.6 and first[5] == "公文错字两处"    # office's 分值 kept, 事由 applied
    conflict = [r for r in grid(master, c.Changes.SHEET)[1:] if r[9]]
    assert [(r[0], r[1], r[2], r[3], r[4], r[8], r[9]) for r in conflict] == [
        (REC, 2.0, "分值", "0.6", "0.8", "0.5", "冲突:保留主工作簿的值")]
    assert "个人扣加分 E2 冲突" in receipt_text(tmp / "rc")


def test_returns_apply_in_save_order(q3):
    master, sent, tmp = q3
    older = fill(sent, tmp / "older", {REV: {"D2": "初稿评语"}}, saved=dt.datetime(2014, 10, 2, 9))
    newer = fill(sent, tmp / "newer", {REV: {"D2": "定稿评语"}}, saved=dt.datetime(2014, 10, 3, 9))
    batch = tmp / "batch"
    batch.mkdir()
    (batch / "a.xlsx").write_bytes(newer.read_bytes())      # name order is the wrong order
    (batch / "b.xlsx").write_bytes(older.read_bytes())
    assert run_cli("collect", master, batch, "--receipts", tmp / "rc") == 0
    assert rows(master, REV)[0][3] == "定稿评语"


def test_a_changed_staff_cell_refuses_the_whole_file(q3):
    master, sent, tmp = q3
    back = fill(sent, tmp / "back", {c.Staff.SHEET: {"B2": "张明明"}, REV: {"D2": "评语"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 1
    assert rows(master, REV)[0][3] == "认真"
    text = receipt_text(tmp / "rc")
    assert "已拒收" in text and "校验码不符" in text and "人员 B2" in text


def test_the_distributed_file_sent_back_is_unfilled(q3):
    master, sent, tmp = q3
    assert run_cli("collect", master, sent, "--receipts", tmp / "rc") == 1
    assert c.Receipts.SHEET not in [s for s in grid_sheets(master)]


def grid_sheets(path):
    import python_calamine
    return python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names


def test_of_two_equal_records_the_one_still_as_distributed_is_updated(tmp_path):
    """个人扣加分 has no id: two July records of BGS01 on BGS01-1 (扣分) differ
    only in 分值/事由. After distributing, the office re-sorts them (master
    rows 2 and 7 swap); the section edits the second (book row 4): the master
    row still holding 0.1/第二条同类记录 (now row 2) gets it, not the first."""
    from mail_fixtures import BGS_FILE, add_staff, build_master
    master = add_staff(build_master(tmp_path / "master.xlsx"))
    edit_master(master, REC, {"A7": "2014-07", "B7": "BGS01", "C7": "BGS01-1", "D7": "扣分",
                              "E7": 0.1, "F7": "第二条同类记录", "G7": "王丽", "H7": "有效"})
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", "2014Q3") == 0
    sent = tmp_path / "out" / BGS_FILE
    assert grid(sent, REC)[3][:6] == ["2014-07", "BGS01", "BGS01-1", "扣分", 0.1, "第二条同类记录"]
    edit_master(master, REC, {"E2": 0.1, "F2": "第二条同类记录", "E7": 0.5, "F7": "公文错字"})
    back = fill(sent, tmp_path / "back", {REC: {"F4": "改了第二条"}})
    assert run_cli("collect", master, back, "--receipts", tmp_path / "rc") == 0
    got = rows(master, REC)
    assert got[0][4:6] == [0.1, "改了第二条"] and got[5][4:6] == [0.5, "公文错字"]


def test_sent_over_smtp_returned_by_mail_and_shown_in_status(tmp_path, capsys):
    """distribute --send to a real SMTP server on 127.0.0.1, the attachment
    filled and mailed back on 5 October (the Q3 deadline), collect, status."""
    from mail_fixtures import add_staff, build_master, smtp_server
    master = add_staff(build_master(tmp_path / "master.xlsx"))
    controller, handler = smtp_server()
    try:
        assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", "2014Q3",
                       "--send", "--smtp-host", "127.0.0.1", "--smtp-port", controller.port,
                       "--smtp-security", "none", "--sender", "jxb@lyciq.test") == 0
    finally:
        controller.stop()
    (msg,) = [m for rcpts, m in handler.messages if rcpts == ["bgs@lyciq.test"]]
    (att,) = list(msg.iter_attachments())
    got = tmp_path / "inbox" / att.get_filename()
    got.parent.mkdir()
    got.write_bytes(att.get_content())
    back = fill(got, tmp_path / "back", {REV: {"D2": "邮件交回的评语"}})
    eml(back, tmp_path / "reply.eml", dt.datetime(2014, 10, 5, 16, 0))
    assert run_cli("collect", master, tmp_path / "reply.eml", "--receipts", tmp_path / "rc") == 0
    assert rows(master, REV)[0][3] == "邮件交回的评语"
    capsys.readouterr()
    assert run_cli("status", master, "--period", "2014Q3") == 0
    lines = capsys.readouterr().out.splitlines()
    individual = {line.split()[1]: line for line in lines[1:] if line.endswith("个人考核")}
    # the sections with staff; 轻纺科 (QFK) has none
    assert sorted(individual) == ["BGS", "RSK", "ZHK"]
    assert "按期报送" in individual["BGS"] and "2014-10-05 16:00" in individual["BGS"]
    assert "2014-10-05" in individual["BGS"] and "1次" in individual["BGS"]
    assert "未报送(已逾期)" in individual["RSK"] and "已发送" in individual["RSK"]


def test_a_year_return_counts_for_every_quarter_against_each_deadline(tmp_path, capsys):
    """The year workbook (个人年度评定 and every month's sheets) mailed back on
    5 October 2014: that is after the Q1 (5 April) and Q2 (5 July) deadlines,
    on the Q3 deadline and before Q4's (5 January 2015)."""
    master, sent, tmp = distributed_staff(tmp_path, "2014")
    back = fill(sent, tmp / "back", {REV: {"D2": "年度交回的评语"}})
    eml(back, tmp / "reply.eml", dt.datetime(2014, 10, 5, 16, 0))
    assert run_cli("collect", master, tmp / "reply.eml", "--receipts", tmp / "rc") == 0
    assert [(r[1], r[9]) for r in rows(master, c.Receipts.SHEET)] == [("2014", "科室填报"),
                                                                       ("2014", "个人考核")]
    capsys.readouterr()
    assert run_cli("status", master, "--period", "2014") == 0
    lines = capsys.readouterr().out.splitlines()
    bgs = [line.split() for line in lines[1:] if line.endswith("个人考核") and line.split()[1] == "BGS"]
    # one row per quarter: 期间, 已交回, state and that quarter's deadline
    assert [(r[0], r[4], r[-3], r[-2]) for r in bgs] == [
        ("2014Q1", "1次", "逾期报送", "2014-04-05"), ("2014Q2", "1次", "逾期报送", "2014-07-05"),
        ("2014Q3", "1次", "按期报送", "2014-10-05"), ("2014Q4", "1次", "按期报送", "2015-01-05")]
    # a quarter asked for alone is judged the same way
    assert run_cli("status", master, "--period", "2014Q2") == 0
    q2 = [line for line in capsys.readouterr().out.splitlines()
          if line.endswith("个人考核") and " BGS " in line]
    assert len(q2) == 1 and "逾期报送" in q2[0] and "2014-10-05 16:00" in q2[0]
