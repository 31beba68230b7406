"""Big sheets read column by column: fastexcel (calamine -> Arrow) instead
of python-calamine's one Python object per cell.

At province scale (200,000 deductions) this halves the read and the memory
of 扣分记录: calamine's Rust parse is the same, but each column arrives as one
Arrow array, is dictionary-encoded there, and only its distinct values
become Python objects (a 科室 column of 200,000 cells is 200 strings, each
normalised once, shared by every row).

The columnar path is taken only when it gives exactly what the cell reader
gives; otherwise `NotColumnar` sends the sheet back to the cell reader:
- a column mixing types (numbers and text, dates and text): Arrow has one
  type per column, and coercing would turn a real date or number into text;
- the first value not on row 1 (a title row, headers lower down), or a
  header fastexcel had to rename (the same header typed twice): the cell
  reader gives the clerk the exact message;
- a required column missing, for the same reason.
Formula error values, formulas without a cached result and cells merged
down a column come from `sheetscan` for both paths.
"""
from __future__ import annotations

import datetime as dt
import re
from array import array
from pathlib import Path
from typing import Any

import fastexcel
import pyarrow as pa
import pyarrow.compute as pac

from lyciq_xl.dates import EXCEL_EPOCH_1904
from lyciq_xl.table import Column, Table, header_columns, normalise_column, table_from_coded_columns
from lyciq_xl.xlsxio.sheetscan import SheetFacts


class NotColumnar(Exception):
    """This sheet needs the cell-by-cell reader (see the module docstring)."""


# fastexcel's name for the second of two equal headers: 扣分_1, 扣分_1_1 ...
_RENAMED = re.compile(r"(.+)_\d+")
# Day 0 of Excel's 1900 date system (a time of day is day 0 plus a fraction)
# and of the 1904 one, which is also a real date of a 1900-system workbook.
_DAY0_1900, _DAY0_1904 = dt.date(1899, 12, 31), EXCEL_EPOCH_1904.date()


def open_reader(path: Path) -> fastexcel.ExcelReader:
    return fastexcel.read_excel(str(path))


class Loaded:
    """A sheet parsed by fastexcel: its header row and Arrow columns."""

    def __init__(self, header: list[Any], where: dict[int, int], batch: pa.RecordBatch):
        self.header, self.where = header, where
        self.batch: pa.RecordBatch | None = batch


def load(reader: fastexcel.ExcelReader, sheet: str) -> Loaded:
    """Parse `sheet` (calamine's Rust parse: the long part, no Python objects)."""
    try:
        loaded = reader.load_sheet(sheet, header_row=0, schema_sample_rows=None,
                                   dtype_coercion="strict")
    except fastexcel.UnsupportedColumnTypeCombinationError as exc:
        raise NotColumnar(str(exc)) from exc
    header, where = _header(loaded.available_columns())
    return Loaded(header, where, loaded.to_arrow())


def to_table(loaded: Loaded, sheet: str, facts: SheetFacts,
             required: tuple[str, ...] = ()) -> Table:
    """The loaded sheet as a Table, exactly as `table_from_grid` would build
    it from python-calamine's grid; NotColumnar when that cannot be promised.
    The Arrow columns are let go before the rows are built (peak memory)."""
    if facts.first_row != 1:
        raise NotColumnar("values do not start on row 1")
    columns, repeated = header_columns(sheet, loaded.header, list(required))
    if any(h not in columns for h in required):
        raise NotColumnar("required column missing")
    batch, where = loaded.batch, loaded.where
    if batch is None:
        raise ValueError("a loaded sheet is turned into a table once")
    rows = batch.num_rows
    merged = _merged_down(facts)
    errors: dict[int, dict[int, str]] = {}
    for (row, col), text in facts.errors.items():
        if row >= 1:
            errors.setdefault(col, {})[row - 1] = text
    data: dict[int, Column] = {}
    for index in columns.values():
        column = _column(batch.column(where[index])) if index in where else _blank(rows)
        for row, text in errors.get(index, {}).items():
            if row < rows and column.codes[row] == column.none:
                column.put(row, text)
        for top, bottom in merged.get(index, ()):
            _fill_down(column, top, bottom)
        data[index] = column
    loaded.batch = None                # the last reference: Arrow's buffers go
    del batch
    return table_from_coded_columns(sheet, columns, repeated, data, rows)


def _header(columns: list[fastexcel.ColumnInfo]) -> tuple[list[Any], dict[int, int]]:
    """Row 1 as the cell reader sees it, and sheet column -> batch column."""
    names = {c.name for c in columns if c.column_name_from == "looked_up"}
    width = max((c.absolute_index for c in columns), default=-1) + 1
    header: list[Any] = [None] * width
    where: dict[int, int] = {}
    for position, column in enumerate(columns):
        where[column.absolute_index] = position
        if column.column_name_from != "looked_up":
            continue                      # blank (or not text): no header
        renamed = _RENAMED.fullmatch(column.name)
        if renamed and renamed.group(1) in names:
            raise NotColumnar(f"header {column.name!r} may repeat {renamed.group(1)!r}")
        header[column.absolute_index] = column.name
    return header, where


def _merged_down(facts: SheetFacts) -> dict[int, list[tuple[int, int]]]:
    """One-column merges below the header: column -> [(top, bottom)] as
    0-based data-row indices (see reader._fill_merged_down)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, right) in facts.merged:
        if left == right and top >= 1:
            out.setdefault(left, []).append((top - 1, bottom - 1))
    return out


def _fill_down(column: Column, top: int, bottom: int) -> None:
    codes, none = column.codes, column.none
    if top >= len(codes):
        return
    code = codes[top]
    for row in range(top + 1, min(bottom, len(codes) - 1) + 1):
        if codes[row] == none:
            codes[row] = code


def _blank(rows: int) -> Column:
    return Column(array("i", bytes(4 * rows)), [None], 0)


def _codes(indices: pa.Array) -> array[int]:
    """Arrow int32 dictionary indices (no nulls) as a compact array of ints:
    4 bytes a row, no Python object per row."""
    indices = indices.cast(pa.int32())
    codes = array("i")
    if len(indices):
        data = indices.buffers()[1]
        start = indices.offset * 4
        codes.frombytes(memoryview(data)[start:start + 4 * len(indices)])
    return codes


def _column(array_: pa.Array) -> Column:
    """An Arrow column as codes into its normalised distinct values: each
    distinct value (科室, 考核期, 扣分, 日期 repeat a few hundred values) is
    converted once and shared by every row holding it."""
    rows = len(array_)
    if pa.types.is_null(array_.type):
        return _blank(rows)
    if pa.types.is_boolean(array_.type):
        # no dictionary kernel for booleans: code 0 False, 1 True, 2 blank
        codes = pac.if_else(pac.is_null(array_), 2, pac.if_else(pac.fill_null(array_, False), 1, 0))
        return Column(_codes(codes), [False, True, None], 2)
    encoded = pac.dictionary_encode(array_)
    distinct = encoded.dictionary.to_pylist()
    if pa.types.is_timestamp(array_.type):
        distinct = [_as_calamine_date(v) for v in distinct]
    # blanks take code len(distinct), which holds None
    normalised = normalise_column(distinct) + [None]
    return Column(_codes(pac.fill_null(encoded.indices, len(distinct))), normalised, len(distinct))


def _as_calamine_date(value: dt.datetime | None) -> Any:
    """fastexcel gives every Excel date as a timestamp; python-calamine gives
    a time of day (serial < 1) as a time, a whole day as a date, else a
    datetime. Keep python-calamine's types: the rest of the tool knows them.
    1904-01-01 is day 0 of a Mac workbook but a date of any other: only the
    cell reader, which knows the date system, can tell."""
    if value is None:
        return None
    day = value.date()
    if day == _DAY0_1904:
        raise NotColumnar("1904-01-01: a time of day or a date, by the date system")
    if day == _DAY0_1900:
        return value.time()
    if value.time() == dt.time():
        return day
    return value
