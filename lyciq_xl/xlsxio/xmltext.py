"""Small text-level XML helpers for surgical edits of SpreadsheetML parts.

We edit parts as text, not through an XML tree: ElementTree re-serialises
namespace prefixes (ns0:) and drops declarations that only `mc:Ignorable`
refers to, which Excel then reports as a corrupt file. Parsing (defusedxml,
no entity expansion) is used only to *read* facts out of a part.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from defusedxml import ElementTree as SafeET

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class PartError(ValueError):
    """A part is not the SpreadsheetML we expect (corrupt or foreign file)."""

# Characters XML 1.0 cannot carry: C0 controls but tab/LF/CR, U+FFFE/FFFF,
# lone surrogates. Excel writes them as _xHHHH_; calamine decodes that back to
# the character, so text read from a workbook may hold them. The one definition.
XML_ILLEGAL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
XML_ILLEGAL = re.compile(f"[{XML_ILLEGAL_CHARS}]")
# A literal "_x0041_" in text would be decoded by Excel; escape its "_".
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _hex_escape(match: re.Match) -> str:
    return f"_x{ord(match.group()):04X}_"


def text(value: str) -> str:
    """Escape cell text for an element body (fast path for plain text)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "_x" in value:
        value = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", value)
    if XML_ILLEGAL.search(value):
        value = XML_ILLEGAL.sub(_hex_escape, value)
    return value


def attr(value: Any) -> str:
    """Escape an attribute value (control characters are dropped)."""
    value = XML_ILLEGAL.sub("", str(value))
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
            .replace("\t", "&#9;"))


def decode(data: bytes) -> tuple[str, bool]:
    """Part bytes -> (text, had_bom)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), True
    return data.decode("utf-8"), False


def encode(value: str, bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + value.encode("utf-8")


def parse(data: bytes):
    """Parse a part for reading only (defusedxml: no entities, no DTD tricks)."""
    return SafeET.fromstring(data)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def root_prefix(value: str, name: str) -> str:
    """The prefix ('' or 'x:') the root element `name` is written with."""
    match = re.search(r"<(?:([A-Za-z_][\w.-]*):)?" + name + r"\b", value)
    if match is None:
        raise PartError(f"no <{name}> root element")
    return f"{match.group(1)}:" if match.group(1) else ""


def ns_prefix(value: str, namespace: str) -> str | None:
    """The prefix bound to `namespace` on the first (root) start tag, if any."""
    start = re.search(r"<(?!\?)[^>]*>", value)
    if start is None:
        return None
    match = re.search(r'xmlns:([A-Za-z_][\w.-]*)\s*=\s*"' + re.escape(namespace) + '"',
                      start.group())
    return match.group(1) if match else None


def element(tag: str, attrs: Iterable[tuple[str, Any]] = (), children: str = "",
            prefix: str = "") -> str:
    """Serialise one element: attrs keep their order; None values are left out."""
    attr_text = "".join(f' {k}="{attr(v)}"' for k, v in attrs if v is not None)
    if children:
        return f"<{prefix}{tag}{attr_text}>{children}</{prefix}{tag}>"
    return f"<{prefix}{tag}{attr_text}/>"


def find_element(value: str, prefix: str, tag: str, start: int = 0) -> tuple[int, int, int, int] | None:
    """Locate <tag ...>...</tag> or <tag .../> at or after `start`.

    Returns (begin, open_end, close_begin, end): `value[begin:open_end]` is the
    start tag, `value[open_end:close_begin]` the content (empty for a
    self-closing tag, where open_end == close_begin == end).
    """
    match = re.compile(f"<{re.escape(prefix)}{tag}(?=[\\s/>])[^>]*?(/?)>").search(value, start)
    if match is None:
        return None
    if match.group(1):
        return match.start(), match.end(), match.end(), match.end()
    close = value.find(f"</{prefix}{tag}>", match.end())
    if close < 0:
        raise PartError(f"unterminated <{tag}>")
    return match.start(), match.end(), close, close + len(f"</{prefix}{tag}>")


def set_attr(start_tag: str, name: str, value: Any) -> str:
    """Return `start_tag` with attribute `name` set (replaced or added)."""
    pattern = re.compile(r'(\s' + re.escape(name) + r'\s*=\s*)(["\'])[^"\']*\2')
    if pattern.search(start_tag):
        return pattern.sub(lambda m: f'{m.group(1)}"{attr(value)}"', start_tag, count=1)
    end = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
    return f'{start_tag[:end]} {name}="{attr(value)}"{start_tag[end:]}'


def get_attr(start_tag: str, name: str) -> str | None:
    match = re.search(r'\s' + re.escape(name) + r'\s*=\s*(["\'])(.*?)\1', start_tag)
    return match.group(2) if match else None


def remove_attr(start_tag: str, name: str) -> str:
    return re.sub(r'\s' + re.escape(name) + r'\s*=\s*(["\']).*?\1', "", start_tag, count=1)


def insert_child(value: str, prefix: str, parent: str, child_xml: str) -> str:
    """Append `child_xml` as the last child of the first <parent> element."""
    found = find_element(value, prefix, parent)
    if found is None:
        raise PartError(f"no <{parent}>")
    begin, open_end, close_begin, end = found
    if open_end == end:  # self-closing: expand it
        open_tag = value[begin:open_end][:-2].rstrip() + ">"
        return f"{value[:begin]}{open_tag}{child_xml}</{prefix}{parent}>{value[end:]}"
    return value[:close_begin] + child_xml + value[close_begin:]
