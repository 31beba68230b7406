"""Big input sheets kept in columns (ColumnarTable) — pure.

`CodedRows` turns a ColumnarTable into typed rows column by column: each
distinct cell value is parsed once (by the same parser as the row path)
and every row takes its parsed value by code.

`suspects` screens such rows for per-row rules (扣分记录's D01–D07, D09,
D10, D11, D15; 个人扣加分's P01, P02, P04, P05; 个人月度评定's P01, P05,
P06). Each such rule looks at a
few fields of one row only (D03: 标准编号 and 扣分), and every field is
parsed from its own cell. So whether a rule fires on a row is decided by
the row's cells in those columns: the rule runs once per distinct
combination of their codes (equal codes, equal cells), on the first row
holding it, and only the rows of a combination on which it fired go
through the rule for their findings. The rules stay the one source of
every message; a province 扣分记录 of 200,000 rows has at most a few
thousand distinct combinations per rule.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import repeat
from typing import Any, Protocol, TypeVar

from lyciq_xl.engine.findings import Finding
from lyciq_xl.table import ColumnarTable, as_text


class HasRow(Protocol):
    @property
    def row(self) -> int: ...


T = TypeVar("T", bound=HasRow)
# a rule over rows, and the columns whose cells alone decide whether it fires
Screen = tuple[Callable[[list[T]], Iterable[Finding]], tuple[str, ...]]
Codes = dict[str, Sequence[int]]


class CodedRows:
    """The rows of a ColumnarTable (its `keep`), column by column."""

    def __init__(self, table: ColumnarTable) -> None:
        self.table = table
        keep = table.keep
        self.count = len(keep)
        self.numbers = [i + 2 for i in keep]          # Excel row numbers
        whole = len(keep) == table.height
        # header -> each row's code in that column
        self.codes: Codes = {h: c.codes if whole else [c.codes[i] for i in keep]
                             for h, c in table.data.items()}

    def raw(self, header: str) -> list[Any]:
        """Each row's normalised cell (None for a column the sheet lacks)."""
        column = self.table.data.get(header)
        if column is None:
            return [None] * self.count
        return list(map(column.distinct.__getitem__, self.codes[header]))

    def parsed(self, header: str, parse: Callable[[Any], Any]) -> list[Any]:
        """Each row's `parse(cell)`, parse called once per distinct value."""
        column = self.table.data.get(header)
        if column is None:
            return [parse(None)] * self.count
        values = [parse(v) for v in column.distinct]
        return list(map(values.__getitem__, self.codes[header]))

    def text(self, header: str) -> list[str | None]:
        """`parsed(header, records.text_of)`, without a call per value when
        the column holds text only (记录号, 事由: one value a row)."""
        column = self.table.data.get(header)
        if column is None:
            return [None] * self.count
        distinct = column.distinct
        if not set(map(type, distinct)) <= {str, type(None)}:
            distinct = [v if type(v) is str else as_text(v) for v in distinct]
        return list(map(distinct.__getitem__, self.codes[header]))


def suspects(rows: list[T], codes: Codes | None, screens: Sequence[Screen[T]],
             positions: Sequence[int] | None = None) -> list[T]:
    """The rows on which any of the `screens`' rules may fire, in order: all
    of `rows` unless they came in columns (`codes`, aligned with the rows as
    loaded; `positions`: each of `rows`' index there, None when the same)."""
    if codes is None:
        return rows
    flagged: set[int] = set()
    for rule, headers in screens:
        keys = _keys(codes, headers, positions, len(rows))
        # the first row of each distinct combination
        first = dict(zip(reversed(keys), reversed(range(len(keys)))))
        fired = {f.row for f in rule([rows[i] for i in first.values()])}
        if fired:
            bad = {key for key, i in first.items() if rows[i].row in fired}
            flagged.update(i for i, key in enumerate(keys) if key in bad)
    return [rows[i] for i in sorted(flagged)]


def _keys(codes: Codes, headers: tuple[str, ...], positions: Sequence[int] | None,
          count: int) -> Sequence[Hashable]:
    """Per row, its codes in `headers` (a column the sheet lacks is blank on
    every row: one code)."""
    columns: list[Sequence[int] | None] = []
    for header in headers:
        column = codes.get(header)
        if column is not None and positions is not None:
            column = [column[i] for i in positions]
        columns.append(column)
    present = [c for c in columns if c is not None]
    if not present:
        return [0] * count
    if len(columns) == 1:
        return present[0]
    return list(zip(*(repeat(0) if c is None else c for c in columns)))
