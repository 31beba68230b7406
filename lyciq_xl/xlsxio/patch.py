"""Surgical edits of single cells in a worksheet part we do not own.

Only the targeted <c> elements change (a <row> is created if absent, in row
order; a cell is inserted in column order). Every other byte of the part —
cols, merged cells, data validations, conditional formats, other rows —
is copied as is. A cell keeps its style (s=), except that a date written into
a cell whose style is not a date format gets a date variant of that style.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from lyciq_xl.errors import InputError
from lyciq_xl.table import cell_address, column_letter
from lyciq_xl.xlsxio import xmltext as X
from lyciq_xl.xlsxio.sheetxml import cell_xml, kind
from lyciq_xl.xlsxio.styles import DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, StyleBook

_DATE_CODES = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "time": TIME_FORMAT}
_REF = re.compile(r"([A-Z]+)(\d+)$")


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


class _SheetPatcher:
    def __init__(self, text: str, prefix: str, styles: StyleBook, sheet: str, head: str,
                 date1904: bool = False):
        self.p = prefix
        self.date1904 = date1904
        self.styles = styles
        self.sheet = sheet
        self.col_styles = self._column_styles(head)
        p = re.escape(prefix)
        self.row_re = re.compile(f"<{p}row(?=[\\s/>])([^>]*?)(?:/>|>(.*?)</{p}row>)", re.S)
        self.cell_re = re.compile(f"<{p}c(?=[\\s/>])([^>]*?)(?:/>|>(.*?)</{p}c>)", re.S)
        self.master_re = re.compile(f"<{p}f\\b[^>]*\\sref=")
        self.written: list[tuple[int, int]] = []

    def _column_styles(self, head: str) -> list[tuple[int, int, int]]:
        out = []
        for m in re.finditer(f"<{re.escape(self.p)}col(?=[\\s/>])[^>]*>", head):
            tag = m.group()
            lo, hi, style = (X.get_attr(tag, k) for k in ("min", "max", "style"))
            if lo and hi and style and style.isdigit():
                out.append((int(lo) - 1, int(hi) - 1, int(style)))
        return out

    def _prefixed(self, xml: str) -> str:
        if not self.p:
            return xml
        return re.sub(r"<(/?)(c|v|is|t)(?=[\s/>])", lambda m: f"<{m.group(1)}{self.p}{m.group(2)}", xml)

    def _cell(self, row: int, col: int, value: Any, style: int | None) -> str:
        ref = cell_address(row, col)
        k = kind(value)
        if k and (style is None or not self.styles.is_date_xf(style)):
            style = self.styles.date_variant(style, _DATE_CODES[k])
        s = "" if style is None else f' s="{style}"'
        xml = cell_xml(ref, value, s, lambda _k: s, self.date1904)
        if not xml:  # None or "": the cell stays, empty, with its style
            xml = f'<c r="{ref}"{s}/>'
        else:
            self.written.append((row, col))
        return self._prefixed(xml)

    def _new_cell_style(self, row_tag: str, col: int) -> int | None:
        row_s = X.get_attr(row_tag, "s")
        if row_s and row_s.isdigit() and X.get_attr(row_tag, "customFormat") in ("1", "true"):
            return int(row_s)
        for lo, hi, style in self.col_styles:
            if lo <= col <= hi:
                return style
        return None

    def new_row(self, row: int, cells: Mapping[int, Any]) -> str:
        xml = "".join(self._cell(row, c, v, self._new_cell_style("", c))
                      for c, v in sorted(cells.items()) if v is not None and v != "")
        return f'<{self.p}row r="{row}">{xml}</{self.p}row>' if xml else ""

    def rewrite_row(self, row: int, open_attrs: str, content: str, cells: Mapping[int, Any]) -> str:
        open_tag = f"<{self.p}row{open_attrs}>"
        lead, slots = self._split_cells(row, content)
        existing = {slot.col: slot for slot in slots}
        for col, value in sorted(cells.items()):
            if col in existing:
                slot = existing[col]
                if self.master_re.search(slot.body):
                    raise InputError(
                        f"工作表“{self.sheet}”单元格{cell_address(row, col)}是共享公式或数组公式的起点,"
                        f"不能直接写入数值。请在Excel中将该区域公式改为普通公式或数值后重试。")
                s = X.get_attr(slot.attrs, "s")
                slot.xml = self._cell(row, col, value, int(s) if s and s.isdigit() else None)
            elif value is not None and value != "":
                new = _Slot(col, self._cell(row, col, value, self._new_cell_style(open_tag, col)))
                at = sum(1 for slot in slots if slot.col < col)
                if at and at == len(slots):  # trailing text (e.g. the row's extLst) stays last
                    new.tail, slots[-1].tail = slots[-1].tail, ""
                slots.insert(at, new)
        open_tag = self._widen_spans(open_tag, [slot.col for slot in slots])
        body = lead + "".join(slot.xml + slot.tail for slot in slots)
        return f"{open_tag}{body}</{self.p}row>"

    def _split_cells(self, row: int, content: str) -> tuple[str, list[_Slot]]:
        """The row's content as (text before the first cell, cells in order)."""
        slots: list[_Slot] = []
        lead = content
        for m in self.cell_re.finditer(content):
            if not slots:
                lead = content[:m.start()]
            else:
                slots[-1].tail = content[slots[-1].end:m.start()]
            ref = X.get_attr(m.group(1), "r")
            xml = m.group()
            if ref and _REF.match(ref):
                col = column_index(_REF.match(ref).group(1))
            else:  # implicit position: make it explicit before inserting around it
                col = slots[-1].col + 1 if slots else 0
                xml = f'<{self.p}c r="{cell_address(row, col)}"' + xml[len(self.p) + 2:]
            slots.append(_Slot(col, xml, "", m.end(), m.group(1), m.group(2) or ""))
        if slots:
            slots[-1].tail = content[slots[-1].end:]
        return lead, slots

    @staticmethod
    def _widen_spans(open_tag: str, cols: list[int]) -> str:
        """`spans` is an optimisation hint; keep it covering the row's cells."""
        spans = X.get_attr(open_tag, "spans")
        if not spans or not cols:
            return open_tag
        nums = [int(n) for n in re.findall(r"\d+", spans)]
        lo, hi = min(nums + [cols[0] + 1]), max(nums + [cols[-1] + 1])
        if (lo, hi) == (min(nums), max(nums)):
            return open_tag
        return X.set_attr(open_tag, "spans", f"{lo}:{hi}")


@dataclass
class _Slot:
    """One <c> of a row being rewritten."""
    col: int
    xml: str
    tail: str = ""        # text after it up to the next cell (whitespace, extLst)
    end: int = 0          # end offset in the original row content
    attrs: str = ""       # original attributes (for s=)
    body: str = ""        # original content (for <f ref=...>)


def patch_sheet(data: bytes, cells: Mapping[tuple[int, int], Any], styles: StyleBook, sheet: str,
                date1904: bool = False) -> bytes:
    """Return the worksheet part with only `cells` ((row 1-based, col 0-based) -> value)
    changed; dates in the workbook's date system (`date1904`)."""
    text, bom = X.decode(data)
    p = X.root_prefix(text, "worksheet")
    found = X.find_element(text, p, "sheetData")
    if found is None:
        raise InputError(f"工作表“{sheet}”的结构无法识别(缺少单元格数据),请在Excel中打开并保存后重试。")
    begin, open_end, close_begin, end = found
    patcher = _SheetPatcher(text, p, styles, sheet, text[:begin], date1904)
    by_row: dict[int, dict[int, Any]] = {}
    for (row, col), value in cells.items():
        if row < 1 or col < 0:
            raise ValueError(f"bad cell position {(row, col)}")
        by_row.setdefault(row, {})[col] = value
    targets = sorted(by_row)
    inner = text[open_end:close_begin]
    pieces: list[str] = []
    pos = 0
    ti = 0
    for m in patcher.row_re.finditer(inner):
        if ti == len(targets):
            break
        r_text = X.get_attr(m.group(1), "r")
        if not (r_text and r_text.isdigit()):
            raise InputError(f"工作表“{sheet}”的行缺少行号,无法安全修改。请在Excel中打开并保存后重试。")
        r = int(r_text)
        while ti < len(targets) and targets[ti] < r:
            pieces += [inner[pos:m.start()], patcher.new_row(targets[ti], by_row[targets[ti]])]
            pos = m.start()
            ti += 1
        if ti < len(targets) and targets[ti] == r:
            pieces += [inner[pos:m.start()],
                       patcher.rewrite_row(r, m.group(1), m.group(2) or "", by_row[r])]
            pos = m.end()
            ti += 1
    pieces.append(inner[pos:])
    pieces += [patcher.new_row(t, by_row[t]) for t in targets[ti:]]
    new_inner = "".join(pieces)
    open_tag = text[begin:open_end]
    if open_end == end:  # <sheetData/>
        open_tag = open_tag[:-2].rstrip() + ">"
    head = _grow_dimension(text[:begin], p, patcher.written)
    return X.encode(f"{head}{open_tag}{new_inner}</{p}sheetData>{text[end:]}", bom)


def _grow_dimension(head: str, p: str, written: list[tuple[int, int]]) -> str:
    """Widen <dimension ref> to cover new cells (readers such as calamine use it)."""
    found = X.find_element(head, p, "dimension")
    if found is None or not written:
        return head
    tag = head[found[0]:found[1]]
    ref = X.get_attr(tag, "ref") or "A1"
    corners = [_REF.match(part) for part in ref.replace("$", "").split(":")]
    if not all(corners):
        return head
    rows = [int(m.group(2)) for m in corners] + [r for r, _ in written]
    cols = [column_index(m.group(1)) for m in corners] + [c for _, c in written]
    new_ref = f"{column_letter(min(cols))}{min(rows)}:{column_letter(max(cols))}{max(rows)}"
    if new_ref == ref:
        return head
    return head[:found[0]] + X.set_attr(tag, "ref", new_ref) + head[found[1]:]
