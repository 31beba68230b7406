"""The printed page shared by every annex, as a neutral model: what an
official table looks like on paper — the 附件 label top-left, a centred title
with the year under it, one or more bordered tables, a sign-off line.
Generators build Documents from the data; `annex.layout` renders them to an
openpyxl worksheet (with `annex.charts`), `annex.html` to HTML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Fonts are named as a Chinese Office install names them; where they are
# missing (LibreOffice on Linux) pdf.py maps them to Noto CJK via fontconfig.
LABEL_FONT = "黑体"     # 附件 label (official documents: 黑体 三号)
TITLE_FONT = "宋体"     # bold song-style title (stand-in for 方正小标宋)
BODY_FONT = "仿宋"      # table body
HEADER_FONT = "黑体"    # table header row

DRAFT_MARK = "【草拟】"


@dataclass
class Column:
    header: str
    width: float                 # Excel column width (character units)
    align: str = "left"          # left / center / right
    number_format: str | None = None


@dataclass
class Line:
    """One body row. kind: data, draft, subtotal, total."""
    cells: list[Any]
    kind: str = "data"


@dataclass
class Block:
    """One bordered table: optional heading, header row, body, vertical merges."""
    columns: list[Column]
    lines: list[Line] = field(default_factory=list)
    heading: str | None = None
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (col, first line, last line)

    def merge_runs(self, column: int, keys: list[Any]) -> None:
        """Merge `column` over each run of equal, non-None keys (one per line)."""
        start = 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                if keys[start] is not None and i - 1 > start:
                    self.merges.append((column, start, i - 1))
                start = i

    def html_rows(self) -> list[tuple[str, list[tuple[str, int, str]]]]:
        """Rows for HTML: (kind, [(text, rowspan, align)]) without covered cells."""
        covered: set[tuple[int, int]] = set()      # (line, column) under a merge
        spans: dict[tuple[int, int], int] = {}     # (line, column) -> rowspan
        for col, first, last in self.merges:
            spans[(first, col)] = last - first + 1
            covered.update((r, col) for r in range(first + 1, last + 1))
        rows = []
        for r, line in enumerate(self.lines):
            cells = [(display(value, self.columns[c].number_format), spans.get((r, c), 1),
                      self.columns[c].align)
                     for c, value in enumerate(line.cells) if (r, c) not in covered]
            rows.append((line.kind, cells))
        return rows


@dataclass
class Chart:
    """A native bar chart over one block's columns (report only)."""
    title: str
    block: int                   # index into Document.blocks
    category_column: int         # column holding the category labels
    value_columns: list[int]     # one series per column
    stacked: bool = False
    kind: str = "bar"            # "line": one series per row, value columns on the x axis


@dataclass
class Document:
    sheet_title: str             # worksheet name (≤31 chars)
    title: str
    subtitle: str | None
    blocks: list[Block]
    label: str | None = None     # 附件1/2/3 (top-left, 黑体)
    signoff: str = ""
    landscape: bool = True
    repeat_header: bool = True   # repeat the (first) block's header row on every page
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # for the clerk, not printed
    paragraphs: list[str] = field(default_factory=list)  # printed text after the tables (letters)

    @property
    def width(self) -> int:
        return max(len(b.columns) for b in self.blocks)


def signoff_line(reviewer: str | None = None) -> str:
    """制表/审核/日期 line printed under the table; the reviewer's name if known."""
    who = reviewer if reviewer else "　" * 6
    return f"制表:绩效办　　　　审核人(签字):{who}　　　　日期:　　　年　　月　　日"


def display(value: Any, number_format: str | None = None) -> str:
    """A cell value as printed text (for HTML and row-height estimates)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if number_format and number_format.startswith("0."):   # 0.0 / 0.00 as Excel shows them
            return f"{value:.{len(number_format) - 2}f}"
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)
