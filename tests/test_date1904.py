"""Masters made on a Mac count dates from 1904 (issue 8 defect 1, writer
side): every date the lossless writer puts into such a workbook — a merged
完成时限, 回收记录's 收到时间, a patched cell — is a 1904-system serial, so
2014-10-31 reads back as 2014-10-31 (not 2018-11-01) in calamine and openpyxl."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import python_calamine
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from lyciq_xl import contract as c
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.xlsxio.writer import write_workbook
from tests.mail_fixtures import build_master, run_cli

PERIOD = "2014Q3"
BGS_FILE = f"办公室_{PERIOD}_绩效填报.xlsx"
OCT_31 = dt.date(2014, 10, 31)
# 1904 system: 2014-10-31 − 1904-01-01 = 40,481 days; 1900 system (from
# 1899-12-30): 41,943 = 40,481 + 1,462
# (the days between the epochs); 41,943 read as a 1904 serial is 2018-11-01.
SERIAL_1904 = "40481"


def _mac_master(path: Path) -> Path:
    build_master(path)
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904          # openpyxl rewrites every date for 1904
    book.save(path)
    with zipfile.ZipFile(path) as z:
        assert b'date1904="1"' in z.read("xl/workbook.xml")
    return path


def _column(rows: list[list], header: str, key: str, key_header: str = "指标编号"):
    head = rows[0]
    return {r[head.index(key_header)]: r[head.index(header)] for r in rows[1:]}[key]


def _calamine(path: Path, sheet: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _openpyxl(path: Path, sheet: str) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def test_collected_deadline_and_receipt_time_in_a_1904_master(tmp_path):
    master = _mac_master(tmp_path / "master.xlsx")
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--out", out, "--period", PERIOD) == 0
    section = openpyxl.load_workbook(out / BGS_FILE)
    section[c.KeyTasks.SHEET]["F2"] = OCT_31        # BGS-ZD-01's 完成时限 (was 2014-12-31)
    (tmp_path / "back").mkdir()
    section.save(tmp_path / "back" / BGS_FILE)
    before = dt.datetime.now().date()
    assert run_cli("collect", master, tmp_path / "back" / BGS_FILE) == 0
    after = dt.datetime.now().date()

    for read in (_calamine, _openpyxl):
        deadline = _column(read(master, c.KeyTasks.SHEET), c.KeyTasks.DEADLINE, "BGS-ZD-01")
        assert _day(deadline) == OCT_31, read.__name__
        untouched = _column(read(master, c.KeyTasks.SHEET), c.KeyTasks.DEADLINE, "BGS-ZD-02")
        assert _day(untouched) == dt.date(2014, 12, 31), read.__name__
        receipts = read(master, c.Receipts.SHEET)
        received = receipts[1][receipts[0].index(c.Receipts.RECEIVED)]
        assert before <= _day(received) <= after, (read.__name__, received)


def test_patched_and_owned_dates_are_1904_serials(tmp_path):
    master = _mac_master(tmp_path / "master.xlsx")
    owned = OwnedSheet("日期表", ("日期", "时间"), [[OCT_31, dt.datetime(2014, 10, 31, 12, 0)]])
    write_workbook(master, owned=[owned], patches={c.Deductions.SHEET: {(2, 2): OCT_31}})
    with zipfile.ZipFile(master) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert re.search(rb'<c r="C2"[^>]*><v>' + SERIAL_1904.encode() + rb"</v>", xml)
    assert re.search(rb'<c r="A2"[^>]*><v>' + SERIAL_1904.encode() + rb"</v>", xml)
    assert re.search(rb'<c r="B2"[^>]*><v>40481\.5</v>', xml)       # noon: half a day
    for read in (_calamine, _openpyxl):
        assert _day(read(master, c.Deductions.SHEET)[1][2]) == OCT_31
        assert _day(read(master, "日期表")[1][0]) == OCT_31
        assert read(master, "日期表")[1][1] == dt.datetime(2014, 10, 31, 12, 0)
