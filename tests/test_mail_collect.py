"""collect: returned workbooks verified, merged by 科室 + 指标编号, receipts;
refusals leave the master byte-for-byte unchanged; status."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lyciq_xl import contract as c
from mail_fixtures import (
    build_master,
    by_id,
    eml,
    fill,
    grid,
    libreoffice_resave,
    parts,
    receipt_lines,
    rewrite_zip,
    run_cli,
    sha,
    sheet_parts,
)

PERIOD = "2014Q3"
BGS_FILE = f"办公室_{PERIOD}_绩效填报.xlsx"
RSK_FILE = f"人事科_{PERIOD}_绩效填报.xlsx"


@pytest.fixture
def setup(tmp_path):
    master = build_master(tmp_path / "master.xlsx")
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--out", out, "--period", PERIOD) == 0
    return master, out, tmp_path


EDITS = {
    c.Indicators.SHEET: {"E2": "新的指标内容", "J3": "王五",
                         "B5": "管理绩效", "C5": "BGS-LZ-04", "D5": "新增指标", "E5": "新增内容"},
    c.KeyTasks.SHEET: {"L2": "完成"},
}
# (sheet, master row, column, before, after): rows 2-4 are BGS in the master,
# the new indicator goes below the 12 existing rows, i.e. row 14: 10 changes.
EXPECTED_CHANGES = {
    (c.Indicators.SHEET, 2, "指标内容", "办公室内容1", "新的指标内容"),
    (c.Indicators.SHEET, 2, "审核状态", "已审核", "草拟"),     # content changed: re-approve
    (c.Indicators.SHEET, 3, "责任人", "BGS责任人2", "王五"),  # 责任人 alone does not
    (c.KeyTasks.SHEET, 2, "完成情况", "", "完成"),
    (c.Indicators.SHEET, 14, "科室", "", "办公室"),
    (c.Indicators.SHEET, 14, "审核状态", "", "草拟"),
    (c.Indicators.SHEET, 14, "绩效类别", "", "管理绩效"),
    (c.Indicators.SHEET, 14, "指标编号", "", "BGS-LZ-04"),
    (c.Indicators.SHEET, 14, "指标名称", "", "新增指标"),
    (c.Indicators.SHEET, 14, "指标内容", "", "新增内容"),
}


def check_merged(master: Path, before: dict[str, bytes], returned: Path):
    ind, key = by_id(master, c.Indicators.SHEET), by_id(master, c.KeyTasks.SHEET)
    assert ind["BGS-LZ-01"]["指标内容"] == "新的指标内容"
    assert ind["BGS-LZ-02"]["责任人"] == "王五" and ind["BGS-LZ-02"]["审核状态"] == "已审核"
    assert ind["BGS-LZ-01"]["审核状态"] == "草拟"
    assert ind["BGS-LZ-03"]["指标内容"] == "办公室内容3"            # untouched
    assert ind["BGS-LZ-04"] == {"科室": "办公室", "绩效类别": "管理绩效", "指标编号": "BGS-LZ-04",
                                "指标名称": "新增指标", "指标内容": "新增内容", "评分标准": "",
                                "考核方式": "", "考核周期": "", "考核责任部门": "", "责任人": "",
                                "审核状态": "草拟"}
    assert key["BGS-ZD-01"]["完成情况"] == "完成" and key["BGS-ZD-02"]["完成情况"] == ""
    assert ind["RSK-LZ-01"]["指标内容"] == "人事科内容1"
    changes = grid(master, c.Changes.SHEET)
    assert changes[0] == list(c.CHANGES_COLUMNS)
    got = {(r[0], int(r[1]), r[2], r[3], r[4]) for r in changes[1:]}
    assert got == EXPECTED_CHANGES
    assert {(r[5], r[6]) for r in changes[1:]} == {("办公室", returned.name)}
    receipts = grid(master, c.Receipts.SHEET)
    assert len(receipts) == 2 and receipts[1][:3] == ["办公室", PERIOD, returned.name]
    assert int(receipts[1][5]) == 10 and receipts[1][6] == sha(returned)
    # everything the merge does not own is byte-identical
    after = parts(master)
    names = sheet_parts(master)
    for sheet, part in names.items():
        if sheet not in (c.Indicators.SHEET, c.KeyTasks.SHEET, c.Receipts.SHEET, c.Changes.SHEET):
            assert after[part] == before[part], sheet


def test_round_trip_openpyxl_and_same_file_twice(setup):
    master, out, tmp = setup
    returned = fill(out / BGS_FILE, tmp / "back", EDITS)
    before = parts(master)
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc") == 0
    check_merged(master, before, returned)
    lines = receipt_lines(tmp / "rc", f"办公室_{PERIOD}_回执.xlsx")
    assert lines[5][1].startswith("已接收,更新 10 处")
    assert ["履职管理指标", "E2", "已更新", "“指标内容”已更新。", "办公室内容1", "新的指标内容"] in lines
    # the same file again: nothing changes, not even the receipt log
    digest = sha(master)
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc2") == 0
    assert sha(master) == digest
    # another section later: earlier rows of 回收记录 / 回收变更 are kept
    rsk = fill(out / RSK_FILE, tmp / "back", {c.KeyTasks.SHEET: {"L3": "未完成"}})
    assert run_cli("collect", master, rsk, "--receipts", tmp / "rc3") == 0
    assert [r[0] for r in grid(master, c.Receipts.SHEET)[1:]] == ["办公室", "人事科"]
    changes = grid(master, c.Changes.SHEET)[1:]
    assert len(changes) == 11 and changes[-1][:6] == ["重点指标", 5.0, "完成情况", "", "未完成", "人事科"]
    assert "此前已汇总" in receipt_lines(tmp / "rc2", f"办公室_{PERIOD}_回执.xlsx")[8][3]


def test_merge_matches_rows_by_id_after_master_resorted(setup):
    master, out, tmp = setup
    wb = load_workbook(master)                   # the office re-sorts: BGS rows last
    ws = wb[c.Indicators.SHEET]
    rows = [[cell.value for cell in r] for r in ws.iter_rows(min_row=2)]
    for i, values in enumerate(rows[3:] + rows[:3], start=2):
        for j, v in enumerate(values, start=1):
            ws.cell(i, j, v)
    wb.save(master)
    returned = fill(out / BGS_FILE, tmp / "back", {c.Indicators.SHEET: {"E2": "改后"}})
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc") == 0
    g = grid(master, c.Indicators.SHEET)
    assert g[10][2] == "BGS-LZ-01" and g[10][4] == "改后"     # grid index 10 = Excel row 11
    assert [r[4] for r in g[1:10]] == [f"{n}内容{k}" for n in ("人事科", "综合科", "轻纺科")
                                       for k in (1, 2, 3)]
    content, approval = grid(master, c.Changes.SHEET)[1:]
    assert content[:5] == ["履职管理指标", 11.0, "指标内容", "办公室内容1", "改后"]
    assert approval[:5] == ["履职管理指标", 11.0, "审核状态", "已审核", "草拟"]


def test_round_trip_through_libreoffice(setup):
    master, out, tmp = setup
    filled = fill(out / BGS_FILE, tmp / "filled", EDITS)
    returned = libreoffice_resave(filled, tmp)
    props = parts(returned)["docProps/custom.xml"].decode()
    assert "科室代码" in props and "校验码" in props          # LibreOffice keeps them
    ws = load_workbook(returned)[c.Indicators.SHEET]           # and protection + drop-downs
    assert ws.protection.sheet and ws["C2"].protection.locked and not ws["E2"].protection.locked
    assert any(dv.formula1 == '"履职绩效,管理绩效"' for dv in ws.data_validations.dataValidation)
    before = parts(master)
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc") == 0
    check_merged(master, before, returned)


def assert_refused(master, returned, tmp, receipt, *needles, extra=()):
    digest = sha(master)
    # a fresh folder each time: receipts are never overwritten, a second one
    # of the same name would be "…_回执(2).xlsx"
    folder = Path(tempfile.mkdtemp(prefix="rc", dir=tmp))
    assert run_cli("collect", master, returned, *extra, "--receipts", folder) == 1
    assert sha(master) == digest
    lines = receipt_lines(folder, receipt)
    assert lines[5][1].startswith("已拒收")
    text = "\n".join(" ".join(str(v) for v in line) for line in lines)
    for needle in needles:
        assert needle in text, text
    return text


def test_tampered_locked_cell_is_refused_and_named(setup):
    master, out, tmp = setup
    returned = fill(out / BGS_FILE, tmp / "back",
                    {c.Indicators.SHEET: {"D3": "改过的名称", "E2": "合法输入"}})
    text = assert_refused(master, returned, tmp, f"办公室_{PERIOD}_回执.xlsx", "校验码不符",
                          "履职管理指标 D3", "指标名称", "改过的名称")
    assert "E2" not in text and "办公室指标2" not in text    # original value not echoed


def test_tampered_approval_even_with_protection_removed(setup):
    master, out, tmp = setup
    wb = load_workbook(out / BGS_FILE)
    ws = wb[c.KeyTasks.SHEET]
    ws.protection.sheet = False                        # protection is no security
    ws["G2"] = 0.5                                     # 分值 1.5 -> 0.5
    (tmp / "back").mkdir()
    wb.save(tmp / "back" / BGS_FILE)
    assert_refused(master, tmp / "back" / BGS_FILE, tmp, f"办公室_{PERIOD}_回执.xlsx",
                   "重点指标 G2", "分值")


def test_wrong_period_is_refused(setup):
    master, out, tmp = setup
    run_cli("distribute", master, "--out", tmp / "q2", "--period", "2014Q2", "--dept", "BGS")
    assert_refused(master, tmp / "q2" / "办公室_2014Q2_绩效填报.xlsx", tmp,
                   "办公室_2014Q2_回执.xlsx", "期间“2014Q2”", extra=("--period", PERIOD))


def test_other_sections_file_under_its_name_is_taken_by_its_signature(setup):
    """Changed behaviour (issue 8, defect 9): the signed properties say who
    sent a file, its name proves nothing. 人事科's file saved under 办公室's
    name is merged as 人事科's, and the receipt notes the odd name."""
    master, out, tmp = setup
    rsk = fill(out / RSK_FILE, tmp / "filled", {c.Indicators.SHEET: {"J2": "人事科新责任人"}})
    (tmp / "back").mkdir()
    renamed = shutil.copy(rsk, tmp / "back" / BGS_FILE)
    assert run_cli("collect", master, renamed, "--receipts", tmp / "rc") == 0
    ind = by_id(master, c.Indicators.SHEET)
    assert ind["RSK-LZ-01"]["责任人"] == "人事科新责任人" and ind["BGS-LZ-01"]["责任人"] == "BGS责任人1"
    text = str(receipt_lines(tmp / "rc", f"人事科_{PERIOD}_回执.xlsx"))
    assert "看似其他科室的文件" in text and "已按人事科汇总" in text


def test_not_a_section_workbook_is_refused(setup):
    master, out, tmp = setup
    (tmp / "back").mkdir()
    shutil.copy(master, tmp / "back" / BGS_FILE)
    assert_refused(master, tmp / "back" / BGS_FILE, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx",
                   "不是绩效办分发")


def test_macro_files_are_refused(setup):
    master, out, tmp = setup
    (tmp / "back").mkdir()
    xlsm = shutil.copy(out / BGS_FILE, tmp / "back" / BGS_FILE.replace(".xlsx", ".xlsm"))
    assert_refused(master, Path(xlsm), tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "启用宏")
    vba = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                      add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})
    assert_refused(master, vba, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "宏", "vbaProject.bin")
    link = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                       add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert_refused(master, link, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "外部链接")
    ctype = parts(out / BGS_FILE)["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    renamed = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                          replace={"[Content_Types].xml": ctype})
    assert_refused(master, renamed, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "macroenabled")


def test_zip_bomb_is_refused(setup):
    master, out, tmp = setup
    (tmp / "back").mkdir()
    bomb = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                       add={"xl/media/image1.png": b"\0" * (80 * 1024 * 1024)})
    assert bomb.stat().st_size < 1024 * 1024          # 80 MB packed into < 1 MB
    assert_refused(master, bomb, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "压缩炸弹")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">&lol3;</Properties>"""


def test_billion_laughs_is_refused(setup):
    master, out, tmp = setup
    (tmp / "back").mkdir()
    lol = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                      replace={"docProps/custom.xml": BILLION_LAUGHS})
    assert_refused(master, lol, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "XML实体",
                   "docProps/custom.xml")


def test_formula_injection_is_imported_as_text(setup):
    master, out, tmp = setup
    evil = '=HYPERLINK("http://evil.example/x","点我")'
    returned = fill(out / BGS_FILE, tmp / "back",
                    {c.Indicators.SHEET: {"E2": evil, "J2": "@SUM(1+1)", "E3": "==1+1"}})
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc") == 1
    ind = by_id(master, c.Indicators.SHEET)
    assert ind["BGS-LZ-01"]["指标内容"] == evil and ind["BGS-LZ-01"]["责任人"] == "@SUM(1+1)"
    assert ind["BGS-LZ-02"]["指标内容"] == "办公室内容2"    # a real formula is not imported
    sheet_xml = parts(master)[sheet_parts(master)[c.Indicators.SHEET]].decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert re.search(r'<c r="E2"[^>]*t="inlineStr"[^>]*><is><t[^>]*>=HYPERLINK', sheet_xml)
    text = str(receipt_lines(tmp / "rc", f"办公室_{PERIOD}_回执.xlsx"))
    assert "已按文本导入" in text and "是公式,未导入" in text


def test_eml_returns_on_time_late_stale_and_status(setup, capsys):
    master, out, tmp = setup
    bgs = fill(out / BGS_FILE, tmp / "b1", {c.Indicators.SHEET: {"E2": "第二版"}})
    old = fill(out / BGS_FILE, tmp / "b0", {c.Indicators.SHEET: {"E2": "第一版"}})
    rsk = fill(out / RSK_FILE, tmp / "r", {c.Indicators.SHEET: {"E2": "人事科新内容"}})
    (tmp / "mail").mkdir()
    eml(bgs, tmp / "mail" / "a.eml", dt.datetime(2014, 10, 5, 17, 0))        # deadline day
    eml(rsk, tmp / "mail" / "b.eml", dt.datetime(2014, 10, 6, 9, 0))         # a day late
    assert run_cli("collect", master, tmp / "mail", "--receipts", tmp / "rc") == 0
    receipts = {r[0]: r for r in grid(master, c.Receipts.SHEET)[1:]}
    assert receipts["办公室"][4] == "是" and receipts["人事科"][4] == "否"
    assert receipts["办公室"][3] == dt.datetime(2014, 10, 5, 17, 0)
    # an older version arriving afterwards must not overwrite the newer one
    eml(old, tmp / "mail" / "c.eml", dt.datetime(2014, 10, 4, 9, 0))
    digest = sha(master)
    assert run_cli("collect", master, tmp / "mail" / "c.eml", "--receipts", tmp / "rc2") == 1
    assert sha(master) == digest and by_id(master, c.Indicators.SHEET)["BGS-LZ-01"]["指标内容"] == "第二版"
    capsys.readouterr()
    assert run_cli("status", master, "--period", PERIOD) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["期间", "科室代码", "科室", "分发", "回收", "收到时间", "状态", "截止日期",
                                "类型"]
    states = {line.split()[1]: line for line in table[1:]}
    assert "按期报送" in states["BGS"] and "2014-10-05 17:00" in states["BGS"]
    assert "逾期报送" in states["RSK"]
    assert "未报送(已逾期)" in states["ZHK"] and "已生成邮件" in states["ZHK"]


def test_collecting_the_distribution_folder_skips_drafts(setup, capsys):
    master, out, tmp = setup
    digest = sha(master)
    shutil.copytree(out, tmp / "copy", ignore=shutil.ignore_patterns("*.xlsx"))
    assert run_cli("collect", master, tmp / "copy", "--receipts", tmp / "rc") == 0
    printed = capsys.readouterr().out
    assert printed.count("未发送邮件草稿") == 4 and "共 0 个文件" in printed
    assert sha(master) == digest


def test_far_away_cell_is_refused_before_calamine_allocates_it(setup):
    master, out, tmp = setup
    wb = load_workbook(out / BGS_FILE)
    wb[c.Indicators.SHEET]["XFD1048576"] = "x"       # a dense read would be 1.7e10 cells
    (tmp / "back").mkdir()
    wb.save(tmp / "back" / BGS_FILE)
    assert_refused(master, tmp / "back" / BGS_FILE, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx",
                   "列数超出限制")


def test_template_version_mismatch_is_refused(setup):
    master, out, tmp = setup
    custom = parts(out / BGS_FILE)["docProps/custom.xml"].decode()
    old = re.sub(r'(name="模板版本"[^>]*><vt:lpwstr>)' + c.TEMPLATE_VERSION + '(<)', r"\g<1>0\2",
                 custom)
    assert old != custom
    (tmp / "back").mkdir()
    v0 = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                     replace={"docProps/custom.xml": old.encode()})
    assert_refused(master, v0, tmp, f"办公室_{PERIOD}_回执.xlsx", "模板版本“0”")


def test_second_version_updates_its_new_indicator_instead_of_duplicating(setup):
    master, out, tmp = setup
    v1 = fill(out / BGS_FILE, tmp / "v1", EDITS)
    assert run_cli("collect", master, v1, "--receipts", tmp / "rc") == 0
    v2_edits = dict(EDITS, **{c.Indicators.SHEET: dict(EDITS[c.Indicators.SHEET],
                                                       D5="新增指标(改)", E2="第三版")})
    v2 = fill(out / BGS_FILE, tmp / "v2", v2_edits)
    assert run_cli("collect", master, v2, "--receipts", tmp / "rc2") == 0
    ids = [r[2] for r in grid(master, c.Indicators.SHEET)[1:]]
    assert ids.count("BGS-LZ-04") == 1 and len(ids) == 13
    ind = by_id(master, c.Indicators.SHEET)
    assert ind["BGS-LZ-04"]["指标名称"] == "新增指标(改)" and ind["BGS-LZ-01"]["指标内容"] == "第三版"
    assert int(grid(master, c.Receipts.SHEET)[2][5]) == 2     # already 草拟: no re-approval
    last = grid(master, c.Changes.SHEET)[-2:]
    assert [r[:5] for r in last] == [["履职管理指标", 2.0, "指标内容", "新的指标内容", "第三版"],
                                     ["履职管理指标", 14.0, "指标名称", "新增指标", "新增指标(改)"]]


def test_sample_recalc_distribute_collect_recalc(sample_path, tmp_path):
    """On the full sample: results written by recalc, a section's return merged,
    recalc again - every sheet neither command owns keeps its exact bytes."""
    master = sample_path
    assert run_cli("recalc", master) in (0, 1)
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD) == 0
    section_file = tmp_path / "out" / BGS_FILE
    assert c.Results.SHEET in load_workbook(section_file, read_only=True).sheetnames
    key_ids = [r[1] for r in grid(section_file, c.KeyTasks.SHEET)[1:]]
    returned = fill(section_file, tmp_path / "back", {c.KeyTasks.SHEET: {"L2": "基本完成"}})
    before = parts(master)
    assert run_cli("collect", master, returned, "--receipts", tmp_path / "rc") == 0
    assert run_cli("recalc", master) in (0, 1)
    # the sample's key tasks all have an assessing department (BGS-ZD-01: 综合科), so
    # 办公室's own 完成情况 lands in the added column 自评完成情况; 综合科's 完成 stays
    done = by_id(master, c.KeyTasks.SHEET)[key_ids[0]]
    assert (done["完成情况"], done["自评完成情况"]) == ("完成", "基本完成")
    after, names = parts(master), sheet_parts(master)
    owned = set(c.OWNED_SHEETS) | {c.KeyTasks.SHEET}
    for sheet, part in names.items():
        if sheet not in owned:
            assert after[part] == before[part], sheet
    assert {r[0] for r in grid(master, c.Changes.SHEET)[1:]} == {c.KeyTasks.SHEET}


def test_arrival_time_comes_from_received_header_not_the_senders_date(setup):
    master, out, tmp = setup
    bgs = fill(out / BGS_FILE, tmp / "b", {c.Indicators.SHEET: {"E2": "补报"}})
    (tmp / "mail").mkdir()
    # the sender's client claims the deadline day, our server saw it two days later
    eml(bgs, tmp / "mail" / "a.eml", dt.datetime(2014, 10, 5, 9, 0),
        received=dt.datetime(2014, 10, 7, 8, 30))
    assert run_cli("collect", master, tmp / "mail", "--receipts", tmp / "rc") == 0
    (row,) = grid(master, c.Receipts.SHEET)[1:]
    assert row[3] == dt.datetime(2014, 10, 7, 8, 30) and row[4] == "否"


def test_new_rows_with_taken_or_repeated_ids_or_bad_values_are_skipped(setup):
    master, out, tmp = setup
    returned = fill(out / BGS_FILE, tmp / "back", {c.Indicators.SHEET: {
        "B5": "履职绩效", "C5": "RSK-LZ-01", "D5": "借用他科编号",      # another section's id
        "B6": "履职绩效", "C6": "BGS-LZ-07", "D6": "第一次",
        "B7": "履职绩效", "C7": "BGS-LZ-07", "D7": "重复编号",           # repeated in the file
        "B8": "服务绩效", "C8": "BGS-LZ-08", "D8": "类别不对",           # not 履职/管理
        "C9": "BGS-LZ-09"}})                                              # no 指标名称, 绩效类别
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert run_cli("collect", master, returned, "--receipts", tmp / "rc") == 1
    ids = [r[2] for r in grid(master, c.Indicators.SHEET)[1:]]
    assert ids.count("RSK-LZ-01") == 1 and ids.count("BGS-LZ-07") == 1
    assert "BGS-LZ-08" not in ids and "BGS-LZ-09" not in ids
    assert by_id(master, c.Indicators.SHEET)["BGS-LZ-07"]["指标名称"] == "第一次"
    lines = {(l[1], l[2]): l[3] for l in receipt_lines(tmp / "rc", f"办公室_{PERIOD}_回执.xlsx")[8:]}
    assert "已被使用" in lines[("A5", "未导入")] and "人事科" not in lines[("A5", "未导入")]
    assert "本文件中重复" in lines[("A7", "未导入")]
    assert "绩效类别须为" in lines[("A8", "未导入")]
    assert "缺少指标名称、绩效类别" in lines[("A9", "未导入")]


def test_oversized_file_is_refused_without_reading_it(setup):
    master, out, tmp = setup
    (tmp / "back").mkdir()
    big = tmp / "back" / BGS_FILE
    with open(big, "wb") as f:         # sparse: 11 MB on paper, nothing on disk
        f.truncate(11 * 1024 * 1024)
    assert_refused(master, big, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "文件过大")


def test_clearing_an_input_clears_the_master_cell(setup):
    master, out, tmp = setup
    wb = load_workbook(out / BGS_FILE)
    wb[c.Indicators.SHEET]["J4"] = None                  # 责任人 of BGS-LZ-03 erased
    (tmp / "back").mkdir()
    wb.save(tmp / "back" / BGS_FILE)
    assert run_cli("collect", master, tmp / "back" / BGS_FILE, "--receipts", tmp / "rc") == 0
    assert by_id(master, c.Indicators.SHEET)["BGS-LZ-03"]["责任人"] == ""
    (change,) = grid(master, c.Changes.SHEET)[1:]
    assert change[:5] == ["履职管理指标", 4.0, "责任人", "BGS责任人3", ""]


def test_renamed_macro_part_is_found_through_its_relationship(setup):
    master, out, tmp = setup
    rels = parts(out / BGS_FILE)["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
        b'relationships/vbaProject" Target="harmless.bin"/></Relationships>')
    (tmp / "back").mkdir()
    sneaky = rewrite_zip(out / BGS_FILE, tmp / "back" / BGS_FILE,
                         replace={"xl/_rels/workbook.xml.rels": rels},
                         add={"xl/harmless.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})
    assert_refused(master, sneaky, tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx", "宏(VBA)")


def test_cell_comments_from_excel_do_not_get_a_file_refused(setup):
    master, out, tmp = setup
    from openpyxl.comments import Comment
    wb = load_workbook(out / BGS_FILE)
    wb[c.Indicators.SHEET]["E2"] = "有批注的内容"
    wb[c.Indicators.SHEET]["E2"].comment = Comment("请绩效办留意", "科员")
    (tmp / "back").mkdir()
    wb.save(tmp / "back" / BGS_FILE)
    assert any(n.endswith(".vml") for n in parts(tmp / "back" / BGS_FILE))
    assert run_cli("collect", master, tmp / "back" / BGS_FILE, "--receipts", tmp / "rc") == 0


def test_file_with_results_view_is_accepted_when_master_has_none_now(tmp_path):
    """The workbook went out with a 考核结果 view; the office has since deleted
    that (tool-owned) sheet from the master: the file is still genuine."""
    master = build_master(tmp_path / "master.xlsx")
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD) == 0
    assert c.Results.SHEET in load_workbook(tmp_path / "out" / BGS_FILE).sheetnames
    wb = load_workbook(master)
    del wb[c.Results.SHEET]
    wb.save(master)
    returned = fill(tmp_path / "out" / BGS_FILE, tmp_path / "back", {c.Indicators.SHEET: {"J2": "新人"}})
    assert run_cli("collect", master, returned, "--receipts", tmp_path / "rc") == 0
    assert by_id(master, c.Indicators.SHEET)["BGS-LZ-01"]["责任人"] == "新人"
