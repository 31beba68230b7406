"""Validation rules D01…D16, K01…K03, B01…B06, C01, C02, A01.

Each rule is a small generator over the parsed rows yielding Findings that
name a cell (in the spirit of the GSA FAC intake checks); `validate` runs them
all. Errors decide what the scores leave out (`Validation`): a whole row, or
for ballots a single cell (B01, B02). Warnings never leave anything out.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import Bonuses, Deductions, External, Indicators, KeyTasks, PartyBallots, PeerBallots
from lyciq_xl.dates import date_problem
from lyciq_xl.engine import assessors, screen
from lyciq_xl.engine.findings import Finding, finding, header_finding, shown
from lyciq_xl.engine.records import BallotSheet, CountedDeduction, Deduction, Inputs, all_counted, text_of
from lyciq_xl.model import Period
from lyciq_xl.table import Table, as_rate, as_text

KEY_TASK_POINTS = frozenset(Decimal(p) for p in contract.KEY_TASK_POINTS)
CELL_RULES = frozenset({"B01", "B02"})   # errors that drop one ballot cell, not the row


@functools.lru_cache(maxsize=4096)     # 扣分 repeats a few dozen values
def positive_tenth(points: Decimal | None) -> bool:
    """points > 0 and a whole number of tenths. Read from the digits, not with
    `points % 0.1`, which raises for numbers beyond the context precision."""
    if points is None or not points > 0:
        return False
    _, digits, exponent = points.as_tuple()
    if not isinstance(exponent, int):
        return False    # Infinity ('F'): no whole number of tenths
    return exponent >= -1 or not any(digits[exponent + 1:])


@dataclass
class Validation:
    findings: list[Finding] = field(default_factory=list)
    rows: set[tuple[str, int]] = field(default_factory=set)           # (sheet, row) left out
    cells: set[tuple[str, int, str | None]] = field(default_factory=set)  # (sheet, row, header) left out

    def add(self, found: Iterable[Finding]) -> None:
        for f in found:
            self.findings.append(f)
            if not f.is_error or f.row <= 1:
                continue
            if f.rule in CELL_RULES:
                self.cells.add((f.sheet, f.row, f.header))
            else:
                self.rows.add((f.sheet, f.row))

    def excluded(self, sheet: str, row: int) -> bool:
        return (sheet, row) in self.rows


# --- 扣分记录 ---------------------------------------------------------------------------

def _ded(inp: Inputs) -> Table:
    return inp.tables[Deductions.SHEET]


def d10_status(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if d.status not in (None, contract.Status.VALID):
            yield finding("D10", t, d.row, Deductions.STATUS, f"状态{shown(d.status)}")


def d05_dept(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if d.section is None:
            yield finding("D05", t, d.row, Deductions.DEPT, f"科室{shown(d.dept_raw)}")


def period_detail(inp: Inputs, raw: Any, period: Period | None) -> str:
    if period is None:
        return f"考核期{shown(raw)}无法识别"
    return f"考核期{shown(raw)}不在参数年度 {inp.settings.year} 内"


def d06_period(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if not inp.in_year(d.period):
            yield finding("D06", t, d.row, Deductions.PERIOD, period_detail(inp, d.period_raw, d.period))


def d09_date(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if not inp.in_year(d.period) or d.span is None:
            continue  # D06 already names the period (span is set with it)
        span = d.span
        if d.date is None:
            problem = date_problem(d.date_raw)
            yield finding("D16", t, d.row, Deductions.DATE,
                          "日期未填写" if problem is None else f"日期{shown(d.date_raw)}{problem}")
        elif not span[0] <= d.date <= span[1]:
            yield finding("D09", t, d.row, Deductions.DATE,
                          f"日期“{d.date.isoformat()}”不在考核期“{d.period}”"
                          f"({d.period.first_day.isoformat()}至{d.period.last_day.isoformat()})内")


def d01_points(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if not positive_tenth(d.points):
            yield finding("D01", t, d.row, Deductions.POINTS, f"扣分{shown(d.points_raw)}")


def d02_standard(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if d.standard_id not in inp.standards:
            yield finding("D02", t, d.row, Deductions.STANDARD, f"标准编号{shown(d.standard_id)}")


def d03_range(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        std = inp.standards.get(d.standard_id) if d.standard_id is not None else None
        if std and d.points is not None and positive_tenth(d.points) and not std.min <= d.points <= std.max:
            yield finding("D03", t, d.row, Deductions.POINTS,
                          f"扣分{shown(d.points)}不在标准“{std.id}”的范围"
                          f"[{as_text(std.min)}, {as_text(std.max)}]内")


def d04_category(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        std = inp.standards.get(d.standard_id) if d.standard_id is not None else None
        if d.category not in contract.Category.DEDUCTIBLE:
            yield finding("D04", t, d.row, Deductions.CATEGORY, f"绩效类别{shown(d.category)}")
        elif std and d.category not in std.categories:
            allowed = ",".join(c for c in contract.Category.DEDUCTIBLE if c in std.categories)
            yield finding("D04", t, d.row, Deductions.CATEGORY,
                          f"绩效类别{shown(d.category)}不在标准“{std.id}”的适用绩效类别“{allowed}”中")


def d07_indicator(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    t = _ded(inp)
    for d in rows:
        if d.section is None or d.category not in contract.Category.DEDUCTIBLE:
            continue  # D05 / D04 already name the row
        if (d.section.code, d.category, d.indicator) not in inp.indicators:
            yield finding("D07", t, d.row, Deductions.INDICATOR,
                          f"指标编号{shown(d.indicator)}不是{d.section.name}的{d.category}指标")


def d08_duplicate(inp: Inputs, counted: list[CountedDeduction]) -> Iterator[Finding]:
    """Among counted rows only: an earlier row left out for an error cannot be
    counted twice with this one."""
    t = _ded(inp)
    first: dict[tuple[str, str, Any, str | None], CountedDeduction] = {}
    # the key holds the 事由, nearly unique per row: only rows whose 事由
    # repeats can repeat the key (same rows, same order: the same findings)
    repeats = Counter(map(attrgetter("reason"), counted))
    again = {reason for reason, n in repeats.items() if n > 1}
    candidates = [d for d in counted if d.reason in again] if again else []
    for d in candidates:
        key = (d.section.code, d.standard_id, d.date, d.reason)
        earlier = first.setdefault(key, d)
        if earlier is not d:
            yield finding("D08", t, d.row, Deductions.RECORD_NO,
                          f"记录号{shown(d.record_no)}与第{earlier.row}行(记录号{shown(earlier.record_no)})重复")


DEDUCTION_RULES: tuple[Callable[[Inputs, list[Deduction]], Iterator[Finding]], ...] = (
    d10_status, d05_dept, d06_period, d09_date, d01_points, d02_standard, d03_range,
    d04_category, d07_indicator)


def _d11(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    return assessors.d11_special(_ded(inp), rows)


def _d15(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    return assessors.d15_kind(_ded(inp), rows)


# The row rules with the 扣分记录 columns each one reads (its fields are
# parsed from these cells alone): screen.suspects runs a rule once per
# distinct combination of them (see engine.screen). A rule that reads one
# more field must name its column here, or a row could escape it.
_D = Deductions
DeductionRule = Callable[[Inputs, list[Deduction]], Iterator[Finding]]
SCREENED_RULES: tuple[tuple[DeductionRule, tuple[str, ...]], ...] = (
    (d10_status, (_D.STATUS,)),
    (d05_dept, (_D.DEPT,)),
    (d06_period, (_D.PERIOD,)),
    (d09_date, (_D.PERIOD, _D.DATE)),
    (d01_points, (_D.POINTS,)),
    (d02_standard, (_D.STANDARD,)),
    (d03_range, (_D.STANDARD, _D.POINTS)),
    (d04_category, (_D.CATEGORY, _D.STANDARD)),
    (d07_indicator, (_D.DEPT, _D.CATEGORY, _D.INDICATOR)),
    (_d11, (_D.KIND, _D.SPECIAL)),
    (_d15, (_D.KIND, _D.PERIOD)),
)


# --- 重点指标 -------------------------------------------------------------------------

def _key_table(inp: Inputs) -> Table:
    return inp.tables[KeyTasks.SHEET]


def d05_key_dept(inp: Inputs) -> Iterator[Finding]:
    t = _key_table(inp)
    for k in inp.key_tasks:
        if k.section is None:
            yield finding("D05", t, k.row, KeyTasks.DEPT, f"科室{shown(k.dept_raw)}")


def k01_points(inp: Inputs) -> Iterator[Finding]:
    t = _key_table(inp)
    for k in inp.key_tasks:
        if k.points not in KEY_TASK_POINTS:
            yield finding("K01", t, k.row, KeyTasks.POINTS,
                          f"重点指标{shown(k.id)}的分值{shown(k.points_raw)}")


def k02_completion(inp: Inputs) -> Iterator[Finding]:
    t = _key_table(inp)
    for k in inp.key_tasks:
        if k.completion not in inp.settings.completion:
            yield finding("K02", t, k.row, KeyTasks.COMPLETION,
                          f"重点指标{shown(k.id)}的完成情况{shown(k.completion)}")


def k03_cap(inp: Inputs, validation: Validation) -> Iterator[Finding]:
    """On the 分值 cell of the row where a section's running sum first passes the cap."""
    t, flagged = _key_table(inp), set()
    sums: dict[str, Decimal] = {}
    for k in inp.key_tasks:
        if validation.excluded(t.sheet, k.row) or k.section is None or k.points is None:
            continue   # (D05 and K01 leave rows without them out)
        code = k.section.code
        sums[code] = sums.get(code, Decimal(0)) + k.points
        cap = inp.framework(k.section).points(contract.Category.KEY)
        if sums[code] > cap and code not in flagged:
            flagged.add(code)
            yield finding("K03", t, k.row, KeyTasks.POINTS,
                          f"{k.section.name}的重点指标分值合计至此已达 {as_text(sums[code])},"
                          f"超过框架上限 {as_text(cap)}")


# --- 相互评价 / 党组评价 ------------------------------------------------------------------

def b03_columns(inp: Inputs, sheet: BallotSheet) -> Iterator[Finding]:
    for header in sheet.unknown_columns:
        yield header_finding("B03", sheet.table, header, f"列标题“{header}”不是科室名称,该列不计入")
    for header, cell in sheet.repeated_columns:
        yield header_finding("B03", sheet.table, header,
                             f"列标题“{header}”与前面的列是同一科室,该列不计入", cell)


def ballot_rules(inp: Inputs, sheet: BallotSheet) -> Iterator[Finding]:
    """D06 and B03 (voter) drop the whole ballot; B01/B02 drop one cell."""
    t, spec = sheet.table, (PeerBallots if sheet.has_voter else PartyBallots)
    ratings = inp.settings.ratings
    for b in sheet.ballots:
        if not b.grades:
            continue  # no grade (e.g. a slip numbered in advance): nothing to leave out
        if not inp.in_year(b.period):
            yield finding("D06", t, b.row, spec.PERIOD,
                          f"票号{shown(b.ballot_no)}的{period_detail(inp, b.period_raw, b.period)},"
                          "整张选票不计入")
            continue
        if sheet.has_voter and b.voter is None:
            yield finding("B03", t, b.row, PeerBallots.VOTER,
                          f"票号{shown(b.ballot_no)}的投票科室{shown(b.voter_raw)}不存在,整张选票不计入")
            continue
        for header, value in b.grades.items():
            target = sheet.columns[header]
            if b.voter is not None and target.code == b.voter.code:
                yield finding("B02", t, b.row, header,
                              f"票号{shown(b.ballot_no)}中{target.name}评价本科室{shown(value)},该项不计入")
            elif text_of(value) not in ratings:
                yield finding("B01", t, b.row, header,
                              f"票号{shown(b.ballot_no)}对{target.name}的评价{shown(value)},该项不计入")


# --- 外部评价 -------------------------------------------------------------------------

def external_rules(inp: Inputs) -> Iterator[Finding]:
    t = inp.tables[External.SHEET]
    for e in inp.external:
        if not inp.in_year(e.period):
            yield finding("D06", t, e.row, External.PERIOD, period_detail(inp, e.period_raw, e.period))
        if e.section is None:
            yield finding("D05", t, e.row, External.DEPT, f"科室{shown(e.dept_raw)}")
        elif e.section.series != contract.EXTERNAL_SERIES:
            yield finding("B04", t, e.row, External.DEPT,
                          f"{e.section.name}属于{e.section.series}")
        for header, raw in ((External.GOVERNMENT, e.government_raw), (External.ENTERPRISE, e.enterprise_raw)):
            rate = as_rate(raw)
            if raw is not None and (rate is None or not 0 <= rate <= 100):
                yield finding("B05", t, e.row, header, f"{header}得分率{shown(raw)}")
            elif rate is not None and 0 < rate <= 1:
                percent = as_text((rate * 100).normalize())
                yield finding("B06", t, e.row, header, f"{header}得分率{shown(raw)}按{as_text(rate)}"
                              f"(满分100)计;若指{percent}%,请填写{percent}")


# --- 创优加分 -------------------------------------------------------------------------

def bonus_rules(inp: Inputs) -> Iterator[Finding]:
    t, levels = inp.tables[Bonuses.SHEET], inp.settings.bonus_levels
    for b in inp.bonuses:
        if not inp.in_year(b.period):
            yield finding("D06", t, b.row, Bonuses.PERIOD, period_detail(inp, b.period_raw, b.period))
        if b.section is None:
            yield finding("D05", t, b.row, Bonuses.DEPT, f"科室{shown(b.dept_raw)}")
        if b.level not in levels:
            yield finding("C01", t, b.row, Bonuses.LEVEL, f"事项{shown(b.item)}的级别{shown(b.level)}")
        elif b.points != levels[b.level]:
            yield finding("C02", t, b.row, Bonuses.POINTS,
                          f"事项{shown(b.item)}的加分{shown(b.points_raw)},"
                          f"{b.level}应为 {as_text(levels[b.level])} 分")


# --- A01: used but not approved ------------------------------------------------------

def a01_indicators(inp: Inputs, counted: list[CountedDeduction]) -> Iterator[Finding]:
    t, seen = inp.tables[Indicators.SHEET], set()
    pending = {k for k, ind in inp.indicators.items() if ind.approval != contract.Approval.APPROVED}
    if not pending:
        return                  # every indicator approved: no row to look at
    for d in counted:
        key = (d.section.code, d.category, d.indicator)
        if key not in pending:
            continue
        ind = inp.indicators[key]
        if ind.approval != contract.Approval.APPROVED and ind.row not in seen:
            seen.add(ind.row)
            yield finding("A01", t, ind.row, Indicators.APPROVAL,
                          f"{d.section.name}的指标{shown(ind.id)}已被扣分记录{shown(d.record_no)}"
                          f"引用,审核状态为{shown(ind.approval)}")


def a01_key_tasks(inp: Inputs, validation: Validation) -> Iterator[Finding]:
    t = _key_table(inp)
    for k in inp.key_tasks:
        if (not validation.excluded(t.sheet, k.row) and k.section is not None   # (D05 leaves it out)
                and k.approval != contract.Approval.APPROVED):
            yield finding("A01", t, k.row, KeyTasks.APPROVAL,
                          f"{k.section.name}的重点指标{shown(k.id)}已计分,审核状态为{shown(k.approval)}")


# --- runner ---------------------------------------------------------------------------

def active_deductions(inp: Inputs) -> list[Deduction]:
    """撤销 rows are withdrawn by the assessing department: ignored entirely,
    not even validated (a revoked typo must not keep raising errors)."""
    return [d for d in inp.deductions if d.status != contract.Status.REVOKED]


def validate(inp: Inputs) -> tuple[Validation, list[Deduction], list[CountedDeduction]]:
    """All findings and what they leave out; the deductions not revoked; and
    of those, the ones that count."""
    v = Validation()
    active = active_deductions(inp)
    positions = None
    if inp.deduction_codes is not None and len(active) != len(inp.deductions):
        positions = [i for i, d in enumerate(inp.deductions) if d.status != contract.Status.REVOKED]
    screens = [(functools.partial(rule, inp), headers) for rule, headers in SCREENED_RULES]
    checked = screen.suspects(active, inp.deduction_codes, screens, positions)
    for rule in DEDUCTION_RULES:
        v.add(rule(inp, checked))
    v.add(assessors.deduction_rules(inp, checked))     # D11, D15 (SPEC 9)
    v.add(assessors.d12_unknown_assessors(inp))
    sheet = Deductions.SHEET
    left_out = {row for s, row in v.rows if s == sheet}
    counted = [d for d in active if d.row not in left_out] if left_out else list(active)
    if not all_counted(counted):
        raise AssertionError(f"a {sheet} row without a field the D rules require was counted")
    v.add(d08_duplicate(inp, counted))
    v.add(a01_indicators(inp, counted))
    for key_rule in (d05_key_dept, k01_points, k02_completion):
        v.add(key_rule(inp))
    v.add(k03_cap(inp, v))
    v.add(a01_key_tasks(inp, v))
    for ballots in (inp.peer, inp.party):
        v.add(b03_columns(inp, ballots))
        v.add(ballot_rules(inp, ballots))
    v.add(external_rules(inp))
    v.add(bonus_rules(inp))
    return v, active, counted
