"""Workbooks a clerk's Excel makes that the readers must see through: an
Excel Table with a Total Row over 扣分记录, and 得分率 typed as percentages.
Shared by the file reader's tests and the port parity tests."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlsxwriter

from lyciq_xl import contract

D = contract.Deductions
SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "主工作簿示例.xlsx"


def copy_with_table(source: Path, path: Path) -> Path:
    """`source`'s sheets as values, 扣分记录 made an Excel Table with a Total
    Row: "合计" under 记录号 and SUBTOTAL(109) of 扣分, as a clerk adds it."""
    values = openpyxl.load_workbook(source, data_only=True)
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for ws in values.worksheets:
        sheet = book.add_worksheet(ws.title)
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if ws.title != D.SHEET:
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(r, c, value, date)
                    elif value is not None:
                        sheet.write(r, c, value)
            continue
        header, body = rows[0], rows[1:]
        points = sum(v[header.index(D.POINTS)] or 0 for v in body)
        columns = [{"header": h} for h in header]
        columns[0]["total_string"] = "合计"
        columns[header.index(D.POINTS)].update(total_function="sum", total_value=points)
        sheet.add_table(0, 0, len(body) + 1, len(header) - 1,
                        {"data": body, "columns": columns, "total_row": True,
                         "name": "扣分表"})
        for r, row in enumerate(body, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, date)
    book.close()
    return path


def with_external(path: Path, cells: dict[str, tuple[object, str]]) -> Path:
    """The sample with 外部评价 cells set to (value, number format)."""
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book[contract.External.SHEET]
    for ref, (value, number_format) in cells.items():
        sheet[ref] = value
        sheet[ref].number_format = number_format
    book.save(path)
    return path
