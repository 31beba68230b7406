"""Identity and tamper evidence of a section workbook.

The workbook carries its identity (科室代码, 期间, 模板版本) and an
HMAC-SHA256 in custom document properties (docProps/custom.xml, kept by Excel,
WPS and LibreOffice). The HMAC is keyed by the master's 分发密钥, which never
leaves the master, and covers a canonical serialisation of every LOCKED cell
(by sheet and address) plus the identity: editing a locked cell - even after
removing the sheet protection, which is no security at all - breaks it, while
editing input cells does not.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import SectionBook
from lyciq_xl.table import cell_address, normalise, normalise_header

Grid = Sequence[Sequence[Any]]

# Sheets whose rows below the header hold input columns (unlocked).
INPUT_COLUMNS = {
    contract.Indicators.SHEET: SectionBook.INDICATOR_INPUTS,
    contract.KeyTasks.SHEET: SectionBook.KEY_TASK_INPUTS,
    # assessor workbooks (SPEC 9): 完成情况 and the 外部评价 rates are inputs
    contract.AssessorBook.KEY_TASK_SHEET: contract.AssessorBook.KEY_TASK_INPUTS,
    contract.External.SHEET: (contract.External.GOVERNMENT, contract.External.ENTERPRISE),
}
# the individual sheets (SPEC 8): what a section edits in its existing rows
INPUT_COLUMNS.update({
    contract.PersonalIndicators.SHEET: contract.PersonalBook.INDICATOR_INPUTS,
    contract.PersonalRecords.SHEET: contract.PersonalBook.RECORD_INPUTS,
    contract.MonthlyReviews.SHEET: contract.PersonalBook.REVIEW_INPUTS,
    contract.AnnualReviews.SHEET: contract.PersonalBook.ANNUAL_INPUTS,
})


def new_secret() -> str:
    """A fresh 分发密钥: 256 random bits as hex."""
    return secrets.token_hex(32)


def canon(value: Any) -> str:
    """One cell as stable text, equal for what we wrote and for what calamine
    reads back after Excel/WPS/LibreOffice re-saved it (1.50 == 1.5 == 1.5e0)."""
    value = normalise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.datetime):
        return value.isoformat() if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def locked_cells(sheets: Mapping[str, Grid], rows: Mapping[str, int]
                 ) -> dict[tuple[str, str], str]:
    """(sheet, address) -> canonical text of every non-blank locked cell.

    `rows[sheet]` is how many rows from the top (header included) are the
    locked region; below it an input sheet only has new-indicator rows."""
    cells: dict[tuple[str, str], str] = {}
    for sheet, count in rows.items():
        grid = sheets.get(sheet) or []
        headers = [normalise_header(h) for h in (grid[0] if grid else [])]
        inputs = set(INPUT_COLUMNS.get(sheet, ()))
        for r, line in enumerate(grid[:count]):
            for c, value in enumerate(line):
                if r > 0 and c < len(headers) and headers[c] in inputs:
                    continue
                text = canon(value)
                if text:
                    cells[(sheet, cell_address(r + 1, c))] = text
    return cells


def input_cells(sheets: Mapping[str, Grid], rows: Mapping[str, int]
                ) -> dict[tuple[str, str], str]:
    """(sheet, address) -> canonical text of every non-blank INPUT cell of the
    locked rows: the values as distributed are collect's merge base."""
    cells: dict[tuple[str, str], str] = {}
    for sheet, count in rows.items():
        grid = sheets.get(sheet) or []
        headers = [normalise_header(h) for h in (grid[0] if grid else [])]
        inputs = {c for c, h in enumerate(headers) if h in set(INPUT_COLUMNS.get(sheet, ()))}
        for r, line in enumerate(grid[1:count], start=2):
            for c in inputs:
                text = canon(line[c]) if c < len(line) else ""
                if text:
                    cells[(sheet, cell_address(r, c))] = text
    return cells


@dataclass(frozen=True)
class Identity:
    """What a section workbook says it is (all of it signed)."""
    code: str
    period: str
    version: str
    dist: str                       # distribution id


def payload(identity: Identity, rows: Mapping[str, int],
            cells: Mapping[tuple[str, str], str],
            base: Mapping[tuple[str, str], str]) -> bytes:
    body = {
        "code": identity.code, "period": identity.period, "version": identity.version,
        "dist": identity.dist,
        "rows": sorted(rows.items()),
        "cells": sorted([s, a, t] for (s, a), t in cells.items()),
        "base": sorted([s, a, t] for (s, a), t in base.items()),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def new_distribution_id(now: dt.datetime | None = None) -> str:
    """Sortable by time (a later distribution sorts later), unique by its tail."""
    now = now or dt.datetime.now()
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def sign(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


def verify(secret: str, data: bytes, mac: str) -> bool:
    # bytes, not str: compare_digest raises TypeError on non-ASCII str, and
    # the MAC comes from the (hostile) file
    given = (mac or "").strip().lower().encode("utf-8")
    return hmac.compare_digest(sign(secret, data).encode("ascii"), given)


def encode_rows(rows: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(rows.items())), ensure_ascii=False, separators=(",", ":"))


def decode_rows(text: str | None, allowed: Iterable[str]) -> dict[str, int] | None:
    """The 锁定行数 property back; None when malformed (treated as tampering)."""
    if not text or len(text) > 4096:      # a real one is ~100 characters
        return None
    try:
        rows = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." from a hostile file
        return None
    allowed = set(allowed)
    if not isinstance(rows, dict) or not all(
            isinstance(k, str) and k in allowed and isinstance(v, int) and 0 < v <= 100_000
            for k, v in rows.items()):
        return None
    return rows


# Office keeps custom property values of at most 255 characters (UTF-16
# units), and readers strip a value's ends: the base's JSON carries every
# whitespace character escaped (\u0020), so no chunk can begin or end in one
# however the text runs (300 spaces in a cell).
PROPERTY_MAX = 255
MAX_BASE_TEXT = 4 * 1024 * 1024       # a real base is a few thousand characters


def encode_base(base: Mapping[tuple[str, str], str]) -> list[str]:
    """The base as JSON ({sheet: {address: text}}) cut into property values."""
    nested: dict[str, dict[str, str]] = {}
    for (sheet, address), text in sorted(base.items()):
        nested.setdefault(sheet, {})[address] = text
    text = json.dumps(nested, ensure_ascii=False, separators=(",", ":"))
    # compact JSON has whitespace only inside strings, where \uXXXX means the same
    return _chunks("".join(f"\\u{ord(ch):04x}" if ch.isspace() else ch for ch in text))


def _chunks(text: str) -> list[str]:
    out: list[str] = []
    chunk: list[str] = []
    units = 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if units + size > PROPERTY_MAX:
            out.append("".join(chunk))
            chunk, units = [], 0
        chunk.append(ch)
        units += size
    if chunk:
        out.append("".join(chunk))
    return out


def base_properties(props: Mapping[str, str]) -> dict[str, str]:
    """The 分发底稿N properties of a file, by name."""
    prefix = SectionBook.PROP_BASE
    return {k: v for k, v in props.items()
            if k.startswith(prefix) and k[len(prefix):].isascii() and k[len(prefix):].isdigit()}


def decode_base(props: Mapping[str, str], allowed: Iterable[str]
                ) -> dict[tuple[str, str], str] | None:
    """The base back from a file's properties; None when malformed (tampering)."""
    chunks = base_properties(props)
    order = sorted(int(k[len(SectionBook.PROP_BASE):]) for k in chunks)
    if order != list(range(1, len(order) + 1)):
        return None
    text = "".join(chunks[f"{SectionBook.PROP_BASE}{i}"] for i in order) or "{}"
    if len(text) > MAX_BASE_TEXT:
        return None
    try:
        nested = json.loads(text)
    except (ValueError, RecursionError):
        return None
    allowed = set(allowed)
    if not isinstance(nested, dict):
        return None
    base = {}
    for sheet, cells in nested.items():
        if sheet not in allowed or not isinstance(cells, dict):
            return None
        for address, value in cells.items():
            if not isinstance(address, str) or not isinstance(value, str):
                return None
            base[(sheet, address)] = value
    return base


def properties(identity: Identity, rows: Mapping[str, int],
               base: Mapping[tuple[str, str], str], mac: str) -> dict[str, str]:
    props = {SectionBook.PROP_CODE: identity.code, SectionBook.PROP_PERIOD: identity.period,
             SectionBook.PROP_VERSION: identity.version, SectionBook.PROP_DIST: identity.dist,
             SectionBook.PROP_ROWS: encode_rows(rows), SectionBook.PROP_MAC: mac}
    for i, chunk in enumerate(encode_base(base), start=1):
        props[f"{SectionBook.PROP_BASE}{i}"] = chunk
    return props
