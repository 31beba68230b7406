"""Read workbook sheets into Tables with python-calamine (fast, read-only).

Each sheet is read once, densely from A1, so row and column numbers are the
clerk's own and every finding can name its cell.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

import python_calamine

from lyciq_xl import contract
from lyciq_xl.errors import InputError
from lyciq_xl.table import Table, table_from_grid
from lyciq_xl.xlsxio import package


def check_workbook_path(path: Path) -> None:
    """Raise InputError unless `path` is an existing .xlsx/.xlsm zip."""
    if not path.exists():
        raise InputError(f"找不到文件“{path}”,请检查路径是否正确。")
    if path.is_dir():
        raise InputError(f"“{path}”是文件夹,请指定一个Excel工作簿(.xlsx)。")
    if not zipfile.is_zipfile(path):
        raise InputError(f"“{path.name}”不是有效的Excel工作簿(.xlsx),"
                         f"请在Excel中另存为“Excel工作簿(*.xlsx)”后重试。")
    if _is_opendocument(path):
        raise InputError(f"“{path.name}”是OpenDocument电子表格(.ods,WPS或LibreOffice格式),"
                         f"不是Excel工作簿。请另存为“Excel工作簿(*.xlsx)”后重试。")


def _is_opendocument(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False


def open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    check_workbook_path(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError) as exc:
        raise InputError(f"无法读取工作簿“{path.name}”:文件已损坏或不是Excel工作簿({exc})。") from exc


def read_tables(path: Path, specs: Iterable[type] = contract.INPUT_SHEETS,
                optional: Iterable[type] = contract.OPTIONAL_INPUT_SHEETS) -> dict[str, Table]:
    """Read the sheets named by `specs` (contract classes with SHEET and
    REQUIRED), and those of `optional` that are present. Raises InputError
    naming every missing sheet or column."""
    path = Path(path)
    book = open_workbook(path)
    specs, optional = list(specs), list(optional)
    require_sheets(path.name, book.sheet_names, specs)
    check_sheet_spelling(path.name, book.sheet_names, [s.SHEET for s in optional])
    return read_sheets(path, book, specs + [s for s in optional if s not in specs])


def read_sheets(path: Path, book: python_calamine.CalamineWorkbook,
                specs: Iterable[type]) -> dict[str, Table]:
    """The sheets of `specs` present in `book` as Tables (REQUIRED columns
    checked where a spec has them)."""
    specs = [s for s in specs if s.SHEET in book.sheet_names]
    # The formula scan inflates the sheet XML again; zlib releases the GIL,
    # so on a second core it overlaps calamine's own parse instead of
    # adding to it (~0.5 s of a province-scale read).
    with ThreadPoolExecutor(max_workers=1) as pool:
        scan = pool.submit(formula_gaps, path, [s.SHEET for s in specs])
        grids = {s.SHEET: sheet_grid(book, s.SHEET) for s in specs}
        gaps = scan.result()
    return {s.SHEET: table_from_grid(s.SHEET, _with_errors(grids[s.SHEET], gaps.get(s.SHEET)),
                                     getattr(s, "REQUIRED", ()))
            for s in specs}


# A cell element; its attributes and body (SpreadsheetML, any namespace prefix).
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")


def _cell_index(letters: bytes, digits: bytes) -> tuple[int, int]:
    column = 0
    for ch in letters:
        column = column * 26 + ch - 64
    return int(digits) - 1, column - 1


def formula_gaps(path: Path, sheets: Iterable[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Cells calamine reads as blank though they are not: a formula whose
    result is an error (#DIV/0!, #N/A) -> {(row0, col0): '#N/A'} per sheet, so
    the clerk is shown the error, not "(空白)". A formula with no stored
    result (the file was written by a program, never saved by Excel) makes
    every value doubtful: InputError naming the first such cell."""
    gaps: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package.read_package(zf)
            for name in sheets:
                sheet = pkg.lookup(name)
                data = zf.read(sheet.part) if sheet and sheet.part else b""
                if b"<f" not in data and b't="e"' not in data:
                    continue           # the usual input sheet: typed values only
                for attrs, body in _CELL.findall(data):
                    ref = _REF.search(attrs)
                    if not ref or not body or b"<f" not in body and b't="e"' not in attrs:
                        continue
                    value = _VALUE.search(body)
                    where = _cell_index(*ref.groups())
                    # <v></v> with t="str" is a formula that returned "" (Excel)
                    if value is None and b't="str"' not in attrs:
                        cell = (ref.group(1) + ref.group(2)).decode()
                        raise InputError(
                            f"工作表“{name}”单元格 {cell} 是公式,但文件中没有它的计算结果"
                            f"(该文件不是由Excel保存的)。请在Excel中打开该工作簿,保存后重试。")
                    if value is not None and b't="e"' in attrs:
                        gaps.setdefault(name, {})[where] = value.group(1).decode("ascii", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return gaps    # unreadable parts: calamine has already said what it could
    return gaps


def _bare(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def check_sheet_spelling(book_name: str, present: Iterable[str], wanted: Iterable[str]) -> None:
    """InputError when a wanted sheet is absent but one differing only in
    spaces or full-width characters is there ('扣分记录 '): Excel shows both
    alike, so "missing" would mislead the clerk."""
    present = list(present)
    for name in wanted:
        if name in present:
            continue
        for other in present:
            if _bare(other) == _bare(name):
                raise InputError(f"工作簿“{book_name}”中工作表“{other}”的名称含多余的空格或全角字符,"
                                 f"请将其重命名为“{name}”后重试。")


def require_sheets(book_name: str, present: Iterable[str], specs: Iterable[type]) -> None:
    """InputError naming every sheet of `specs` missing from `present`."""
    present = set(present)
    specs = list(specs)
    check_sheet_spelling(book_name, present, [s.SHEET for s in specs])
    missing = [s.SHEET for s in specs if s.SHEET not in present]
    if missing:
        names = "、".join(f"“{n}”" for n in missing)
        raise InputError(f"工作簿“{book_name}”缺少工作表{names}。"
                         f"请按主工作簿格式添加(可用 lyciq-xl init 生成模板参照)。")


def _fill_merged_down(grid: list[list], merged) -> None:
    """A clerk merges 科室 or 考核期 down several rows and sees the value on
    each; the file holds it only in the top cell. Give every row of a
    one-column merge below the header that value (wider merges span
    different fields, so they stay as they are)."""
    for (top, left), (bottom, right) in merged:
        if left != right or top < 1 or top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for row in grid[top + 1:bottom + 1]:
            if left < len(row) and row[left] in ("", None):
                row[left] = value


def sheet_grid(book: python_calamine.CalamineWorkbook, sheet: str) -> list[list]:
    """One sheet's values densely from A1, merged-down cells filled."""
    try:
        found = book.get_sheet_by_name(sheet)
        grid = found.to_python(skip_empty_area=False)
    except python_calamine.CalamineError as exc:
        raise InputError(f"无法读取工作表“{sheet}”:{exc}。请在Excel中打开并重新保存后重试。") from exc
    _fill_merged_down(grid, found.merged_cell_ranges or ())
    return grid


def _with_errors(grid: list[list], errors: dict[tuple[int, int], str] | None) -> list[list]:
    """Put formula error values (see `formula_gaps`) back into cells calamine
    reads as blank."""
    for (row, column), text in (errors or {}).items():
        if row < len(grid) and column < len(grid[row]) and grid[row][column] in ("", None):
            grid[row][column] = text
    return grid
