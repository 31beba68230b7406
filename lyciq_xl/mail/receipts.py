"""The 回执 workbook collect writes for every returned file, accepted or not.

A receipt is never overwritten: an earlier run's receipt of the same name
(say, the refusal a section is still reading) stays, the new one takes the
next free name. Names are chosen, and the folder checked, before the master
is written, so a receipts problem stops the run with nothing written.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lyciq_xl import contract
from lyciq_xl.contract import ReceiptBook, Receipts, SectionBook
from lyciq_xl.mail.outcome import Note, Outcome
from lyciq_xl.mail.split import UNSAFE_FILENAME
from lyciq_xl.xlsxio import safefile
from lyciq_xl.xlsxio.textcell import put

MAX_STEM = 60    # characters of a receipt's name taken from the returned file's


def receipt_name(outcome: Outcome) -> str:
    if outcome.section is not None and outcome.period is not None:
        stem = f"{outcome.section.name}_{outcome.period}"
        if outcome.kind != contract.ReturnKind.SECTION:   # a department's two kinds never collide
            stem += f"_{outcome.kind}"
    else:
        stem = outcome.file.rsplit(".", 1)[0]
    # the file name is the sender's (an attachment's can be any length): keep
    # the receipt's name well inside the 255 bytes a file system allows
    return UNSAFE_FILENAME.sub("_", f"{stem[:MAX_STEM]}_{SectionBook.RECEIPT_SUFFIX}") + ".xlsx"


def _text_cell(ws, row: int, col: int, value: Any):
    # text from the returned file (cell values, part and file names): no
    # formula, no control character (openpyxl cuts at 32,767 itself)
    return put(ws, row, col, value)


def plan_paths(outcomes: list[Outcome], folder: Path) -> list[Path]:
    """One receipt path per outcome, none of them an existing file nor
    another's of this run, none open in a spreadsheet program (compared
    ignoring case, as Windows does)."""
    folder = Path(folder)
    existing = {p.name.casefold() for p in folder.iterdir()} if folder.is_dir() else set()
    paths = []
    for outcome in outcomes:
        name = receipt_name(outcome)
        stem, n = name[:-5], 2
        while _taken(name, existing):
            name, n = f"{stem}({n}).xlsx", n + 1
        existing.add(name.casefold())
        paths.append(folder / name)
    return paths


def _taken(name: str, existing: set[str]) -> bool:
    """A file of that name, or the owner file Excel / LibreOffice / WPS keeps
    beside a workbook of that name while it is open (the receipt may have
    been moved away while still open)."""
    return any(n.casefold() in existing for n in (name, f"~${name}", f".~lock.{name}#"))


def verdict(outcome: Outcome) -> str:
    if outcome.unfilled:
        return f"{ReceiptBook.UNFILLED}(可能误交了分发原件),未汇总,也不算作已报送;请填写后重新发送"
    if not outcome.accepted:
        return f"{ReceiptBook.REFUSED},文件中的任何内容都没有汇总,请按下表修改后重新报送"
    text = f"{ReceiptBook.ACCEPTED},更新 {len(outcome.changes)} 处"
    if outcome.conflicts:
        text += f",冲突 {len(outcome.conflicts)} 处(保留主工作簿的值,见下表)"
    if outcome.skipped:
        text += f",未导入 {outcome.skipped} 处(见下表)"
    if outcome.superseded_by is not None:
        text += f";已被同批较新的文件“{outcome.superseded_by.file}”取代"
    return text


def write_receipt(outcome: Outcome, path: Path) -> Path:
    """One 回执 workbook at `path` (from plan_paths)."""
    wb = Workbook()
    ws = wb.active
    ws.title = ReceiptBook.SHEET
    summary = [
        (Receipts.FILE, outcome.file),
        (Receipts.DEPT, outcome.section.name if outcome.section else "(无法识别)"),
        (Receipts.PERIOD, str(outcome.period) if outcome.period else "(无法识别)"),
        (Receipts.RECEIVED, outcome.received.strftime("%Y-%m-%d %H:%M")),
        (Receipts.ON_TIME, (contract.YES if outcome.on_time else contract.NO) if outcome.period else ""),
        (ReceiptBook.VERDICT, verdict(outcome)),
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
    safefile.save_workbook(wb, path)
    return path


def _accepted_note(outcome: Outcome) -> Note:
    return Note(ReceiptBook.ACCEPTED, "已接收,内容与主工作簿一致,无需更新。")
