"""Is a returned workbook what distribute sent? Identity and HMAC.

The identity is the signed custom document properties (科室代码, 期间, 模板版本,
分发编号) - never the file name, which the section, its mail client or a
colleague may change at will (a name suggesting another section is noted on
the receipt). The HMAC covers the identity, every locked cell and the base
(every input cell as distributed), so a verified file's base can be trusted.
Nothing here looks at what the section filled in: that is merge.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lyciq_xl import contract
from lyciq_xl.contract import ReceiptBook, SectionBook
from lyciq_xl.mail import integrity, split
from lyciq_xl.mail.master import Master
from lyciq_xl.mail.outcome import Outcome
from lyciq_xl.mail.untrusted import SafeWorkbook
from lyciq_xl.model import Period, Section
from lyciq_xl.table import normalise_header, split_address

MAX_NAMED_CELLS = 20


@dataclass
class Verified:
    """A genuine section workbook: who sent it and what they were sent."""
    book: SafeWorkbook
    section: Section
    period: Period
    rows: dict[str, int]                      # locked rows per sheet (header included)
    base: dict[tuple[str, str], str]          # (sheet, address) -> text as distributed
    dist: str                                 # distribution id


def verify(master: Master, book: SafeWorkbook, out: Outcome,
           wanted: Period | None) -> Verified | None:
    """The verified file, or None with the refusal in `out`. `wanted` is the
    period collect was asked for (None: any of the master's year)."""
    sender = _identify(master, book, out, wanted)
    if sender is None:
        return None
    section, period = sender
    rows = integrity.decode_rows(book.props.get(SectionBook.PROP_ROWS), split.BOOK_SHEETS)
    base = integrity.decode_base(book.props, integrity.INPUT_COLUMNS)
    secret = master.settings.secret          # (collect refuses a master without one)
    if rows is not None and base is not None and secret:
        identity = integrity.Identity(section.code, str(period),
                                      book.props[SectionBook.PROP_VERSION],
                                      book.props.get(SectionBook.PROP_DIST, ""))
        cells = integrity.locked_cells(book.sheets, rows)
        data = integrity.payload(identity, rows, cells, base)
        if integrity.verify(secret, data, book.props[SectionBook.PROP_MAC]):
            out.dist = identity.dist
            return Verified(book, section, period, rows, base, identity.dist)
    _refuse_tampered(master, book, out, section, period)
    return None


def _identify(master: Master, book: SafeWorkbook, out: Outcome,
              wanted: Period | None) -> tuple[Section, Period] | None:
    """The section and period the file's properties name, or None with the
    refusal in `out`."""
    props = book.props
    code = props.get(SectionBook.PROP_CODE)
    period_text = props.get(SectionBook.PROP_PERIOD)
    if not code or not period_text or not props.get(SectionBook.PROP_MAC):
        out.refuse("不是绩效办分发的科室填报工作簿(文件属性中没有科室代码、期间和校验码)。"
                   "请使用分发邮件附带的工作簿填写,不要新建或复制到其他文件。")
        return None
    section = master.sections.resolve(code)
    if section is None:
        out.refuse(f"文件属性中的科室代码“{code}”不在“{contract.Sections.SHEET}”表中。"
                   "请使用分发给本科室的工作簿。")
        return None
    period = Period.parse(period_text)
    year = master.settings.year
    # only a period of the master's year is kept for the receipt: "9999"
    # or "0000Q1" has no deadline (datetime's years end at 9999)
    out.section = section
    out.period = period if period is not None and period.year == year else None
    version = props.get(SectionBook.PROP_VERSION)
    if version != contract.TEMPLATE_VERSION:
        out.refuse(f"模板版本“{version or ''}”与当前版本“{contract.TEMPLATE_VERSION}”不一致。"
                   "请向绩效办索取最新分发的工作簿重新填写。")
        return None
    if period is None or period.year != year or (wanted and period != wanted):
        shown = str(wanted) if wanted else f"{year}年度内的期间"
        out.refuse(f"文件的期间“{period_text}”不是本次汇总的期间({shown})。"
                   "请使用本期分发的工作簿填报。")
        return None
    _note_odd_name(master, book.name, section, out)
    return section, period


def _note_odd_name(master: Master, name: str, section: Section, out: Outcome) -> None:
    """A file name suggesting another section is worth a look (a mix-up on
    the sender's side), never a reason to refuse: the signature decides."""
    others = [s for s in master.sections if s != section
              and any(t and t in name for t in (s.name, s.code))
              and section.name not in name]
    if others:
        out.note(ReceiptBook.NOTE,
                 f"文件名“{name}”看似其他科室的文件,但文件属性中的签名表明它是{section.name}的"
                 f"工作簿,已按{section.name}汇总。如发错了文件,请与绩效办联系。")


def _refuse_tampered(master: Master, book: SafeWorkbook, out: Outcome, section: Section,
                     period: Period) -> None:
    plan = split.plan_section(master, section, period)
    named = _name_tampered(book, plan)
    if not named:
        out.refuse("校验码不符:文件的锁定内容或文件属性被改动过(无法确定具体单元格)。"
                   "请用分发的原工作簿重新填写,只改黄色单元格。")
        return
    out.refuse("校验码不符:锁定的单元格被改动过,文件未汇总。请用分发的原工作簿重新填写,"
               "只改黄色单元格;以下单元格与分发时不同。")
    for sheet, address, header, _was, now in named[:MAX_NAMED_CELLS]:
        # the original value is not echoed: the receipt may reach whoever
        # sent the file, and they need not be the section it claims to be
        out.refuse(f"锁定单元格“{header}”被修改,请恢复为分发时的内容(见分发邮件中的原工作簿)。",
                   sheet, address)
        out.notes[-1].after = now


def _name_tampered(book: SafeWorkbook, plan: split.SectionPlan):
    """Compare the file's locked cells with what distribute would write
    today, keyed by 指标编号 + column where rows carry an id."""
    mine, theirs = _keyed(plan.grids(), plan), _keyed(book.sheets, plan)
    diffs = []
    for key in sorted(set(mine) | set(theirs), key=str):
        was, now = mine.get(key, ("", "")), theirs.get(key, ("", ""))
        if was[1] != now[1]:
            diffs.append((key[0], now[0] or was[0], key[2], was[1], now[1]))
    return diffs


def _keyed(grids, plan: split.SectionPlan) -> dict:
    out = {}
    for (sheet, address), text in integrity.locked_cells(grids, plan.rows()).items():
        grid = grids.get(sheet) or []
        row, col = split_address(address)
        header = None
        if sheet != SectionBook.GUIDE_SHEET and grid and col < len(grid[0]):
            header = normalise_header(grid[0][col])
        key: str | int = row
        ident = IDENT_COLUMNS.get(sheet)
        if ident and row > 1:
            id_col = column_of(grid, ident)
            if id_col is not None and id_col < len(grid[row - 1]):
                key = integrity.canon(grid[row - 1][id_col]) or row
        out[(sheet, key, header or address)] = (address, text)
    return out


IDENT_COLUMNS = {contract.Indicators.SHEET: contract.Indicators.ID,
                 contract.KeyTasks.SHEET: contract.KeyTasks.ID}


def column_of(grid, header: str) -> int | None:
    if not grid:
        return None
    for c, h in enumerate(grid[0]):
        if normalise_header(h) == header:
            return c
    return None


def save_time(book: SafeWorkbook, received: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When the file was saved, for ordering returns: its own dcterms:modified,
    never later than its arrival (an e-mail's time) or now - a forged 2099
    must not make every later return look older - else the arrival."""
    if book.modified is None:
        return received
    return min(book.modified, received, now)
