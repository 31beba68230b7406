"""Appeals (申诉记录, SPEC section 10): decided appeals change what a counted
deduction counts, without editing 扣分记录.

Pure: the optional 申诉记录 and 反馈记录 Tables in, findings (E01–E07, and
D02/D04/D05 on appeal cells) and the deductions as they count out.

Choices where the spec is silent (kept in sync with the tests):
- An appeal row with an error takes no effect: the deduction counts as if the
  row were not there. Appeal rows never count in 待核.
- An appeal on a deduction that is not counted (撤销 in 扣分记录, or left out
  for an error) changes nothing and raises nothing: an appeal never brings a
  deduction back. 申诉处理明细 says so.
- A 记录号 held by several 扣分记录 rows of the section is E01 (which row was
  meant cannot be told).
- Among decided appeals on one 记录号 the latest 处理日期 wins; a blank or
  unreadable 处理日期 counts as earliest; ties go to the lower row.
- 调整后扣分 equal to the original is allowed (e.g. re-classified only); only
  a higher one is E06. 调整后扣分 or 调整后标准编号 on a row not 调整 is ignored.
- E03's deadline runs from the first 反馈日期 in 反馈记录 of a letter to that
  section for the deduction's quarter or for the year (the letters that list
  it); no such letter, no deadline. An unreadable 申诉日期 is E03 too.
- 待定: a valid 待处理 appeal on a deduction that still counts under a 附件5
  重大 standard (after the decisions) makes the annual 等次 待定, whatever the
  total.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lyciq_xl.contract import AppealDecision, Appeals, Category, Deductions, FeedbackLog, Params
from lyciq_xl.engine.findings import Finding, finding, shown
from lyciq_xl.engine.records import CountedDeduction, Deduction, Inputs
from lyciq_xl.engine.rules import Validation, positive_tenth
from lyciq_xl.model import Period, Section, load_feedback_settings
from lyciq_xl.table import Table, as_date, as_decimal, as_text


def _key(value: Any) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    return unicodedata.normalize("NFKC", text).strip() or None


def _at(table: Table, header: str) -> str:
    """An optional column the sheet lacks: the finding sits on 处理结果."""
    return header if header in table.columns else Appeals.DECISION


@dataclass(slots=True)
class Appeal:
    row: int
    appeal_no: str | None
    dept_raw: Any
    section: Section | None
    record_no: str | None
    date_raw: Any
    date: dt.date | None
    decision_raw: Any
    decision: str | None          # blank reads as 待处理; None when unknown (E05)
    adjusted_raw: Any
    adjusted: Decimal | None
    standard_id: str | None       # 调整后标准编号
    decided: dt.date | None
    basis: str | None


@dataclass
class AppealOutcome:
    """One 申诉记录 row and what came of it (one 申诉处理明细 row)."""
    appeal: Appeal
    deduction: Deduction | None     # the 扣分记录 row appealed, when found
    effective: bool = False         # this row's decision is the one in force
    error: str | None = None        # rule code that left the row out
    counted: Decimal | None = None  # what the deduction counts after all decisions
    note: str = ""

    @property
    def decision(self) -> str:
        return self.appeal.decision or as_text(self.appeal.decision_raw) or ""


@dataclass
class Resolution:
    counted: list[CountedDeduction]                          # deductions as they count
    outcomes: list[AppealOutcome]
    original: dict[int, CountedDeduction]                    # 扣分记录 row -> as typed (adjusted rows)
    revoked: list[tuple[CountedDeduction, AppealOutcome]]    # counted before, left out by 撤销
    in_force: dict[int, AppealOutcome]                # 扣分记录 row -> the decision applied
    pending_grave: dict[str, list[AppealOutcome]]     # 科室代码 -> 待处理 on 附件5 重大


def load_appeals(table: Table, inp: Inputs) -> list[Appeal]:
    A = Appeals
    out = []
    for r in table.rows:
        if all(r.values.get(h) is None for h in A.COLUMNS):
            continue   # a remark in a clerk's own column only
        raw = r[A.DECISION]
        text = _key(raw)
        decision = AppealDecision.PENDING if text is None else (text if text in AppealDecision.ALL else None)
        out.append(Appeal(
            r.number, as_text(r[A.ID]), r[A.DEPT], inp.sections.resolve(r[A.DEPT]), _key(r[A.RECORD_NO]),
            r[A.DATE], as_date(r[A.DATE]), raw, decision, r.get(A.ADJUSTED), as_decimal(r.get(A.ADJUSTED)),
            _key(r.get(A.ADJUSTED_STANDARD)), as_date(r.get(A.DECIDED)), as_text(r.get(A.BASIS))))
    return out


def first_letters(table: Table | None) -> dict[tuple[str, str], dt.date]:
    """(科室 as written, 期间) -> earliest 反馈日期 in 反馈记录 (tool-owned:
    unreadable rows are skipped)."""
    first: dict[tuple[str, str], dt.date] = {}
    for r in table.rows if table is not None else ():
        day = as_date(r[FeedbackLog.DATE])
        dept, period = _key(r[FeedbackLog.DEPT]), _key(r[FeedbackLog.PERIOD])
        if day and dept and period:
            key = (dept, period)
            first[key] = min(first.get(key, day), day)
    return first


def _letter_date(letters: dict[tuple[str, str], dt.date], inp: Inputs, s: Section | None,
                 period: Period) -> dt.date | None:
    periods = {str(period), str(Period(period.year))}
    days = [day for (dept, period), day in letters.items()
            if period in periods and inp.sections.resolve(dept) == s]
    return min(days, default=None)


class _Checker:
    """Rules of one appeal row; the first error leaves the row out."""

    def __init__(self, inp: Inputs, table: Table, by_record: dict[str, list[Deduction]],
                 letters: dict[tuple[str, str], dt.date], days: int) -> None:
        self.inp, self.table, self.by_record = inp, table, by_record
        self.letters, self.days = letters, days

    def target(self, a: Appeal) -> Deduction | Finding:
        """The 扣分记录 row appealed, or the finding why there is none."""
        t = self.table
        if a.section is None:
            return finding("D05", t, a.row, Appeals.DEPT,
                                 f"申诉{shown(a.appeal_no)}的科室{shown(a.dept_raw)}")
        rows = self.by_record.get(a.record_no or "", [])
        own = [d for d in rows if d.section == a.section]
        if not rows:
            return finding("E01", t, a.row, Appeals.RECORD_NO,
                                 f"申诉{shown(a.appeal_no)}的记录号{shown(a.record_no)}在“{Deductions.SHEET}”中不存在")
        if not own:
            other = next((d.section.name for d in rows if d.section), "其他科室")
            return finding("E01", t, a.row, Appeals.RECORD_NO,
                                 f"申诉{shown(a.appeal_no)}的记录号{shown(a.record_no)}是{other}的扣分,"
                                 f"不属于{a.section.name}")
        if len(own) > 1:
            where = "、".join(f"第{d.row}行" for d in own)
            return finding("E01", t, a.row, Appeals.RECORD_NO,
                                 f"申诉{shown(a.appeal_no)}的记录号{shown(a.record_no)}对应“{Deductions.SHEET}”{where},"
                                 f"无法确定申诉的是哪一条")
        return own[0]

    def decision(self, a: Appeal, d: Deduction) -> Iterator[Finding]:
        """Errors (E05, E02, E06, D02, D04) first, then warnings."""
        t = self.table
        if a.decision is None:
            yield finding("E05", t, a.row, Appeals.DECISION,
                          f"申诉{shown(a.appeal_no)}的处理结果{shown(a.decision_raw)}")
            return
        if a.decision == AppealDecision.ADJUSTED:
            yield from self.adjustment(a, d)

    def adjustment(self, a: Appeal, d: Deduction) -> Iterator[Finding]:
        t, standards = self.table, self.inp.standards
        std_id = a.standard_id or d.standard_id
        std = standards.get(std_id) if std_id is not None else None
        if a.standard_id is not None and std is None:
            yield finding("D02", t, a.row, Appeals.ADJUSTED_STANDARD, f"调整后标准编号{shown(a.standard_id)}")
            return
        if std is None:
            return   # the deduction's own 标准编号 is unknown: D02 leaves it out, the appeal changes nothing
        if a.standard_id is not None and d.category not in std.categories:
            allowed = ",".join(c for c in Category.DEDUCTIBLE if c in std.categories)
            yield finding("D04", t, a.row, Appeals.ADJUSTED_STANDARD,
                          f"记录号{shown(d.record_no)}的绩效类别{shown(d.category)}不在标准“{std.id}”的"
                          f"适用绩效类别“{allowed}”中")
            return
        if a.adjusted is None or not positive_tenth(a.adjusted):
            yield finding("E02", t, a.row, _at(t, Appeals.ADJUSTED),
                          f"申诉{shown(a.appeal_no)}的调整后扣分{shown(a.adjusted_raw)}不是大于0的0.1的整数倍")
        elif not std.min <= a.adjusted <= std.max:
            yield finding("E02", t, a.row, _at(t, Appeals.ADJUSTED),
                          f"申诉{shown(a.appeal_no)}的调整后扣分{shown(a.adjusted)}不在标准“{std.id}”的范围"
                          f"[{as_text(std.min)}, {as_text(std.max)}]内")
        elif d.points is not None and a.adjusted > d.points:   # (no 扣分: D01 leaves it out)
            yield finding("E06", t, a.row, _at(t, Appeals.ADJUSTED),
                          f"申诉{shown(a.appeal_no)}的调整后扣分{shown(a.adjusted)}"
                          f"高于原扣分 {as_text(d.points)}")

    def warnings(self, a: Appeal, d: Deduction) -> Iterator[Finding]:
        t = self.table
        if a.date is None:
            yield finding("E03", t, a.row, Appeals.DATE,
                          f"申诉{shown(a.appeal_no)}的申诉日期{shown(a.date_raw)}不是有效日期,无法判断是否逾期")
        elif d.period is not None:
            sent = _letter_date(self.letters, self.inp, d.section, d.period)
            if sent is not None and (a.date - sent).days > self.days:
                yield finding("E03", t, a.row, Appeals.DATE,
                              f"申诉{shown(a.appeal_no)}的申诉日期“{a.date.isoformat()}”距反馈单发出日期"
                              f"“{sent.isoformat()}”{(a.date - sent).days}天,超过{self.days}天")
        if a.decision in (AppealDecision.REVOKED, AppealDecision.ADJUSTED) and not a.basis:
            yield finding("E07", t, a.row, _at(t, Appeals.BASIS),
                          f"申诉{shown(a.appeal_no)}处理结果为{a.decision}")
        if a.decision == AppealDecision.PENDING:
            yield finding("E04", t, a.row, Appeals.DECISION,
                          f"申诉{shown(a.appeal_no)}(记录号{shown(a.record_no)})尚未处理")


def _latest(outcomes: list[AppealOutcome]) -> AppealOutcome:
    return max(outcomes, key=lambda o: (o.appeal.decided or dt.date.min, -o.appeal.row))


def resolve(inp: Inputs, counted: list[CountedDeduction], v: Validation) -> Resolution:
    """Apply the decided appeals to `counted`; add the appeal findings to `v`."""
    table = inp.tables.get(Appeals.SHEET)
    if table is None:
        return Resolution(counted, [], {}, [], {}, {})
    by_record: dict[str, list[Deduction]] = {}
    for d in inp.deductions:
        no = _key(d.record_no)
        if no is not None:
            by_record.setdefault(no, []).append(d)
    days = load_feedback_settings(inp.tables[Params.SHEET]).appeal_days
    check = _Checker(inp, table, by_record, first_letters(inp.tables.get(FeedbackLog.SHEET)), days)
    counted_rows = {d.row for d in counted}
    outcomes = []
    for a in load_appeals(table, inp):
        target = check.target(a)
        if isinstance(target, Finding):
            v.add([target])
            outcomes.append(AppealOutcome(a, None, error=target.rule, note=f"有错误({target.rule}),不生效"))
            continue
        d = target
        outcome = AppealOutcome(a, d)
        outcomes.append(outcome)
        errors = list(check.decision(a, d))
        v.add(errors)
        if errors:
            outcome.error, outcome.note = errors[0].rule, f"有错误({errors[0].rule}),不生效,按原扣分计"
            continue
        v.add(check.warnings(a, d))
    return _apply(inp, counted, counted_rows, outcomes)


def _apply(inp: Inputs, counted: list[CountedDeduction], counted_rows: set[int],
           outcomes: list[AppealOutcome]) -> Resolution:
    valid: dict[int, list[AppealOutcome]] = {}
    for o in outcomes:
        if o.error is None and o.deduction is not None:   # (an outcome without error has its row)
            valid.setdefault(o.deduction.row, []).append(o)
    res = Resolution([], outcomes, {}, [], {}, {})
    for d in counted:
        decided = [o for o in valid.get(d.row, []) if o.appeal.decision in AppealDecision.DECIDED]
        if not decided:
            res.counted.append(d)
            continue
        winner = _latest(decided)
        winner.effective = True
        res.in_force[d.row] = winner
        a = winner.appeal
        if a.decision == AppealDecision.REVOKED:
            res.revoked.append((d, winner))
        elif a.decision == AppealDecision.ADJUSTED:
            res.original[d.row] = d
            res.counted.append(dataclasses.replace(d, points=a.adjusted,
                                                   standard_id=a.standard_id or d.standard_id))
        else:
            res.counted.append(d)
    in_force = {d.row: d for d in res.counted}
    for o in outcomes:
        _describe(o, in_force, counted_rows, res)
        counts = in_force.get(o.deduction.row) if o.deduction else None
        std = inp.standards.get(counts.standard_id) if counts else None
        if (counts is not None and o.error is None and o.appeal.decision == AppealDecision.PENDING
                and std is not None and std.is_grave_accident):
            res.pending_grave.setdefault(counts.section.code, []).append(o)
    return res


def _describe(o: AppealOutcome, in_force: dict[int, CountedDeduction], counted_rows: set[int],
              res: Resolution) -> None:
    d = o.deduction
    if d is None:
        return
    o.counted = in_force[d.row].points if d.row in in_force else Decimal(0)
    if o.error is not None:
        return
    if d.row not in counted_rows:
        o.note = f"“{Deductions.SHEET}”第{d.row}行未计分(已撤销或有错误),申诉不改变"
    elif o.effective:
        o.note = "已生效"
    elif o.appeal.decision == AppealDecision.PENDING:
        o.note = "尚待处理,按原扣分计"
    else:
        w = res.in_force[d.row].appeal
        o.note = f"以申诉{shown(w.appeal_no)}(第{w.row}行)的处理为准"
