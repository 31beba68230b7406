"""Native Excel bar charts (openpyxl) over a rendered block's cells, printed
on their own page after the tables."""
from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, Font as DrawingFont
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from lyciq_xl.annex.layout import BODY_FONT, Document

CHART_HEIGHT_CM = 9
ROWS_PER_CHART = 20          # default-height (15 pt = 0.53 cm) rows a chart covers, plus a gap
CM_PER_WIDTH_UNIT = 0.2      # one column-width unit (7.5 px at 96 dpi)


def add_charts(ws: Worksheet, doc: Document, header_rows: list[int],
               line_rows: list[list[int]], anchor_row: int) -> None:
    """Place doc.charts below the tables, starting on a new printed page."""
    ws.row_breaks.append(Break(id=anchor_row - 1))
    row = anchor_row
    # as wide as the tables, so fitting to one page wide does not shrink them
    width_cm = sum(ws.column_dimensions[c].width or 8 for c in _letters(doc.width)) \
        * CM_PER_WIDTH_UNIT
    for spec in doc.charts:
        rows = line_rows[spec.block]
        if spec.kind == "line":
            chart = _line_chart(ws, spec, header_rows[spec.block], rows, width_cm)
            ws.add_chart(chart, f"A{row}")
            row += ROWS_PER_CHART
            continue
        chart = BarChart()
        chart.type = "col"
        chart.title = spec.title
        chart.y_axis.number_format = "0"     # whole points on the axis; bars carry decimals
        chart.y_axis.majorUnit = 10
        chart.width, chart.height = width_cm, CHART_HEIGHT_CM
        chart.y_axis.scaling.min = 0          # bars from zero: no exaggerated gaps
        chart.y_axis.majorGridlines = None
        if spec.stacked:
            chart.grouping = "stacked"
            chart.overlap = 100
        for col in spec.value_columns:
            data = Reference(ws, min_col=col + 1, min_row=header_rows[spec.block],
                             max_row=rows[-1])
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=spec.category_column + 1,
                                       min_row=rows[0], max_row=rows[-1]))
        if len(spec.value_columns) == 1:
            chart.legend = None
            chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                              showLegendKey=False, showPercent=False)  # total on each bar
        # openpyxl >= 3.1 hides axes unless told otherwise
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.txPr = chart.x_axis.txPr = chart.y_axis.txPr = _chinese_text()
        ws.add_chart(chart, f"A{row}")
        row += ROWS_PER_CHART


def _line_chart(ws: Worksheet, spec, header_row: int, rows: list[int], width_cm: float) -> LineChart:
    """One line per body row (its label in the category column), the value
    columns' headers (e.g. years) along the x axis; blank cells are gaps."""
    chart = LineChart()
    chart.title = spec.title
    chart.width, chart.height = width_cm, CHART_HEIGHT_CM
    first, last = spec.value_columns[0] + 1, spec.value_columns[-1] + 1
    for r in rows:
        chart.add_data(Reference(ws, min_col=spec.category_column + 1, max_col=last, min_row=r, max_row=r),
                       from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=first, max_col=last, min_row=header_row, max_row=header_row))
    for series in chart.series:      # straight segments, and a marker so a single year shows
        series.smooth = False
        series.marker.symbol = "circle"
    chart.y_axis.number_format = "0"
    chart.display_blanks = "gap"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.txPr = chart.x_axis.txPr = chart.y_axis.txPr = _chinese_text()
    return chart


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter
    return [get_column_letter(i) for i in range(1, count + 1)]


def _chinese_text() -> RichText:
    """Chart text in a CJK font (Excel's chart default has no Chinese glyphs)."""
    props = CharacterProperties(latin=DrawingFont(typeface=BODY_FONT),
                                ea=DrawingFont(typeface=BODY_FONT), sz=1000)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])
