"""What the cell readers do not say about a sheet, from one streamed pass
over its XML: formula error values, formulas without a cached result, the
merged ranges and the row of the first cell holding a value; and, from the
sheet's Excel Tables (ListObjects), the rows they declare as totals rows.

Streamed in chunks cut after a complete </row> (or, past the cell data, a
complete element), so even a national-scale sheet (hundreds of MB of XML)
costs one chunk of memory, and the usual input sheet — typed values only —
costs no more than inflating it.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException

from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio import package
from lyciq_xl.xlsxio import xmltext as X
from lyciq_xl.xlsxio.styles import StyleBook

_CHUNK = 1 << 20

# A cell element; its attributes and body (SpreadsheetML, any namespace prefix).
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
# The first cell with a value: a <v> with text or an inline string.
_VALUED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+([0-9]+)"[^>]*?(?<!/)>'
                          rb'(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?(?:v>[^<]|is\b)', re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_TABLE_REF = re.compile(r"\$?[A-Z]+\$?([0-9]+):\$?[A-Z]+\$?([0-9]+)")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELLS_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")


@dataclass
class SheetFacts:
    errors: dict[tuple[int, int], str] = field(default_factory=dict)   # (row0, col0) -> '#N/A'
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    first_row: int | None = None            # 1-based row of the first valued cell
    totals_rows: set[int] = field(default_factory=set)   # 1-based: an Excel Table's Total Row
    percent_cells: set[tuple[int, int]] = field(default_factory=set)   # (row0, col0), if asked


def cell_index(letters: bytes, digits: bytes) -> tuple[int, int]:
    """b'B', b'7' -> (6, 1): 0-based row and column."""
    column = 0
    for ch in letters:
        column = column * 26 + ch - 64
    return int(digits) - 1, column - 1


def _after_last_row(data: bytes) -> int:
    """Offset just after the last </row> (any prefix) in `data`, 0 if none."""
    end = len(data)
    while (at := data.rfind(b"row>", 0, end)) > 0:
        start = data.rfind(b"<", 0, at)
        if _ROW_END.fullmatch(data, start, at + 4):
            return at + 4
        end = at
    return 0


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The part's bytes in pieces that each end after a complete element:
    a </row> within the cell data, any tag after it (merged ranges)."""
    rest, past_cells = b"", False
    while True:
        data = stream.read(_CHUNK)
        if not data:
            if rest:
                yield rest
            return
        data = rest + data
        past_cells = past_cells or b"sheetData" in data and bool(_CELLS_END.search(data))
        cut = data.rfind(b">") + 1 if past_cells else _after_last_row(data)
        if cut == 0:
            rest = data              # a row longer than a chunk: read on
            continue
        rest = data[cut:]
        yield data[:cut]


def _scan_cells(sheet: str, data: bytes, facts: SheetFacts) -> None:
    for attrs, body in _CELL.findall(data):
        ref = _REF.search(attrs)
        if not ref or not body or b"<f" not in body and b't="e"' not in attrs:
            continue
        value = _VALUE.search(body)
        # <v></v> with t="str" is a formula that returned "" (Excel)
        if value is None and b't="str"' not in attrs:
            cell = (ref.group(1) + ref.group(2)).decode()
            raise InputError(
                f"工作表“{sheet}”单元格 {cell} 是公式,但文件中没有它的计算结果"
                f"(该文件不是由Excel保存的)。请在Excel中打开该工作簿,保存后重试。")
        if value is not None and b't="e"' in attrs:
            facts.errors[cell_index(*ref.groups())] = value.group(1).decode("ascii", "replace")


def scan_part(sheet: str, stream: IO[bytes]) -> SheetFacts:
    facts = SheetFacts()
    for data in _chunks(stream):
        if facts.first_row is None:
            found = _VALUED_CELL.search(data)
            if found:
                facts.first_row = int(found.group(1))
        if b"<f" in data or b't="e"' in data:
            _scan_cells(sheet, data, facts)
        if b"mergeCell" in data:
            for a, b, c, d in _MERGE.findall(data):
                top = cell_index(a, b)
                facts.merged.append((top, cell_index(c, d) if c else top))
    return facts


def totals_rows(zf: zipfile.ZipFile, sheet_part: str) -> set[int]:
    """1-based rows that the sheet's Excel Tables declare as their Total Row
    (xl/tables/tableN.xml: the last totalsRowCount rows of ref). They hold
    SUBTOTAL formulas, not data: read as data, a 扣分 total is a deduction."""
    rels_part = package.rels_path(sheet_part)
    if rels_part not in zf.namelist():
        return set()
    rows: set[int] = set()
    for rel in X.parse(zf.read(rels_part)):
        if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
            continue
        try:
            table = X.parse(zf.read(package.resolve(sheet_part, rel.get("Target", ""))))
        except (KeyError, ET.ParseError, DefusedXmlException):
            continue                       # a dangling or broken table part: no table
        count, ref = table.get("totalsRowCount", "0"), _TABLE_REF.fullmatch(table.get("ref", ""))
        if ref and count.isdigit() and int(count) > 0:
            last = int(ref.group(2))
            rows.update(range(max(last - int(count) + 1, 1), last + 1))
    return rows


def percent_cells(data: bytes, styles: StyleBook) -> set[tuple[int, int]]:
    """Cells whose style shows them as a percentage. Per cell, so only for
    small sheets (外部评价): calamine does not say a cell's number format."""
    out = set()
    for attrs, _body in _CELL.findall(data):
        xf, ref = _STYLE.search(attrs), _REF.search(attrs)
        if xf and ref and styles.is_percent_xf(int(xf.group(1))):
            out.add(cell_index(*ref.groups()))
    return out


def _styles(zf: zipfile.ZipFile, pkg: package.Package) -> StyleBook:
    rel = pkg.rel_of_type("/styles")
    return StyleBook(zf.read(rel.target) if rel and rel.target in zf.namelist() else None)


def scan_sheets(path: Path, sheets: Iterable[str],
                with_percent: Iterable[str] = ()) -> dict[str, SheetFacts]:
    """SheetFacts per sheet name (`percent_cells` for the sheets named in
    `with_percent`). A formula with no stored result (the file was written
    by a program, never saved by Excel) makes every value doubtful:
    InputError naming the first such cell. Unreadable parts give no facts:
    calamine says what it can about them."""
    out: dict[str, SheetFacts] = {}
    with_percent = set(with_percent)
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package.read_package(zf)
            styles = _styles(zf, pkg) if with_percent else None
            for name in sheets:
                sheet = pkg.lookup(name)
                if sheet and sheet.part:
                    with zf.open(sheet.part) as stream:
                        out[name] = scan_part(name, stream)
                    out[name].totals_rows = totals_rows(zf, sheet.part)
                    if styles is not None and name in with_percent:
                        out[name].percent_cells = percent_cells(zf.read(sheet.part), styles)
    except (KeyError, zipfile.BadZipFile, OSError, ET.ParseError, DefusedXmlException):
        return out
    return out
