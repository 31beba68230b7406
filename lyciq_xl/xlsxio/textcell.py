"""The one way the tool puts a value into a cell of a workbook it creates
with openpyxl (annexes, section workbooks, receipts, reports, init).

openpyxl turns any string starting with "=" into a live formula, so a
section's text `=HYPERLINK("http://…")` copied into 附件3 would become a
link that runs when the annex is opened. Every string is stored as text
(data type "s"), whatever it starts with (= + - @ or their full-width forms),
and characters XML cannot carry (control characters from a hostile file)
are dropped instead of making openpyxl raise.
"""
from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# what XML 1.0 cannot carry: C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Set cell (row, column) to `value`; a string is always text."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = XML_ILLEGAL.sub("", value)
        cell.data_type = "s"      # never a formula
    else:
        cell.value = value
    return cell
