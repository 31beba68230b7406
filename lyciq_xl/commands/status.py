"""`lyciq-xl status`: per section and period, sent, returned, on time."""
from __future__ import annotations

from pathlib import Path

from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.mail import send, status
from lyciq_xl.mail.master import SHEETS, Master, master_from_tables, resolve_period
from lyciq_xl.port.base import WorkbookPort


def read_master(port: WorkbookPort) -> Master:
    """The sheets the mail commands read, through the port, once: the
    required ones must be there; a present optional one needs its columns
    too (a title row above 扣分记录's headers must not silently drop rows)."""
    tables = port.read_tables([spec for spec, needed in SHEETS if needed],
                              optional=[spec for spec, needed in SHEETS if not needed])
    return master_from_tables(Path(port.path), tables)


def run(port: WorkbookPort, period: str | None = None) -> Outcome:
    master = read_master(port)
    wanted = resolve_period(master, period) if period else None
    text = status.render(status.rows(master, send.SendLog(master.path), wanted))
    return Outcome([text], text)
