"""Intake of assessor returns (SPEC section 9): valid rows land in 扣分记录 with
the right 记录号, 考核责任部门 and 考核类型; invalid ones are listed with rule and
cell; hand-typed rows are untouched; a corrected resend replaces, not doubles;
two departments never touch each other's rows; a LibreOffice re-save still
imports. Every expected value is a literal worked out from the rows below.

The master is tests/assessor_fixtures.py's: 轻纺科 (QFK) assesses ZHK-LZ-01 and
BGS-LZ-02, 办公室 (BGS) assesses RSK-LZ-03 and the key task ZHK-ZD-01; the only
standard S1 is 附件4 [0.1, 1] 履职绩效. Its 扣分记录 has four hand-typed rows
(BGS-R1 … QFK-R1, rows 2–5) and the SPEC 5 columns A–L; intake adds M 考核类型
and N 专项名称.
"""
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from assessor_fixtures import build_assessor_master
from lyciq_xl import contract as c
from lyciq_xl.mail import assessor_collect
from lyciq_xl.table import table_from_grid
from lyciq_xl.xlsxio.reader import open_workbook, sheet_grid
from mail_fixtures import SECRET, libreoffice_resave, run_cli

D = dt.date
PERIOD = "2014Q3"
RECEIVED = dt.datetime(2014, 10, 3, 9, 0)
LATER = dt.datetime(2014, 10, 4, 9, 0)
OFFICE_ROWS = [  # the four hand-typed rows of the fixture (mail_fixtures.build_master)
    ["BGS-R1", "2014Q3", D(2014, 8, 1), "办公室", "履职绩效", "BGS-LZ-01", "S1", "办公室扣分事由",
     Decimal("0.5"), "绩效办", None, "有效"],
    ["RSK-R1", "2014Q3", D(2014, 8, 1), "人事科", "履职绩效", "RSK-LZ-01", "S1", "人事科扣分事由",
     Decimal("0.5"), "绩效办", None, "有效"],
    ["ZHK-R1", "2014Q3", D(2014, 8, 1), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "综合科扣分事由",
     Decimal("0.5"), "绩效办", None, "有效"],
    ["QFK-R1", "2014Q3", D(2014, 8, 1), "轻纺科", "履职绩效", "QFK-LZ-01", "S1", "轻纺科扣分事由",
     Decimal("0.5"), "绩效办", None, "有效"],
]
# 扣分填报 columns: A 考核期 B 日期 C 科室 D 绩效类别 E 指标编号 F 标准编号 G 事由 H 扣分
# I 考核责任部门 J 依据文号 K 考核类型 L 专项名称
QFK_ROWS = [
    ["2014Q3", D(2014, 8, 5), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "出证延误", 0.5, None, "通报3号", None,
     None],  # 2
    ["2014Q3", D(2014, 9, 10), "办公室", "履职绩效", "BGS-LZ-02", "S1", "涉密文件未按规定存放", 0.3,
     None, None, "专项考核", "保密专项检查"],                                                          # 3
    ["2014Q3", D(2014, 8, 6), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "扣分不是0.1的倍数", 0.15, None, None,
     None, None],  # 4 D01 H4
    ["2014Q3", D(2014, 8, 7), "综合科", "履职绩效", "ZHK-LZ-02", "S1", "他人的指标", 0.2, None, None, None,
     None],  # 5 D13 E5
    ["2014Q2", D(2014, 5, 5), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "上季度的事", 0.2, None, None, None,
     None],  # 6 D14 A6
    ["2014Q3", D(2014, 8, 8), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "专项无名称", 0.2, None, None,
     "专项考核", None],  # 7 D11 L7
    ["2014Q3", D(2014, 10, 1), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "日期在季度外", 0.2, None, None, None,
     None],  # 8 D09 B8
    ["2014Q3", D(2014, 8, 20), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "冒名别的部门", 0.2, "人事科", None,
     None, None],  # 9 D13 I9
    ["2014Q3", D(2014, 8, 21), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "季度里的年度考核", 0.2, None, None,
     "年度考核", None],  # 10 D15 K10
]
EXPECTED_FINDINGS = {("D01", "扣分填报", "H4"), ("D13", "扣分填报", "E5"), ("D14", "扣分填报", "A6"),
                     ("D11", "扣分填报", "L7"), ("D09", "扣分填报", "B8"), ("D13", "扣分填报", "I9"),
                     ("D15", "扣分填报", "K10")}
ROW_001 = ["QFK-2014Q3-001", "2014Q3", D(2014, 8, 5), "综合科", "履职绩效", "ZHK-LZ-01", "S1", "出证延误",
           Decimal("0.5"), "轻纺科", "通报3号", "有效", "季度考核", None]
ROW_002 = ["QFK-2014Q3-002", "2014Q3", D(2014, 9, 10), "办公室", "履职绩效", "BGS-LZ-02", "S1",
           "涉密文件未按规定存放", Decimal("0.3"), "轻纺科", None, "有效", "专项考核", "保密专项检查"]


@pytest.fixture
def setup(tmp_path):
    master = build_assessor_master(tmp_path / "主工作簿.xlsx")
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--assessors", "--period", PERIOD, "--out", out) == 0
    return master, out


def fill(book, rows, dest, sheet="扣分填报"):
    """The department fills its workbook (as Excel would save it)."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    for r in range(2, ws.max_row + 1):
        for cell in ws[r]:
            cell.value = None
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            ws.cell(r, col).value = value
    wb.save(dest)
    return dest


def deductions(master):
    """扣分记录 as rows of every column, A to N (missing columns as None)."""
    book = open_workbook(master)
    t = table_from_grid(c.Deductions.SHEET, sheet_grid(book, c.Deductions.SHEET))
    return [[r[h] for h in c.Deductions.COLUMNS] for r in t.rows]


def collect(master, *files_and_times):
    tables = assessor_collect.read_master(master)
    returns = []
    for path, when in files_and_times:
        book, digest = assessor_collect.open_return(path)
        returns.append((book, digest, when))
    result = assessor_collect.run(tables, returns, SECRET)
    assessor_collect.write(master, result)
    return result


def office(rows):
    return [r[:12] + [None, None] for r in OFFICE_ROWS]


def test_valid_rows_land_invalid_ones_are_listed_hand_typed_rows_untouched(setup, tmp_path):
    master, out = setup
    ret = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS, tmp_path / "轻纺科回复.xlsx")
    run = collect(master, (ret, RECEIVED))
    (result,) = run.results
    assert result.accepted and result.dept.code == "QFK" and str(result.period) == PERIOD
    assert {(f.rule, f.sheet, f.cell) for f in result.findings if f.is_error} == EXPECTED_FINDINGS
    assert all(f.message.endswith("。") and "请" in f.message for f in result.findings)   # says how to fix
    assert deductions(master) == office(OFFICE_ROWS) + [ROW_001, ROW_002]
    book = open_workbook(master)
    registry = sheet_grid(book, c.AssessorImports.SHEET)
    assert registry[0] == list(c.AssessorImports.COLUMNS)
    assert [r[:3] + [r[4], r[5]] for r in registry[1:]] == [
        ["QFK-2014Q3-001", "轻纺科", "2014Q3", "2014-10-03 09:00:00", "扣分记录"],
        ["QFK-2014Q3-002", "轻纺科", "2014Q3", "2014-10-03 09:00:00", "扣分记录"]]


def test_a_corrected_resend_replaces_not_doubles(setup, tmp_path):
    master, out = setup
    first = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS, tmp_path / "第一次.xlsx")
    collect(master, (first, RECEIVED))
    corrected = [list(QFK_ROWS[0]), list(QFK_ROWS[2])]
    corrected[0][7] = 0.6                      # 001: 扣分 0.5 → 0.6 (matched, updated)
    corrected[1][7] = 0.2                      # the D01 row fixed: new, 003
    # QFK_ROWS[1] (002) is left out: set to 撤销, never deleted
    second = fill(out / "轻纺科_2014Q3_考核填报.xlsx", corrected, tmp_path / "第二次.xlsx")
    run = collect(master, (second, LATER))
    assert run.results[0].findings == []
    row_003 = ["QFK-2014Q3-003", "2014Q3", D(2014, 8, 6), "综合科", "履职绩效", "ZHK-LZ-01", "S1",
               "扣分不是0.1的倍数", Decimal("0.2"), "轻纺科", None, "有效", "季度考核", None]
    assert deductions(master) == office(OFFICE_ROWS) + [
        ROW_001[:8] + [Decimal("0.6")] + ROW_001[9:], ROW_002[:11] + ["撤销"] + ROW_002[12:], row_003]
    # the same corrected file again changes nothing
    run = collect(master, (second, LATER))
    assert run.results[0].events == [] and run.patches == {}


def test_two_departments_do_not_touch_each_others_rows(setup, tmp_path):
    master, out = setup
    qfk = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS[:1], tmp_path / "qfk.xlsx")
    bgs_rows = [["2014Q3", D(2014, 7, 15), "人事科", "管理绩效", "RSK-LZ-03", "S1", "办公室考核人事科", 0.1,
                 None, None, None, None]]
    bgs = fill(out / "办公室_2014Q3_考核填报.xlsx", bgs_rows, tmp_path / "bgs.xlsx")
    run = collect(master, (qfk, RECEIVED), (bgs, RECEIVED))
    # RSK-LZ-03 is 人事科's 管理绩效 indicator; S1 applies to 履职绩效 only → D04, nothing imported
    assert [(f.rule, f.cell) for f in run.results[1].findings] == [("D04", "D2")]
    bgs_rows[0][3] = "履职绩效"
    bgs = fill(out / "办公室_2014Q3_考核填报.xlsx", bgs_rows, tmp_path / "bgs2.xlsx")
    run = collect(master, (bgs, LATER))
    # 履职绩效 RSK-LZ-03 is no indicator of 人事科 (LZ-03 is 管理绩效) → D07
    assert [(f.rule, f.cell) for f in run.results[0].findings] == [("D07", "E2")]
    bgs_rows[0][3], bgs_rows[0][5] = "管理绩效", "S1"
    wb = openpyxl.load_workbook(master)                        # the office widens S1 to 管理绩效 too
    wb[c.Standards.SHEET]["H2"] = "履职绩效,管理绩效"
    wb.save(master)
    bgs = fill(out / "办公室_2014Q3_考核填报.xlsx", bgs_rows, tmp_path / "bgs3.xlsx")
    collect(master, (bgs, LATER))
    row_bgs = ["BGS-2014Q3-001", "2014Q3", D(2014, 7, 15), "人事科", "管理绩效", "RSK-LZ-03", "S1",
               "办公室考核人事科", Decimal("0.1"), "办公室", None, "有效", "季度考核", None]
    assert deductions(master) == office(OFFICE_ROWS) + [ROW_001, row_bgs]
    # 轻纺科 resends with nothing: its 001 is withdrawn, 办公室's row and the office's are untouched
    empty = fill(out / "轻纺科_2014Q3_考核填报.xlsx", [], tmp_path / "qfk-empty.xlsx")
    collect(master, (empty, LATER))
    assert deductions(master) == office(OFFICE_ROWS) + [ROW_001[:11] + ["撤销"] + ROW_001[12:], row_bgs]


def test_an_office_edit_since_the_import_is_a_conflict_not_overwritten(setup, tmp_path):
    master, out = setup
    first = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS[:2], tmp_path / "a.xlsx")
    collect(master, (first, RECEIVED))
    wb = openpyxl.load_workbook(master)
    wb[c.Deductions.SHEET]["I7"] = 0.2                        # the office lowers 002 by hand
    wb.save(master)
    second = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS[:1], tmp_path / "b.xlsx")   # 002 left out
    run = collect(master, (second, LATER))
    (conflict,) = [e for e in run.results[0].events if e.conflict]
    assert conflict.record_no == "QFK-2014Q3-002" and "绩效办在导入后修改过该行" in conflict.detail
    assert deductions(master)[5] == ROW_002[:8] + [Decimal("0.2")] + ROW_002[9:]      # still 有效, 0.2


def test_an_empty_return_counts_as_returned(setup, tmp_path):
    master, out = setup
    run = collect(master, (out / "轻纺科_2014Q3_考核填报.xlsx", RECEIVED))   # sent back as distributed
    (result,) = run.results
    assert result.accepted and result.empty and result.on_time      # 2014-10-03 ≤ 2014-10-05
    assert deductions(master) == office(OFFICE_ROWS)


def test_tampered_reference_or_forged_kind_is_refused(setup, tmp_path):
    master, out = setup
    wb = openpyxl.load_workbook(out / "轻纺科_2014Q3_考核填报.xlsx")
    wb["考核指标"]["C2"] = "QFK-LZ-01"                        # claim its own indicator
    wb.save(tmp_path / "forged.xlsx")
    run = collect(master, (tmp_path / "forged.xlsx", RECEIVED))
    assert run.results[0].refused.startswith("锁定内容或文件属性被改动")
    assert deductions(master) == office(OFFICE_ROWS)


def test_a_formula_is_never_imported(setup, tmp_path):
    master, out = setup
    rows = [list(QFK_ROWS[0])]
    rows[0][6] = '=HYPERLINK("http://x.invalid","出证延误")'
    ret = fill(out / "轻纺科_2014Q3_考核填报.xlsx", rows, tmp_path / "f.xlsx")
    run = collect(master, (ret, RECEIVED))
    assert [(f.rule, f.cell) for f in run.results[0].findings] == [("公式", "G2")]
    assert deductions(master) == office(OFFICE_ROWS)


def test_libreoffice_resaved_return_imports(setup, tmp_path):
    master, out = setup
    ret = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS[:2], tmp_path / "轻纺科回复.xlsx")
    resaved = libreoffice_resave(ret, tmp_path)
    run = collect(master, (resaved, RECEIVED))
    assert run.results[0].accepted and run.results[0].findings == []
    assert deductions(master) == office(OFFICE_ROWS) + [ROW_001, ROW_002]


def test_collect_recognises_an_assessor_return_and_writes_its_receipt(setup, tmp_path):
    """Through `lyciq-xl collect`: the signed identity routes the file to the
    assessor intake; the receipt carries the 类型 in its name and lists each bad
    row with sheet, cell and rule; 回收记录 records the 类型."""
    master, out = setup
    ret = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS, tmp_path / "随便起的名字.xlsx")
    receipts = tmp_path / "回执"
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert run_cli("collect", master, ret, "--receipts", receipts) == 1
    assert deductions(master) == office(OFFICE_ROWS) + [ROW_001, ROW_002]
    (receipt,) = receipts.iterdir()
    assert receipt.name == "轻纺科_2014Q3_考核填报_回执.xlsx"
    rows = [r for r in sheet_grid(open_workbook(receipt), "回执") if r and r[0] == "扣分填报"]
    listed = {(r[1], r[3].split("]")[0].lstrip("[")) for r in rows}
    assert listed == {(cell, rule) for rule, _s, cell in EXPECTED_FINDINGS}
    book = open_workbook(master)
    log = table_from_grid(c.Receipts.SHEET, sheet_grid(book, c.Receipts.SHEET))
    (row,) = log.rows
    assert (row["科室"], row["期间"], row["类型"]) == ("轻纺科", "2014Q3", "考核填报")
    changes = table_from_grid(c.Changes.SHEET, sheet_grid(book, c.Changes.SHEET))
    assert sorted(r["新值"] for r in changes.rows) == ["QFK-2014Q3-001", "QFK-2014Q3-002"]   # rows added


def test_status_shows_each_assessing_departments_return_beside_the_sections(setup, tmp_path, capsys):
    master, out = setup
    ret = fill(out / "轻纺科_2014Q3_考核填报.xlsx", QFK_ROWS[:1], tmp_path / "r.xlsx")
    assert run_cli("collect", master, ret, "--receipts", tmp_path / "rc") == 0
    capsys.readouterr()
    assert run_cli("status", master, "--period", PERIOD) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert lines[0][-1] == "类型"
    sections = [line for line in lines[1:] if line[-1] == "科室填报"]
    assessors = {line[1]: line for line in lines[1:] if line[-1] == "考核填报"}
    assert [line[1] for line in sections] == ["BGS", "RSK", "ZHK", "QFK"]
    assert sorted(assessors) == ["BGS", "QFK", "RSK"]          # tests/assessor_fixtures.py
    # 轻纺科 returned once (collected today, after the 2014-10-05 deadline: 逾期); the others not
    assert assessors["QFK"][3:5] == ["已生成邮件", "1次"] and "逾期报送" in assessors["QFK"]
    assert assessors["BGS"][3:5] == ["已生成邮件", "否"] and "未报送(已逾期)" in assessors["BGS"]
    # the section 轻纺科 itself has not returned: its own row is untouched by the assessor return
    qfk_section = next(line for line in sections if line[1] == "QFK")
    assert qfk_section[3:5] == ["未分发", "否"]
