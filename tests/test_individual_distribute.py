"""distribute with 人员 (SPEC 8, issue 10 item 7): each section workbook
carries its own staff (人员 locked), 个人指标 (drafts, new rows), 个人扣加分 and
个人月度评定 of the period's months, 个人年度评定 for the year and Q4; drop-downs,
the 0.1 rule and the signed base cover them. The master of mail_fixtures
with add_staff: 办公室 BGS01/BGS02, 人事科 RSK01, 综合科 ZHK01, 轻纺科 nobody."""
from __future__ import annotations

import pytest
import python_calamine
from openpyxl import load_workbook

from lyciq_xl import contract as c
from lyciq_xl.mail import integrity
from lyciq_xl.mail.untrusted import open_untrusted
from mail_fixtures import build_master, distributed_staff, grid, run_cli

SECTION_SHEETS = ["填报说明", "履职管理指标", "重点指标", "扣分记录", "考核结果"]


@pytest.fixture
def q3(tmp_path):
    return distributed_staff(tmp_path)


def test_own_staff_and_the_quarters_rows_only(q3):
    _master, book, _tmp = q3
    names = python_calamine.CalamineWorkbook.from_path(str(book)).sheet_names
    # Q3 is not the year end: no 个人年度评定
    assert names == SECTION_SHEETS + ["人员", "个人指标", "个人扣加分", "个人月度评定"]
    assert [r[:3] for r in grid(book, c.Staff.SHEET)[1:]] == [["BGS01", "张明", "办公室"],
                                                              ["BGS02", "李华", "办公室"]]
    assert [r[2] for r in grid(book, c.PersonalIndicators.SHEET)[1:]] == ["BGS01-1", "BGS02-1"]
    # of 办公室's three records only July's and August's are in Q3 (February and
    # October are not); 人事科's July record is not 办公室's
    records = grid(book, c.PersonalRecords.SHEET)
    assert [r[:6] for r in records[1:] if any(r)] == [
        ["2014-07", "BGS01", "BGS01-1", "扣分", 0.5, "公文错字"],
        ["2014-08", "BGS02", "BGS02-1", "加分", 1.0, "信息被采用"]]
    assert [r[:3] for r in grid(book, c.MonthlyReviews.SHEET)[1:] if any(r)] == [
        ["2014-07", "BGS01", "好"]]


def test_locks_new_rows_and_drop_downs(q3):
    _master, book, _tmp = q3
    wb = load_workbook(book)
    staff = wb[c.Staff.SHEET]
    assert staff.protection.sheet and all(cell.protection.locked for row in staff["A2:H3"]
                                          for cell in row)
    ws = wb[c.PersonalRecords.SHEET]
    # existing rows 2-3: 考核月份/人员/个人指标编号/类型 (A-D) locked, 分值…状态 (E-H) open
    assert all(ws[f"{col}2"].protection.locked for col in "ABCD")
    assert not any(ws[f"{col}2"].protection.locked for col in "EFGH")
    # new rows: 2 staff × 3 months × 2 = 12, rows 4-15, every column open; row 16 locked
    assert not ws["A4"].protection.locked and not ws["A15"].protection.locked
    assert ws["A16"].protection.locked
    assert ws["A4"].number_format == "@"                       # a typed 2014-07 stays text
    rules = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert rules['"2014-07,2014-08,2014-09"'] == "A4:A15"      # the period's months
    assert rules["'人员'!$A$2:$A$3"] == "B4:B15"               # the section's own 人员编号
    assert rules['"扣分,加分"'] == "D4:D15"
    assert rules['"有效,撤销"'] == "H2:H3 H4:H15"        # existing rows, new rows
    assert rules["AND(ISNUMBER(E2),E2>0,ROUND(E2*10,0)=E2*10)"] == "E2:E3 E4:E15"
    reviews = wb[c.MonthlyReviews.SHEET]
    grades = {dv.formula1: str(dv.sqref) for dv in reviews.data_validations.dataValidation}
    # one existing row; new rows 2 staff × 3 months = 6 -> at least 10: rows 3-12
    assert grades['"好,较好,一般,较差"'] == "C2 C3:C12"
    assert wb[c.PersonalIndicators.SHEET]["E2"].protection.locked is False   # 对应科室指标
    assert wb[c.PersonalIndicators.SHEET]["H2"].protection.locked            # 审核状态
    # the 人员 list holds the ids; selecting such a cell shows whose they are
    for sheet in (c.PersonalRecords.SHEET, c.MonthlyReviews.SHEET, c.PersonalIndicators.SHEET):
        (dv,) = [dv for dv in wb[sheet].data_validations.dataValidation
                 if dv.formula1 == "'人员'!$A$2:$A$3"]
        assert (dv.showInputMessage, dv.promptTitle, dv.prompt) == (
            True, "人员", "人员编号 姓名:BGS01 张明、BGS02 李华"), sheet


def test_the_people_prompt_stops_at_excels_255_characters_on_a_whole_entry():
    from lyciq_xl.engine.individual.records import Person
    from lyciq_xl.mail.personal import people_prompt
    from lyciq_xl.model import Section
    office = Section("BGS", "办公室", "行政", "行政")
    people = [Person(f"BGS{i:02d}", f"职工{i:02d}", office, None, None, "在岗", None, None, i + 1)
              for i in range(1, 41)]
    text = people_prompt(people)
    # "人员编号 姓名:" (8) + "BGS01 职工01" (10) + 20 × "、BGSnn 职工nn" (11) = 238, and the
    # 12-character ending makes 250; a 22nd entry would make 261 > 255
    assert text == ("人员编号 姓名:" + "、".join(f"BGS{i:02d} 职工{i:02d}" for i in range(1, 22))
                    + "……(全部见“人员”表)")
    assert len(text) <= 255
    assert people_prompt(people[:2]) == "人员编号 姓名:BGS01 职工01、BGS02 职工02"


def test_inputs_are_the_signed_base_and_staff_is_locked_content(q3):
    _master, book, _tmp = q3
    signed = open_untrusted(book.name, book.read_bytes())
    base = integrity.decode_base(signed.props, integrity.INPUT_COLUMNS)
    assert base[(c.PersonalRecords.SHEET, "E2")] == "0.5"
    assert base[(c.PersonalRecords.SHEET, "F3")] == "信息被采用"
    assert base[(c.MonthlyReviews.SHEET, "C2")] == "好"
    assert (c.Staff.SHEET, "B2") not in base
    rows = integrity.decode_rows(signed.props[c.SectionBook.PROP_ROWS], c.PersonalBook.SHEETS
                                 + tuple(SECTION_SHEETS))
    assert rows[c.Staff.SHEET] == 3 and rows[c.PersonalRecords.SHEET] == 3
    locked = integrity.locked_cells(signed.sheets, rows)
    assert locked[(c.Staff.SHEET, "B3")] == "李华"
    assert locked[(c.PersonalRecords.SHEET, "A2")] == "2014-07"
    assert (c.PersonalRecords.SHEET, "E2") not in locked


def test_year_end_carries_the_annual_sheet_and_sections_without_staff_none(tmp_path):
    master, book, _tmp = distributed_staff(tmp_path, "2014Q4")
    assert [r[:3] for r in grid(book, c.AnnualReviews.SHEET)[1:] if any(r)] == [
        ["2014", "BGS01", "优秀"]]
    # Q4's months: only October's record
    assert [r[0] for r in grid(book, c.PersonalRecords.SHEET)[1:] if any(r)] == ["2014-10"]
    qfk = python_calamine.CalamineWorkbook.from_path(
        str(tmp_path / "out" / "轻纺科_2014Q4_绩效填报.xlsx")).sheet_names
    assert qfk == SECTION_SHEETS                               # 轻纺科 has no staff


def test_a_master_without_staff_distributes_as_before(tmp_path):
    master = build_master(tmp_path / "m.xlsx")
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", "2014Q3") == 0
    book = tmp_path / "out" / "办公室_2014Q3_绩效填报.xlsx"
    assert python_calamine.CalamineWorkbook.from_path(str(book)).sheet_names == SECTION_SHEETS
    assert not any("个人" in line[0] for line in grid(book, c.SectionBook.GUIDE_SHEET))
