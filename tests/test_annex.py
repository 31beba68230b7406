"""Annex 1/2/3 generators: content, order, subtotals, print setup (read back
from real .xlsx files with openpyxl). LibreOffice runs live in
test_annex_render.py."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from annex_fixtures import build_master
from lyciq_xl.annex import framework, indicators, key_tasks, layout
from lyciq_xl.annex.source import Source
from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio.safefile import save_workbook

APPROVED_ANNEX2 = ["BGS-L01", "BGS-L02", "BGS-G01",    # 办公室: 履职 then 管理
                   "QFK-L01", "QFK-L02", "QFK-G01",    # 轻纺科 (管理 first in the sheet)
                   "JYK-L01"]                          # 检疫科 (its 管理 row is a draft)
WITH_DRAFTS_ANNEX2 = ["BGS-L01", "BGS-L02", "BGS-L03", "BGS-G01",
                      "QFK-L01", "QFK-L02", "QFK-G01", "JYK-L01", "JYK-G01"]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Source:
    return Source.from_path(build_master(tmp_path_factory.mktemp("m") / "master.xlsx"))


def _save(book, tmp_path: Path, name: str):
    path = tmp_path / f"{name}.xlsx"
    save_workbook(book, path)
    return load_workbook(path).active


def _table(ws, first_header: str = "序号"):
    """(header row number, headers, data rows as lists) read back from a sheet."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == first_header:
            header_row = row[0].row
            break
    else:
        raise AssertionError("header row not found")
    headers = [c.value for c in ws[header_row]]
    rows = []
    for r in range(header_row + 1, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, len(headers) + 1)]
        if ws.cell(r, 1).border.left.style != "thin":   # left the bordered table
            break
        rows.append(values)
    return header_row, headers, rows


def test_annex2_rows_and_order_are_the_approved_indicators(source, tmp_path):
    ws = _save(indicators.workbook(source), tmp_path, "a2")
    header_row, headers, rows = _table(ws)
    assert headers == ["序号", "科室", "绩效类别", "指标编号", "指标名称", "指标内容", "评分标准",
                       "考核方式", "考核周期", "考核责任部门", "责任人"]
    assert [r[3] for r in rows] == APPROVED_ANNEX2
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert not any("草拟" in (r[4] or "") for r in rows)
    # 科室 merged over its rows, 绩效类别 over its run (rows 5.. are the body)
    merged = {str(m) for m in ws.merged_cells.ranges}
    first = header_row + 1
    assert f"B{first}:B{first + 2}" in merged            # 办公室 ×3
    assert f"C{first}:C{first + 1}" in merged            # 办公室 履职绩效 ×2
    assert ws.cell(first, 2).value == "办公室"
    # 轻纺科 (rows 8-10) is cut by the page break after row 9 (5 long rows fit on
    # page 1): each piece is its own merge and shows the label again
    assert [b.id for b in ws.row_breaks.brk][:1] == [first + 4]
    assert f"B{first + 3}:B{first + 4}" in merged
    assert ws.cell(first + 3, 2).value == ws.cell(first + 5, 2).value == "轻纺科"


def test_group_split_at_page_breaks():
    assert layout._split(5, 7, []) == [(5, 7)]
    assert layout._split(8, 10, [9]) == [(8, 9)]              # row 10 stands alone: no merge
    assert layout._split(8, 14, [9, 12]) == [(8, 9), (10, 12), (13, 14)]
    assert layout._split(8, 10, [10, 20]) == [(8, 10)]        # break after the group


def test_annex2_drafts_only_when_asked_and_marked(source, tmp_path):
    doc = indicators.build(source, include_drafts=True)
    ids = [line.cells[3] for line in doc.blocks[0].lines]
    assert ids == WITH_DRAFTS_ANNEX2
    drafts = [line for line in doc.blocks[0].lines if line.kind == "draft"]
    assert [d.cells[4] for d in drafts] == ["【草拟】档案管理规范", "【草拟】检疫科廉政建设"]


def test_unknown_section_rows_are_skipped_and_noted(source):
    doc = indicators.build(source)
    assert all(line.cells[3] != "CWK-L01" for line in doc.blocks[0].lines)
    assert doc.notes == ["工作表“履职管理指标”有1行的科室不在“科室”表中,未列入(第8行)。"
                         "请填写科室名称或科室代码。"]
    assert len(key_tasks.build(source).notes) == 1


def test_dept_filter_and_signoff_names_the_deputy(source):
    doc = indicators.build(source, dept="QFK")
    assert [line.cells[3] for line in doc.blocks[0].lines] == ["QFK-L01", "QFK-L02", "QFK-G01"]
    assert "李局长" in doc.signoff and doc.subtitle == "2014年　轻纺科"
    with pytest.raises(InputError, match="科室“财务科”不在工作表“科室”中"):
        indicators.build(source, dept="财务科")


def test_annex3_subtotals_and_total(source, tmp_path):
    ws = _save(key_tasks.workbook(source), tmp_path, "a3")
    _, headers, rows = _table(ws)
    assert headers == ["序号", "科室", "指标编号", "重点工作事项", "指标来源", "目标要求", "完成时限",
                       "分值", "责任领导", "责任人", "考核责任部门"]
    assert [(r[2], r[3], r[7]) for r in rows] == [
        ("BGS-Z01", "推进无纸化办公系统建设", 1.5),
        ("BGS-Z02", "完成机关档案数字化", 1),
        (None, "小计", 2.5),                 # 1.5 + 1
        ("RSK-Z01", "全员业务培训计划", 0.5),
        (None, "小计", 0.5),
        ("QFK-Z01", "出口服装质量提升工程", 1),
        ("QFK-Z02", "纺织品检测能力建设", 0.5),
        (None, "小计", 1.5),                 # 1 + 0.5 (the 1-point draft QFK-Z03 left out)
        (None, "合计", 4.5),                 # 2.5 + 0.5 + 1.5
    ]
    assert ws.cell(ws.max_row - 2, 8).number_format == "0.0"


def test_annex3_with_drafts_and_dept(source):
    lines = key_tasks.build(source, include_drafts=True).blocks[0].lines
    assert [(l.cells[3], l.cells[7]) for l in lines if l.kind in ("subtotal", "total")] == [
        ("小计", Decimal("2.5")), ("小计", Decimal("0.5")),
        ("小计", Decimal("2.5")),           # 1 + 0.5 + draft 1
        ("合计", Decimal("5.5"))]           # 2.5 + 0.5 + 2.5
    lines = key_tasks.build(source, dept="办公室").blocks[0].lines
    assert [l.cells[2] for l in lines] == ["BGS-Z01", "BGS-Z02", None]   # no grand total


def test_annex3_year_end_variant_columns(source):
    scores = {2: (Decimal("1"), Decimal("1.5")), 3: (Decimal("0.5"), Decimal("0.5"))}
    doc = key_tasks.build(source, dept="BGS", scores=scores)
    assert [c.header for c in doc.blocks[0].columns][-2:] == ["完成情况", "得分"]
    assert doc.blocks[0].lines[-1].cells[-1] == Decimal("2.0")      # 1.5 + 0.5
    assert doc.title.endswith("完成情况")


def test_annex3_year_end_subtotal_capped_at_framework_points(source):
    # 办公室 (行政管理科室 framework, 重点 10 points): 7 + 6 = 13 > 10 -> 10
    scores = {2: (Decimal("1"), Decimal("7")), 3: (Decimal("1"), Decimal("6")),
              5: (Decimal("1"), Decimal("0.5"))}               # 人事科 RSK-Z01
    lines = key_tasks.build(source, scores=scores).blocks[0].lines
    subtotals = [l.cells[-2:] for l in lines if l.kind == "subtotal"]
    assert subtotals[:2] == [["按上限10分计", Decimal("10")], [None, Decimal("0.5")]]
    assert lines[-1].cells[-1] == Decimal("10.5")              # 10 + 0.5 + 0 (轻纺科 unscored)


def test_annex1_framework_points(source, tmp_path):
    ws = _save(framework.workbook(source), tmp_path, "a1")
    _, headers, rows = _table(ws, "指标框架")
    assert headers[:6] == ["指标框架", "绩效类别", "分项", "分值", "评分方式", "考核责任部门"]
    totals = [r[3] for r in rows if r[1] == "合计"]
    assert totals == [115, 115]     # 40+30+10+15+15+5 ; 45+25+10+10+10+5+5+5
    assert ws.page_setup.orientation == "portrait"
    only = framework.build(source, dept="综合科").blocks[0].lines
    assert {l.cells[0].split("\n")[0] for l in only} == {"业务管理科室指标框架"}


@pytest.mark.parametrize("name", ["a2", "a3"])
def test_print_setup_read_back(source, tmp_path, name):
    book = indicators.workbook(source) if name == "a2" else key_tasks.workbook(source)
    ws = _save(book, tmp_path, name)
    assert ws.page_setup.paperSize == 9                      # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$4:$4"                    # label, title, year, header
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws["A1"].value == ("附件2" if name == "a2" else "附件3")
    assert ws["A1"].font.name == "黑体"
    assert ws["A2"].font.name == "宋体" and ws["A2"].font.b
    assert ws["A2"].alignment.horizontal == "center" and "A2:K2" in {str(m) for m in ws.merged_cells.ranges}
    assert ws["A2"].value == ("辽阳检验检疫局履职绩效和管理绩效指标" if name == "a2"
                              else "辽阳检验检疫局年度重点绩效指标")
    assert ws["A3"].value == "2014年"
    assert ws["A5"].font.name == "仿宋" and ws["A5"].border.left.style == "thin"
    assert ws["F5"].alignment.wrap_text
    assert ws.row_dimensions[5].height > 40                  # wrapped long text: several lines
    assert "审核人" in ws.cell(ws.max_row, 1).value


def test_row_height_estimate():
    # 20 CJK chars at 10.5 pt: 14 px / 7.5 px = 1.867 units each, ×1.05 slack
    # = 39.2 units; usable width 21 − 1 = 20 -> 2 lines -> 2 × 10.5 × 1.45 + 6 = 36.45
    assert layout.line_count("一" * 20, 21) == 2
    assert layout.line_count("一" * 10, 21) == 1                    # 19.6 units
    assert layout.row_height([("一" * 20, 21), ("短", 10)]) == 36.5
    assert layout.line_count("第一行\n第二行", 30) == 2
    assert layout.row_height([("", 10)]) == 21.2                     # 1 × 15.225 + 6


def test_org_short_name_parameter(tmp_path):
    from openpyxl import load_workbook as load
    path = build_master(tmp_path / "m.xlsx")
    book = load(path)
    book["参数"].append(["单位简称", "辽阳局"])
    book.save(path)
    assert indicators.build(Source.from_path(path)).title == "辽阳局履职绩效和管理绩效指标"


def test_public_api_from_tables(tmp_path):
    from lyciq_xl.annex import annex1_workbook, annex2_workbook, annex3_workbook
    from lyciq_xl.annex.source import ANNEX_SHEETS
    from lyciq_xl.xlsxio.reader import read_tables
    tables = read_tables(build_master(tmp_path / "m.xlsx"), ANNEX_SHEETS)
    assert annex2_workbook(tables, dept="JYK").active["D5"].value == "JYK-L01"
    assert annex3_workbook(tables).active["A1"].value == "附件3"
    assert annex1_workbook(tables).active.title == "附件1"


def test_section_without_approved_rows_gets_a_placeholder(source):
    lines = indicators.build(source, dept="人事科").blocks[0].lines
    assert [l.cells[4] for l in lines] == ["(无已审核的指标)"]
    lines = key_tasks.build(source, dept="检疫科").blocks[0].lines
    assert [l.cells[3] for l in lines] == ["(无已审核的重点指标)"]


def test_sample_master_annexes_hold_exactly_its_approved_rows(sample_master):
    """Cross-check on the shipped sample: the same rows, read independently."""
    from openpyxl import load_workbook as load

    from lyciq_xl import contract as c
    book = load(sample_master, read_only=True)

    def approved(sheet, id_header):
        rows = list(book[sheet].iter_rows(values_only=True))
        head = list(rows[0])
        return sorted(r[head.index(id_header)] for r in rows[1:]
                      if r[head.index(c.Indicators.APPROVAL)] == c.Approval.APPROVED)

    source = Source.from_path(sample_master)
    lines = indicators.build(source).blocks[0].lines
    assert sorted(l.cells[3] for l in lines) == approved(c.Indicators.SHEET, c.Indicators.ID)
    assert [l.cells[0] for l in lines] == list(range(1, len(lines) + 1))
    tasks = [l for l in key_tasks.build(source).blocks[0].lines if l.kind == "data"]
    assert sorted(l.cells[2] for l in tasks) == approved(c.KeyTasks.SHEET, c.KeyTasks.ID)
