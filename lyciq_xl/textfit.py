"""How much room text needs in a cell. Neither Excel nor LibreOffice sizes
rows of a file written by a tool, so every writer of wrapped Chinese text
sets column widths and row heights from these estimates."""
from __future__ import annotations

import datetime as dt
from typing import Any

LINE_HEIGHT = 15   # points per line of 11-point text


def display_width(value: Any) -> int:
    """Width in Excel 'characters': CJK and other wide characters count 2
    (they take 3 bytes in UTF-8, narrow ones 1: a fast, good-enough test)."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    text = str(value)
    n = len(text)
    return n + (len(text.encode("utf-8")) - n) // 2


def wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped value takes in a column `width` characters wide
    (one character of padding; explicit line breaks start new lines)."""
    usable = max(1, int(width) - 1)
    return sum(max(1, -(-display_width(part) // usable)) for part in str(value or "").split("\n"))
