"""The workbook port: one interface, two implementations (see port/base.py).

    from lyciq_xl.port import FilePort          # the command line
    from lyciq_xl.port.excel import ExcelPort   # the ribbon (needs xlwings)

The Excel port is imported from its own module so that the command line
runs without xlwings installed (the `excel` install extra).
"""
from lyciq_xl.port.base import Patches, Progress, WorkbookPort, no_progress
from lyciq_xl.port.file import FilePort

__all__ = ["FilePort", "Patches", "Progress", "WorkbookPort", "no_progress"]
