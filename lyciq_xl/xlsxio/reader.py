"""Read workbook sheets into Tables: python-calamine cell by cell for the
usual sheet, fastexcel column by column for big ones (xlsxio/columnar.py).

Each sheet is read once, densely from A1, so row and column numbers are the
clerk's own and every finding can name its cell. What calamine does not
report (formula errors, formulas without results, merged cells, an Excel
Table's Total Row, percent formats) comes from one scan of the sheet XML
(xlsxio/sheetscan.py).
"""
from __future__ import annotations

import contextlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import python_calamine

from lyciq_xl import contract
from lyciq_xl.errors import InputError
from lyciq_xl.table import ColumnarTable, Table, table_from_grid
from lyciq_xl.xlsxio import package, sheetscan

if TYPE_CHECKING:
    from lyciq_xl.xlsxio import columnar


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


def read_tables(path: Path, specs: Iterable[type[Any]] = contract.INPUT_SHEETS,
                optional: Iterable[type[Any]] = contract.OPTIONAL_INPUT_SHEETS) -> dict[str, Table]:
    """Read the sheets named by `specs` (contract classes with SHEET and
    REQUIRED), and those of `optional` that are present. Raises InputError
    naming every missing sheet or column."""
    path = Path(path)
    book = open_workbook(path)
    specs, optional = list(specs), list(optional)
    require_sheets(path.name, book.sheet_names, specs)
    check_sheet_spelling(path.name, book.sheet_names, [s.SHEET for s in optional])
    return read_sheets(path, book, specs + [s for s in optional if s not in specs])


# Sheets whose XML is at least this large are read columnar (fastexcel):
# about 20,000 cells. Smaller ones cost calamine a few milliseconds.
COLUMNAR_BYTES = 2_000_000


def read_sheets(path: Path, book: python_calamine.CalamineWorkbook,
                specs: Iterable[type[Any]]) -> dict[str, Table]:
    """The sheets of `specs` present in `book` as Tables (REQUIRED columns
    checked where a spec has them). The Total Row of an Excel Table is no
    data row: it is left out."""
    specs = [s for s in specs if s.SHEET in book.sheet_names]
    loaded, grids, facts = _parse(path, book, [s.SHEET for s in specs])
    tables = {}
    for spec in specs:
        name, required = spec.SHEET, getattr(spec, "REQUIRED", ())
        found = facts.get(name, sheetscan.SheetFacts())
        table = _columnar_table(loaded.get(name), name, found, required)
        if table is None:
            grid = grids[name] if name in grids else sheet_grid(book, name)
            table = table_from_grid(name, _with_errors(grid, found.errors), required)
        if found.totals_rows and isinstance(table, ColumnarTable):
            table.without(found.totals_rows)
        elif found.totals_rows:
            table.rows = [r for r in table.rows if r.number not in found.totals_rows]
        for header in contract.PERCENT_POINT_COLUMNS.get(name, ()):
            _percent_as_points(table, header, found.percent_cells)
        tables[name] = table
    return tables


def _parse(path: Path, book: python_calamine.CalamineWorkbook, names: list[str]
           ) -> tuple[dict[str, columnar.Loaded], dict[str, list[list[Any]]],
                      dict[str, sheetscan.SheetFacts]]:
    """Big sheets parsed by fastexcel, the others by python-calamine, and the
    scan of every sheet's XML on a second thread: zlib and the Rust parsers
    release the GIL, so on a second core it overlaps the parse."""
    big = _big_sheets(path, names)
    loaded: dict[str, columnar.Loaded] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        scan = pool.submit(sheetscan.scan_sheets, path, names,
                           [n for n in names if n in contract.PERCENT_POINT_COLUMNS])
        if big:
            # imported here: pyarrow and fastexcel cost ~0.2 s of start-up
            # that a usual master, with no sheet that big, need not pay
            from lyciq_xl.xlsxio import columnar
            reader = columnar.open_reader(path)
            for name in big:
                with contextlib.suppress(columnar.NotColumnar):
                    loaded[name] = columnar.load(reader, name)
        grids = {name: sheet_grid(book, name) for name in names if name not in loaded}
        return loaded, grids, scan.result()


def _columnar_table(loaded: columnar.Loaded | None, name: str, facts: sheetscan.SheetFacts,
                    required: tuple[str, ...]) -> Table | None:
    if loaded is None:
        return None
    from lyciq_xl.xlsxio import columnar
    try:
        return columnar.to_table(loaded, name, facts, required)
    except columnar.NotColumnar:
        return None          # the cell reader reads it (or says what is wrong)


def _big_sheets(path: Path, names: list[str]) -> list[str]:
    """The sheets of `names` whose XML is at least COLUMNAR_BYTES."""
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package.read_package(zf)
            sizes = {i.filename: i.file_size for i in zf.infolist()}
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    parts = {name: pkg.lookup(name) for name in names}
    return [name for name, sheet in parts.items()
            if sheet and sheet.part and sizes.get(sheet.part, 0) >= COLUMNAR_BYTES]


def _percent_as_points(table: Table, header: str, cells: set[tuple[int, int]]) -> None:
    """A number shown as a percentage (0.72 as 72%) read as the 72 the clerk
    sees: exact, 0.725 -> 72.5."""
    column = table.columns.get(header)
    if column is None or not cells:
        return
    for row in table.rows:
        value = row.values.get(header)
        if type(value) is Decimal and (row.number - 1, column) in cells:
            scaled = value.scaleb(2)
            row.values[header] = (scaled.quantize(Decimal(1)) if scaled == scaled.to_integral_value()
                                  else scaled.normalize())


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


def require_sheets(book_name: str, present: Iterable[str], specs: Iterable[type[Any]]) -> None:
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
    """Put formula error values (see `sheetscan`) back into cells calamine
    reads as blank."""
    for (row, column), text in (errors or {}).items():
        if row < len(grid) and column < len(grid[row]) and grid[row][column] in ("", None):
            grid[row][column] = text
    return grid
