"""Real workbooks for the writer tests: a clerk's master workbook with the
things openpyxl load/save would lose (chart, image, comment, validation,
conditional format, defined name, widths), built with xlsxwriter (which
needs no Pillow for images)."""
from __future__ import annotations

import datetime as dt
import io
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import python_calamine
import xlsxwriter

from lyciq_xl.contract import Deductions, Findings, Params

CHART_SHEET = "图表"
DEFINED_NAME = "扣分合计"


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG of a few bytes, made by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


DEDUCTION_ROWS = [
    ["K001", "2026Q1", dt.date(2026, 2, 3), "办公室", "履职绩效", "BGS-LZ-01", "FJ4-01",
     "迟报材料", 0.5, "督查室", "辽阳局〔2026〕1号", "有效"],
    ["K002", "2026Q1", dt.date(2026, 3, 4), "人事科", "管理绩效", "RSK-GL-02", "FJ5-03",
     "=SUM(1)", 1.2, None, None, "有效"],
]


def build_master(path: Path, *, with_findings: bool = False, vba: Path | None = None) -> Path:
    """扣分记录 (sheet1), [校验结果 (old content, red tab)], 参数, 图表."""
    wb = xlsxwriter.Workbook(str(path))
    if vba is not None:
        wb.add_vba_project(str(vba))
    head = wb.add_format({"bold": True, "bg_color": "#FFFF00", "border": 1})
    date = wb.add_format({"num_format": "yyyy/m/d"})
    points = wb.add_format({"num_format": "0.0", "font_color": "#9C0006"})
    ws = wb.add_worksheet(Deductions.SHEET)
    # SPEC 5's twelve columns (section 9's optional 考核类型/专项名称 absent): M is the clerk's
    ws.write_row(0, 0, Deductions.COLUMNS[:Deductions.COLUMNS.index(Deductions.STATUS) + 1], head)
    for r, row in enumerate(DEDUCTION_ROWS, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, float):
                ws.write_number(r, c, value, points)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
    ws.write_formula(1, 12, "=I2*2", None, 1.0)
    ws.set_column(0, 0, 14)
    ws.set_column(7, 7, 30)
    ws.data_validation("L2:L100", {"validate": "list", "source": ["有效", "撤销"]})
    ws.conditional_format("I2:I100", {"type": "cell", "criteria": ">", "value": 1, "format": head})
    ws.write_comment("H2", "请写明事由")
    if with_findings:
        old = wb.add_worksheet(Findings.SHEET)
        old.set_tab_color("#FF0000")
        old.write_row(0, 0, ["旧表头"])
        old.write_row(1, 0, ["旧内容", 99])
        old.write_comment("A2", "旧批注")   # gives the old sheet a rels part
    params = wb.add_worksheet(Params.SHEET)
    params.write_row(0, 0, Params.COLUMNS, head)
    params.write_row(1, 0, ["单位名称", "辽阳局", ""])
    params.write_row(2, 0, ["年度", 2026, ""])
    chart_ws = wb.add_worksheet(CHART_SHEET)
    chart_ws.write_column(0, 0, ["一季度", "二季度", "三季度"])
    chart_ws.write_column(0, 1, [3, 5, 2])
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"categories": f"='{CHART_SHEET}'!$A$1:$A$3", "values": f"='{CHART_SHEET}'!$B$1:$B$3"})
    chart_ws.insert_chart("D2", chart)
    chart_ws.insert_image("D20", "tiny.png", {"image_data": io.BytesIO(tiny_png())})
    wb.define_name(DEFINED_NAME, f"={Deductions.SHEET}!$I$2:$I$3")
    wb.close()
    return path


def parts(path: Path) -> dict[str, bytes]:
    """Every zip member's uncompressed bytes, in zip order."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def stored_members(path: Path) -> dict[str, bytes]:
    """member -> its compressed bytes exactly as stored in the zip."""
    out = {}
    with zipfile.ZipFile(path) as archive, open(path, "rb") as f:
        for info in archive.infolist():
            f.seek(info.header_offset + 26)
            n, m = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
            f.seek(info.header_offset + 30 + n + m)
            out[info.filename] = f.read(info.compress_size)
    return out


def grid(path: Path, sheet: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def rewrite_zip(path: Path, changes: dict[str, bytes | None]) -> None:
    """Replace (bytes), drop (None) or append members of a zip, for fixtures."""
    old = parts(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in old.items():
            if name in changes:
                data = changes.pop(name)
            if data is not None:
                zf.writestr(name, data)
        for name, data in changes.items():
            if data is not None:
                zf.writestr(name, data)


def add_calc_chain(path: Path) -> None:
    """Give the workbook the calcChain.xml Excel would write for 扣分记录!M2."""
    p = parts(path)
    rels = p["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    types = p["[Content_Types].xml"].decode().replace(
        "</Types>",
        '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    chain = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<c r="M2" i="1"/></calcChain>')
    rewrite_zip(path, {"xl/_rels/workbook.xml.rels": rels.encode(), "[Content_Types].xml": types.encode(),
                       "xl/calcChain.xml": chain.encode()})


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def build_bare(path: Path, *, prefixed: bool = False) -> Path:
    """The smallest package Excel opens: no shared strings and, unless
    `prefixed`, no styles.xml. `prefixed` writes SpreadsheetML with an `x:`
    prefix (as the Open XML SDK does) and a styles.xml in that style."""
    x = "x:" if prefixed else ""
    ns = f'xmlns:x="{MAIN}"' if prefixed else f'xmlns="{MAIN}"'
    styles_type = ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.styles+xml"/>') if prefixed else ""
    styles_rel = (f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>'
                  if prefixed else "")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                    f'officedocument.spreadsheetml.worksheet+xml"/>{styles_type}</Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml",
                    f'<?xml version="1.0" encoding="UTF-8"?><{x}workbook {ns} xmlns:r="{RELS}">'
                    f'<{x}sheets><{x}sheet name="参数" sheetId="1" r:id="rId1"/></{x}sheets></{x}workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
                    f'{styles_rel}</Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml",
                    f'<?xml version="1.0" encoding="UTF-8"?><{x}worksheet {ns}><{x}sheetData>'
                    f'<{x}row r="1"><{x}c r="A1" t="inlineStr"><{x}is><{x}t>参数</{x}t></{x}is></{x}c></{x}row>'
                    f'<{x}row r="3"><{x}c r="B3" s="1"><{x}v>2</{x}v></{x}c></{x}row>'
                    f'</{x}sheetData></{x}worksheet>')
        if prefixed:
            zf.writestr("xl/styles.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?><x:styleSheet {ns}>'
                        '<x:fonts count="1"><x:font><x:sz val="12"/><x:name val="宋体"/></x:font></x:fonts>'
                        '<x:fills count="2"><x:fill><x:patternFill patternType="none"/></x:fill>'
                        '<x:fill><x:patternFill patternType="gray125"/></x:fill></x:fills>'
                        '<x:borders count="1"><x:border/></x:borders>'
                        '<x:cellStyleXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                        '</x:cellStyleXfs>'
                        '<x:cellXfs count="2"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                        '<x:xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                        '</x:cellXfs><x:cellStyles count="1"><x:cellStyle name="Normal" xfId="0" builtinId="0"/>'
                        '</x:cellStyles></x:styleSheet>')
    return path


def soffice_csv(path: Path, outdir: Path, profile: Path) -> dict[str, str]:
    """Every sheet of `path` as CSV text, converted by LibreOffice headless."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180)
    prefix = path.stem + "-"
    return {f.stem[len(prefix):]: f.read_text(encoding="utf-8") for f in outdir.glob(f"{prefix}*.csv")}


def soffice_resave(path: Path, outdir: Path, profile: Path) -> Path:
    """The same workbook as LibreOffice writes it (another producer's XML dialect)."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180)
    return outdir / (path.stem + ".xlsx")


def with_cached(path: Path, cell: str, cached: bytes, type_attr: bytes = b"") -> None:
    """Give openpyxl's formula cell the result Excel would have stored
    (openpyxl writes formulas without one)."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    pattern = re.compile(rb'<c r="' + cell.encode() + rb'"([^>]*)><f>([^<]*)</f><v\s*/>')
    hits = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/") and pattern.search(data):
                data, n = pattern.subn(rb'<c r="' + cell.encode() + rb'"\1' + type_attr
                                       + rb"><f>\2</f><v>" + cached + rb"</v>", data)
                hits += n
            zout.writestr(info, data)
    assert hits == 1
