"""Content of a sheet the tool owns (考核结果, 校验结果, 回收记录 ...).

One neutral description, written by two adapters: the .xlsx writer
(lyciq_xl.xlsxio.writer) for files and lyciq_xl.xl for the open workbook in
Excel. Builders of owned sheets return these; they never touch a file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class OwnedSheet:
    name: str                                   # sheet name (from contract)
    headers: tuple[str, ...]                    # row 1
    rows: list[list[Any]] = field(default_factory=list)  # str, Decimal, int, date, None
    number_formats: dict[str, str] = field(default_factory=dict)  # header -> e.g. "0.00"
    widths: dict[str, float] = field(default_factory=dict)        # header -> column width
    # (0-based data row index, header) -> in-workbook target, e.g. "'<sheet>'!I7"
    links: dict[tuple[int, str], str] = field(default_factory=dict)
    wrap: frozenset[str] = frozenset()          # headers whose long text wraps
