"""Test harness for lyciq_xl.xl on xlwings' remote engine (no Excel here).

`payload_from_xlsx` builds what xlwings' VBA client (Remote.bas) sends for a
real .xlsx; `run_remote` runs a ribbon function against it and returns the
actions; `replay` applies those actions to the file with openpyxl, as the VBA
client would apply them in Excel (test-only: openpyxl drops parts it does
not model, which is fine for these throwaway copies).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import python_calamine  # noqa: E402
import xlwings as xw  # noqa: E402
from openpyxl.styles import PatternFill  # noqa: E402
from xlwings.pro import _xlremote  # noqa: E402

REMOTE_BAS = Path(xw.__file__).parent / "addin" / "Remote.bas"
ADDIN_FILL_MACRO = "'lyciq.xlam'!LyciqActions.LyciqFill"


def vba_replayable_actions() -> set[str]:
    """The action kinds xlwings' VBA client can replay: the Subs with the
    action signature in the installed xlwings' Remote.bas."""
    text = REMOTE_BAS.read_text(encoding="utf-8")
    return set(re.findall(r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)", text, re.M))


def _payload_value(value: Any) -> Any:
    if value == "":
        return None                      # the VBA client sends null for empty cells
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


def _error_cells(wb: openpyxl.Workbook) -> dict[str, dict[tuple[int, int], str]]:
    """Cells holding an error value (#N/A ...), which calamine reads as blank
    but the VBA client sends as text (WebHelpers.bas ConvertToJson)."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "e":
                    found.setdefault(ws.title, {})[(cell.row - 1, cell.column - 1)] = cell.value
    return found


def _absolute(ref: str) -> str:
    """"A1:N20" as Range.Address gives it: "$A$1:$N$20"."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def _tables(ws) -> list[dict]:
    """The sheet's Excel Tables as Remote.bas sends them (its ListObjects loop)."""
    out = []
    for table in ws.tables.values():
        (c0, r0), (c1, r1) = ((m.group(1), int(m.group(2))) for m in
                              re.finditer(r"([A-Z]+)(\d+)", table.ref))
        # OOXML's defaults: one header row, no Total Row
        heads = 1 if table.headerRowCount is None else table.headerRowCount
        totals = table.totalsRowCount or 0

        def address(top: int, bottom: int, c0: str = c0, c1: str = c1) -> str:
            return _absolute(f"{c0}{top}:{c1}{bottom}")
        out.append({
            "name": table.displayName,
            "range_address": address(r0, r1),
            "header_row_range_address": address(r0, r0) if heads else None,
            "data_body_range_address": address(r0 + heads, r1 - totals),
            "total_row_range_address": address(r1 - totals + 1, r1) if totals else None,
            "show_headers": bool(heads), "show_totals": bool(totals),
            "table_style": table.tableStyleInfo.name if table.tableStyleInfo else "",
            "show_autofilter": table.autoFilter is not None,
        })
    return out


def payload_from_xlsx(path: Path, book_name: str | None = None, active_sheet: int = 0) -> dict:
    """`book_name`: what the client reports as the book's name (Excel's
    FullName when a test needs the remote book to know its folder);
    `active_sheet`: the 0-based index of the sheet the clerk is on."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    wb = openpyxl.load_workbook(path, data_only=True)
    errors = _error_cells(wb)
    sheets = []
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for (r, c), text in errors.get(name, {}).items():
            grid[r][c] = text
        values = [[_payload_value(v) for v in row] for row in grid] or [[]]
        sheets.append({"name": name, "values": values, "pictures": [], "tables": _tables(wb[name])})
    return {"client": "VBA", "version": xw.__version__,
            "book": {"name": book_name or Path(path).name, "active_sheet_index": active_sheet,
                     "selection": "A1"},
            "names": [], "sheets": sheets}


def run_remote(func: Callable[[], None], path: Path, book_name: str | None = None,
               active_sheet: int = 0) -> list[dict]:
    """Run a ribbon function on `path` through the remote engine; the actions."""
    book = xw.Book(json=payload_from_xlsx(path, book_name, active_sheet))
    try:
        book.set_mock_caller()
        func()
        return book.json()["actions"]
    finally:
        book.close()
        _xlremote.get_range_api.cache_clear()


# --- replaying actions onto the file (what the VBA client does in Excel) ----------

def _parse_iso(value: Any) -> Any:
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z?", value)
        if match:
            return dt.datetime.fromisoformat(match.group(1))
    return value


def _cells(ws, action):
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    for r in range(r0, r0 + action["row_count"]):
        for c in range(c0, c0 + action["column_count"]):
            yield ws.cell(r, c)


def _excel_value(value: Any) -> Any:
    """Range.Value = v in Excel: '=...' becomes a formula, a leading
    apostrophe marks text and is not part of the value."""
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def replay(path: Path, actions: list[dict]) -> list[str]:
    """Apply `actions` to the .xlsx at `path`; returns the alert texts."""
    wb = openpyxl.load_workbook(path)
    alerts: list[str] = []
    for action in actions:
        func, args = action["func"], action["args"]
        ws = wb.worksheets[action["sheet_position"]] if action["sheet_position"] is not None else None
        if func == "setValues":
            r0, c0 = action["start_row"] + 1, action["start_column"] + 1
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    ws.cell(r0 + i, c0 + j).value = _excel_value(_parse_iso(value))
        elif func == "sheetClear":
            for row in list(ws.iter_rows()):
                for cell in row:
                    ws._cells.pop((cell.row, cell.column), None)
            ws._hyperlinks = []
        elif func == "addSheet":
            wb.create_sheet(args[1], args[0] + 1)
        elif func == "setNumberFormat":
            for cell in _cells(ws, action):
                cell.number_format = args[0]
        elif func == "setRangeColor":
            for cell in _cells(ws, action):
                cell.fill = PatternFill("solid", fgColor=args[0].lstrip("#").upper())
        elif func == "activateSheet":
            index = args[0] if isinstance(args, list) else args
            wb.active = wb.worksheets[index]
        elif func == "setAutofit":
            pass                                    # layout only
        elif func == "alert":
            alerts.append(args[0])
        elif func == "runMacro" and args[0] == ADDIN_FILL_MACRO:
            # macros/LyciqActions.bas LyciqFill(wb, sheetName, addresses, colorHex)
            sheet, addresses, color = args[1], args[2], args[3]
            for address in addresses.split(","):
                cell = wb[sheet][address]
                cell.fill = (PatternFill(fill_type=None) if color == ""
                             else PatternFill("solid", fgColor=color.lstrip("#").upper()))
        else:
            raise AssertionError(f"the test replayer does not know action {func}")
    wb.save(path)
    return alerts


def fill_of(ws, address: str) -> str | None:
    """'FFC7CE' for a solid fill, None for no fill."""
    fill = ws[address].fill
    if fill is None or fill.fill_type != "solid":
        return None
    return str(fill.fgColor.rgb)[-6:]


__all__ = ["vba_replayable_actions", "payload_from_xlsx", "run_remote", "replay",
           "fill_of"]
