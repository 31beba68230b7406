"""A master made on a Mac counts dates from 1904 (workbookPr date1904): the
same serial is 1,462 days later there. Dates read from such a workbook are
the dates the clerk sees, through the cell reader and the columnar one.
Real 1904 workbooks, written by openpyxl and by xlsxwriter."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from lyciq_xl import contract
from lyciq_xl.engine import evaluate, to_json
from lyciq_xl.xlsxio import reader
from lyciq_xl.xlsxio.reader import read_tables

D = contract.Deductions
SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "主工作簿示例.xlsx"


def mac_deductions(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    sheet = book.add_worksheet(D.SHEET)
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, D.REQUIRED)
    for r, day in enumerate((dt.datetime(2014, 10, 31), dt.datetime(2014, 3, 5, 10, 30)), start=1):
        sheet.write_row(r, 0, [f"K{r}", "2014Q4"])
        sheet.write_datetime(r, 2, day, date)
        sheet.write_row(r, 3, ["办公室", "履职绩效", "BGS-LZ01", "BZ01", "迟报", 0.5, "有效"])
    book.close()
    return path


@pytest.mark.parametrize("columnar", [False, True], ids=["cell reader", "columnar"])
def test_mac_workbook_dates_are_the_dates_shown(tmp_path, monkeypatch, columnar):
    path = mac_deductions(tmp_path / "mac.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert b'date1904="1"' in zf.read("xl/workbook.xml")
        # 2014-10-31 is serial 41943 in the 1900 system, 40481 in the 1904 one
        assert b"<v>40481</v>" in zf.read("xl/worksheets/sheet1.xml")
    if columnar:
        monkeypatch.setattr(reader, "COLUMNAR_BYTES", 0)
    rows = read_tables(path, [D])[D.SHEET].rows
    assert [r[D.DATE] for r in rows] == [dt.date(2014, 10, 31), dt.datetime(2014, 3, 5, 10, 30)]


def test_sample_saved_in_the_1904_system_scores_the_same(tmp_path):
    # openpyxl writes every date of the sample as a 1904 serial
    book = openpyxl.load_workbook(SAMPLE)
    book.epoch = CALENDAR_MAC_1904
    mac = tmp_path / "mac.xlsx"
    book.save(mac)
    with zipfile.ZipFile(mac) as zf:
        assert b'date1904="1"' in zf.read("xl/workbook.xml")
    dates = [r[D.DATE] for r in read_tables(mac, [D])[D.SHEET].rows]
    assert dates == [r[D.DATE] for r in read_tables(SAMPLE, [D])[D.SHEET].rows]
    assert all(d.year == 2014 for d in dates if isinstance(d, dt.date))
    # every score, finding and message (they quote dates) alike
    assert to_json(evaluate(read_tables(mac))) == to_json(evaluate(read_tables(SAMPLE)))
