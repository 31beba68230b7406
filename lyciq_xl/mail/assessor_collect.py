"""The file runner of assessor intake: read the master and the returns, run
the pure intake (mail/assessor_intake.py), write the master once.

`collect` dispatches here for returns whose signed identity says 考核填报;
`read_master` and `write` are what it needs around `assessor_intake.intake_run`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from lyciq_xl import contract
from lyciq_xl.engine.records import load_inputs
from lyciq_xl.mail import assessor_intake
from lyciq_xl.mail.untrusted import SafeWorkbook, open_untrusted
from lyciq_xl.table import Table
from lyciq_xl.xlsxio.reader import open_workbook, read_sheets, read_tables

# Optional sheets an assessor intake reads beside the input sheets.
EXTRA = (contract.AssessorImports, contract.Appeals)


def read_master(path: Path) -> dict[str, Table]:
    tables = read_tables(path)
    tables.update(read_sheets(Path(path), open_workbook(Path(path)), EXTRA))
    return tables


def open_return(path: Path) -> tuple[SafeWorkbook, str]:
    data = Path(path).read_bytes()
    return open_untrusted(Path(path).name, data), hashlib.sha256(data).hexdigest()


def run(tables: dict[str, Table], returns: list[tuple[SafeWorkbook, str, dt.datetime]],
        secret: str) -> assessor_intake.Run:
    return assessor_intake.intake_run(tables, load_inputs(tables), returns, secret)


def write(path: Path, result: assessor_intake.Run) -> None:
    """The master once: the imported cells and the registry sheet."""
    from lyciq_xl.xlsxio import writer
    owned = [result.registry] if result.registry is not None else []
    writer.write_workbook(Path(path), owned=owned, patches=result.patches)


# --- the branch of `collect` for assessor returns ------------------------------------

TIME = "%Y-%m-%d %H:%M"


def is_assessor(book: SafeWorkbook) -> bool:
    return assessor_intake.is_assessor_return(book.props)


def master_inputs(master):
    """The master's Inputs for intake; ballot sheets are not needed and may be absent."""
    tables = dict(master.tables)
    for spec in contract.BALLOT_SHEETS:
        tables.setdefault(spec.SHEET, Table(spec.SHEET, {h: i for i, h in enumerate(spec.COLUMNS)}))
    return tables, load_inputs(tables)


def _notes(result: assessor_intake.Result) -> list:
    from lyciq_xl.mail.outcome import Note
    R = contract.ReceiptBook
    notes = [Note(R.SKIPPED if f.is_error else R.NOTE, f"[{f.rule}] {f.message}", f.sheet, f.cell)
             for f in result.findings]
    notes += [Note(e.result, e.detail, e.sheet, e.cell, integrity_text(e.before), integrity_text(e.after))
              for e in result.events]
    if result.empty:
        notes.append(Note(R.NOTE, "本期无扣分:已登记为已报送。"))
    return notes


def integrity_text(value) -> str:
    from lyciq_xl.mail import integrity
    return integrity.canon(value)


def _changes(result: assessor_intake.Result) -> tuple[list, list]:
    """回收变更 rows: every cell written, and the conflicts left as they were."""
    from lyciq_xl.mail.outcome import Change
    changes: list[Change] = []
    conflicts: list[Change] = []
    for e in result.events:
        if not e.sheet or not e.cell:
            continue
        row = int("".join(ch for ch in e.cell if ch.isdigit()))
        col = 0
        for ch in e.cell:
            if ch.isalpha():
                col = col * 26 + ord(ch) - 64
        change = Change(e.sheet, row, col - 1, e.header or (contract.ReceiptBook.ADDED if e.before is None and
                        e.result == contract.ReceiptBook.ADDED else e.detail), e.before,
                        e.after if e.after is not None else e.record_no, e.record_no)
        (conflicts if e.conflict else changes).append(change)
    return changes, conflicts


def collect_assessor_returns(master, items: list, seen: set[str], latest: dict, patches: dict,
                             newer) -> list:
    """Apply the assessor returns of a collect run (items in save order, each
    with .outcome and .assessor, the opened workbook) to `patches`; returns the
    owned sheets to write besides 回收记录/回收变更 (the registry)."""
    from lyciq_xl.errors import InputError
    from lyciq_xl.mail.collect import Merged
    if not items:
        return []
    try:
        tables, inp = master_inputs(master)
    except InputError as exc:
        for item in items:
            item.outcome.kind = contract.ReturnKind.ASSESSOR
            item.outcome.refuse(f"主工作簿无法导入考核填报表:{exc}")
        return []
    found = assessor_intake.assessors.assignments(inp)
    intake = assessor_intake.Intake(tables, inp.sections, assessor_intake.appealed_numbers(tables))
    for item in items:
        out = item.outcome
        out.kind = contract.ReturnKind.ASSESSOR
        if out.digest in seen:
            out.accepted, out.duplicate = True, True
            out.note(contract.ReceiptBook.NOTE, "该文件此前已汇总过,本次未作任何改动。")
            continue
        who = assessor_intake.identify(item.assessor, inp, master.settings.secret)
        out.section, out.period = who.dept, who.period
        if who.problem:
            out.refuse(f"{who.problem}。请使用绩效办分发给本部门的考核填报表填写后重新报送。")
            continue
        assert who.dept is not None, "identify names the department unless it gives a problem"
        out.dist = item.assessor.props.get(contract.SectionBook.PROP_DIST, "")
        key = (contract.ReturnKind.ASSESSOR, who.dept.code, str(who.period))
        merged = latest.get(key)
        if merged is not None and newer(merged, Merged(out.saved, out.dist, out.file)):
            out.refuse(f"该文件的保存时间({out.saved:{TIME}})早于本部门本期已汇总的考核填报表"
                       f"“{merged.file}”的保存时间({merged.saved:{TIME}});为免较旧的内容覆盖较新的,"
                       "未汇总。如确需以此文件为准,请打开后重新保存再发送。")
            continue
        result = assessor_intake.intake_one(intake, inp, found, item.assessor, out.digest, out.received,
                                            master.settings.secret)
        if result.refused:
            out.refuse(f"{result.refused}。")
            continue
        out.accepted = True
        seen.add(out.digest)
        latest[key] = Merged(out.saved, out.dist, out.file)
        out.notes += _notes(result)
        out.changes, out.conflicts = _changes(result)
    for sheet, cells in intake.patches.items():
        patches.setdefault(sheet, {}).update(cells)
    return [intake.registry_sheet()] if intake.registry else []
