"""recalc and explain on real files with the individual sheets (SPEC 8):
个人考核结果 written and formatted, P findings linked in 校验结果, a missing
required column is exit 2 with nothing written, and a master without 人员
recalculates exactly as before."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from cli_fixtures import assert_clean_exit2, lyciq
from individual_fixtures import person, pind, rec, rev
from lyciq_xl import contract as c

STAFF = [person("B1", "李一", "BGS"), person("B2", "李二", "BGS"),
         person("B3", "李三", "BGS"), person("B4", "李四", "BGS")]
SHEETS = {
    c.Staff: STAFF,
    c.PersonalIndicators: [pind("BGS", r[0], f"{r[0]}-1", "BGS-LZ-02") for r in STAFF],
    c.PersonalRecords: [rec("2014-01", "B1", "B1-1", "加分", 3, "获市级表彰"),
                        rec("2014-01", "B1", "B1-1", "加分", 2.5, "信息被省局采用"),
                        rec("2014-01", "B1", "B1-1", "扣分", 1.2, "公文差错"),
                        rec("2014-01", "B2", "B2-1", "扣分", 0.05, "误填")],     # P04 E5
    c.MonthlyReviews: [rev("2014-01", pid, "好") for pid in ("B1", "B2", "B3", "B4")],
}


def strip_individual(path, out):
    book = openpyxl.load_workbook(path)
    for spec in c.INDIVIDUAL_SHEETS + (c.PersonalResults,):
        if spec.SHEET in book.sheetnames:
            del book[spec.SHEET]
    book.save(out)
    return out


def with_individual(path, out, sheets=SHEETS, drop=None):
    strip_individual(path, out)
    book = openpyxl.load_workbook(out)
    for spec, rows in sheets.items():
        ws = book.create_sheet(spec.SHEET)
        ws.append([h for h in spec.COLUMNS if h != drop])
        for r in rows:
            ws.append([v for h, v in zip(spec.COLUMNS, r) if h != drop])
    book.save(out)
    return out


def values(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.fixture
def pair(sample_master, tmp_path):
    plain = strip_individual(sample_master, tmp_path / "无个人.xlsx")
    full = with_individual(sample_master, tmp_path / "有个人.xlsx")
    for path in (plain, full):
        assert lyciq("recalc", path).returncode == 1        # the sample's planted errors
    return plain, full


def test_personal_results_sheet_is_written_and_formatted(pair):
    _, full = pair
    rows = values(full, c.PersonalResults.SHEET)
    assert tuple(rows[0]) == c.PersonalResults.COLUMNS
    # 办公室's latest month is January: one month row and the annual row each.
    # B1: 100 − 1.2 + min(3 + 2.5, 5) = 103.8; B2: its only row is P04 -> 100, 待核 1
    assert rows[1] == ["2014-01", "B1", "李一", "办公室", 100.0, 1.2, 5.0, 103.8, "好", "", "", 0.0]
    assert rows[2][:9] == ["2014", "B1", "李一", "办公室", "", 1.2, 5.0, 103.8, "优秀"]
    assert rows[3][7:] == [100.0, "好", "", "", 1.0]
    assert len(rows) == 1 + 4 * 2
    with zipfile.ZipFile(full) as z:
        names = openpyxl.load_workbook(full).sheetnames
        xml = z.read(f"xl/worksheets/sheet{names.index(c.PersonalResults.SHEET) + 1}.xml").decode()
    assert 'state="frozen"' in xml and 'ySplit="1"' in xml


def test_p_finding_is_linked_in_findings(pair):
    _, full = pair
    book = openpyxl.load_workbook(full)
    ws = book[c.Findings.SHEET]
    hits = [r for r in ws.iter_rows(min_row=2) if r[3].value == "P04"]
    assert [(r[1].value, r[2].value) for r in hits] == [("个人扣加分", "E5")]
    assert hits[0][2].hyperlink.location == "'个人扣加分'!E5"


def test_without_staff_the_owned_sheets_are_as_before(pair):
    plain, full = pair
    assert c.PersonalResults.SHEET not in openpyxl.load_workbook(plain).sheetnames
    for sheet in (c.Results.SHEET, c.ServiceDetail.SHEET):
        assert values(plain, sheet) == values(full, sheet)
    plain_findings = values(plain, c.Findings.SHEET)
    full_findings = [r for r in values(full, c.Findings.SHEET) if not r[3].startswith("P")]
    assert plain_findings == full_findings and len(plain_findings) > 1


def test_missing_required_column_is_exit_2_nothing_written(sample_master, tmp_path):
    path = with_individual(sample_master, tmp_path / "缺列.xlsx", drop=c.PersonalRecords.POINTS)
    before = path.read_bytes()
    result = lyciq("recalc", path)
    assert_clean_exit2(result, "个人扣加分", "分值")
    assert path.read_bytes() == before


def test_explain_a_person(pair):
    _, full = pair
    result = lyciq("explain", full, "李一")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "李一(B1),办公室" in out and "事由:获市级表彰" in out
    assert "加分合计 5.5 超过每月上限 5,按 5 计" in out
    assert "年度得分 = 各月得分之和 103.8 ÷ 1 个月" in out and "建议年度等次:优秀" in out
    unknown = lyciq("explain", full, "王五")
    assert_clean_exit2(unknown, "王五")
