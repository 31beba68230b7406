"""collect's three-way merge (issue 8 §1): base = the cell as distributed
(signed into the section workbook), returned, master now.

The master of mail_fixtures: 履职管理指标 rows 2-4 are 办公室's BGS-LZ-01..03
with columns A 科室, B 绩效类别, C 指标编号, D 指标名称, E 指标内容, F 评分标准,
G 考核方式, H 考核周期, I 考核责任部门, J 责任人, K 审核状态; the section
workbook has the same columns, 办公室's rows also at 2-4.
"""
from __future__ import annotations

import pytest

from lyciq_xl import contract as c
from mail_fixtures import (
    BGS_FILE,
    BGS_PERIOD,
    BGS_RECEIPT,
    build_master,
    by_id,
    distributed_bgs,
    edit_master,
    fill,
    grid,
    receipt_lines,
    run_cli,
    sha,
)

PERIOD = BGS_PERIOD
IND = c.Indicators.SHEET


@pytest.fixture
def setup(tmp_path):
    return distributed_bgs(tmp_path)


def changes(master):
    """回收变更 rows as dicts (header -> value)."""
    rows = grid(master, c.Changes.SHEET)
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_office_edit_after_distribution_is_kept(setup):
    """The office corrects BGS-LZ-01's 指标内容 after distributing; the section
    returns the workbook having changed only 责任人 of that row. The old
    two-way merge copied the section's stale 指标内容 back over the office's."""
    master, sent, tmp = setup
    edit_master(master, IND, {"E2": "绩效办修改后的内容"})
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 0
    row = by_id(master, IND)["BGS-LZ-01"]
    assert row["指标内容"] == "绩效办修改后的内容"          # the office's edit stays
    assert row["责任人"] == "张三"                          # the section's change is applied
    assert row["审核状态"] == "已审核"                       # 责任人 alone keeps the approval
    (change,) = changes(master)
    assert (change["工作表"], change["行"], change["列"], change["原值"], change["新值"],
            change["指标编号"], change["分发时值"], change["标记"]) == \
        (IND, 2.0, "责任人", "BGS责任人1", "张三", "BGS-LZ-01", "BGS责任人1", "")


def test_both_sides_changed_one_cell_is_a_conflict_and_the_master_value_stays(setup, capsys):
    master, sent, tmp = setup
    edit_master(master, IND, {"E2": "绩效办的版本"})
    back = fill(sent, tmp / "back", {IND: {"E2": "科室的版本", "J3": "李四"}})
    capsys.readouterr()
    # a conflict needs the office's attention: exit 1, yet the rest is merged
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 1
    printed = capsys.readouterr().out
    assert "冲突 1 处" in printed.splitlines()[-1]            # the summary line counts it
    ind = by_id(master, IND)
    assert ind["BGS-LZ-01"]["指标内容"] == "绩效办的版本"
    assert ind["BGS-LZ-01"]["审核状态"] == "已审核"           # a conflict is no content change
    assert ind["BGS-LZ-02"]["责任人"] == "李四"
    conflict, applied = sorted(changes(master), key=lambda r: r["标记"], reverse=True)
    # 原值 = the master's (kept), 新值 = the returned (not imported), 分发时值 = the base
    assert (conflict["行"], conflict["列"], conflict["原值"], conflict["新值"],
            conflict["分发时值"], conflict["标记"]) == \
        (2.0, "指标内容", "绩效办的版本", "科室的版本", "办公室内容1", "冲突:保留主工作簿的值")
    assert (applied["列"], applied["新值"], applied["标记"]) == ("责任人", "李四", "")
    receipts = grid(master, c.Receipts.SHEET)
    assert int(receipts[1][5]) == 1                            # 变更数: the applied one only
    lines = receipt_lines(tmp / "rc", BGS_RECEIPT)
    assert lines[5][1] == "已接收,更新 1 处,冲突 1 处(保留主工作簿的值,见下表)"
    (line,) = [l for l in lines if l[2] == "冲突"]
    assert line[:2] == [IND, "E2"] and line[4:] == ["绩效办的版本", "科室的版本"]
    assert "分发时为“办公室内容1”" in line[3]


def test_same_value_on_both_sides_is_no_conflict(setup):
    master, sent, tmp = setup
    edit_master(master, IND, {"E2": "双方一致的新内容"})
    back = fill(sent, tmp / "back", {IND: {"E2": "双方一致的新内容", "J2": "王五"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 0
    assert [(r["列"], r["新值"]) for r in changes(master)] == [("责任人", "王五")]
    assert by_id(master, IND)["BGS-LZ-01"]["指标内容"] == "双方一致的新内容"


def test_a_cell_the_section_left_as_distributed_is_never_written(setup):
    """The office cleared BGS-LZ-03's 责任人 and edited a key task's 完成时限;
    a return touching neither must write neither back."""
    master, sent, tmp = setup
    edit_master(master, IND, {"J4": None})
    edit_master(master, c.KeyTasks.SHEET, {"F2": "2014-11-30"})
    back = fill(sent, tmp / "back", {c.KeyTasks.SHEET: {"L2": "完成"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 0
    assert by_id(master, IND)["BGS-LZ-03"]["责任人"] == ""
    key = by_id(master, c.KeyTasks.SHEET)["BGS-ZD-01"]
    assert key["完成时限"] == "2014-11-30" and key["完成情况"] == "完成"
    assert [(r["列"], r["新值"]) for r in changes(master)] == [("完成情况", "完成")]


def test_a_later_return_may_change_what_the_sections_earlier_return_set(setup):
    """The master's 指标内容 differs from the base because this section's own
    first return set it: its second return changing it again is no conflict
    (read back from 回收变更 in a later run). An office edit in between is."""
    master, sent, tmp = setup
    v1 = fill(sent, tmp / "v1", {IND: {"E2": "第一版", "E3": "第一版2"}})
    assert run_cli("collect", master, v1, "--receipts", tmp / "rc1") == 0
    edit_master(master, IND, {"E3": "绩效办改过"})
    v2 = fill(sent, tmp / "v2", {IND: {"E2": "第二版", "E3": "第二版2"}})
    assert run_cli("collect", master, v2, "--receipts", tmp / "rc2") == 1
    ind = by_id(master, IND)
    assert ind["BGS-LZ-01"]["指标内容"] == "第二版"
    assert ind["BGS-LZ-02"]["指标内容"] == "绩效办改过"
    last = changes(master)[-2:]
    assert [(r["行"], r["原值"], r["新值"], r["标记"]) for r in last] == \
        [(2.0, "第一版", "第二版", ""), (3.0, "绩效办改过", "第二版2", "冲突:保留主工作簿的值")]


def test_approved_content_change_still_returns_to_draft(setup):
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"F2": "新的评分标准"}})
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 0
    row = by_id(master, IND)["BGS-LZ-01"]
    assert row["评分标准"] == "新的评分标准" and row["审核状态"] == "草拟"


def test_a_forged_base_breaks_the_signature(setup):
    """The base travels in the file: rewriting it (to make a stale value look
    like the section's change) breaks the HMAC and the file is refused."""
    from mail_fixtures import parts, rewrite_zip
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    custom = parts(back)["docProps/custom.xml"].decode()
    forged = custom.replace("办公室内容1", "伪造的底稿")
    assert forged != custom
    bad = rewrite_zip(back, tmp / "forged.xlsx", replace={"docProps/custom.xml": forged.encode()})
    digest = sha(master)
    assert run_cli("collect", master, bad, "--receipts", tmp / "rc") == 1
    assert sha(master) == digest
    assert "校验码不符" in str(receipt_lines(tmp / "rc", BGS_RECEIPT))


def test_a_column_the_master_lacks_is_said_once_and_only_where_filled(setup):
    """The office dropped the optional 责任人 column from its master: a
    return filling two 责任人 cells gets one line about it, not one per row
    and column (a province's 200 receipts were 11,000 such lines)."""
    from openpyxl import load_workbook
    master, sent, tmp = setup
    wb = load_workbook(master)
    wb[IND].delete_cols(10)                                # J: 责任人
    wb.save(master)
    back = fill(sent, tmp / "back", {IND: {"J2": "张三", "J3": "李四", "E2": "新内容"}})
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 1
    lines = [l for l in receipt_lines(tmp / "rc", BGS_RECEIPT)[8:] if l[2] == "未导入"]
    assert [(l[1], l[3]) for l in lines] == \
        [("J2", "主工作簿“履职管理指标”表没有“责任人”列,该列的内容未导入;如需汇总请联系绩效办。")]
    assert by_id(master, IND)["BGS-LZ-01"]["指标内容"] == "新内容"


def test_a_base_with_long_runs_of_spaces_survives_the_property_limit(tmp_path):
    """The base is cut into 255-character custom properties and readers strip
    a property's ends: a cell holding 300 spaces (or an ideographic space at
    a cut) must still verify, not be refused as tampered."""
    master = build_master(tmp_path / "master.xlsx")
    spaced = "甲" + " " * 300 + "乙\u3000丙"
    edit_master(master, IND, {"E2": spaced, "F2": "　" * 260})
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD) == 0
    back = fill(tmp_path / "out" / BGS_FILE, tmp_path / "back", {IND: {"J2": "张三"}})
    assert run_cli("collect", master, back, "--receipts", tmp_path / "rc") == 0
    row = by_id(master, IND)["BGS-LZ-01"]
    assert row["责任人"] == "张三" and row["指标内容"] == spaced
