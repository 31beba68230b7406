"""Per section and period: sent, returned, on time, late or missing (第六条);
below them, per assessing department, its 考核填报 return (SPEC 9), against the
same deadline (the 5th of the month after)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lyciq_xl import contract
from lyciq_xl.contract import Receipts, ReturnKind
from lyciq_xl.errors import InputError
from lyciq_xl.mail.master import Master
from lyciq_xl.mail.send import SendLog
from lyciq_xl.model import Period
from lyciq_xl.table import as_date, as_text
from lyciq_xl.textfit import display_width

ON_TIME, LATE, MISSING, DUE = "按期报送", "逾期报送", "未报送(已逾期)", "未报送(未到期)"
HEADERS = ("期间", "科室代码", "科室", "分发", "回收", "收到时间", "状态", "截止日期", "类型")


@dataclass
class StatusRow:
    period: str
    code: str
    name: str
    sent: str
    returned: str
    received: str
    state: str
    deadline: str
    kind: str = ReturnKind.SECTION


def periods(master: Master, log: SendLog, wanted: Period | None) -> list[Period]:
    if wanted:
        return [wanted]
    found = {Period.parse(p) for p in log.periods()}
    if master.receipts is not None:
        found |= {Period.parse(r[Receipts.PERIOD]) for r in master.receipts.rows}
    ordered = sorted(p for p in found if p is not None)
    return ordered or [Period(master.settings.year)]


def _kind(row) -> str:
    return as_text(row[contract.RECEIPT_KIND]) or ReturnKind.SECTION


def assessing_departments(master: Master) -> list:
    """The departments that receive a 考核填报 workbook, in 科室 order (none when
    the master lacks what decides it)."""
    from lyciq_xl.engine.assessors import assignments
    from lyciq_xl.mail.assessor_collect import master_inputs
    try:
        _tables, inp = master_inputs(master)
    except InputError:
        return []
    found = assignments(inp)
    return [s for s in master.sections if s.code in found]


def _row(master: Master, log: SendLog, period: Period, section, kind: str, key: str,
         today: dt.date) -> StatusRow:
    entry = log.get(str(period), key) or {}
    returns = [r for r in (master.receipts.rows if master.receipts else [])
               if master.sections.resolve(r[Receipts.DEPT]) == section and _kind(r) == kind
               and Period.parse(r[Receipts.PERIOD]) == period]
    first = min(returns, key=lambda r: as_text(r[Receipts.RECEIVED]) or "", default=None)
    if first is not None:
        received = as_date(first[Receipts.RECEIVED])
        late = received is not None and received > period.deadline
        state = LATE if late else ON_TIME
    else:
        state = MISSING if today > period.deadline else DUE
    return StatusRow(str(period), section.code, section.name, entry.get("status", "未分发"),
                     f"{len(returns)}次" if returns else "否",
                     (as_text(first[Receipts.RECEIVED]) or "")[:16] if first else "",
                     state, period.deadline.isoformat(), kind)


def rows(master: Master, log: SendLog, wanted: Period | None,
         today: dt.date | None = None) -> list[StatusRow]:
    from lyciq_xl.mail.assessor_book import log_key
    today = today or dt.date.today()
    departments = assessing_departments(master)
    out = []
    for period in periods(master, log, wanted):
        out += [_row(master, log, period, s, ReturnKind.SECTION, s.code, today) for s in master.sections]
        out += [_row(master, log, period, s, ReturnKind.ASSESSOR, log_key(s), today) for s in departments]
    return out + individual_rows(master, log, wanted, today)


def individual_rows(master: Master, log: SendLog, wanted: Period | None,
                    today: dt.date) -> list[StatusRow]:
    """SPEC 8: per section with staff and per quarter, its individual return
    against the 5th of the month after the quarter. A return counts when
    collect merged a workbook of that section carrying the individual sheets
    (回收记录 类型 个人考核) for that quarter, or for the whole year (which
    covers every quarter, judged against each quarter's deadline)."""
    from lyciq_xl.mail import personal
    staff = personal.staff_index(master)
    if staff is None:
        return []
    year = master.settings.year
    quarters = [wanted] if wanted and not wanted.is_year else [Period(year, q) for q in range(1, 5)]
    kind = contract.PersonalBook.RETURN_KIND
    out = []
    for quarter in quarters:
        covering = {quarter, Period(year)}
        for section in (s for s in master.sections if personal.people_of(staff, s)):
            returns = [r for r in (master.receipts.rows if master.receipts else [])
                       if _kind(r) == kind and master.sections.resolve(r[Receipts.DEPT]) == section
                       and Period.parse(r[Receipts.PERIOD]) in covering]
            first = min(returns, key=lambda r: as_text(r[Receipts.RECEIVED]) or "", default=None)
            received = as_date(first[Receipts.RECEIVED]) if first is not None else None
            if first is None:
                state = MISSING if today > quarter.deadline else DUE
            else:
                state = LATE if received is not None and received > quarter.deadline else ON_TIME
            entry = log.get(str(quarter), section.code) or {}
            out.append(StatusRow(str(quarter), section.code, section.name,
                                 entry.get("status", "未分发"),
                                 f"{len(returns)}次" if returns else "否",
                                 (as_text(first[Receipts.RECEIVED]) or "")[:16] if first else "",
                                 state, quarter.deadline.isoformat(), kind))
    return out


def render(table: list[StatusRow]) -> str:
    lines = [list(HEADERS)] + [[r.period, r.code, r.name, r.sent, r.returned, r.received,
                                r.state, r.deadline, r.kind] for r in table]
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(HEADERS))]
    return "\n".join("  ".join(cell + " " * (widths[i] - display_width(cell))
                               for i, cell in enumerate(line)).rstrip() for line in lines)
