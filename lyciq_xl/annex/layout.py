"""The printed page shared by every annex: one neutral `Document`, rendered
to an openpyxl worksheet here and to HTML by `annex.html`.

A Document is what an official table looks like on paper: the 附件 label
top-left, a centred title with the year under it, one or more bordered
tables, and a sign-off line. Generators build Documents from the data; this
module owns fonts, borders, print setup and row heights, so every annex
prints the same way.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from lyciq_xl.xlsxio.textcell import put

# Fonts are named as a Chinese Office install names them; where they are
# missing (LibreOffice on Linux) pdf.py maps them to Noto CJK via fontconfig.
LABEL_FONT = "黑体"     # 附件 label (official documents: 黑体 三号)
TITLE_FONT = "宋体"     # bold song-style title (stand-in for 方正小标宋)
BODY_FONT = "仿宋"      # table body
HEADER_FONT = "黑体"    # table header row

LABEL_SIZE, TITLE_SIZE, SUBTITLE_SIZE = 14, 18, 12
HEADER_SIZE, BODY_SIZE = 11, 10.5

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
DRAFT_FILL = PatternFill("solid", fgColor="FFF2CC")

DRAFT_MARK = "【草拟】"
FOOTER = "第 &P 页 共 &N 页"


# --- the neutral document ---------------------------------------------------------

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
        covered, spans = set(), {}
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


# --- row heights -------------------------------------------------------------------

DIGIT_PX = 7.5   # digit width of the workbook default font (宋体 11) in px at 96 dpi


def _char_units(ch: str, size: float) -> float:
    """Width of one character in Excel column units (1 unit = the default
    font's digit) at `size` points; CJK glyphs are full-width."""
    px = size * 96 / 72
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    return px / DIGIT_PX * (1.0 if wide else 0.55)


def line_count(text: str, width: float, size: float = BODY_SIZE) -> int:
    """Lines a wrapped cell needs: Chinese breaks anywhere, so a greedy fill
    per character is a fair estimate (10 % slack for Latin word breaks)."""
    usable = max(width - 1.0, 1.0)        # cell padding
    lines = 0
    for paragraph in str(text).split("\n"):
        units = sum(_char_units(ch, size) for ch in paragraph) * 1.05
        lines += max(1, math.ceil(units / usable))
    return lines


def row_height(texts: list[tuple[str, float]], size: float = BODY_SIZE) -> float:
    """Points for a row whose cells are (text, column width); SimSun and Noto
    CJK line spacing is about 1.45 em (Noto CJK in LibreOffice; SimSun
    in Excel needs a little less), plus a little padding."""
    lines = max((line_count(t, w, size) for t, w in texts if t), default=1)
    return round(lines * size * 1.45 + 6, 1)


# --- xlsx rendering ----------------------------------------------------------------

def render_workbook(doc: Document) -> Workbook:
    book = Workbook()
    chinese_default_font(book)
    render_sheet(book.active, doc)
    return book


def chinese_default_font(book: Workbook) -> None:
    """Make 宋体 11 the workbook default, as in a Chinese Excel: column widths
    are measured in the default font's digits, and Calibri (missing on Linux,
    replaced by a much wider font) would make LibreOffice's columns wider than
    Excel's, and our computed row heights wrong."""
    font = Font(name=TITLE_FONT, size=11, charset=134)   # 134: GB2312
    book._fonts = IndexedList([font])                     # font 0 = default
    book._named_styles["Normal"].font = font


def render_sheet(ws: Worksheet, doc: Document) -> None:
    ws.title = doc.sheet_title[:31]
    ncols = doc.width
    widths = [max((b.columns[i].width for b in doc.blocks if i < len(b.columns)), default=8)
              for i in range(ncols)]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    last = get_column_letter(ncols)

    row = 1
    if doc.label:
        cell = put(ws, row, 1, doc.label)
        cell.font = Font(name=LABEL_FONT, size=LABEL_SIZE)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        ws.row_dimensions[row].height = 24
        row += 1
    _banner(ws, row, last, doc.title, Font(name=TITLE_FONT, size=TITLE_SIZE, bold=True), 36)
    row += 1
    if doc.subtitle:
        _banner(ws, row, last, doc.subtitle, Font(name=TITLE_FONT, size=SUBTITLE_SIZE), 22)
        row += 1

    header_rows = []
    line_rows: list[list[int]] = []
    for block in doc.blocks:
        row += 1 if block is not doc.blocks[0] else 0
        if block.heading:
            cell = put(ws, row, 1, block.heading)
            cell.font = Font(name=HEADER_FONT, size=SUBTITLE_SIZE)
            ws.row_dimensions[row].height = 24
            row += 1
        header_rows.append(row)
        _header(ws, row, block)
        row += 1
        numbers = []
        for index in range(len(block.lines)):
            _body_row(ws, row, block, index)
            numbers.append(row)
            row += 1
        line_rows.append(numbers)
        paginated = doc.repeat_header and len(doc.blocks) == 1 and bool(numbers)
        breaks = page_breaks(ws, doc, header_rows[0], numbers) if paginated else []
        for after in breaks:
            ws.row_breaks.append(Break(id=after))
        for col, first, last_line in block.merges:
            for top, bottom in _split(numbers[first], numbers[last_line], breaks):
                _merge_group(ws, top, bottom, col + 1, centred=paginated)
    for text in doc.paragraphs:
        row += 1
        _paragraph(ws, row, last, text, widths)
    if doc.signoff:
        row += 1
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = put(ws, row, 1, doc.signoff)
        cell.font = Font(name=BODY_FONT, size=SUBTITLE_SIZE)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        ws.row_dimensions[row].height = 30
        row += 1

    if doc.charts:
        from lyciq_xl.annex.charts import add_charts
        add_charts(ws, doc, header_rows, line_rows, row + 1)
    print_setup(ws, doc, header_rows[0] if doc.repeat_header else None)


# A4 in points and the margins (inches) every annex prints with.
A4_SHORT, A4_LONG = 595.3, 841.9
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 0.6, 0.8, 0.8
PAGE_SAFETY = 0.95   # our break must come before the printer's own


def page_breaks(ws: Worksheet, doc: Document, header_row: int, rows: list[int]) -> list[int]:
    """Rows after which a printed page should end, as fit-to-width scaling
    will lay the table out. We set these breaks ourselves so a group (科室)
    split over two pages can show its label again on the second page."""
    widths = [ws.column_dimensions[get_column_letter(i)].width or 8
              for i in range(1, doc.width + 1)]
    table_pt = sum((w * DIGIT_PX + 5) * 0.75 for w in widths)
    paper_w, paper_h = (A4_LONG, A4_SHORT) if doc.landscape else (A4_SHORT, A4_LONG)
    scale = min(1.0, (paper_w - 72 * 2 * MARGIN_SIDE) / table_pt)
    page = (paper_h - 72 * (MARGIN_TOP + MARGIN_BOTTOM)) / scale * PAGE_SAFETY

    def height(r: int) -> float:
        return ws.row_dimensions[r].height or 15

    used = sum(height(r) for r in range(1, header_row + 1))
    breaks = []
    for r in rows:
        if used + height(r) > page and r != rows[0]:
            breaks.append(r - 1)
            used = height(header_row)        # the repeated header row
        used += height(r)
    return breaks


def _split(first: int, last: int, breaks: list[int]) -> list[tuple[int, int]]:
    """A merged range cut at page breaks (each piece keeps its own label)."""
    pieces, top = [], first
    for after in breaks:
        if top <= after < last:
            pieces.append((top, after))
            top = after + 1
    pieces.append((top, last))
    return [(a, b) for a, b in pieces if b > a] if len(pieces) > 1 else pieces


TALL_GROUP = 240   # points: a merged group taller than this may cross a page break


def _merge_group(ws: Worksheet, first: int, last: int, column: int, centred: bool) -> None:
    """Merge a group cell (科室, 绩效类别) over its rows. Without our own page
    breaks a tall group may be split by the printer's, and a centred label
    could then fall on the break: put its label at the top instead."""
    ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    height = sum(ws.row_dimensions[r].height or 15 for r in range(first, last + 1))
    if not centred and height > TALL_GROUP:
        cell = ws.cell(first, column)
        cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top",
                                   wrap_text=True)


def _paragraph(ws: Worksheet, row: int, last: str, text: str, widths: list[float]) -> None:
    """A wrapped line of body text across the whole table width."""
    ws.merge_cells(f"A{row}:{last}{row}")
    cell = ws.cell(row, 1, text)
    cell.font = Font(name=BODY_FONT, size=SUBTITLE_SIZE)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.row_dimensions[row].height = row_height([(text, sum(widths))], SUBTITLE_SIZE)


def _banner(ws: Worksheet, row: int, last: str, text: str, font: Font, height: float) -> None:
    ws.merge_cells(f"A{row}:{last}{row}")
    cell = put(ws, row, 1, text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = height


def _header(ws: Worksheet, row: int, block: Block) -> None:
    for c, column in enumerate(block.columns, start=1):
        cell = put(ws, row, c, column.header)
        cell.font = Font(name=HEADER_FONT, size=HEADER_SIZE)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        cell.fill = HEADER_FILL
    ws.row_dimensions[row].height = row_height(
        [(c.header, c.width) for c in block.columns], HEADER_SIZE)


def _body_row(ws: Worksheet, row: int, block: Block, index: int) -> None:
    line = block.lines[index]
    spanned = {col for col, first, last in block.merges if first <= index <= last and last > first}
    bold = line.kind in ("subtotal", "total")
    fill = {"subtotal": SUBTOTAL_FILL, "total": SUBTOTAL_FILL, "draft": DRAFT_FILL}.get(line.kind)
    for c, (column, value) in enumerate(zip(block.columns, line.cells), start=1):
        cell = put(ws, row, c, value)
        cell.font = Font(name=BODY_FONT, size=BODY_SIZE, bold=bold)
        cell.alignment = Alignment(horizontal=column.align, vertical="center", wrap_text=True)
        cell.border = BORDER
        if column.number_format and isinstance(value, (int, float, Decimal)):
            cell.number_format = column.number_format
        if fill:
            cell.fill = fill
    ws.row_dimensions[row].height = row_height(
        [(display(v, col.number_format), col.width)
         for c, (col, v) in enumerate(zip(block.columns, line.cells))
         if c not in spanned])   # a merged group cell (科室) spreads over its rows


def print_setup(ws: Worksheet, doc: Document, header_row: int | None) -> None:
    """A4, orientation, margins, fit to one page wide, repeated header, footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if doc.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0          # as many pages tall as needed
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.35
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.font = BODY_FONT
    ws.oddFooter.center.size = 10
