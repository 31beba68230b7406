"""`feedback` as one workflow over Tables (port-ready): recalculate in memory,
refuse when the stored 考核结果 differ, build one letter per section, and the
反馈记录 sheet that records what went out. No I/O here; `commands.feedback` reads
the file and writes the letters, mails and the sheet.

Choices where SPEC section 10 is silent:
- default period: the year once any 4th-quarter result exists (or there are
  no quarters), else the latest quarter;
- 反馈记录 records letters that reach the section: mailed (--send) or drafted
  as .eml (--eml). Letters only written to the folder (to print, or to check
  first) are not recorded, so they do not start the appeal deadline (E03).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lyciq_xl import contract
from lyciq_xl.annex.document import Document
from lyciq_xl.annex.source import short_name
from lyciq_xl.contract import FeedbackLog, Params, Results
from lyciq_xl.engine import Assessment, evaluate
from lyciq_xl.errors import InputError
from lyciq_xl.feedback import letter
from lyciq_xl.model import FeedbackSettings, Period, Section, load_feedback_settings
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.table import Row, Table, as_decimal, as_text

# The sheets `feedback` reads beyond the inputs: the published results.
READ_ALSO = contract.OPTIONAL_INPUT_SHEETS + (Results,)


@dataclass
class Letter:
    section: Section
    period: str
    stem: str                  # file name without extension
    doc: Document
    total: Decimal
    rank: int
    grade: str | None


@dataclass
class Plan:
    assessment: Assessment
    period: Period
    settings: FeedbackSettings
    today: dt.date
    letters: list[Letter]

    @property
    def deadline(self) -> dt.date:
        return self.today + dt.timedelta(days=self.settings.appeal_days)


def pick_period(a: Assessment, wanted: str | None) -> Period:
    year = a.settings.year
    if wanted is not None:
        period = Period.parse(wanted)
        if period is None or period not in a.periods:
            shown = "、".join(str(p) for p in a.periods)
            raise InputError(f"考核期“{wanted}”没有考核结果,请填写如 {year}Q3 或 {year},可选:{shown}。")
        return period
    quarters = [p for p in a.periods if not p.is_year]
    if not quarters or any(p.quarter == 4 for p in quarters):
        return Period(year)
    return max(quarters, key=lambda p: p.quarter or 0)     # (a quarter's is 1-4)


def _stored(value):
    number = as_decimal(value)
    return number if number is not None else as_text(value)


def _computed(value):
    return Decimal(value) if isinstance(value, int) else value


FIELDS = ((Results.DUTY, "duty"), (Results.MANAGEMENT, "management"), (Results.KEY, "key"),
          (Results.SERVICE, "service"), (Results.EXCELLENCE, "excellence"),
          (Results.TOTAL, "total"), (Results.RANK, "rank"), (Results.GRADE, "grade"))


def check_published(tables: dict[str, Table], a: Assessment) -> None:
    """InputError unless 考核结果 holds exactly what recalculating gives now:
    a letter must state the published result."""
    rerun = "请先点“重新计算”(lyciq-xl recalc)保存结果后,再生成反馈单。"
    table = tables.get(Results.SHEET)
    if table is None:
        raise InputError(f"工作簿中还没有“{Results.SHEET}”工作表,{rerun}")
    stored: dict[tuple[str | None, str | None], Row] = {}
    for each in table.rows:
        stored[(as_text(each[Results.PERIOD]), as_text(each[Results.CODE]))] = each
    for r in a.results:
        row = stored.pop((r.period, r.code), None)
        if row is None:
            raise InputError(f"“{Results.SHEET}”中缺少{r.name}{r.period}的结果,与当前数据不一致。{rerun}")
        for header, attr in FIELDS:
            have, want = _stored(row[header]), _computed(getattr(r, attr))
            if have != want:
                raise InputError(f"“{Results.SHEET}”第{row.number}行({r.name} {r.period})的{header}为"
                                 f"“{as_text(row[header]) or '空白'}”,按当前数据重新计算应为"
                                 f"“{as_text(want) or '空白'}”。{rerun}")
    if stored:
        (period, code), row = next(iter(stored.items()))
        raise InputError(f"“{Results.SHEET}”第{row.number}行({code} {period})不是当前数据的结果。{rerun}")


def plan(tables: dict[str, Table], period: str | None = None,
         today: dt.date | None = None) -> Plan:
    """Every section's letter for one period, after the checks."""
    today = today or dt.date.today()
    a = evaluate(tables)
    check_published(tables, a)
    chosen = pick_period(a, period)
    settings = load_feedback_settings(tables[Params.SHEET])
    org = short_name(tables[Params.SHEET], a.settings.org_name)
    letters = []
    for s in a.sections:
        e = a.explain(s.code, str(chosen))
        quarters = [r for r in a.results if r.code == s.code and r.period != str(chosen)]
        doc = letter.build(e, tables, org=org, quarters=quarters, today=today,
                           appeal_days=settings.appeal_days)
        r = e.result
        letters.append(Letter(s, str(chosen), letter.file_stem(s.name, str(chosen)), doc,
                              r.total, r.rank, r.grade))
    return Plan(a, chosen, settings, today, letters)


def log_sheet(tables: dict[str, Table], entries: list[tuple[Section, str, dt.date, str]]) -> OwnedSheet:
    """反馈记录: the rows already there, then one per letter that went out now."""
    F = FeedbackLog
    rows = [[r[F.DEPT], r[F.PERIOD], r[F.DATE], r[F.FILE]]
            for r in (tables[F.SHEET].rows if F.SHEET in tables else [])]
    rows += [[s.name, period, day, file] for s, period, day, file in entries]
    return OwnedSheet(F.SHEET, F.COLUMNS, rows, {},
                      {F.DEPT: 14, F.PERIOD: 10, F.DATE: 12, F.FILE: 44})
