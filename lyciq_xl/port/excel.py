"""The workbook open in Excel, through xlwings: one bulk read per sheet,
one value block per owned sheet, as few fill calls as the engine allows.

Two xlwings engines run this code: COM (the add-in's RunPython, Windows
and macOS Excel) and the remote engine (xlwings Server; the tests), whose
VBA client can replay only 37 kinds of action — so no column widths, fonts
or sheet visibility here, and hyperlinks are HYPERLINK formulas in the one
value block.

Reading gives the Tables the file reader gives for the same workbook:
- error values as their text (#N/A, #DIV/0!), not None (`err_to_str`);
- a cell merged down one column holds its value on every row. Under COM the
  merge areas are asked of Excel (one call per column, then one per blank
  cell of a column that has merges). The remote engine's payload carries no
  merges at all, so there a merged-down 科室 reads on its top row only and
  the rows below are blank (the command line and COM fill them);
- a date at midnight as a date, as python-calamine gives a date cell;
- the Total Row of an Excel Table (ListObject) is no data row. Both engines
  know the tables: COM asks Excel (ShowTotals, TotalsRowRange), the remote
  client sends each table's total_row_range_address in its payload;
- a 得分率 shown as a percentage (0.72 as 72%, contract.PERCENT_POINT_COLUMNS)
  reads as the 72 the clerk sees. Under COM the number formats of those
  columns are asked of Excel (Range.NumberFormat: one call per column, then
  one per number of a column whose formats are mixed). The remote payload
  carries values only, no number formats, so there 72% reads as 0.72 (which
  the engine then warns about, B06: "若指72%,请填写72"; the command line and
  COM read 72).

Which workbook: `xw.Book.caller()`. RunPython passes the workbook that was
active at the click (`--wb=ActiveWorkbook.Name`, or BOOK_CALLER), and the
remote client sends the same; `app.books.active` read later could be
another window the clerk switched to meanwhile (on a Mac RunPython returns
at once).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlwings as xw

from lyciq_xl import contract
from lyciq_xl.contract import Level, Marks
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.port.base import Patches, Progress, SheetSpec, WorkbookPort
from lyciq_xl.table import Table, table_from_grid
from lyciq_xl.xlsxio.reader import _fill_merged_down, _percent_as_points, check_sheet_spelling, require_sheets
from lyciq_xl.xlsxio.styles import is_percent_code

MARK_FILL = {Level.ERROR: "#FFC7CE", Level.WARNING: "#FFEB9C"}   # Excel's 差 / 中性
# The add-in's own VBA (macros/LyciqActions.bas), used only by the remote engine:
# the VBA client cannot remove a fill (setRangeColor needs a colour).
FILL_MACRO = "'lyciq.xlam'!LyciqActions.LyciqFill"
_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
_COM_AREA_CHARS = 250          # Range("I7,I9,...") takes at most 255 characters
# AppleScript transfers whole numbers only as 32-bit ints: larger ones go as
# floats (exact up to 2**53; Excel keeps every number as a double anyway).
_INT_LIMIT = 2 ** 31

Grid = list[list[Any]]


def is_remote(book: xw.Book) -> bool:
    return bool(book.app.engine.name == "remote")


# --- reading ------------------------------------------------------------------------

def _as_file_reader_gives(value: Any) -> Any:
    if type(value) is dt.datetime and value.time() == dt.time():
        return value.date()
    return value


def read_grid(sheet: xw.Sheet) -> Grid:
    """The sheet's values as a dense grid from A1 to the used range's last
    cell, in one bulk read (used_range may start after A1 under COM)."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1 and sheet.range("A1").value is None:
        return []
    grid = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    return [[_as_file_reader_gives(v) for v in row] for row in grid]


def merged_down(sheet: xw.Sheet, grid: Grid) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """0-based ((top, left), (bottom, right)) of the merge areas holding a
    blank cell below the header row (COM engine only)."""
    areas = []
    rows = len(grid)
    width = max((len(r) for r in grid), default=0)
    for col in range(width):
        if rows < 2 or sheet.range((2, col + 1), (rows, col + 1)).merge_cells is False:
            continue                  # the usual column: one call tells it has no merges
        row = 1
        while row < rows:
            if grid[row][col] not in (None, ""):
                row += 1
                continue
            area = sheet.range((row + 1, col + 1)).merge_area
            top, left = area.row - 1, area.column - 1
            bottom, right = top + area.shape[0] - 1, left + area.shape[1] - 1
            if (top, left) != (row, col):
                areas.append(((top, left), (bottom, right)))
            row = max(row + 1, bottom + 1)
    return areas


def totals_rows(sheet: xw.Sheet) -> set[int]:
    """1-based rows the sheet's Excel Tables show as their Total Row (both
    engines; the file reader reads the same from xl/tables/tableN.xml)."""
    rows: set[int] = set()
    for table in sheet.tables:
        area = table.totals_row_range if table.show_totals else None
        if area is not None:
            rows.update(range(area.row, area.row + area.shape[0]))
    return rows


def percent_cells(sheet: xw.Sheet, grid: Grid, columns: Iterable[int]) -> set[tuple[int, int]]:
    """0-based (row, column) of the cells of `columns` below the header that
    Excel shows as a percentage (COM engine only). Excel gives one format
    for a column whose cells share it, None when they differ."""
    cells: set[tuple[int, int]] = set()
    rows = len(grid)
    for col in columns if rows > 1 else ():
        shared = sheet.range((2, col + 1), (rows, col + 1)).number_format
        if isinstance(shared, str):
            if is_percent_code(shared):
                cells.update((row, col) for row in range(1, rows))
            continue
        for row in range(1, rows):
            value = grid[row][col] if col < len(grid[row]) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                own = sheet.range((row + 1, col + 1)).number_format
                if isinstance(own, str) and is_percent_code(own):
                    cells.add((row, col))
    return cells


# --- writing ------------------------------------------------------------------------

def cell_value(value: Any) -> Any:
    """A core value as Excel should receive it. Every text gets Excel's
    invisible apostrophe prefix, so it stays the text it is: not a formula
    (=, +, -, @ or their full-width forms), and not coerced to a number,
    date or boolean ("001", "1/2", "TRUE")."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < _INT_LIMIT:
            return int(value)
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and value:
        return "'" + value
    return value


def hyperlink_formula(target: str, text: Any) -> str:
    """An in-workbook link as a formula: it travels in the value block."""
    shown = "" if text is None else str(text)
    return '=HYPERLINK("#{}","{}")'.format(target.replace('"', '""'), shown.replace('"', '""'))


def remote_dates(grid: Grid) -> Grid:
    """Dates as ISO text with a "T" for the remote engine: xlwings would send
    "2026-12-01 10:47:30", which the VBA client's ParseIso cannot read, and
    Excel would then be left to guess the text's meaning."""
    return [[v.isoformat(timespec="seconds") if isinstance(v, dt.datetime) else v for v in row]
            for row in grid]


def _grid(owned: OwnedSheet) -> Grid:
    grid: Grid = [list(owned.headers)]
    column = {h: i for i, h in enumerate(owned.headers)}
    links: dict[int, list[tuple[int, str]]] = {}
    for (link_row, header), target in owned.links.items():
        if target:
            links.setdefault(link_row, []).append((column[header], target))
    for r, row in enumerate(owned.rows):
        values = [cell_value(v) for v in row]
        for c, target in links.get(r, ()):
            values[c] = hyperlink_formula(target, row[c])
        grid.append(values)
    return grid


def _format_runs(owned: OwnedSheet) -> list[tuple[int, int, str]]:
    """(first column, last column, format) for runs of adjacent columns that
    share a number format: one action per run."""
    runs: list[tuple[int, int, str]] = []
    for i, header in enumerate(owned.headers):
        fmt = owned.number_formats.get(header)
        if fmt is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == fmt:
            runs[-1] = (runs[-1][0], i, fmt)
        else:
            runs.append((i, i, fmt))
    return runs


def write_owned(book: xw.Book, owned: OwnedSheet) -> None:
    """Replace the sheet's content (or add the sheet at the end): clear, one
    value block, one number format per run of columns, autofit."""
    remote = is_remote(book)
    names = [s.name for s in book.sheets]
    if owned.name in names:
        sheet = book.sheets[owned.name]
        sheet.clear()
    else:
        sheet = book.sheets.add(owned.name, after=book.sheets[len(names) - 1])
    grid = _grid(owned)
    sheet.range("A1").value = remote_dates(grid) if remote else grid
    if owned.rows:
        for first, last, fmt in _format_runs(owned):
            sheet.range((2, first + 1), (len(grid), last + 1)).number_format = fmt
    sheet.range((1, 1), (len(grid), len(owned.headers))).columns.autofit()


def apply_patches(book: xw.Book, patches: Patches) -> None:
    """Cell edits {sheet: {(row 1-based, column 0-based): value}} as one value
    block per run of adjacent cells in a row: O(changed rows), not O(cells)."""
    remote = is_remote(book)
    for sheet_name, cells in patches.items():
        sheet = book.sheets[sheet_name]
        runs: list[tuple[int, int, list[Any]]] = []
        for (row, col), value in sorted(cells.items()):
            if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == col:
                runs[-1][2].append(cell_value(value))
            else:
                runs.append((row, col, [cell_value(value)]))
        for row, col, values in runs:
            sheet.range((row, col + 1)).value = remote_dates([values]) if remote else [values]


def area_chunks(cells: list[str], limit: int = _COM_AREA_CHARS) -> list[str]:
    """Multi-area addresses ("I7,I9,K3") of at most `limit` characters each
    (a limit of 0: one cell per address)."""
    chunks: list[str] = []
    for cell in cells:
        if chunks and len(chunks[-1]) + 1 + len(cell) <= limit:
            chunks[-1] += "," + cell
        else:
            chunks.append(cell)
    return chunks


# --- the port -------------------------------------------------------------------------

class ExcelPort(WorkbookPort):
    """The clerk's open workbook (the ribbon)."""

    def __init__(self, book: xw.Book, progress: Progress | None = None,
                 platform: str = sys.platform) -> None:
        super().__init__(progress or self._status_bar)
        self.book = book
        self.remote = is_remote(book)
        self.name = book.name
        self.path = Path(book.fullname)
        # multi-area ranges over AppleScript are untested: one area per call
        self.one_area_at_a_time = not self.remote and platform == "darwin"
        self._active = book.sheets.active.name
        self._status_used = False

    @classmethod
    def caller(cls) -> ExcelPort:
        """The workbook whose button was clicked (see the module docstring)."""
        return cls(xw.Book.caller())

    # --- reading --------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def _table(self, spec: SheetSpec) -> Table:
        """The sheet as the file reader reads it (see the module docstring)."""
        name = spec.SHEET
        sheet = self.book.sheets[name]
        grid = read_grid(sheet)
        if not self.remote:
            _fill_merged_down(grid, merged_down(sheet, grid))
        table = table_from_grid(name, grid, getattr(spec, "REQUIRED", ()))
        totals = totals_rows(sheet)
        if totals:
            table.rows = [r for r in table.rows if r.number not in totals]
        headers = [h for h in contract.PERCENT_POINT_COLUMNS.get(name, ()) if h in table.columns]
        if headers and not self.remote:
            cells = percent_cells(sheet, grid, [table.columns[h] for h in headers])
            for header in headers:
                _percent_as_points(table, header, cells)
        return table

    def read_tables(self, specs: Iterable[SheetSpec] = contract.INPUT_SHEETS,
                    optional: Iterable[SheetSpec] = contract.OPTIONAL_INPUT_SHEETS,
                    ) -> dict[str, Table]:
        specs, optional = list(specs), list(optional)
        present = self.sheet_names()
        require_sheets(self.name, present, specs)
        check_sheet_spelling(self.name, present, [s.SHEET for s in optional])
        specs += [s for s in optional if s not in specs and s.SHEET in present]
        return {s.SHEET: self._table(s) for s in specs}

    # --- writing --------------------------------------------------------------

    def hold(self) -> AbstractContextManager[None]:
        """A saved workbook's run lock, the one the command line takes: a
        button pressed while `lyciq-xl collect` merges into the same file
        waits, then stops, instead of computing from what was there before.
        An unsaved workbook (or a remote client's bare name) has none."""
        if not (self.path.is_absolute() and self.path.is_file()):
            return contextlib.nullcontext()
        from lyciq_xl.xlsxio.lock import master_lock
        return master_lock(self.path)

    def check_writable(self) -> None:
        """Excel holds the workbook: writing into it is always possible."""

    def write(self, owned: Sequence[OwnedSheet] = (), patches: Patches | None = None) -> None:
        apply_patches(self.book, patches or {})
        for sheet in owned:
            write_owned(self.book, sheet)

    # --- marks ----------------------------------------------------------------

    def mark(self, findings: Sequence[Any]) -> int:
        """Clear the fills this tool made last time (and only those, as
        recorded in its 标记记录 sheet), fill the cells of the current
        findings, and record them."""
        wanted = self._marks_wanted(findings)
        made = self._marks_made()
        existing = set(self.sheet_names())
        stale: dict[str, list[str]] = {}
        for sheet, cell in sorted(made - set(wanted)):
            if sheet in existing:
                stale.setdefault(sheet, []).append(cell)
        for sheet, cells in stale.items():
            self._fill(sheet, cells, None)
        groups: dict[tuple[str, str], list[str]] = {}
        for (sheet, cell), level in sorted(wanted.items()):
            groups.setdefault((sheet, MARK_FILL[level]), []).append(cell)
        for (sheet, color), cells in groups.items():
            self._fill(sheet, cells, color)
        if wanted or made:
            rows: list[list[Any]] = [[sheet, cell, level]
                                     for (sheet, cell), level in sorted(wanted.items())]
            write_owned(self.book, OwnedSheet(Marks.SHEET, Marks.COLUMNS, rows))
        return len(wanted)

    def _marks_wanted(self, findings: Sequence[Any]) -> dict[tuple[str, str], str]:
        """(sheet, cell) -> level; an error wins over a warning on the same cell."""
        names = set(self.sheet_names())
        wanted: dict[tuple[str, str], str] = {}
        for f in findings:
            if f.sheet in names and f.cell and _CELL.fullmatch(f.cell):
                key = (f.sheet, f.cell)
                if wanted.get(key) != Level.ERROR:
                    wanted[key] = f.level
        return wanted

    def _marks_made(self) -> set[tuple[str, str]]:
        """The marks the last run recorded in its own sheet (one bulk read)."""
        if Marks.SHEET not in self.sheet_names():
            return set()
        table = table_from_grid(Marks.SHEET, read_grid(self.book.sheets[Marks.SHEET]))
        made = set()
        for row in table.rows:
            sheet, cell = row[Marks.SHEET_NAME], row[Marks.CELL]
            if isinstance(sheet, str) and isinstance(cell, str) and _CELL.fullmatch(cell):
                made.add((sheet, cell))
        return made

    def _fill(self, sheet_name: str, cells: list[str], color: str | None) -> None:
        """Fill (or, with None, unfill) cells of one sheet in as few calls as
        the engine allows: one macro call per sheet remotely, one call per
        multi-area range under COM (one per cell on a Mac)."""
        if not cells:
            return
        if self.remote:
            self._remote_action("runMacro", [FILL_MACRO, sheet_name, ",".join(cells), color or ""])
            return
        sheet = self.book.sheets[sheet_name]
        limit = 0 if self.one_area_at_a_time else _COM_AREA_CHARS
        for address in area_chunks(cells, limit):
            sheet.range(address).color = color

    # --- the message box ------------------------------------------------------

    def alert(self, text: str, title: str, critical: bool = False) -> None:
        mode = "critical" if critical else "info"
        if self.remote:
            self._remote_action("alert", [text, title, "ok", mode, ""])
        else:
            self.book.app.alert(text, title=title, buttons="ok", mode=mode)

    def _remote_action(self, func: str, args: list[Any]) -> None:
        """An action for this book's client. xlwings' remote App.alert and
        App.macro append theirs to `app.books.active`: the last book opened
        in this process, which is another clerk's when one process serves
        two requests (and in the tests)."""
        self.book.impl.append_json_action(func=func, args=args)

    # --- progress and tidying up ------------------------------------------------

    def _status_bar(self, label: str, done: int, total: int) -> None:
        if self.remote:               # the remote clients have no status bar action
            return
        self.book.app.status_bar = f"{label}({done}/{total})"
        self._status_used = True

    def close(self) -> None:
        """Back to the sheet the clerk was on (adding a sheet activates it),
        and Excel's own status bar text again."""
        if self._active in self.sheet_names() and self.book.sheets.active.name != self._active:
            self.book.sheets[self._active].activate()
        if self._status_used:
            self.book.app.status_bar = False
