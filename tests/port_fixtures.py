"""Run one command through either workbook port on a real .xlsx.

"file": lyciq_xl.port.FilePort on the file itself (the command line).
"remote": lyciq_xl.port.excel.ExcelPort on xlwings' remote engine, built
from the same file as xlwings' VBA client would send it; the actions the
client would replay are replayed onto the file afterwards (xl_fixtures).
Either way the file then holds what the clerk would see.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xlwings as xw
from xlwings.pro import _xlremote

from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.port import FilePort, WorkbookPort
from lyciq_xl.port.excel import ExcelPort
from xl_fixtures import payload_from_xlsx, replay

PORTS = ("file", "remote")


def through(kind: str, path: Path, command: Callable[[WorkbookPort], Outcome]) -> Outcome:
    """`command` on the workbook at `path` through port `kind`. A LyciqError
    propagates as it would to either adapter."""
    if kind == "file":
        with FilePort(path) as port:
            return command(port)
    book = xw.Book(json=payload_from_xlsx(path, book_name=str(path)))
    try:
        with ExcelPort(book) as port:
            outcome = command(port)
        actions = book.json()["actions"]
    finally:
        book.close()
        _xlremote.get_range_api.cache_clear()
    replay(path, actions)
    return outcome


def remote_tables(path: Path, **read) -> dict:
    """What the open-workbook port reads from the remote payload of `path`."""
    book = xw.Book(json=payload_from_xlsx(path))
    try:
        return ExcelPort(book).read_tables(**read)
    finally:
        book.close()
        _xlremote.get_range_api.cache_clear()
