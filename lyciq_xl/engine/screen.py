"""Column-wise screening of 扣分记录 for the per-row rules (D01–D07, D09,
D10, D11, D15) — pure.

Each of these rules looks at a few fields of one row only (D03: 标准编号 and
扣分; D07: 科室, 绩效类别, 指标编号), and every field is parsed from its cell
alone. So whether a rule fires is decided by the row's cells in those
columns: when 扣分记录 comes in columns (`Inputs.deduction_codes`, equal
codes meaning equal cells), the rule runs once per distinct combination of
codes, on the first row holding it, and only the rows of a combination on
which it fired go through the rule for their findings. The rules stay the
one source of every message; a province sheet of 200,000 rows has a few
thousand distinct combinations per rule.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from itertools import repeat

from lyciq_xl.engine.findings import Finding
from lyciq_xl.engine.records import Deduction, Inputs

Rule = Callable[[Inputs, list[Deduction]], Iterator[Finding]]


def suspects(inp: Inputs, active: list[Deduction], rules: Sequence[tuple[Rule, tuple[str, ...]]],
             positions: Sequence[int] | None) -> list[Deduction]:
    """The rows of `active` on which any of `rules` (each with the headers it
    reads) may fire: all of `active` unless 扣分记录 came in columns.
    `positions`: each active row's index in `inp.deductions` (None: the same
    list)."""
    codes = inp.deduction_codes
    if codes is None:
        return active
    flagged: set[int] = set()
    for rule, headers in rules:
        keys = _keys(codes, headers, positions, len(active))
        # the first active row of each distinct combination
        first = dict(zip(reversed(keys), reversed(range(len(keys)))))
        fired = {f.row for f in rule(inp, [active[i] for i in first.values()])}
        if fired:
            bad = {key for key, i in first.items() if active[i].row in fired}
            flagged.update(i for i, key in enumerate(keys) if key in bad)
    return [active[i] for i in sorted(flagged)]


def _keys(codes: dict[str, Sequence[int]], headers: tuple[str, ...],
          positions: Sequence[int] | None, count: int) -> Sequence[Hashable]:
    """Per active row, its codes in `headers` (a column the sheet lacks is
    blank on every row: one code)."""
    columns = []
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
