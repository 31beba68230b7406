"""Append-only, idempotent editing of xl/styles.xml.

Every cell in the workbook points at a cellXfs entry by index, and every xf
points at fonts/fills/borders by index, so existing entries are never changed
or reordered: the styles we need are appended. An entry is matched by content
first (including the ones we appended on an earlier run), so recalculating
again and again does not make styles.xml grow.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl.xlsxio import xmltext as X

# One element as plain data: (tag, ((attr, value), ...), (children...)).
Elem = tuple[str, tuple[tuple[str, str], ...], tuple["Elem", ...]]

# CT_Stylesheet child order (ECMA-376 Part 1, 18.8.39).
STYLESHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                    "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
_CONTAINER_CHILD = {"numFmts": "numFmt", "fonts": "font", "fills": "fill",
                    "borders": "border", "cellStyleXfs": "xf", "cellXfs": "xf"}

# Built-in number formats that are the same in every locale.
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                   "0.00%": 10, "0.00E+00": 11, "# ?/?": 12, "# ??/??": 13, "@": 49}
_BUILTIN_PERCENT_IDS = {9, 10}            # 0%, 0.00%
_BUILTIN_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TIME_FORMAT = "hh:mm:ss"

HEADER_FILL_RGB = "FFDDEBF7"   # light blue, Excel's "Blue, Accent 1, Lighter 80%"
LINK_RGB = "FF0563C1"          # Excel's Hyperlink style colour

MINIMAL_STYLESHEET = (
    X.XML_DECL
    + f'<styleSheet xmlns="{X.MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/>'
    "</styleSheet>"
)


def is_percent_code(code: str) -> bool:
    """True if a custom format code shows its number times 100 with a % sign
    (a % inside quotes or escaped with a backslash is only text)."""
    return "%" in re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code)


def is_date_code(code: str) -> bool:
    """True if a custom format code displays a date or time."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code)
    return bool(re.search(r"[ymdhs]", code, re.IGNORECASE)) and "General" not in code


def _canon_parsed(el) -> Elem:
    attrs = tuple(sorted((X.local(k) if k.startswith("{" + X.MAIN_NS) else k, v)
                         for k, v in el.attrib.items()))
    tag = X.local(el.tag) if el.tag.startswith("{" + X.MAIN_NS) or "}" not in el.tag else el.tag
    return tag, attrs, tuple(_canon_parsed(c) for c in el)


def _canon(e: Elem) -> Elem:
    tag, attrs, children = e
    return tag, tuple(sorted(attrs)), tuple(_canon(c) for c in children)


def _serialise(e: Elem, prefix: str) -> str:
    tag, attrs, children = e
    return X.element(tag, attrs, "".join(_serialise(c, prefix) for c in children), prefix)


def E(tag: str, *children: Elem, **attrs: Any) -> Elem:
    return tag, tuple((k, str(v)) for k, v in attrs.items()), tuple(children)


@dataclass
class _Container:
    name: str
    entries: list[Elem]                      # canonical forms, in index order
    index: dict[Elem, int] = field(default_factory=dict)
    appended: list[str] = field(default_factory=list)   # XML text to append

    def __post_init__(self) -> None:
        for i, canon in enumerate(self.entries):
            self.index.setdefault(canon, i)

    def get(self, e: Elem, prefix: str) -> int:
        canon = _canon(e)
        if canon not in self.index:
            self.index[canon] = len(self.entries)
            self.entries.append(canon)
            self.appended.append(_serialise(e, prefix))
        return self.index[canon]


class StyleBook:
    """The workbook's styles.xml plus the entries we add to it."""

    def __init__(self, data: bytes | None):
        self.created = data is None
        self._text, self._bom = X.decode(data) if data is not None else (MINIMAL_STYLESHEET, False)
        self._prefix = X.root_prefix(self._text, "styleSheet")
        root = X.parse(self._text.encode("utf-8"))
        self._containers: dict[str, _Container] = {}
        self._num_fmts: dict[int, str] = {}
        self._xf_raw: list[dict[str, str]] = []
        for name in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs"):
            parent = root.find(f"{{{X.MAIN_NS}}}{name}")
            children = [] if parent is None else [c for c in parent
                                                  if X.local(c.tag) == _CONTAINER_CHILD[name]]
            self._containers[name] = _Container(name, [_canon_parsed(c) for c in children])
            if name == "cellXfs":
                self._xf_raw = [dict(c.attrib) for c in children]
        fmts = root.find(f"{{{X.MAIN_NS}}}numFmts")
        for nf in (fmts if fmts is not None else ()):
            if X.local(nf.tag) == "numFmt" and nf.get("numFmtId", "").isdigit():
                self._num_fmts[int(nf.get("numFmtId"))] = nf.get("formatCode", "")
        self._new_fmts: list[str] = []
        self._base_font = self._read_base_font(root)
        self._ensure_defaults()

    # --- reading -----------------------------------------------------------
    def _read_base_font(self, root) -> tuple[Elem, ...]:
        """Size/name/family/charset/scheme of font 0, for our bold/link fonts."""
        fonts = root.find(f"{{{X.MAIN_NS}}}fonts")
        first = None if fonts is None else fonts.find(f"{{{X.MAIN_NS}}}font")
        keep = ("sz", "color", "name", "family", "charset", "scheme")
        if first is None:
            return (E("sz", val=11), E("name", val="等线"), E("family", val=2), E("charset", val=134))
        found = {X.local(c.tag): (X.local(c.tag), tuple(c.attrib.items()), ()) for c in first
                 if X.local(c.tag) in keep and "}" in c.tag and c.tag.startswith("{" + X.MAIN_NS)}
        return tuple(found[k] for k in keep if k in found)

    def _ensure_defaults(self) -> None:
        """Seed index 0 (and the two reserved fills) if a minimal styles.xml lacks them."""
        c = self._containers
        if not c["fonts"].entries:
            c["fonts"].get(("font",) + ((), self._base_font), self._prefix)
        while len(c["fills"].entries) < 2:
            pattern = "none" if not c["fills"].entries else "gray125"
            c["fills"].get(E("fill", E("patternFill", patternType=pattern)), self._prefix)
        if not c["borders"].entries:
            c["borders"].get(E("border", E("left"), E("right"), E("top"), E("bottom"), E("diagonal")),
                             self._prefix)
        if not c["cellXfs"].entries:
            c["cellXfs"].get(E("xf", numFmtId=0, fontId=0, fillId=0, borderId=0), self._prefix)
            self._xf_raw.append({"numFmtId": "0"})

    def num_fmt_id_of_xf(self, xf: int) -> int:
        raw = self._xf_raw[xf] if 0 <= xf < len(self._xf_raw) else {}
        value = raw.get("numFmtId", "0")
        return int(value) if value.isdigit() else 0

    def is_date_xf(self, xf: int) -> bool:
        fmt_id = self.num_fmt_id_of_xf(xf)
        if fmt_id in _BUILTIN_DATE_IDS:
            return True
        return fmt_id in self._num_fmts and is_date_code(self._num_fmts[fmt_id])

    def is_percent_xf(self, xf: int) -> bool:
        """Whether cells of this xf show their number as a percentage (0.72 as 72%)."""
        fmt_id = self.num_fmt_id_of_xf(xf)
        if fmt_id in _BUILTIN_PERCENT_IDS:
            return True
        return fmt_id in self._num_fmts and is_percent_code(self._num_fmts[fmt_id])

    # --- adding ------------------------------------------------------------
    def num_fmt(self, code: str | None) -> int:
        if not code or code == "General":
            return 0
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        for fmt_id, existing in self._num_fmts.items():
            if existing == code:
                return fmt_id
        fmt_id = max([163, *self._num_fmts]) + 1
        self._num_fmts[fmt_id] = code
        self._new_fmts.append(X.element("numFmt", [("numFmtId", fmt_id), ("formatCode", code)],
                                        prefix=self._prefix))
        return fmt_id

    def font(self, *, bold: bool = False, link: bool = False) -> int:
        if not bold and not link:
            return 0
        children = [E("b")] if bold else []
        if link:
            children.append(E("u"))
        for child in self._base_font:
            if child[0] == "color" and link:
                continue
            children.append(child)
            if child[0] == "sz" and link:
                children.append(E("color", rgb=LINK_RGB))
        if link and not any(c[0] == "color" for c in children):
            children.append(E("color", rgb=LINK_RGB))
        return self._containers["fonts"].get(E("font", *children), self._prefix)

    def header_fill(self) -> int:
        return self._containers["fills"].get(
            E("fill", E("patternFill", E("fgColor", rgb=HEADER_FILL_RGB), E("bgColor", indexed=64),
                        patternType="solid")), self._prefix)

    def thin_border(self) -> int:
        side = [E(s, E("color", indexed=64), style="thin") for s in ("left", "right", "top", "bottom")]
        return self._containers["borders"].get(E("border", *side, E("diagonal")), self._prefix)

    def xf(self, *, num_fmt: str | None = None, bold: bool = False, link: bool = False,
           fill: bool = False, border: bool = False, center: bool = False,
           wrap: bool = False) -> int | None:
        """Index of a cellXfs entry with these properties (None: the default style)."""
        if not (num_fmt or bold or link or fill or border or center or wrap):
            return None
        attrs: dict[str, Any] = {"numFmtId": self.num_fmt(num_fmt), "fontId": self.font(bold=bold, link=link),
                                 "fillId": self.header_fill() if fill else 0,
                                 "borderId": self.thin_border() if border else 0}
        if self._containers["cellStyleXfs"].entries:
            attrs["xfId"] = 0
        for flag, key in ((num_fmt, "applyNumberFormat"), (bold or link, "applyFont"),
                          (fill, "applyFill"), (border, "applyBorder"),
                          (center or wrap, "applyAlignment")):
            if flag:
                attrs[key] = 1
        children = ((E("alignment", horizontal="center", vertical="center"),) if center else
                    (E("alignment", vertical="top", wrapText=1),) if wrap else ())
        return self._add_xf(E("xf", *children, **attrs))

    def date_variant(self, xf: int | None, code: str = DATE_FORMAT) -> int:
        """An xf like `xf` (font, fill, border, alignment) but showing a date."""
        if xf is None or not (0 <= xf < len(self._xf_raw)):
            return self.xf(num_fmt=code)
        tag, attrs, children = self._containers["cellXfs"].entries[xf]
        new = dict(attrs)
        new["numFmtId"] = str(self.num_fmt(code))
        new["applyNumberFormat"] = "1"
        return self._add_xf((tag, tuple(new.items()), children))

    def _add_xf(self, e: Elem) -> int:
        index = self._containers["cellXfs"].get(e, self._prefix)
        if index == len(self._xf_raw):
            self._xf_raw.append(dict(e[1]))
        return index

    # --- writing -----------------------------------------------------------
    @property
    def changed(self) -> bool:
        return self.created or bool(self._new_fmts) or any(c.appended for c in self._containers.values())

    def to_bytes(self) -> bytes:
        """styles.xml with the new entries appended (existing bytes kept)."""
        value = self._text
        if self._new_fmts:
            value = self._append(value, "numFmts", self._new_fmts, len(self._num_fmts))
        for name in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs"):
            c = self._containers[name]
            if c.appended:
                value = self._append(value, name, c.appended, len(c.entries))
        return X.encode(value, self._bom)

    def _append(self, value: str, name: str, items: list[str], count: int) -> str:
        p = self._prefix
        found = X.find_element(value, p, name)
        if found is None:  # create the container at its schema position
            block = f'<{p}{name} count="{count}">{"".join(items)}</{p}{name}>'
            later = STYLESHEET_ORDER[STYLESHEET_ORDER.index(name) + 1:]
            positions = [f[0] for f in (X.find_element(value, p, t) for t in later) if f]
            at = min(positions) if positions else value.rindex(f"</{p}styleSheet>")
            return value[:at] + block + value[at:]
        begin, open_end, _, _ = found
        value = X.insert_child(value, p, name, "".join(items))
        found = X.find_element(value, p, name)
        open_tag = X.set_attr(value[found[0]:found[1]], "count", count)
        return value[:found[0]] + open_tag + value[found[1]:]
