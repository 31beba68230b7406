"""The lossless, atomic .xlsx writer, on real files (xlsxwriter-built
workbooks with a chart, an image, a comment ...), read back with
python-calamine, openpyxl and LibreOffice headless."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from lyciq_xl.contract import Deductions, Findings, Params, Receipts, Results
from lyciq_xl.errors import InputError, LyciqError
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.xlsxio import writer as writer_module
from lyciq_xl.xlsxio.writer import check_not_locked, write_workbook
from tests.writer_fixtures import (CHART_SHEET, DEFINED_NAME, MAIN, add_calc_chain, build_bare, build_master,
                                   grid, parts, rewrite_zip, soffice_csv, soffice_resave,
                                   stored_members)

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INJECTION = '=HYPERLINK("http://evil.example","点我")'

FINDINGS = OwnedSheet(
    Findings.SHEET, Findings.COLUMNS,
    rows=[["错误", Deductions.SHEET, "I3", "D01", "扣分1.2超出标准上限"],
          ["警告", Deductions.SHEET, "H3", "D08", INJECTION]],
    links={(0, Findings.CELL): f"'{Deductions.SHEET}'!I3", (1, Findings.CELL): f"'{Deductions.SHEET}'!H3"})
RESULTS = OwnedSheet(
    Results.SHEET, Results.COLUMNS,
    rows=[["2026Q1", "01", "办公室", "综合管理", Decimal("38.5"), Decimal("-3.7"), Decimal("9"),
           Decimal("18.75"), Decimal("0"), Decimal("62.55"), 1, "优秀", 0]],
    number_formats={Results.TOTAL: "0.00"}, widths={Results.DEPT: 20})
RECEIPTS = OwnedSheet(
    Receipts.SHEET, Receipts.COLUMNS,
    rows=[["办公室", "2026Q1", "办公室.xlsx", dt.datetime(2026, 4, 1, 9, 30), "是", 2],
          ["人事科", "2026Q1", None, None, "+否", True]])

# What a reader must see in the owned sheets (calamine: numbers as float).
FINDINGS_GRID = [list(Findings.COLUMNS),
                 ["错误", "扣分记录", "I3", "D01", "扣分1.2超出标准上限"],
                 ["警告", "扣分记录", "H3", "D08", INJECTION]]
RESULTS_GRID = [list(Results.COLUMNS),
                ["2026Q1", "01", "办公室", "综合管理", 38.5, -3.7, 9, 18.75, 0, 62.55, 1, "优秀", 0]]

# The only parts a write with owned sheets may change (xlsxwriter names its
# sheets sheet1..sheetN in tab order; appended sheets get the next free N).
PACKAGE_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


def sheet_part_of(path: Path, name: str) -> str:
    """Zip member of sheet `name`, followed through workbook.xml and its rels."""
    p = parts(path)
    wb = ET.fromstring(p["xl/workbook.xml"])
    rid = next(s.get(f"{{{writer_module.P.X.REL_NS}}}id") for s in wb.iter(f"{M}sheet") if s.get("name") == name)
    rels = ET.fromstring(p["xl/_rels/workbook.xml.rels"])
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return "xl/" + target


# <xsd:complexType name="CT_Worksheet"><xsd:sequence> of ECMA-376 Part 1 (sml.xsd),
# transcribed here independently of the writer's own list.
CT_WORKSHEET_SEQUENCE = """sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr
    sheetProtection protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews
    mergeCells phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins
    pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors smartTags
    drawing legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls webPublishItems
    tableParts extLst""".split()


def children_order_ok(xml: bytes) -> list[str]:
    names = [child.tag.replace(M, "") for child in ET.fromstring(xml)]
    positions = [CT_WORKSHEET_SEQUENCE.index(n) for n in names]
    assert positions == sorted(positions), names
    repeated = {n for n in names if names.count(n) > 1}
    assert repeated <= {"cols", "conditionalFormatting"}, names   # the only maxOccurs="unbounded"
    return names


# --- preservation ------------------------------------------------------------

def test_append_then_replace_keeps_every_other_part(tmp_path):
    path = build_master(tmp_path / "主工作簿.xlsx")
    before = parts(path)
    inputs_before = {s: grid(path, s) for s in (Deductions.SHEET, Params.SHEET, CHART_SHEET)}
    assert {"xl/charts/chart1.xml", "xl/media/image1.png", "xl/comments1.xml",
            "xl/drawings/drawing1.xml"} <= before.keys()

    write_workbook(path, [FINDINGS, RESULTS])        # append path: sheets 4 and 5 are new
    first = parts(path)
    new_parts = ["xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml"]
    assert list(first) == list(before) + new_parts   # same order, new parts at the end
    for name, data in before.items():
        if name not in PACKAGE_PARTS:
            assert first[name] == data, f"{name} changed"
    assert sheet_part_of(path, Findings.SHEET) == new_parts[0]

    write_workbook(path, [FINDINGS, RESULTS])        # replace path, same content
    second = parts(path)
    assert list(second) == list(first)
    for name, data in before.items():
        if name not in PACKAGE_PARTS:
            assert second[name] == data, f"{name} changed"
    # idempotent: nothing grows on a second identical recalc
    assert second["xl/styles.xml"] == first["xl/styles.xml"]
    assert second["xl/workbook.xml"].count(b"<sheet ") == 5
    assert sheet_part_of(path, Results.SHEET) == new_parts[1]

    for sheet, values in inputs_before.items():
        assert grid(path, sheet) == values
    assert grid(path, Findings.SHEET) == FINDINGS_GRID
    assert grid(path, Results.SHEET) == RESULTS_GRID

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [Deductions.SHEET, Params.SHEET, CHART_SHEET, Findings.SHEET, Results.SHEET]
    assert DEFINED_NAME in book.defined_names
    ws = book[Results.SHEET]
    assert [c.value for c in ws[2]] == ["2026Q1", "01", "办公室", "综合管理", 38.5, -3.7, 9, 18.75, 0,
                                         62.55, 1, "优秀", 0]
    assert ws["J2"].number_format == "0.00"
    assert ws.column_dimensions["C"].width == 20
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:M2"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws["A1"].border.bottom.style == "thin"
    # printable as is: A4 landscape, one page wide, numbered pages
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert book[Deductions.SHEET]["H2"].comment.text.startswith("请写明事由")


def test_existing_style_entries_never_change(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    old = ET.fromstring(parts(path)["xl/styles.xml"])
    write_workbook(path, [FINDINGS, RESULTS, RECEIPTS])
    new = ET.fromstring(parts(path)["xl/styles.xml"])
    for container in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"):
        old_items = [ET.tostring(e) for e in old.find(M + container)] if old.find(M + container) is not None else []
        new_items = [ET.tostring(e) for e in new.find(M + container)]
        assert new_items[:len(old_items)] == old_items, container
        assert int(new.find(M + container).get("count")) == len(new_items)
    # header (bold+fill+border), "0.00", date-time, link: four new cellXfs at most
    assert len(new.find(M + "cellXfs")) - len(old.find(M + "cellXfs")) == 4


def test_replacing_an_existing_sheet_keeps_its_identity(tmp_path):
    path = build_master(tmp_path / "m.xlsx", with_findings=True)
    before = parts(path)
    old_entry = re.search(rb'<sheet name="' + Findings.SHEET.encode() + rb'"[^>]*/>', before["xl/workbook.xml"]).group()
    assert "xl/worksheets/_rels/sheet2.xml.rels" in before
    write_workbook(path, [FINDINGS])
    after = parts(path)
    # replaced in place; its old comment's relationship goes with its old content
    assert list(after) == [n for n in before if n != "xl/worksheets/_rels/sheet2.xml.rels"]
    for name, data in before.items():
        if name not in PACKAGE_PARTS | {"xl/worksheets/sheet2.xml", "xl/worksheets/_rels/sheet2.xml.rels"}:
            assert after[name] == data, f"{name} changed"
    wb = after["xl/workbook.xml"]
    assert old_entry in wb                                # same name, sheetId, r:id
    names = re.findall(rb'<sheet name="([^"]+)"', wb)
    assert [n.decode() for n in names] == [Deductions.SHEET, Findings.SHEET, Params.SHEET, CHART_SHEET]
    sheet2 = after["xl/worksheets/sheet2.xml"]
    assert b'<tabColor rgb="FFFF0000"/>' in sheet2        # the tab kept its colour
    assert "旧内容".encode() not in sheet2 and b"<v>99</v>" not in sheet2
    assert grid(path, Findings.SHEET) == FINDINGS_GRID
    # formulas elsewhere may read the replaced sheet: Excel recalculates on open
    assert b'fullCalcOnLoad="1"' in wb
    book = openpyxl.load_workbook(path)
    assert book[Findings.SHEET]["A2"].comment is None
    assert book[Deductions.SHEET]["H2"].comment.text.startswith("请写明事由")


def test_nothing_to_write_leaves_the_file_alone(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    assert write_workbook(path) is None
    assert write_workbook(path, patches={Deductions.SHEET: {}}) is None
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.xlsx"]


def test_worksheet_children_in_schema_order(tmp_path):
    path = build_master(tmp_path / "m.xlsx", with_findings=True)
    write_workbook(path, [FINDINGS, RECEIPTS], {Deductions.SHEET: {(3, 8): Decimal("0.8")}})
    p = parts(path)
    assert children_order_ok(p[sheet_part_of(path, Findings.SHEET)]) == [
        "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "autoFilter",
        "hyperlinks", "pageMargins", "pageSetup", "headerFooter", "ignoredErrors"]
    children_order_ok(p[sheet_part_of(path, Receipts.SHEET)])
    children_order_ok(p[sheet_part_of(path, Deductions.SHEET)])


def test_value_types_and_formula_injection(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    write_workbook(path, [FINDINGS, RESULTS, RECEIPTS])
    p = parts(path)
    findings = p[sheet_part_of(path, Findings.SHEET)].decode()
    assert "<f>" not in findings and "<f " not in findings
    assert ('<c r="E3" t="inlineStr"><is><t>=HYPERLINK("http://evil.example","点我")</t></is></c>'
            in findings)
    results = p[sheet_part_of(path, Results.SHEET)].decode()
    assert re.search(r'<c r="F2"[^>]*><v>-3.7</v></c>', results)      # Decimal text, exactly
    assert re.search(r'<c r="B2"[^>]*t="inlineStr"><is><t>01</t>', results)  # code keeps its zero
    receipts = p[sheet_part_of(path, Receipts.SHEET)].decode()
    # 2026-04-01 is serial 46113 (2026-01-01 = 46023, + 31 + 28 + 31); 09:30 = 34200/86400 of a day
    assert re.search(r'<c r="D2" s="\d+"><v>46113\.3958333333', receipts)
    assert '<c r="F3" t="b"><v>1</v></c>' in receipts
    assert '<c r="C3"' not in receipts and '<c r="D3"' not in receipts   # None: no cell
    assert "<t>+否</t>" in receipts
    book = openpyxl.load_workbook(path)
    ws = book[Receipts.SHEET]
    assert ws["D2"].value == dt.datetime(2026, 4, 1, 9, 30)
    assert ws["F3"].value is True and ws["E3"].value == "+否"
    assert book[Findings.SHEET]["E3"].value == INJECTION and book[Findings.SHEET]["E3"].data_type == "s"
    assert grid(path, Receipts.SHEET)[1][3] == dt.datetime(2026, 4, 1, 9, 30)


def test_hyperlinks_point_at_the_cells(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    write_workbook(path, [FINDINGS])
    ws = openpyxl.load_workbook(path)[Findings.SHEET]
    assert ws["C2"].hyperlink.location == "'扣分记录'!I3"
    assert ws["C3"].hyperlink.location == "'扣分记录'!H3"
    assert ws["C2"].hyperlink.target is None                   # internal: no relationship
    assert ws["C2"].font.u == "single" and ws["C2"].font.color.rgb == "FF0563C1"
    assert ws["B2"].hyperlink is None
    assert "xl/worksheets/_rels/sheet4.xml.rels" not in parts(path)


def test_libreoffice_reads_the_written_file(tmp_path):
    path = build_master(tmp_path / "m.xlsx", with_findings=True)
    original = soffice_csv(path, tmp_path / "before", tmp_path / "lo-profile")
    write_workbook(path, [FINDINGS, RESULTS, RECEIPTS],
                   {Deductions.SHEET: {(3, 8): Decimal("0.8"), (10, 7): "补录事由"}})
    written = soffice_csv(path, tmp_path / "after", tmp_path / "lo-profile")
    assert written[Findings.SHEET].splitlines() == [
        "级别,工作表,单元格,规则,说明",
        "错误,扣分记录,I3,D01,扣分1.2超出标准上限",
        '警告,扣分记录,H3,D08,"=HYPERLINK(""http://evil.example"",""点我"")"']
    assert written[Results.SHEET].splitlines()[1] == \
        "2026Q1,01,办公室,综合管理,38.5,-3.7,9,18.75,0,62.55,1,优秀,0"
    assert written[Receipts.SHEET].splitlines()[1:] == [
        "办公室,2026Q1,办公室.xlsx,2026-04-01 09:30:00,是,2", "人事科,2026Q1,,,+否,TRUE"]
    assert written[Params.SHEET] == original[Params.SHEET]
    assert written[CHART_SHEET] == original[CHART_SHEET]
    rows = written[Deductions.SHEET].splitlines()
    assert rows[:2] == original[Deductions.SHEET].splitlines()[:2]
    assert rows[2].split(",")[8] == "0.8"
    assert rows[9].split(",")[7] == "补录事由"


# --- patches -----------------------------------------------------------------

def _split_rows(xml: str) -> dict[str, str]:
    return {m.group(1): m.group() for m in re.finditer(r'<row r="(\d+)".*?</row>', xml)}


def test_patch_changes_only_the_given_cells(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    before = parts(path)
    old_xml = before["xl/worksheets/sheet1.xml"].decode()
    old_grid = grid(path, Deductions.SHEET)
    write_workbook(path, patches={Deductions.SHEET: {(3, 8): Decimal("0.8"), (10, 7): "补录事由"}})
    after = parts(path)
    new_xml = after["xl/worksheets/sheet1.xml"].decode()
    for name, data in before.items():
        if name not in {"xl/worksheets/sheet1.xml", "xl/workbook.xml"}:
            assert after[name] == data, f"{name} changed"       # styles too: no style needed
    # everything outside sheetData is untouched but the grown dimension
    assert new_xml.split("</sheetData>")[1] == old_xml.split("</sheetData>")[1]
    assert re.search("<cols>.*</cols>", new_xml).group() == re.search("<cols>.*</cols>", old_xml).group()
    assert "<dataValidations" in new_xml and "<conditionalFormatting" in new_xml
    assert '<dimension ref="A1:M10"/>' in new_xml and '<dimension ref="A1:M3"/>' in old_xml
    old_rows, new_rows = _split_rows(old_xml), _split_rows(new_xml)
    assert new_rows["1"] == old_rows["1"] and new_rows["2"] == old_rows["2"]
    old_i3 = re.search(r'<c r="I3"[^>]*>', old_rows["3"]).group()
    assert re.search(r'<c r="I3"[^>]*>', new_rows["3"]).group() == old_i3 and ' s="' in old_i3  # style kept
    assert new_rows["3"].replace('<v>0.8</v>', '<v>1.2</v>') == old_rows["3"]
    assert new_rows["10"] == '<row r="10"><c r="H10" t="inlineStr"><is><t>补录事由</t></is></c></row>'
    got = grid(path, Deductions.SHEET)
    assert got[0] == old_grid[0] and got[1] == old_grid[1]
    assert got[2][:8] == old_grid[2][:8] and got[2][8] == 0.8 and got[2][9:] == old_grid[2][9:]
    assert all(all(v == "" for v in row) for row in got[3:9])
    assert got[9][7] == "补录事由" and [v for i, v in enumerate(got[9]) if i != 7] == [""] * 12
    ws = openpyxl.load_workbook(path)[Deductions.SHEET]
    assert ws["I3"].number_format == "0.0" and ws["I3"].font.color.rgb == "FF9C0006"
    assert len(ws.data_validations.dataValidation) == 1
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]


def test_patch_date_into_general_cell_gets_a_date_style(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    write_workbook(path, patches={Deductions.SHEET: {(4, 2): dt.date(2026, 3, 5), (2, 2): dt.date(2026, 2, 4)}})
    ws = openpyxl.load_workbook(path)[Deductions.SHEET]
    assert ws["C4"].value == dt.datetime(2026, 3, 5) and ws["C4"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == dt.datetime(2026, 2, 4) and ws["C2"].number_format == "yyyy/m/d"  # kept


def test_patch_unknown_sheet_is_an_input_error(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    before = path.read_bytes()
    with pytest.raises(InputError, match="没有工作表“不存在”"):
        write_workbook(path, patches={"不存在": {(2, 0): "x"}})
    assert path.read_bytes() == before


# --- calcChain, bare packages, macros ------------------------------------------

def test_calc_chain_dropped_when_cells_change_and_kept_on_append(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    add_calc_chain(path)
    chain = parts(path)["xl/calcChain.xml"]
    write_workbook(path, [FINDINGS])                       # append only: nothing to invalidate
    assert parts(path)["xl/calcChain.xml"] == chain
    write_workbook(path, patches={Deductions.SHEET: {(2, 12): Decimal("5")}})  # M2 held the formula
    after = parts(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert grid(path, Deductions.SHEET)[1][12] == 5
    openpyxl.load_workbook(path)


def test_workbook_without_styles_gets_one(tmp_path):
    path = build_bare(tmp_path / "bare.xlsx")
    write_workbook(path, [RESULTS])
    p = parts(path)
    assert "xl/styles.xml" in p and b"/xl/styles.xml" in p["[Content_Types].xml"]
    assert b'Target="styles.xml"' in p["xl/_rels/workbook.xml.rels"]
    assert grid(path, Results.SHEET) == RESULTS_GRID
    assert openpyxl.load_workbook(path)[Results.SHEET]["J2"].number_format == "0.00"
    styles = p["xl/styles.xml"]
    write_workbook(path, [RESULTS])
    assert parts(path)["xl/styles.xml"] == styles


def test_xlsm_macros_copied_untouched(tmp_path):
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0 not really a compound file, just bytes" * 50)
    path = build_master(tmp_path / "m.xlsm", with_findings=True, vba=vba)
    before = parts(path)
    write_workbook(path, [FINDINGS])
    after = parts(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"] == vba.read_bytes()
    assert b"macroEnabled" in after["[Content_Types].xml"]
    # VBA finds the sheet by its codeName: the replaced sheet keeps it (and its tab colour)
    assert (b'<sheetPr codeName="Sheet2"><tabColor rgb="FFFF0000"/><pageSetUpPr fitToPage="1"/></sheetPr>'
            in after["xl/worksheets/sheet2.xml"])
    assert grid(path, Findings.SHEET) == FINDINGS_GRID


# --- atomic replace, backups, locks ------------------------------------------------

def test_backup_holds_old_bytes_and_only_ten_are_kept(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    path.chmod(0o640)
    original = path.read_bytes()
    first = write_workbook(path, [FINDINGS])
    assert path.stat().st_mode & 0o777 == 0o640          # the temp file's 0600 is not kept
    assert first.parent == tmp_path / ".lyciq-backup"
    assert re.fullmatch(r"m\.\d{8}-\d{6}-\d{6}\.xlsx", first.name)
    assert first.read_bytes() == original
    for _ in range(11):
        previous = path.read_bytes()
        last = write_workbook(path, [FINDINGS])
    assert last.read_bytes() == previous
    backups = sorted((tmp_path / ".lyciq-backup").iterdir())
    assert len(backups) == 10 and backups[-1] == last and first not in backups
    assert write_workbook(path, [FINDINGS], backup=False) is None
    assert len(list((tmp_path / ".lyciq-backup").iterdir())) == 10


def test_crash_before_rename_leaves_original_and_no_temp(tmp_path, monkeypatch):
    path = build_master(tmp_path / "m.xlsx")
    original = path.read_bytes()

    def crash(src, dst):
        raise OSError(5, "Input/output error (injected)")
    monkeypatch.setattr(writer_module.os, "replace", crash)
    with pytest.raises(LyciqError, match="原文件未改动"):
        write_workbook(path, [FINDINGS, RESULTS])
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lyciq-backup", "m.xlsx"]


def test_temp_file_of_a_killed_run_is_removed_next_time(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    dead = subprocess.Popen(["true"])   # a pid that no longer runs
    dead.wait()
    stray = tmp_path / f".~lyciq-{dead.pid}-abc123-m.xlsx.tmp"
    stray.write_bytes(b"half a zip")
    write_workbook(path, [FINDINGS], backup=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.xlsx"]


def test_lock_file_refuses_and_writes_nothing(tmp_path):
    path = build_master(tmp_path / "主工作簿.xlsx")
    before = path.read_bytes()
    (tmp_path / "~$主工作簿.xlsx").write_bytes(b"\x00" * 165)
    with pytest.raises(InputError, match=r"请先在Excel\(或WPS表格\)中保存并关闭"):
        check_not_locked(path)
    with pytest.raises(InputError, match="正在Excel中打开"):
        write_workbook(path, [FINDINGS])
    assert path.read_bytes() == before
    assert not (tmp_path / ".lyciq-backup").exists()


def test_unusable_inputs_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="找不到文件"):
        write_workbook(tmp_path / "无.xlsx", [FINDINGS])
    text = tmp_path / "假的.xlsx"
    text.write_text("not a zip")
    with pytest.raises(InputError, match="不是有效的Excel工作簿"):
        write_workbook(text, [FINDINGS])
    assert text.read_text() == "not a zip"
    odd = tmp_path / "空.xlsx"
    with zipfile.ZipFile(odd, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="内部结构无法识别"):
        write_workbook(odd, [FINDINGS])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_is_an_input_error(tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    path = build_master(folder / "m.xlsx")
    folder.chmod(0o555)
    try:
        with pytest.raises(InputError, match="没有写入文件夹"):
            write_workbook(path, [FINDINGS])
    finally:
        folder.chmod(0o755)


def test_prefixed_spreadsheetml_is_patched_and_extended(tmp_path):
    path = build_bare(tmp_path / "sdk.xlsx", prefixed=True)
    write_workbook(path, [RESULTS], {Params.SHEET: {(3, 1): Decimal("2.5"), (2, 0): dt.date(2026, 1, 2)}})
    p = parts(path)
    sheet = p["xl/worksheets/sheet1.xml"].decode()
    assert '<x:row r="2"><x:c r="A2" s="' in sheet and "<x:v>46024</x:v>" in sheet  # 2026-01-02
    assert re.search(r'<x:c r="B3" s="1"><x:v>2.5</x:v></x:c>', sheet)
    styles = p["xl/styles.xml"].decode()
    assert "<font>" not in styles and "<x:font><x:b/>" in styles
    assert b"<x:sheet " in p["xl/workbook.xml"] and b'<x:calcPr fullCalcOnLoad="1"/>' in p["xl/workbook.xml"]
    book = openpyxl.load_workbook(path)
    assert book[Params.SHEET]["B3"].value == 2.5 and book[Params.SHEET]["B3"].number_format == "0.00"
    assert book[Params.SHEET]["A2"].value == dt.datetime(2026, 1, 2)
    assert book[Results.SHEET]["A1"].font.b and book[Results.SHEET]["A1"].font.name == "宋体"
    assert grid(path, Results.SHEET) == RESULTS_GRID


def test_awkward_text_round_trips(tmp_path):
    texts = ["a<b>&c", "  前后空格 ", "_x0041_ stays literal", "tab\tand\nnewline", "ctrl\x01char"]
    path = build_master(tmp_path / "m.xlsx")
    write_workbook(path, [OwnedSheet(Findings.SHEET, Findings.COLUMNS, [[t] for t in texts])])
    got = [row[0] for row in grid(path, Findings.SHEET)[1:]]
    # XML cannot hold U+0001: Excel's own escape _x0001_ is written, which readers decode
    assert got == texts
    ws = openpyxl.load_workbook(path)[Findings.SHEET]
    # openpyxl does not decode _xHHHH_ in inline strings (Excel, calamine, LibreOffice do)
    assert [ws.cell(r, 1).value for r in (2, 3, 5)] == [texts[0], texts[1], texts[3]]
    assert ws.cell(4, 1).value == "_x005F_x0041_ stays literal"


def test_hyperlinks_beyond_excels_limit_are_left_out(tmp_path, monkeypatch):
    # Excel rejects more than 65,530 hyperlinks per sheet; the limit is lowered to 2 here
    monkeypatch.setattr(writer_module.sheetxml, "MAX_HYPERLINKS", 2)
    rows = [["错误", Deductions.SHEET, f"I{r}", "D01", "x"] for r in (2, 3, 4)]
    links = {(i, Findings.CELL): f"'{Deductions.SHEET}'!I{i + 2}" for i in range(3)}
    path = build_master(tmp_path / "m.xlsx")
    write_workbook(path, [OwnedSheet(Findings.SHEET, Findings.COLUMNS, rows, links=links)])
    ws = openpyxl.load_workbook(path)[Findings.SHEET]
    assert [ws.cell(r, 3).hyperlink.location if ws.cell(r, 3).hyperlink else None for r in (2, 3, 4)] == [
        "'扣分记录'!I2", "'扣分记录'!I3", None]
    assert ws["C4"].font.u is None and ws["C4"].value == "I4"


def test_libreoffice_saved_workbook_is_patched_and_extended(tmp_path):
    source = build_master(tmp_path / "src.xlsx", with_findings=True)
    path = soffice_resave(source, tmp_path / "lo", tmp_path / "lo-profile")
    before = parts(path)
    write_workbook(path, [FINDINGS, RESULTS],
                   {Deductions.SHEET: {(3, 8): Decimal("0.8"), (4, 2): dt.date(2026, 1, 2)}})
    after = parts(path)
    changed = {n for n in after if after[n] != before.get(n)}
    assert changed == PACKAGE_PARTS | {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                                       "xl/worksheets/sheet5.xml"}
    rows = grid(path, Deductions.SHEET)
    assert rows[2][8] == 0.8 and rows[3][2] == dt.date(2026, 1, 2)
    assert grid(path, Findings.SHEET) == FINDINGS_GRID
    assert grid(path, Results.SHEET) == RESULTS_GRID
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [Deductions.SHEET, Findings.SHEET, Params.SHEET, CHART_SHEET, Results.SHEET]
    assert book[Deductions.SHEET]["C4"].number_format == "yyyy-mm-dd"


def _bare_with_sheet(tmp_path: Path, sheet_data: str) -> Path:
    path = build_bare(tmp_path / "bare.xlsx")
    rewrite_zip(path, {"xl/worksheets/sheet1.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<sheetData>{sheet_data}</sheetData></worksheet>').encode()})
    return path


def test_patch_refuses_to_break_a_shared_formula(tmp_path):
    path = _bare_with_sheet(tmp_path, (
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f><v>2</v></c></row>'
        '<row r="3"><c r="A3"><v>2</v></c><c r="B3"><f t="shared" si="0"/><v>4</v></c></row>'))
    before = path.read_bytes()
    with pytest.raises(InputError, match="B2是共享公式或数组公式的起点"):
        write_workbook(path, patches={Params.SHEET: {(2, 1): Decimal("7")}})
    assert path.read_bytes() == before
    write_workbook(path, patches={Params.SHEET: {(3, 1): Decimal("7")}})   # a follower may be overwritten
    xml = parts(path)["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="B3"><v>7</v></c>' in xml and 'ref="B2:B3" si="0">A2*2</f>' in xml


def test_patch_row_with_implicit_cell_positions(tmp_path):
    # r= is optional on <c>; cells then follow one another from column A
    path = _bare_with_sheet(tmp_path, '<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c><v>5</v></c>'
                                      '<c r="D1"><v>9</v></c></row>')
    write_workbook(path, patches={Params.SHEET: {(1, 2): "新", (1, 1): Decimal("6")}})
    assert grid(path, Params.SHEET) == [["a", 6, "新", 9]]


def test_untouched_parts_keep_their_compressed_bytes(tmp_path):
    # Not re-deflated: the stored bytes of every part we do not own are the
    # clerk's own, and the copy stays fast for a 60 MB 扣分记录 sheet.
    path = build_master(tmp_path / "主工作簿.xlsx")
    # Store the parts as Excel might, at another deflate level than Python's
    # default, so re-deflating would change the stored bytes.
    members = parts(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    before = stored_members(path)
    write_workbook(path, [FINDINGS, RESULTS])
    after = stored_members(path)
    for name, raw in before.items():
        if name not in PACKAGE_PARTS:
            assert after[name] == raw, f"{name} recompressed"
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None


def test_wrapped_columns_wrap_and_others_do_not(tmp_path):
    path = build_master(tmp_path / "m.xlsx")
    sheet = OwnedSheet(Findings.SHEET, Findings.COLUMNS, FINDINGS.rows, widths={Findings.MESSAGE: 40},
                       wrap=frozenset({Findings.MESSAGE}))
    write_workbook(path, [sheet])
    ws = openpyxl.load_workbook(path)[Findings.SHEET]
    assert ws["E2"].alignment.wrap_text and ws["E2"].alignment.vertical == "top"
    assert not ws["A2"].alignment.wrap_text
    # "扣分1.2超出标准上限" is 18 wide: one line in a 40-wide column; a 100-wide
    # text needs ceil(100 / 39) = 3 lines of 15 points
    assert ws.row_dimensions[2].height is None
    long = OwnedSheet(Findings.SHEET, Findings.COLUMNS, [["错误", "扣分记录", "I3", "D01", "错" * 50]],
                      widths={Findings.MESSAGE: 40}, wrap=frozenset({Findings.MESSAGE}))
    write_workbook(path, [long])
    assert openpyxl.load_workbook(path)[Findings.SHEET].row_dimensions[2].height == 45
