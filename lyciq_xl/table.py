"""Sheets as tables: rows keyed by header text, each row knowing its Excel row.

This is the "frame" every part of the core works on. It is built from a dense
2-D grid of cell values starting at A1 — the shape both python-calamine (files)
and xlwings (the open workbook) deliver — so the core never knows which one
read the sheet. Values are normalised once here: text stripped, blanks to
None, numbers to `Decimal` (never float), dates kept as date/datetime.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lyciq_xl.dates import parse_date
from lyciq_xl.errors import InputError


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters -> 0-based column index (A -> 0, AA -> 26)."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def split_address(address: str) -> tuple[int, int]:
    """"E12" -> (12, 4): row 1-based, column 0-based."""
    letters = "".join(ch for ch in address if ch.isalpha())
    return int(address[len(letters):]), column_index(letters)


def cell_address(row_number: int, column_index: int) -> str:
    """Excel address such as I7 from a 1-based row and 0-based column."""
    return f"{column_letter(column_index)}{row_number}"


def _float(value: float) -> Any:
    if value != value or value in (float("inf"), float("-inf")):
        return None
    # Excel keeps 15 significant digits: that is the number the clerk typed
    # and sees. A formula such as =0.1+0.2 is stored as 0.30000000000000004
    # but shows (and compares in Excel) as 0.3 — SPEC: "0.1+0.2 is 0.3".
    return Decimal(int(value)) if value.is_integer() else Decimal(format(value, ".15g"))


def _text(value: str) -> str | None:
    return value.strip() or None


def _keep(value: Any) -> Any:
    return value


# Dispatch on the exact type: this runs for every cell of every sheet, so it
# is the hot path of reading a province-scale workbook.
_NORMALISERS: dict[type, Callable[[Any], Any]] = {
    str: _text, float: _float, int: Decimal, bool: _keep, Decimal: _keep,
    dt.date: _keep, dt.datetime: _keep, dt.time: _keep, type(None): _keep,
}


def normalise(value: Any) -> Any:
    """One cell value as the core sees it."""
    convert = _NORMALISERS.get(type(value))
    if convert is None:
        return str(value).strip() or None
    return convert(value)


_KEPT_AS_IS = {dt.date, dt.datetime, Decimal, type(None)}


def normalise_column(column: list[Any]) -> list[Any]:
    # Column-wise, because whole columns usually share one type (calamine
    # gives '' for blanks): a text column is one fast comprehension. This is
    # the hot path of reading a province-scale workbook.
    types = set(map(type, column))
    if types == {str}:
        return [v.strip() or None for v in column]
    if types == {float}:
        # Scores repeat (0.1, 0.5, 1 ...): convert each distinct value once.
        seen: dict[float, Any] = {}
        return [seen[v] if v in seen else seen.setdefault(v, _float(v)) for v in column]
    if types <= _KEPT_AS_IS:             # e.g. a 日期 column of real dates
        return column
    return [normalise(v) for v in column]


def normalise_header(value: Any) -> str | None:
    """Header text with surrounding and full-width spaces removed."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)          # a header typed as 2014 reads as 2014.0
    text = str(value).replace("\u3000", " ").strip()
    return re.sub(r"\s+", "", text) or None


def as_text(value: Any) -> str | None:
    """A cell as text: numbers without exponent or trailing '.0' (101 -> '101')."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        # to_integral_value is exact; normalize() would round to 28 digits
        return format(value.to_integral_value() if value == value.to_integral() else value, "f")
    if isinstance(value, dt.datetime):
        with_time = value.time() != dt.time()
        return value.strftime("%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_NUMBER_TEXT = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)")


def as_decimal(value: Any) -> Decimal | None:
    """A cell as a number, accepting numbers Excel stored as text ('0.5',
    '０.５'); None when blank or not a number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        # A comma only as thousands grouping ("1,000"): a decimal comma such
        # as "0,5" must not silently become 5.
        if not _NUMBER_TEXT.fullmatch(text):
            return None
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    return None


def as_rate(value: Any) -> Decimal | None:
    """A 得分率 cell (0–100): a number, or text with a percent sign as
    clerks type it ('96%', '96 %', '９６％' -> 96); None when not a number."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            value = text[:-1].rstrip()
    return as_decimal(value)


def as_date(value: Any) -> dt.date | None:
    """A cell as a date: a real Excel date or a date as clerks type it
    (lyciq_xl.dates); None when blank or not a date."""
    return parse_date(value)


@dataclass(slots=True)
class Row:
    number: int                 # 1-based Excel row number
    values: dict[str, Any]      # header -> normalised value

    def __getitem__(self, header: str) -> Any:
        return self.values.get(header)

    def get(self, header: str, default: Any = None) -> Any:
        value = self.values.get(header)
        return default if value is None else value


@dataclass
class Table:
    sheet: str
    columns: dict[str, int]                  # header -> 0-based column index
    rows: list[Row] = field(default_factory=list)
    # Later columns whose header repeats an earlier optional one: (header,
    # 0-based index). Only the first is read; callers decide whether to say so.
    repeated: list[tuple[str, int]] = field(default_factory=list)

    def address(self, row: Row | int, header: str) -> str:
        """Excel address of a row's cell under `header` (e.g. 'I7')."""
        number = row.number if isinstance(row, Row) else row
        index = self.columns.get(header)
        return cell_address(number, index) if index is not None else f"A{number}"

    def extra_columns(self, known: Iterable[str]) -> list[str]:
        """Headers beyond `known`, in sheet order (ballot sheets: sections)."""
        known = set(known)
        return [h for h, _ in sorted(self.columns.items(), key=lambda kv: kv[1])
                if h not in known]


def _raise_if_headers_lower(sheet: str, grid: Sequence[Sequence[Any]],
                            required: Iterable[str]) -> None:
    """A title row above the headers is the usual reason for 'missing'
    columns: say so, rather than ask for headers the clerk can see."""
    required = set(required)
    for number, row in enumerate(grid[1:10], start=2):
        if required <= {normalise_header(v) for v in row}:
            raise InputError(f"工作表“{sheet}”的列标题在第{number}行,但须在第1行(从A1开始)。"
                             f"请删除列标题上方的{number - 1}行(如表格标题)后重试。")


def header_columns(sheet: str, header_row: Sequence[Any],
                    required: list[str]) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """header -> 0-based column (first occurrence) and the repeated optional
    headers. A required header typed twice is an InputError."""
    columns: dict[str, int] = {}
    repeated: list[tuple[str, int]] = []
    for index, raw in enumerate(header_row):
        header = normalise_header(raw)
        if not header:
            continue
        if header not in columns:
            columns[header] = index
        elif header not in required:
            repeated.append((header, index))
        else:
            # which of two 扣分 columns counts? Guessing would be a silent wrong number
            raise InputError(f"工作表“{sheet}”的列标题“{header}”出现了两次"
                             f"({cell_address(1, columns[header])}、{cell_address(1, index)}),"
                             f"请删除或改名其中一列后重试。")
    return columns, repeated


def _rows(headers: list[str], normalised: Sequence[Sequence[Any]],
          numbers: Iterable[int] | None = None) -> list[Row]:
    """Rows from row 2 on, one column list per header; blank rows dropped
    (or, with `numbers`, the rows of those Excel row numbers only).

    Each row's dict is the __dict__ of an instance of one class per table:
    CPython lets such dicts share one key table, ~120 bytes less per row
    than dict(zip(...)) (120 MB for a national 扣分记录 of 1,000,000 rows).
    They are ordinary dicts to every reader."""
    class Cells:
        pass
    keys = Cells()
    for header in headers:               # fix the shared keys' order
        setattr(keys, header, None)
    new = Cells.__new__
    rows = []
    if numbers is not None:
        for number in numbers:
            cells = new(Cells).__dict__
            cells.update(zip(headers, (column[number - 2] for column in normalised)))
            rows.append(Row(number, cells))
        return rows
    for number, values in enumerate(zip(*normalised), start=2):
        if values.count(None) != len(values):
            cells = new(Cells).__dict__
            cells.update(zip(headers, values))
            rows.append(Row(number, cells))
    return rows


def table_from_grid(sheet: str, grid: Sequence[Sequence[Any]],
                    required: Iterable[str] = ()) -> Table:
    """Build a Table from a dense grid whose first row is the header row at A1.

    Raises InputError naming every missing required column."""
    required = list(required)
    columns, repeated = header_columns(sheet, grid[0] if grid else (), required)
    missing = [h for h in required if h not in columns]
    if missing:
        _raise_if_headers_lower(sheet, grid, required)
        names = "、".join(f"“{h}”" for h in missing)
        raise InputError(f"工作表“{sheet}”缺少必填列{names}。"
                         f"请在第1行添加这些列标题(列的顺序不限)。")
    body = grid[1:]
    width = max(columns.values(), default=-1) + 1
    if any(len(r) < width for r in body):
        body = [list(r) + [None] * (width - len(r)) for r in body]
    headers = list(columns)
    normalised = [normalise_column([r[columns[h]] for r in body]) for h in headers]
    return Table(sheet, columns, _rows(headers, normalised), repeated)


def table_from_columns(sheet: str, columns: dict[str, int], repeated: list[tuple[str, int]],
                       values: dict[int, list[Any]], height: int) -> Table:
    """Build a Table from `header_columns`' result and, per 0-based column it
    names, the column's already normalised values from row 2 on (`height`)."""
    headers = list(columns)
    normalised = [values[columns[h]] for h in headers]
    if any(len(column) != height for column in normalised):
        raise ValueError("every column needs one value per row")
    return Table(sheet, columns, _rows(headers, normalised), repeated)


class Column:
    """One column of a `ColumnarTable`, dictionary-encoded: per data row
    (row 2 on) a code into `distinct`, the column's normalised values;
    `none` is the code of a blank cell. Equal codes are equal values (the
    converse need not hold), so work done per distinct value or per
    distinct combination of codes is work done for every row holding it."""
    __slots__ = ("codes", "distinct", "none")

    def __init__(self, codes: MutableSequence[int], distinct: list[Any], none: int) -> None:
        self.codes, self.distinct, self.none = codes, distinct, none

    def values(self) -> list[Any]:
        """The normalised value of every row."""
        return list(map(self.distinct.__getitem__, self.codes))

    def put(self, row: int, value: Any) -> None:
        """Set one row (0-based data row) to `value`."""
        self.distinct.append(value)
        self.codes[row] = len(self.distinct) - 1


class ColumnarTable(Table):
    """A Table kept as columns (a big sheet read by fastexcel): the engine
    works on `data` directly, and the row dicts every other reader expects
    are built only when `rows` is first asked for. Once built they are the
    truth (a caller may change them), so `materialised` tells the engine to
    stop trusting the columns."""

    def __init__(self, sheet: str, columns: dict[str, int], repeated: list[tuple[str, int]],
                 data: dict[str, Column], height: int, keep: list[int] | None = None) -> None:
        self.sheet, self.columns, self.repeated = sheet, columns, repeated
        if any(len(c.codes) != height for c in data.values()):
            raise ValueError("every column needs one code per row")
        self.data, self.height = data, height
        # 0-based data rows that are rows of the table: not blank in every column
        self.keep: list[int] = self.nonblank(list(data)) if keep is None else keep
        self._rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            headers = list(self.columns)
            self._rows = _rows(headers, [self.data[h].values() for h in headers],
                               [i + 2 for i in self.keep])
        return self._rows

    @rows.setter
    def rows(self, rows: list[Row]) -> None:
        self._rows = rows

    @property
    def materialised(self) -> bool:
        return self._rows is not None

    def nonblank(self, headers: Iterable[str]) -> list[int]:
        """The kept rows (all rows before `keep` is set) not blank in every
        one of `headers`."""
        rows = getattr(self, "keep", None)
        candidates: Iterable[int] = range(self.height) if rows is None else rows
        blank: list[int] = list(candidates)
        for header in headers:
            column = self.data.get(header)
            if column is None:
                continue
            codes, none = column.codes, column.none
            blank = [i for i in blank if codes[i] == none]
            if not blank:
                break
        if not blank:
            return list(candidates)
        gone = set(blank)
        return [i for i in candidates if i not in gone]

    def without(self, numbers: Iterable[int]) -> None:
        """Leave out the rows of these Excel row numbers (a Total Row)."""
        gone = {n - 2 for n in numbers}
        self.keep = [i for i in self.keep if i not in gone]
        if self._rows is not None:
            self._rows = [r for r in self._rows if r.number - 2 not in gone]

    def restricted(self, keep: list[int]) -> ColumnarTable:
        """The same columns with only the rows `keep` (0-based data rows)."""
        table = ColumnarTable(self.sheet, self.columns, self.repeated, self.data, self.height, keep)
        if self._rows is not None:
            wanted = {i + 2 for i in keep}
            table._rows = [r for r in self._rows if r.number in wanted]
        return table


def table_from_coded_columns(sheet: str, columns: dict[str, int], repeated: list[tuple[str, int]],
                             data: dict[int, Column], height: int) -> ColumnarTable:
    """A ColumnarTable from `header_columns`' result and, per 0-based column
    it names, the column's codes from row 2 on (`height` rows)."""
    return ColumnarTable(sheet, columns, repeated, {h: data[i] for h, i in columns.items()}, height)


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic GC while millions of short-lived cell and row objects
    are created (reading, evaluating): it would otherwise rescan them again
    and again, about a third of the run time at province scale. These objects
    form no reference cycles, so nothing is kept alive by the pause."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
