"""Per section and period: sent, returned, on time, late or missing (第六条)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lyciq_xl.contract import Receipts
from lyciq_xl.mail.master import Master
from lyciq_xl.mail.send import SendLog
from lyciq_xl.model import Period
from lyciq_xl.table import as_date, as_text
from lyciq_xl.textfit import display_width

ON_TIME, LATE, MISSING, DUE = "按期报送", "逾期报送", "未报送(已逾期)", "未报送(未到期)"
HEADERS = ("期间", "科室代码", "科室", "分发", "回收", "收到时间", "状态", "截止日期")


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


def periods(master: Master, log: SendLog, wanted: Period | None) -> list[Period]:
    if wanted:
        return [wanted]
    found = {Period.parse(p) for p in log.periods()}
    if master.receipts is not None:
        found |= {Period.parse(r[Receipts.PERIOD]) for r in master.receipts.rows}
    ordered = sorted(p for p in found if p is not None)
    return ordered or [Period(master.settings.year)]


def rows(master: Master, log: SendLog, wanted: Period | None,
         today: dt.date | None = None) -> list[StatusRow]:
    today = today or dt.date.today()
    out = []
    for period in periods(master, log, wanted):
        for section in master.sections:
            entry = log.get(str(period), section.code) or {}
            returns = [r for r in (master.receipts.rows if master.receipts else [])
                       if master.sections.resolve(r[Receipts.DEPT]) == section
                       and Period.parse(r[Receipts.PERIOD]) == period]
            first = min(returns, key=lambda r: as_text(r[Receipts.RECEIVED]) or "", default=None)
            if first is not None:
                received = as_date(first[Receipts.RECEIVED])
                late = received is not None and received > period.deadline
                state = LATE if late else ON_TIME
            else:
                state = MISSING if today > period.deadline else DUE
            out.append(StatusRow(
                str(period), section.code, section.name, entry.get("status", "未分发"),
                f"{len(returns)}次" if returns else "否",
                (as_text(first[Receipts.RECEIVED]) or "")[:16] if first else "",
                state, period.deadline.isoformat()))
    return out


def render(table: list[StatusRow]) -> str:
    lines = [list(HEADERS)] + [[r.period, r.code, r.name, r.sent, r.returned, r.received,
                                r.state, r.deadline] for r in table]
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(HEADERS))]
    return "\n".join("  ".join(cell + " " * (widths[i] - display_width(cell))
                               for i, cell in enumerate(line)).rstrip() for line in lines)
