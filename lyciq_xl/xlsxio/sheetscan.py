"""What the cell readers do not say about a sheet, from one streamed pass
over its XML: formula error values, formulas without a cached result, the
merged ranges and the row of the first cell holding a value.

Streamed in chunks cut after a complete </row> (or, past the cell data, a
complete element), so even a national-scale sheet (hundreds of MB of XML)
costs one chunk of memory, and the usual input sheet — typed values only —
costs no more than inflating it.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio import package

_CHUNK = 1 << 20

# A cell element; its attributes and body (SpreadsheetML, any namespace prefix).
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
# The first cell with a value: a <v> with text or an inline string.
_VALUED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+([0-9]+)"[^>]*?(?<!/)>'
                          rb'(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?(?:v>[^<]|is\b)', re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELLS_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")


@dataclass
class SheetFacts:
    errors: dict[tuple[int, int], str] = field(default_factory=dict)   # (row0, col0) -> '#N/A'
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    first_row: int | None = None            # 1-based row of the first valued cell


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


def _chunks(stream) -> Iterator[bytes]:
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


def scan_part(sheet: str, stream) -> SheetFacts:
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


def scan_sheets(path: Path, sheets: Iterable[str]) -> dict[str, SheetFacts]:
    """SheetFacts per sheet name. A formula with no stored result (the file
    was written by a program, never saved by Excel) makes every value
    doubtful: InputError naming the first such cell. Unreadable parts give
    no facts: calamine says what it can about them."""
    out: dict[str, SheetFacts] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package.read_package(zf)
            for name in sheets:
                sheet = pkg.lookup(name)
                if sheet and sheet.part:
                    with zf.open(sheet.part) as stream:
                        out[name] = scan_part(name, stream)
    except (KeyError, zipfile.BadZipFile, OSError):
        return out
    return out
