"""The 回执 workbook collect writes for every returned file, accepted or not."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lyciq_xl import contract
from lyciq_xl.contract import ReceiptBook, Receipts, SectionBook
from lyciq_xl.mail.collect import Note, Outcome
from lyciq_xl.mail.split import UNSAFE_FILENAME
from lyciq_xl.xlsxio import safefile
from lyciq_xl.xlsxio.textcell import put

MAX_STEM = 60    # characters of a receipt's name taken from the returned file's


def receipt_name(outcome: Outcome) -> str:
    if outcome.section is not None and outcome.period is not None:
        stem = f"{outcome.section.name}_{outcome.period}"
    else:
        stem = outcome.file.rsplit(".", 1)[0]
    # the file name is the sender's (an attachment's can be any length): keep
    # the receipt's name well inside the 255 bytes a file system allows
    return UNSAFE_FILENAME.sub("_", f"{stem[:MAX_STEM]}_{SectionBook.RECEIPT_SUFFIX}") + ".xlsx"


def _text_cell(ws, row: int, col: int, value: Any):
    # text from the returned file (cell values, part and file names): no
    # formula, no control character (openpyxl cuts at 32,767 itself)
    return put(ws, row, col, value)


def write_receipt(outcome: Outcome, folder: Path, taken: set[str]) -> Path:
    """One 回执 workbook; a second receipt of the same name in one run gets a
    numeric suffix instead of overwriting the first."""
    name = receipt_name(outcome)
    stem, n = name[:-5], 2
    while name in taken:
        name, n = f"{stem}({n}).xlsx", n + 1
    taken.add(name)
    wb = Workbook()
    ws = wb.active
    ws.title = ReceiptBook.SHEET
    verdict = ReceiptBook.ACCEPTED if outcome.accepted else ReceiptBook.REFUSED
    summary = [
        (Receipts.FILE, outcome.file),
        (Receipts.DEPT, outcome.section.name if outcome.section else "(无法识别)"),
        (Receipts.PERIOD, str(outcome.period) if outcome.period else "(无法识别)"),
        (Receipts.RECEIVED, outcome.received.strftime("%Y-%m-%d %H:%M")),
        (Receipts.ON_TIME, (contract.YES if outcome.on_time else contract.NO) if outcome.period else ""),
        (ReceiptBook.VERDICT, verdict + (f",更新 {len(outcome.changes)} 处" if outcome.accepted else
                            ",文件中的任何内容都没有汇总,请按下表修改后重新报送")),
    ]
    for r, (label, value) in enumerate(summary, start=1):
        _text_cell(ws, r, 1, label).font = Font(bold=True)
        _text_cell(ws, r, 2, value)
    top = len(summary) + 2
    for c, header in enumerate(ReceiptBook.COLUMNS, start=1):
        _text_cell(ws, top, c, header).font = Font(bold=True)
    notes = outcome.notes or [_accepted_note(outcome)]
    for r, note in enumerate(notes, start=top + 1):
        for c, value in enumerate((note.sheet, note.cell, note.result, note.detail,
                                   note.before, note.after), start=1):
            _text_cell(ws, r, c, value or None).alignment = Alignment(wrap_text=True,
                                                                      vertical="top")
    for letter, width in zip("ABCDEF", (14, 10, 10, 60, 24, 24)):
        ws.column_dimensions[letter].width = width
    wb.properties.creator = ""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    safefile.save_workbook(wb, path)
    return path


def _accepted_note(outcome: Outcome) -> Note:
    return Note(ReceiptBook.ACCEPTED, "已接收,内容与主工作簿一致,无需更新。")
