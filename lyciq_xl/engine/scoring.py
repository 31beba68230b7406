"""Scores (SPEC section 4) from validated rows: one pass over each sheet,
dict lookups, Decimal end to end. Only service sub-scores are rounded."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

from lyciq_xl import contract
from lyciq_xl.contract import Bonuses, Category, External, KeyTasks, ServiceItem
from lyciq_xl.engine.records import BallotSheet, Bonus, CountedDeduction, Deduction, Inputs, KeyTask, text_of
from lyciq_xl.engine.rules import Validation
from lyciq_xl.model import Period, Section
from lyciq_xl.table import as_rate

if TYPE_CHECKING:
    from lyciq_xl.engine.appeals import AppealOutcome, Resolution

ZERO = Decimal(0)
CENT = Decimal("0.01")


def round_half_up(value: Decimal) -> Decimal:
    # quantize needs every digit up to the cents: a huge typed 分值 (1e308)
    # would exceed the default 28-digit precision and raise InvalidOperation
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + 3)
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- public result rows ------------------------------------------------------------------

@dataclass
class ResultRow:
    period: str
    code: str
    name: str
    series: str
    duty: Decimal
    management: Decimal
    key: Decimal | None
    service: Decimal | None
    excellence: Decimal | None
    total: Decimal
    rank: int = 0
    grade: str | None = None
    pending: int = 0


@dataclass
class ServiceRow:
    period: str
    dept: str
    peer: Decimal | None
    party: Decimal | None
    government: Decimal | None
    enterprise: Decimal | None
    ballots: int


@dataclass(frozen=True)
class KeyTaskScore:
    coefficient: Decimal
    score: Decimal


# --- per-section derivation (kept for explain) --------------------------------------------

@dataclass
class BallotItem:
    """One ballot-based service sub-item of one section."""
    points: Decimal
    ratios: list[Decimal]          # every valid ballot's ratio
    dropped: list[Decimal]         # highest and lowest, when trimmed
    score: Decimal

    @property
    def used(self) -> int:
        return len(self.ratios) - len(self.dropped)

    @property
    def mean(self) -> Decimal | None:
        kept = sum(self.ratios, ZERO) - sum(self.dropped, ZERO)
        return kept / self.used if self.used else None


@dataclass
class RateItem:
    """地方政府评价 / 企业评价 of one section: 得分率 rows averaged."""
    points: Decimal
    rates: list[tuple[int, Decimal]]   # (Excel row, 得分率)
    score: Decimal

    @property
    def mean(self) -> Decimal | None:
        return sum((r for _, r in self.rates), ZERO) / len(self.rates) if self.rates else None


@dataclass
class Detail:
    """Everything that went into one section's annual score."""
    section: Section
    base: dict[str, Decimal]
    deductions: list[CountedDeduction] = field(default_factory=list)     # counted, whole year
    key_tasks: list[tuple[KeyTask, KeyTaskScore]] = field(default_factory=list)
    key_sum: Decimal = ZERO
    key_cap: Decimal = ZERO
    service: dict[str, BallotItem | RateItem] = field(default_factory=dict)
    bonuses: list[Bonus] = field(default_factory=list)
    bonus_sum: Decimal = ZERO
    bonus_cap: Decimal = ZERO
    excluded: list[tuple[str, int, Period | None]] = field(default_factory=list)  # (sheet, row, quarter)
    grave: list[CountedDeduction] = field(default_factory=list)          # 附件5 重大, blocks 优秀
    # (quarter or None for a year-period deduction, category) -> points deducted
    sums: dict[tuple[int | None, str], Decimal] = field(default_factory=dict)
    # appeals (申诉记录) on this section's deductions, and their effect
    appeals: list[AppealOutcome] = field(default_factory=list)
    original: dict[int, CountedDeduction] = field(default_factory=dict)   # 扣分记录 row -> as typed (调整)
    revoked: list[tuple[CountedDeduction, AppealOutcome]] = field(default_factory=list)  # 撤销 on appeal
    grave_pending: list[AppealOutcome] = field(default_factory=list)      # 待处理 on 附件5 重大: 等次 待定

    def score(self, category: str, quarter: int | None = None) -> Decimal:
        """履职/管理: base minus the quarter's deductions, or the whole year's."""
        spent = sum((p for (q, c), p in self.sums.items()
                     if c == category and (quarter is None or q == quarter)), ZERO)
        return self.base[category] - spent

    def deducted(self, category: str, quarter: int | None = None) -> list[CountedDeduction]:
        return [d for d in self.deductions if d.category == category
                and (quarter is None or d.period.quarter == quarter)]


# --- periods ---------------------------------------------------------------------------

def result_periods(inp: Inputs, active: list[Deduction]) -> list[Period]:
    """Q1 up to the latest quarter named in any input 考核期 of the 年度, then the year."""
    named = [Period.parse(raw) for raw in {d.period_raw for d in active}]
    named += [b.period for s in (inp.peer, inp.party) for b in s.ballots]
    named += [e.period for e in inp.external] + [b.period for b in inp.bonuses]
    last = max((p.quarter for p in named if inp.in_year(p) and p.quarter is not None), default=0)
    year = inp.settings.year
    return [Period(year, q) for q in range(1, last + 1)] + [Period(year)]


# --- category scores ----------------------------------------------------------------------

def new_details(inp: Inputs) -> dict[str, Detail]:
    details = {}
    for s in inp.sections:
        fw = inp.framework(s)
        details[s.code] = Detail(s, {c: fw.points(c) for c in Category.DEDUCTIBLE},
                                 key_cap=fw.points(Category.KEY),
                                 bonus_cap=fw.points(Category.EXCELLENCE))
    return details


def collect_deductions(inp: Inputs, active: list[Deduction], counted: list[CountedDeduction],
                       v: Validation, details: dict[str, Detail]) -> None:
    grave = {s.id for s in inp.standards.values() if s.is_grave_accident}
    for d in counted:
        detail = details[d.section.code]
        detail.deductions.append(d)
        key = (d.period.quarter, d.category)
        detail.sums[key] = detail.sums.get(key, ZERO) + d.points
        if d.standard_id in grave:
            detail.grave.append(d)
    sheet = contract.Deductions.SHEET
    left_out = {number for s, number in v.rows if s == sheet}
    if not left_out:
        return
    for row in active:
        if row.section is not None and row.row in left_out:
            quarter = row.period if inp.in_year(row.period) and row.period.quarter else None
            details[row.section.code].excluded.append((sheet, row.row, quarter))


def collect_appeals(resolution: Resolution, details: dict[str, Detail]) -> None:
    """What the appeals did, section by section (for explain and letters)."""
    for o in resolution.outcomes:
        section = o.deduction.section if o.deduction else o.appeal.section
        if section is not None and section.code in details:
            details[section.code].appeals.append(o)
    for row, d in resolution.original.items():
        details[d.section.code].original[row] = d
    for d, o in resolution.revoked:
        details[d.section.code].revoked.append((d, o))
    for code, pending in resolution.pending_grave.items():
        details[code].grave_pending.extend(pending)


def collect_key_tasks(inp: Inputs, v: Validation, details: dict[str, Detail]) -> dict[int, KeyTaskScore]:
    scores: dict[int, KeyTaskScore] = {}
    completion = inp.settings.completion
    for k in inp.key_tasks:
        if k.section is None:
            continue
        detail = details[k.section.code]
        if v.excluded(KeyTasks.SHEET, k.row) or k.points is None:   # (K01 leaves a blank 分值 out)
            detail.excluded.append((KeyTasks.SHEET, k.row, None))
            continue
        coefficient = completion.get(k.completion, ZERO) if k.completion is not None else ZERO   # K02: 0
        scores[k.row] = KeyTaskScore(coefficient, k.points * coefficient)
        detail.key_tasks.append((k, scores[k.row]))
        detail.key_sum += scores[k.row].score
    return scores


def collect_bonuses(inp: Inputs, v: Validation, details: dict[str, Detail]) -> None:
    for b in inp.bonuses:
        if b.section is None:
            continue
        detail = details[b.section.code]
        if v.excluded(Bonuses.SHEET, b.row) or b.points is None:   # (C02 leaves a blank 加分 out)
            detail.excluded.append((Bonuses.SHEET, b.row, None))
        else:
            detail.bonuses.append(b)
            detail.bonus_sum += b.points


def ballot_ratios(inp: Inputs, sheet: BallotSheet, v: Validation) -> dict[str, list[Decimal]]:
    """Section code -> ratios of its valid ballot cells."""
    name, ratings = sheet.table.sheet, inp.settings.ratings
    ratios: dict[str, list[Decimal]] = defaultdict(list)
    for b in sheet.ballots:
        if (name, b.row) in v.rows:
            continue
        for header, value in b.grades.items():
            grade = text_of(value)
            if (name, b.row, header) not in v.cells and grade is not None:  # (B01 leaves others out)
                ratios[sheet.columns[header].code].append(ratings[grade])
    return ratios


def ballot_item(points: Decimal, ratios: list[Decimal], trim: bool) -> BallotItem:
    dropped = [max(ratios), min(ratios)] if trim and len(ratios) >= 3 else []
    item = BallotItem(points, ratios, dropped, round_half_up(ZERO))
    if item.used:
        item.score = round_half_up(points * (sum(ratios, ZERO) - sum(dropped, ZERO)) / item.used)
    return item


Rates = dict[str, dict[str, list[tuple[int, Decimal]]]]   # 科室代码 -> item -> (Excel row, 得分率)


def external_rates(inp: Inputs, v: Validation, details: dict[str, Detail]) -> Rates:
    rates: Rates = defaultdict(lambda: defaultdict(list))
    for e in inp.external:
        if e.section is None:
            continue
        if v.excluded(External.SHEET, e.row):
            details[e.section.code].excluded.append((External.SHEET, e.row, None))
            continue
        for item, raw in ((ServiceItem.GOVERNMENT, e.government_raw), (ServiceItem.ENTERPRISE,
                                                                       e.enterprise_raw)):
            rate = as_rate(raw)
            if rate is not None:     # (B05 leaves a row with an unreadable 得分率 out)
                rates[e.section.code][item].append((e.row, rate))
    return rates


def collect_service(inp: Inputs, v: Validation, details: dict[str, Detail]) -> None:
    peer, party = ballot_ratios(inp, inp.peer, v), ballot_ratios(inp, inp.party, v)
    rates = external_rates(inp, v, details)
    trim = inp.settings.trim_ballots
    for s in inp.sections:
        items = inp.framework(s).service_items
        detail = details[s.code]
        for item, ratios in ((ServiceItem.PEER, peer), (ServiceItem.PARTY, party)):
            if item in items:
                detail.service[item] = ballot_item(items[item], ratios.get(s.code, []), trim)
        if s.series != contract.EXTERNAL_SERIES:
            continue
        for item in (ServiceItem.GOVERNMENT, ServiceItem.ENTERPRISE):
            if item in items:
                entry = RateItem(items[item], rates.get(s.code, {}).get(item, []), round_half_up(ZERO))
                if entry.rates:
                    # points × Σ rates / (100 n): the mean itself is never rounded
                    rate_sum = sum((r for _, r in entry.rates), ZERO)
                    entry.score = round_half_up(items[item] * rate_sum / (100 * len(entry.rates)))
                detail.service[item] = entry


# --- results ------------------------------------------------------------------------------

def quarter_row(detail: Detail, period: Period) -> ResultRow:
    s = detail.section
    duty = detail.score(Category.DUTY, period.quarter)
    mgmt = detail.score(Category.MANAGEMENT, period.quarter)
    pending = sum(1 for _, _, q in detail.excluded if q == period)
    return ResultRow(str(period), s.code, s.name, s.series, duty, mgmt, None, None, None,
                     duty + mgmt, pending=pending)


def service_score(detail: Detail) -> Decimal:
    return sum((item.score for item in detail.service.values()), ZERO)


def year_row(detail: Detail, period: Period) -> ResultRow:
    s = detail.section
    duty = detail.score(Category.DUTY)
    mgmt = detail.score(Category.MANAGEMENT)
    key = min(detail.key_sum, detail.key_cap)
    service = service_score(detail)
    excellence = min(detail.bonus_sum, detail.bonus_cap)
    return ResultRow(str(period), s.code, s.name, s.series, duty, mgmt, key, service, excellence,
                     duty + mgmt + key + service + excellence, pending=len(detail.excluded))


def rank(rows: list[ResultRow]) -> None:
    """Competition ranking (1, 2, 2, 4) within each series."""
    by_series: dict[str, list[ResultRow]] = defaultdict(list)
    for r in rows:
        by_series[r.series].append(r)
    for group in by_series.values():
        group.sort(key=lambda r: r.total, reverse=True)
        for i, r in enumerate(group):
            r.rank = group[i - 1].rank if i and r.total == group[i - 1].total else i + 1


def grade(row: ResultRow, detail: Detail, inp: Inputs) -> str:
    settings = inp.settings
    if detail.grave_pending:
        return contract.GRADE_PENDING      # the 重大 veto waits for the appeal
    if row.total < settings.fail_line:
        return contract.Grade.FAIL
    if row.rank <= settings.quotas.get(row.series, 0) and not detail.grave:
        return contract.Grade.EXCELLENT
    return contract.Grade.PASS


def results(inp: Inputs, periods: list[Period], details: dict[str, Detail]) -> list[ResultRow]:
    out = []
    for period in periods:
        rows = [(year_row if period.is_year else quarter_row)(details[s.code], period) for s in inp.sections]
        rank(rows)
        if period.is_year:
            for r in rows:
                r.grade = grade(r, details[r.code], inp)
        out.extend(rows)
    return out


def service_rows(inp: Inputs, details: dict[str, Detail]) -> list[ServiceRow]:
    year, out = str(inp.settings.year), []
    for s in inp.sections:
        items = details[s.code].service
        score = {k: (items[k].score if k in items else None) for k in ServiceItem.ALL}
        ballots = sum(len(item.ratios) for k, item in items.items()
                      if k in (ServiceItem.PEER, ServiceItem.PARTY) and isinstance(item, BallotItem))
        out.append(ServiceRow(year, s.name, score[ServiceItem.PEER], score[ServiceItem.PARTY],
                              score[ServiceItem.GOVERNMENT], score[ServiceItem.ENTERPRISE], ballots))
    return out
