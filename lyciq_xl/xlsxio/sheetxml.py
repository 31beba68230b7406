"""Worksheet XML for a sheet the tool owns, streamed in chunks.

Values: str -> inline string (sharedStrings.xml stays untouched, and text
such as "=HYPERLINK(...)" can never become a formula), Decimal/int/float ->
number, date/datetime/time -> Excel serial with a date format, bool -> t="b",
None or "" -> no cell.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import ParseError

from lyciq_xl.dates import excel_epoch
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.printform import PAGE_FOOTER
from lyciq_xl.table import cell_address, column_letter
from lyciq_xl.textfit import LINE_HEIGHT, display_width, wrapped_lines
from lyciq_xl.xlsxio import xmltext as X
from lyciq_xl.xlsxio.styles import DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, StyleBook, is_date_code

# CT_Worksheet child order (ECMA-376 Part 1, 18.3.1.99). Excel refuses a
# sheet whose children are out of this order.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
)
MAX_HYPERLINKS = 65530      # Excel's limit per worksheet; more make the file "corrupt"
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
CHUNK_ROWS = 4000

# Text that cannot be written verbatim inside <t>: markup characters, "_x"
# (Excel's escape), XML-illegal characters, or edge whitespace.
_SPECIAL = re.compile(f"[&<>{X.XML_ILLEGAL_CHARS}]|_x|^\\s|\\s$")


def excel_serial(value: dt.date | dt.datetime | dt.time, date1904: bool = False) -> str:
    """The date's serial as exact text, in the workbook's date system: 1900
    (dates after 1900-03-01) or, with `date1904`, 1904 (1462 days less)."""
    epoch = excel_epoch(date1904)
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - epoch
        micro = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        return number_text(Decimal(micro) / Decimal(86_400_000_000))
    if isinstance(value, dt.date):
        return str((value - epoch.date()).days)
    micro = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    return number_text(Decimal(micro) / Decimal(86_400_000_000))


def number_text(value: Decimal | int | float) -> str:
    """Number as xsd:double text; a Decimal is written exactly (-3.7 -> "-3.7")."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} to a cell")
        return format(value, "f") if -28 < value.adjusted() < 28 else str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"cannot write {value} to a cell")
        return repr(value)
    return str(value)


def inline_string(ref: str, value: str, style: str) -> str:
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{X.text(value)}</t></is></c>'


def kind(value: Any) -> str:
    """'date' / 'datetime' / 'time' for values that need a date format, else ''."""
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    return ""


def cell_xml(ref: str, value: Any, style: str, date_style: Callable[[str], str | None],
             date1904: bool = False) -> str:
    """One <c>; `style` is ' s="N"' or ''; date_style(kind) gives it for dates."""
    if isinstance(value, str):
        return inline_string(ref, value, style) if value else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, Decimal, float)):
        return f'<c r="{ref}"{style}><v>{number_text(value)}</v></c>'
    if isinstance(value, (dt.date, dt.time)):
        return f'<c r="{ref}"{date_style(kind(value)) or ""}><v>{excel_serial(value, date1904)}</v></c>'
    if value is None:
        return ""
    return inline_string(ref, str(value), style)



@dataclass
class KeptBits:
    """What survives from the sheet part being replaced: its sheetPr (tab
    colour, codeName that VBA relies on) and whether its tab was selected."""
    sheet_pr: str = ""
    tab_selected: bool = False


def kept_bits(head: str) -> KeptBits:
    """Extract KeptBits from the first bytes of an old worksheet part."""
    try:
        prefix = X.root_prefix(head, "worksheet")
    except X.PartError:
        return KeptBits()
    bits = KeptBits()
    try:
        found = X.find_element(head, prefix, "sheetPr")
    except X.PartError:
        found = None
    if found is not None:
        pr = head[found[0]:found[3]]
        # filterMode described the old autofilter; our new one filters nothing.
        pr = X.remove_attr(pr, "filterMode")
        if prefix:  # re-home the element into our default namespace
            pr = pr.replace(f"<{prefix}", "<").replace(f"</{prefix}", "</")
        bits.sheet_pr = pr if _well_formed_here(pr) else _minimal_sheet_pr(pr)
    view = re.search(r"<(?:\w+:)?sheetView\b[^>]*>", head)
    bits.tab_selected = bool(view and X.get_attr(view.group(), "tabSelected") in ("1", "true"))
    return bits


def _well_formed_here(fragment: str) -> bool:
    """True if `fragment` parses inside our new root (no undeclared prefixes)."""
    try:
        X.parse(f'<worksheet xmlns="{X.MAIN_NS}" xmlns:r="{X.REL_NS}">{fragment}</worksheet>'.encode())
    except (ParseError, ValueError):
        return False
    return True


def _minimal_sheet_pr(fragment: str) -> str:
    """Just the codeName and tab colour of a sheetPr we cannot carry over whole."""
    code_name = X.get_attr(fragment, "codeName")
    tab = re.search(r"<tabColor\b[^>]*?/>", fragment)
    tab_xml = tab.group() if tab and _well_formed_here(tab.group()) else ""
    return X.element("sheetPr", [("codeName", code_name)], tab_xml) if code_name or tab_xml else ""


# Owned sheets print on A4 landscape, one page wide, numbered "第 N 页 共 M 页".
PAGE_SETUP = ('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
              f'<headerFooter><oddFooter>{X.text("&C" + PAGE_FOOTER)}</oddFooter></headerFooter>')
_FIT_TO_PAGE = '<pageSetUpPr fitToPage="1"/>'


def fit_to_page(sheet_pr: str) -> str:
    """`sheet_pr` (possibly empty) with fitToPage on, so fitToWidth applies.
    pageSetUpPr is the last child CT_SheetPr allows, so it is appended."""
    if not sheet_pr:
        return f"<sheetPr>{_FIT_TO_PAGE}</sheetPr>"
    if "pageSetUpPr" in sheet_pr:
        return sheet_pr
    if sheet_pr.endswith("/>"):
        return f"{sheet_pr[:-2]}>{_FIT_TO_PAGE}</sheetPr>"
    return sheet_pr.replace("</sheetPr>", f"{_FIT_TO_PAGE}</sheetPr>")


@dataclass
class _Plan:
    """Per-column style indices and widths, resolved before any byte is written
    (styles.xml may come before the sheet in the zip)."""
    ncols: int
    header_style: str
    body: list[str]
    dates: list[dict[str, str]]
    links: list[str]
    widths: list[float]
    link_rows: dict[int, dict[int, str]] = field(default_factory=dict)
    wrapped: dict[int, float] = field(default_factory=dict)   # column -> its width


def plan(sheet: OwnedSheet, styles: StyleBook) -> _Plan:
    headers = list(sheet.headers)
    ncols = max([len(headers), *map(len, sheet.rows)]) if sheet.rows else len(headers)
    names = headers + [""] * (ncols - len(headers))
    fmts = [sheet.number_formats.get(h) if h else None for h in names]

    def s(index: int | None) -> str:
        return "" if index is None else f' s="{index}"'

    width = [0] * ncols
    kinds: list[set[str]] = [set() for _ in range(ncols)]
    for c in range(ncols):
        # distinct values only: a findings sheet repeats a handful of texts
        values = {row[c] for row in sheet.rows if len(row) > c and row[c] is not None}
        if any(issubclass(t, (dt.date, dt.time)) for t in {type(v) for v in values}):
            kinds[c] = {kind(v) for v in values if isinstance(v, (dt.date, dt.time))}
        if names[c] in sheet.widths:
            continue
        width[c] = max((display_width(v) if isinstance(v, str) else
                        len(number_text(v))
                        if isinstance(v, (int, Decimal, float)) and not isinstance(v, bool)
                        else 5 for v in values if not isinstance(v, (dt.date, dt.time))), default=0)

    link_rows: dict[int, dict[int, str]] = {}
    column_of = {h: i for i, h in enumerate(headers)}
    unknown = {h for _, h in sheet.links} - column_of.keys()
    if unknown:
        raise ValueError(f"links to unknown columns {sorted(unknown)} of {sheet.name}")
    ordered = sorted(sheet.links.items(), key=lambda kv: (kv[0][0], column_of[kv[0][1]]))
    for (index, header), target in ordered[:MAX_HYPERLINKS]:
        link_rows.setdefault(index, {})[column_of[header]] = target

    dates = []
    for c in range(ncols):
        fmt = fmts[c]
        by_kind = {}
        for k in kinds[c]:
            code = fmt if fmt and is_date_code(fmt) else {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT,
                                                          "time": TIME_FORMAT}[k]
            by_kind[k] = s(styles.xf(num_fmt=code))
        dates.append(by_kind)
    linked_cols = {c for cols in link_rows.values() for c in cols}
    widths = []
    for c, name in enumerate(names):
        if name in sheet.widths:
            widths.append(float(sheet.widths[name]))
        else:
            header_w = display_width(name) + 4   # room for the autofilter button
            content_w = max(width[c], 10 if kinds[c] else 0, 19 if "datetime" in kinds[c] else 0)
            widths.append(min(MAX_WIDTH, max(MIN_WIDTH, header_w, content_w + 2)))
    return _Plan(
        ncols=ncols,
        header_style=s(styles.xf(bold=True, fill=True, border=True, center=True)),
        body=[s(styles.xf(num_fmt=f, wrap=h in sheet.wrap)) for f, h in zip(fmts, names)],
        dates=dates,
        links=[s(styles.xf(num_fmt=fmts[c], link=True)) if c in linked_cols else "" for c in range(ncols)],
        widths=widths,
        link_rows=link_rows,
        wrapped={c: widths[c] for c, h in enumerate(names) if h in sheet.wrap},
    )


def row_open(r: int, row: list[Any], wrapped: dict[int, float]) -> str:
    """`<row>` start tag; rows with wrapped long text get the height their
    lines need (neither Excel nor LibreOffice grows rows written by a tool)."""
    lines = 1
    for c, width in wrapped.items():
        value = row[c] if c < len(row) else None
        if isinstance(value, str):
            lines = max(lines, wrapped_lines(value, width))
    if lines == 1:
        return f'<row r="{r}">'
    return f'<row r="{r}" ht="{lines * LINE_HEIGHT}" customHeight="1">'



def _width_text(width: float) -> str:
    return number_text(Decimal(str(round(width, 2))))


def worksheet_chunks(sheet: OwnedSheet, p: _Plan, kept: KeptBits,
                     date1904: bool = False) -> Iterator[bytes]:
    """The whole worksheet part, in UTF-8 chunks of a few thousand rows;
    dates as serials of the workbook's date system (`date1904`)."""
    last_row = len(sheet.rows) + 1
    last_col = column_letter(max(p.ncols, 1) - 1)
    full_ref = f"A1:{last_col}{last_row}"
    tab = ' tabSelected="1"' if kept.tab_selected else ""
    head = [
        X.XML_DECL,
        f'<worksheet xmlns="{X.MAIN_NS}" xmlns:r="{X.REL_NS}">',
        fit_to_page(kept.sheet_pr),
        f'<dimension ref="{full_ref if p.ncols else "A1"}"/>',
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if p.ncols:
        head.append("<cols>" + "".join(
            f'<col min="{c + 1}" max="{c + 1}" width="{_width_text(w)}" customWidth="1"/>'
            for c, w in enumerate(p.widths)) + "</cols>")
    head.append("<sheetData>")
    header_cells = "".join(cell_xml(f"{column_letter(c)}1", h, p.header_style, str)
                           for c, h in enumerate(sheet.headers))
    head.append(f'<row r="1">{header_cells}</row>' if header_cells else "")
    yield "".join(head).encode("utf-8")

    letters = [column_letter(c) for c in range(p.ncols)]
    body, dates, link_styles, link_rows = p.body, p.dates, p.links, p.link_rows
    out: list[str] = []
    append = out.append
    special = _SPECIAL.search
    for i, row in enumerate(sheet.rows):
        r = i + 2
        append(row_open(r, row, p.wrapped) if p.wrapped else f'<row r="{r}">')
        links = link_rows.get(i)
        for c, value in enumerate(row):
            if value is None:
                continue
            style = link_styles[c] if links and c in links else body[c]
            t = type(value)
            ref = f"{letters[c]}{r}"
            if t is str:
                if value:
                    if special(value):   # needs escaping or xml:space
                        append(inline_string(ref, value, style))
                    else:
                        append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{value}</t></is></c>')
            elif t is Decimal or t is int:
                append(f'<c r="{ref}"{style}><v>{number_text(value)}</v></c>')
            else:
                append(cell_xml(ref, value, style, dates[c].get, date1904))
        append("</row>")
        if len(out) > CHUNK_ROWS * 8:
            yield "".join(out).encode("utf-8")
            out.clear()
    out.append("</sheetData>")
    if p.ncols and sheet.headers:
        out.append(f'<autoFilter ref="A1:{column_letter(len(sheet.headers) - 1)}{last_row}"/>')
    if p.link_rows:
        out.append("<hyperlinks>")
        for i, cols in sorted(p.link_rows.items()):
            for c, target in sorted(cols.items()):
                value = sheet.rows[i][c] if i < len(sheet.rows) and c < len(sheet.rows[i]) else None
                display = value if isinstance(value, str) and value else target
                out.append(X.element("hyperlink", [("ref", cell_address(i + 2, c)),
                                                   ("location", target), ("display", display)]))
        out.append("</hyperlinks>")
    out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>')
    out.append(PAGE_SETUP)
    if p.ncols:
        # digits stored as text (e.g. 科室代码 "01") are intended: no green triangles
        out.append(f'<ignoredErrors><ignoredError sqref="{full_ref}" numberStoredAsText="1"/>'
                   '</ignoredErrors>')
    out.append("</worksheet>")
    yield "".join(out).encode("utf-8")
