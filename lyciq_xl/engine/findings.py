"""Findings: one problem in one cell, with a Chinese message built from the
rule's title and fix in `contract.RULES` plus the offending value."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl import contract
from lyciq_xl.table import Table, as_text

# Findings are listed in sheet order (the order of the input contract).
_SHEET_ORDER = {spec.SHEET: i for i, spec in
                enumerate(contract.INPUT_SHEETS + contract.OPTIONAL_INPUT_SHEETS)}
_CELL = re.compile(r"([A-Z]+)(\d+)")


@dataclass(frozen=True)
class Finding:
    level: str      # contract.Level.ERROR / WARNING
    sheet: str
    cell: str       # e.g. "I7"
    rule: str       # e.g. "D01"
    message: str    # Chinese: the value, what is wrong, how to fix it
    # Where, for sorting and for deciding what an error leaves out of the scores.
    row: int = field(default=0, compare=False, repr=False)
    header: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_error(self) -> bool:
        return self.level == contract.Level.ERROR

    @property
    def link(self) -> str:
        """In-workbook hyperlink target, e.g. "'<sheet>'!I7"."""
        return f"'{self.sheet}'!{self.cell}"

    def sort_key(self) -> tuple[int, int, int, str, str]:
        match = _CELL.fullmatch(self.cell)
        letters = match.group(1) if match else ""
        return (_SHEET_ORDER.get(self.sheet, len(_SHEET_ORDER)), self.row,
                len(letters), letters, self.rule)


SHOWN_MAX = 100   # characters of a value quoted in a message


def shown(value: Any) -> str:
    """A cell value quoted for a message; blanks say so. A long value is
    cut: the message must stay readable and within Excel's 32,767
    characters per cell, or Excel reports the 校验结果 sheet as corrupt."""
    text = as_text(value)
    if text is None:
        return "(空白)"
    if len(text) > SHOWN_MAX:
        return f"“{text[:SHOWN_MAX]}…”(共{len(text)}字)"
    return f"“{text}”"


def finding(code: str, table: Table, row: int, header: str, detail: str) -> Finding:
    """A finding of rule `code` on the cell under `header` in Excel row `row`."""
    rule = contract.RULES[code]
    message = f"{rule.title}:{detail}。{rule.fix}"
    return Finding(rule.level, table.sheet, table.address(row, header), code, message,
                   row, header)


def header_finding(code: str, table: Table, header: str, detail: str,
                   cell: str | None = None) -> Finding:
    """A finding on a header cell in row 1 (e.g. an unknown ballot column);
    `cell` when the header text is not unique in the row."""
    found = finding(code, table, 1, header, detail)
    return dataclasses.replace(found, cell=cell) if cell else found


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)
