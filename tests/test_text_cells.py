"""Every text the tool writes into a file it creates stays text (issue 8
defect 2): a section's `=HYPERLINK("http://…")` in the master reaches 附件2/
附件3, the section workbook and the sample as the same text, never a formula
— checked in the saved XML (no <f> element), with openpyxl (data type "s")
and with calamine (the string itself)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from lyciq_xl import contract as c
from lyciq_xl.annex import indicators, key_tasks
from lyciq_xl.xlsxio.textcell import put
from tests.mail_fixtures import run_cli

HOSTILE = [
    '=HYPERLINK("http://evil.test/x","点我")', "+1+2", "-3-4", "@SUM(A1:A2)",
    "＝HYPERLINK(\"http://evil.test/y\")", "＋1", "－1", "＠A1", "=1+1",
]


def _formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [f"{name}: {m}" for name in z.namelist() if name.startswith("xl/worksheets/")
                for m in re.findall(rb"<f[ >].*?</f>|<f/>", z.read(name))]


def _texts(path: Path) -> dict[str, str]:
    """every string cell: value -> openpyxl data type, and calamine agrees on the text."""
    found = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in HOSTILE:
                    found[cell.value] = cell.data_type
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    strings = {v for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python()
               for v in r if isinstance(v, str)}
    assert set(found) <= strings
    return found


def _plant(master: Path) -> None:
    """The hostile texts into approved indicators and key tasks, as text."""
    book = openpyxl.load_workbook(master)
    for sheet, columns in ((c.Indicators.SHEET, (c.Indicators.NAME, c.Indicators.CONTENT,
                                                  c.Indicators.STANDARD)),
                           (c.KeyTasks.SHEET, (c.KeyTasks.TASK, c.KeyTasks.TARGET))):
        ws = book[sheet]
        head = [cell.value for cell in ws[1]]
        approval = head.index("审核状态") + 1
        rows = [r for r in range(2, ws.max_row + 1)
                if ws.cell(r, approval).value == c.Approval.APPROVED]
        cells = [(r, head.index(col) + 1) for r in rows for col in columns]
        for (r, col), text in zip(cells, HOSTILE):
            put(ws, r, col, text)
    book.save(master)


def test_the_helper_stores_every_form_as_text(tmp_path):
    book = openpyxl.Workbook()
    for r, text in enumerate(HOSTILE, start=1):
        put(book.active, r, 1, text)
    put(book.active, 1, 2, "控制\x01字符\ufffe")     # a hostile file's control characters
    book.save(tmp_path / "t.xlsx")
    assert _formulas(tmp_path / "t.xlsx") == []
    assert _texts(tmp_path / "t.xlsx") == {text: "s" for text in HOSTILE}
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").active["B1"].value == "控制字符"


def test_formula_text_in_the_master_reaches_annexes_2_and_3_as_text(sample_path, tmp_path):
    _plant(sample_path)
    assert run_cli("annex", sample_path, "--out", tmp_path / "附件") == 0
    seen = {}
    for stem in (indicators.FILE_NAME, key_tasks.FILE_NAME):
        path = tmp_path / "附件" / f"{stem}.xlsx"
        assert _formulas(path) == [], stem
        seen.update(_texts(path))
    assert seen == {text: "s" for text in HOSTILE}     # every one printed, each as text


def test_formula_text_reaches_the_section_workbooks_as_text(sample_path, tmp_path):
    _plant(sample_path)
    assert run_cli("distribute", sample_path, "--out", tmp_path / "分发", "--period", "2014Q3") in (0, 1)
    seen = {}
    for path in (tmp_path / "分发").glob("*.xlsx"):
        assert _formulas(path) == [], path.name
        seen.update(_texts(path))
    assert seen == {text: "s" for text in HOSTILE}
