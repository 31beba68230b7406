"""The openpyxl renderer of the neutral `annex.document.Document` (HTML is
`annex.html`, native charts `annex.charts`).

This module owns borders, fills, print setup and row heights, so every
annex prints the same way.
"""
from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from functools import partial

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from lyciq_xl.annex.charts import add_charts
from lyciq_xl.annex.document import BODY_FONT, HEADER_FONT, LABEL_FONT, TITLE_FONT, Block, Document, display
from lyciq_xl.printform import PAGE_FOOTER
from lyciq_xl.xlsxio.cellstyle import StyleCache
from lyciq_xl.xlsxio.textcell import put

LABEL_SIZE, TITLE_SIZE, SUBTITLE_SIZE = 14, 18, 12
HEADER_SIZE, BODY_SIZE = 11, 10.5

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
DRAFT_FILL = PatternFill("solid", fgColor="FFF2CC")

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
    styles = StyleCache()
    for block in doc.blocks:
        row += 1 if block is not doc.blocks[0] else 0
        if block.heading:
            cell = put(ws, row, 1, block.heading)
            cell.font = Font(name=HEADER_FONT, size=SUBTITLE_SIZE)
            ws.row_dimensions[row].height = 24
            row += 1
        header_rows.append(row)
        _header(ws, row, block, styles)
        row += 1
        numbers = []
        for index in range(len(block.lines)):
            _body_row(ws, row, block, index, styles)
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


def _header_style(cell: Cell) -> None:
    cell.font = Font(name=HEADER_FONT, size=HEADER_SIZE)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = BORDER
    cell.fill = HEADER_FILL


def _header(ws: Worksheet, row: int, block: Block, styles: StyleCache) -> None:
    for c, column in enumerate(block.columns, start=1):
        styles.apply(put(ws, row, c, column.header), "header", _header_style)
    ws.row_dimensions[row].height = row_height(
        [(c.header, c.width) for c in block.columns], HEADER_SIZE)


def _body_style(cell: Cell, bold: bool, align: str, number_format: str | None,
                fill: PatternFill | None) -> None:
    cell.font = Font(name=BODY_FONT, size=BODY_SIZE, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    cell.border = BORDER
    if number_format:
        cell.number_format = number_format
    if fill:
        cell.fill = fill


def _body_row(ws: Worksheet, row: int, block: Block, index: int, styles: StyleCache) -> None:
    line = block.lines[index]
    spanned = {col for col, first, last in block.merges if first <= index <= last and last > first}
    bold = line.kind in ("subtotal", "total")
    fill = {"subtotal": SUBTOTAL_FILL, "total": SUBTOTAL_FILL, "draft": DRAFT_FILL}.get(line.kind)
    for c, (column, value) in enumerate(zip(block.columns, line.cells), start=1):
        cell = put(ws, row, c, value)
        number_format = (column.number_format
                         if column.number_format and isinstance(value, (int, float, Decimal)) else None)
        kind = ("body", bold, column.align, number_format, line.kind if fill else None)
        styles.apply(cell, kind, partial(_body_style, bold=bold, align=column.align,
                                         number_format=number_format, fill=fill))
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
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.font = BODY_FONT
    ws.oddFooter.center.size = 10
