"""Styling thousands of cells of a workbook the tool creates with openpyxl.

openpyxl hashes every style object assigned to a cell (Font, Alignment,
Border, Fill, Protection) to find its id in the workbook's style tables:
that was most of the time of writing a province section workbook and of
`archive` for 2,000 people. Style one cell of each kind, and give every
other cell of that kind its style ids.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from copy import copy
from typing import Any

from openpyxl.cell.cell import Cell


class StyleCache:
    """For one workbook (style ids are the workbook's own)."""

    def __init__(self) -> None:
        self._styles: dict[tuple[Hashable, str], Any] = {}

    def apply(self, cell: Cell, kind: Hashable, style: Callable[[Cell], None]) -> None:
        """`style(cell)`, or what it gave the first cell of this `kind`.
        `kind` must name everything `style` sets; the cell's number format
        before styling is part of the key (a date cell keeps its own)."""
        key = (kind, cell.number_format)
        found = self._styles.get(key)
        if found is None:
            style(cell)
            self._styles[key] = copy(cell._style)
        else:
            cell._style = copy(found)
