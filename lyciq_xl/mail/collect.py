"""Collect returned section workbooks: the whole run.

`collect_run` is pure with respect to the master: every returned file is
opened without trust (untrusted.py) and verified (verify.py) on its own;
the genuine ones are then merged three-way (merge.py) in the order they
were SAVED - docProps/core.xml's dcterms:modified, capped by the e-mail's
arrival, then the distribution id - never in file-name order. It returns
the patches and owned sheets to write and one Outcome per file.

The command (lyciq_xl/commands/collect.py) checks every precondition
(master not locked, receipts folder usable, receipt names free) BEFORE the
one write of the master, then writes the receipts, never overwriting one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import Changes, ReceiptBook, Receipts
from lyciq_xl.errors import InputError, UntrustedFileError
from lyciq_xl.mail import assessor_collect, personal_merge
from lyciq_xl.mail.inbox import Incoming
from lyciq_xl.mail.master import Master
from lyciq_xl.mail.merge import Merger, canon_text, untouched
from lyciq_xl.mail.outcome import Change, Note, Outcome
from lyciq_xl.mail.untrusted import SafeWorkbook, open_untrusted
from lyciq_xl.mail.verify import Verified, save_time, verify
from lyciq_xl.model import Period
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.table import Table

__all__ = ["collect_run", "CollectRun", "Outcome", "Note", "Change", "check_secret"]

TIME = "%Y-%m-%d %H:%M"
UNFILLED_TEXT = "未填写,可能误交了分发原件"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_secret(master: Master) -> None:
    secret = master.settings.secret
    if not secret or len(secret) < 16:
        raise InputError(f"主工作簿“{contract.Params.SHEET}”表中没有有效的参数"
                         f"“{contract.ParamKey.SECRET}”(至少16个字符),无法核验回收的工作簿。"
                         f"请使用分发时的主工作簿。")


# --- what the master already holds --------------------------------------------------

def seen_digests(master: Master) -> set[str]:
    table = master.receipts
    if table is None or contract.RECEIPT_DIGEST not in table.columns:
        return set()
    return {canon_text(r[contract.RECEIPT_DIGEST]) for r in table.rows if r[contract.RECEIPT_DIGEST]}


@dataclass(frozen=True)
class Merged:
    """The newest return merged so far for one section and period."""
    saved: dt.datetime
    dist: str
    file: str


ReturnKey = tuple[str, str, str]     # (return kind, 科室代码, 期间)


def latest_returns(master: Master) -> dict[ReturnKey, Merged]:
    """Per (kind, section code, period): the latest merged return by save time
    (回收记录's 保存时间; rows written before it existed: 收到时间)."""
    latest: dict[ReturnKey, Merged] = {}
    for row in (master.receipts.rows if master.receipts else []):
        section = master.sections.resolve(row[Receipts.DEPT])
        when = row[contract.RECEIPT_SAVED] or row[Receipts.RECEIVED]
        if section is None or not isinstance(when, dt.datetime):
            continue
        kind = canon_text(row[contract.RECEIPT_KIND]) or contract.ReturnKind.SECTION
        key = (kind, section.code, canon_text(row[Receipts.PERIOD]))
        found = Merged(when, canon_text(row[contract.RECEIPT_DIST]), canon_text(row[Receipts.FILE]))
        if key not in latest or _newer(found, latest[key]):
            latest[key] = found
    return latest


def _newer(a: Merged, b: Merged) -> bool:
    return (a.saved, a.dist) > (b.saved, b.dist)


# --- the run --------------------------------------------------------------------------

@dataclass
class Examined:
    outcome: Outcome
    verified: Verified | None = None
    assessor: SafeWorkbook | None = None     # an assessing department's return (SPEC 9)


def examine(master: Master, item: Incoming, wanted: Period | None, now: dt.datetime) -> Examined:
    """Open and verify one file on its own (no merge state involved)."""
    if isinstance(item.data, UntrustedFileError):        # refused unread (size, .eml)
        return Examined(Outcome(file=item.name, digest="", received=item.received,
                                saved=item.received).refuse(str(item.data)))
    out = Outcome(file=item.name, digest=digest(item.data), received=item.received,
                  saved=item.received)
    try:
        book = open_untrusted(item.name, item.data)
    except UntrustedFileError as exc:
        return Examined(out.refuse(str(exc)))
    out.saved = save_time(book, item.received, now)
    if assessor_collect.is_assessor(book):      # its own path: mail/assessor_collect.py
        return Examined(out, assessor=book)
    return Examined(out, verify(master, book, out, wanted))


def order_key(examined: Examined) -> tuple:
    """Save order; the distribution id and the arrival break ties. Never the name."""
    out = examined.outcome
    return (out.saved, out.dist, out.received)


@dataclass
class CollectRun:
    outcomes: list[Outcome]
    patches: dict[str, dict[tuple[int, int], Any]]
    owned: list[OwnedSheet]

    @property
    def changes_master(self) -> bool:
        return any(o.merged for o in self.outcomes)


def collect_run(master: Master, inputs: list[Incoming], period: Period | None,
                now: dt.datetime | None = None) -> CollectRun:
    """Examine every returned file, then merge the genuine ones in save order.
    Writes nothing: the caller applies `patches` and `owned` (the file writer,
    or xlwings in Excel)."""
    check_secret(master)
    now = now or dt.datetime.now().replace(microsecond=0)
    examined = sorted((examine(master, item, period, now) for item in inputs), key=order_key)
    merger = Merger(master)
    seen, latest = seen_digests(master), latest_returns(master)
    for item in examined:
        if item.verified is not None:
            _apply(item.outcome, item.verified, merger, seen, latest)
    registry = assessor_collect.collect_assessor_returns(
        master, [item for item in examined if item.assessor is not None], seen, latest,
        merger.patches, _newer)
    outcomes = [item.outcome for item in examined]
    _mark_superseded(outcomes)
    return CollectRun(outcomes, merger.patches, owned_sheets(master, outcomes) + registry)


def _apply(out: Outcome, verified: Verified, merger: Merger, seen: set[str],
           latest: dict[ReturnKey, Merged]) -> None:
    assert out.saved is not None, "examine gives every outcome its save time"
    if out.digest in seen:
        out.accepted, out.duplicate = True, True
        out.note(ReceiptBook.NOTE, "该文件此前已汇总过,本次未作任何改动。")
        return
    key = (out.kind, verified.section.code, str(verified.period))
    merged = latest.get(key)
    if merged is not None and _newer(merged, Merged(out.saved, out.dist, out.file)):
        out.refuse(f"该文件的保存时间({out.saved:{TIME}})早于本科室本期已汇总的文件"
                   f"“{merged.file}”的保存时间({merged.saved:{TIME}});为免较旧的内容覆盖较新的,"
                   "未汇总。如确需以此文件为准,请打开后重新保存再发送。")
        return
    if untouched(verified) and personal_merge.untouched(verified):
        out.unfilled = True
        out.note(ReceiptBook.UNFILLED, f"{UNFILLED_TEXT}:文件中所有黄色单元格都与分发时相同,"
                 "没有汇总,也不算作已报送。请填写后重新发送。")
        return
    out.accepted = True
    seen.add(out.digest)
    latest[key] = Merged(out.saved, out.dist, out.file)
    merger.merge(verified, out)
    personal_merge.merge(merger, verified, out)


def _mark_superseded(outcomes: list[Outcome]) -> None:
    """Two versions of one return in one run both went through, in save
    order: the older one's receipt says the newer one superseded it."""
    newest: dict[ReturnKey, Outcome] = {}
    for out in reversed(outcomes):                 # outcomes are in save order
        if not out.merged or out.section is None:   # (a merged return's sender is known)
            continue
        key = (out.kind, out.section.code, str(out.period))
        if key in newest:
            later = newest[key]
            out.superseded_by = later
            out.note(ReceiptBook.SUPERSEDED,
                     f"本次还收到本科室本期保存时间更晚的文件“{later.file}”"
                     f"(保存于{later.saved:{TIME}}),两份文件按保存时间先后汇总,以较新的为准。")
        else:
            newest[key] = out


# --- what to write into the master ------------------------------------------------------

def _old_rows(table: Table | None, headers: tuple[str, ...]) -> list[list[Any]]:
    if table is None:
        return []
    return [[row[h] for h in headers] for row in table.rows]


def _change_row(ch: Change, dept: str, out: Outcome, mark: str | None) -> list[Any]:
    return [ch.sheet, ch.row, ch.header, canon_text(ch.before) or None,
            canon_text(ch.after) or None, dept, out.file, ch.ident or None,
            ch.base or None, mark]


def _personal_row(o: Outcome) -> list[list[Any]]:
    """The individual part of a merged return as its own 回收记录 row (类型
    个人考核), so `status` sees the individual returns per section and quarter."""
    if not o.personal or o.section is None:
        return []
    count = sum(ch.sheet in contract.PersonalBook.SHEETS for ch in o.changes)
    return [[o.section.name, str(o.period), o.file, o.received,
             contract.YES if o.on_time else contract.NO, count, o.digest, o.saved,
             o.dist or None, contract.PersonalBook.RETURN_KIND]]


def owned_sheets(master: Master, outcomes: list[Outcome]) -> list[OwnedSheet]:
    """回收记录 and 回收变更: earlier rows read back and kept, this run's appended."""
    receipt_rows = _old_rows(master.receipts, contract.RECEIPTS_COLUMNS)
    changes = _old_rows(master.changes, contract.CHANGES_COLUMNS)
    for o in outcomes:
        if not o.merged or o.section is None:         # (a merged return's sender is known)
            continue
        receipt_rows.append([o.section.name, str(o.period), o.file, o.received,
                             contract.YES if o.on_time else contract.NO, len(o.changes),
                             o.digest, o.saved, o.dist or None, o.kind])
        receipt_rows += _personal_row(o)
        changes += [_change_row(ch, o.section.name, o, None) for ch in o.changes]
        changes += [_change_row(ch, o.section.name, o, contract.CONFLICT_MARK) for ch in o.conflicts]
    return [
        OwnedSheet(Receipts.SHEET, contract.RECEIPTS_COLUMNS, receipt_rows,
                   number_formats={Receipts.RECEIVED: "yyyy-mm-dd hh:mm",
                                   contract.RECEIPT_SAVED: "yyyy-mm-dd hh:mm"},
                   widths={Receipts.FILE: 36, Receipts.RECEIVED: 18, contract.RECEIPT_DIGEST: 20,
                           contract.RECEIPT_SAVED: 18, contract.RECEIPT_DIST: 24}),
        OwnedSheet(Changes.SHEET, contract.CHANGES_COLUMNS, changes,
                   widths={Changes.BEFORE: 30, Changes.AFTER: 30, Changes.FILE: 36,
                           contract.CHANGE_BASE: 30, contract.CHANGE_MARK: 22}),
    ]
