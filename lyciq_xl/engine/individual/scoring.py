"""Individual scores and grades (SPEC section 8): validate the individual
sheets, then monthly scores, counted months, annual mean, proposed grades
with the section's 优秀 quota. Pure: Tables in, results and findings out.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from lyciq_xl import contract
from lyciq_xl.contract import (
    AnnualReviews,
    Indicators,
    KeyTasks,
    MonthlyReviews,
    Params,
    PersonalIndicators,
    PersonalRecords,
    Staff,
)
from lyciq_xl.engine import screen
from lyciq_xl.engine.findings import Finding, finding, shown
from lyciq_xl.engine.individual import records as R
from lyciq_xl.engine.individual import rules
from lyciq_xl.engine.individual.records import (
    AnnualReview,
    CountedAnnual,
    CountedRecord,
    CountedReview,
    IndividualSettings,
    MonthlyReview,
    Person,
    PersonalIndicator,
    PersonalRecord,
    StaffIndex,
    ValidIndicator,
)
from lyciq_xl.engine.rules import Validation
from lyciq_xl.engine.scoring import round_half_up
from lyciq_xl.model import Section, SectionIndex
from lyciq_xl.table import Table, as_text

ZERO = Decimal(0)
AG, MG = contract.AnnualGrade, contract.MonthlyGrade
_DEDUCT, _BONUS = contract.RecordKind.DEDUCT, contract.RecordKind.BONUS
_Row = TypeVar("_Row", bound=screen.HasRow)


@dataclass
class MonthResult:
    month: int
    records: list[CountedRecord]           # counted 扣分/加分 rows of the month
    deducted: Decimal
    bonus_claimed: Decimal                 # before the cap
    bonus: Decimal                         # after the cap
    score: Decimal
    computed_grade: str                    # by the score
    review: CountedReview | None           # the counted 个人月度评定 row
    grade: str                             # the head's 评定等次 where given, else computed
    pending: int = 0


@dataclass
class PersonResult:
    person: Person
    months: list[MonthResult]
    deducted: Decimal
    bonus: Decimal
    score: Decimal                         # mean, rounded half-up to 2 decimals
    mean_exact: Decimal
    poor_months: int
    proposed: str = ""
    reason: str = ""                       # why this proposal (Chinese)
    decided: str | None = None
    decided_row: int | None = None
    rank: int = 0                          # 科室内排名
    pending: int = 0

    @property
    def section(self) -> Section:
        return self.person.section


@dataclass
class SectionQuota:
    code: str
    name: str
    section_grade: str | None              # the section's annual 等次
    ratio: Decimal
    staff: int                             # counted staff
    quota: int                             # floor(staff × ratio)
    tied: list[Person] = field(default_factory=list)   # tie across the boundary (P08)
    decided_excellent: int = 0


@dataclass
class IndividualAssessment:
    year: int
    settings: IndividualSettings
    staff: StaffIndex
    indicators: list[ValidIndicator]       # rows not in error
    people: list[PersonResult]             # sections in sheet order, people in 人员 order
    quotas: dict[str, SectionQuota]
    latest: dict[str, int]                 # section code -> latest month
    findings: list[Finding]
    excluded: dict[str, list[Finding]]     # person id -> errors on their rows left out

    def person(self, key: str) -> PersonResult | None:
        """By 人员编号, or a 姓名 unique in the bureau."""
        person, _ = self.staff.resolve(key)
        return next((p for p in self.people if person and p.person.id == person.id), None)


# --- entry point -----------------------------------------------------------------------

def evaluate_individual(tables: dict[str, Table], sections: SectionIndex, year: int,
                        section_grades: dict[str, str | None]) -> IndividualAssessment:
    """`section_grades`: 科室代码 -> the section's annual 等次 (from 考核结果)."""
    t = {spec: R.individual_table(tables, spec) for spec in contract.INDIVIDUAL_SHEETS}
    settings = R.load_individual_settings(R.individual_table(tables, Params))
    v = Validation()
    staff_rows = R.load_staff_rows(t[Staff], sections)
    v.add(rules.p11_staff(t[Staff], staff_rows))
    rejected = {row for sheet, row in v.rows if sheet == Staff.SHEET}
    staff = StaffIndex(rules.people_of(staff_rows, rejected),
                       {r.id for r in staff_rows if r.row in rejected and r.id})

    indicators = R.load_personal_indicators(t[PersonalIndicators], sections, staff)
    v.add(rules.indicator_rules(t[PersonalIndicators], indicators, section_indicator_ids(tables, sections)))
    valid_indicators = [i for i in indicators if not v.excluded(PersonalIndicators.SHEET, i.row)]
    if not R.all_valid_indicators(valid_indicators):
        raise AssertionError(f"a {PersonalIndicators.SHEET} row without its person passed P01")
    index: dict[tuple[str, str | None], ValidIndicator] = {}
    for i in valid_indicators:
        index.setdefault((i.person.id, i.id), i)

    loaded, codes = R.load_coded_records(t[PersonalRecords], staff)
    records = [r for r in loaded if r.status != contract.Status.REVOKED]
    positions = None
    if codes is not None and len(records) != len(loaded):
        positions = [i for i, r in enumerate(loaded) if r.status != contract.Status.REVOKED]
    checked = screen.suspects(records, codes, record_screens(t[PersonalRecords], year, set(index)),
                              positions)
    v.add(rules.record_rules(t[PersonalRecords], year, checked, set(index)))
    reviews, review_codes = R.load_coded_reviews(t[MonthlyReviews], staff)
    found = list(rules.review_row_rules(t[MonthlyReviews], year, screen.suspects(
        reviews, review_codes, review_screens(t[MonthlyReviews], year))))
    v.add(found)
    v.add(rules.p09_monthly(t[MonthlyReviews], reviews,
                            {f.row for f in found if f.rule in ("P01", "P05")}))
    annual = R.load_annual_reviews(t[AnnualReviews], staff)
    v.add(rules.annual_review_rules(t[AnnualReviews], year, annual))

    counted_records = _counted(v, PersonalRecords.SHEET, records)
    counted_reviews = _counted(v, MonthlyReviews.SHEET, reviews)
    counted_annual = [r for r in _counted(v, AnnualReviews.SHEET, annual) if r.year == year]
    if not (R.all_counted_records(counted_records) and R.all_counted_reviews(counted_reviews)
            and R.all_counted_annual(counted_annual)):
        raise AssertionError(f"a {PersonalRecords.SHEET}, {MonthlyReviews.SHEET} or {AnnualReviews.SHEET} "
                             "row without its person, month or points passed the rules")
    v.add(p10_unapproved(t[PersonalIndicators], counted_records, index))

    by_month: dict[tuple[str, int], list[CountedRecord]] = defaultdict(list)
    for r in counted_records:
        by_month[(r.person.id, r.month[1])].append(r)
    review_of = {(r.person.id, r.month[1]): r for r in counted_reviews}
    latest = latest_months(staff, [*by_month, *review_of])
    any_review = {(r.person.id, r.month[1]) for r in reviews if r.person and r.month and r.month[0] == year}
    people: list[PersonResult] = []
    staff_of: dict[str, list[Person]] = defaultdict(list)
    for person in staff.people:
        staff_of[person.section.code].append(person)
    for section in sections:
        for person in staff_of[section.code]:
            months = [m for m in person.months_in_post(year) if m <= latest.get(section.code, 0)]
            if not months:
                continue
            results = [month_result(settings, m, by_month[(person.id, m)], review_of.get((person.id, m)))
                       for m in months]
            people.append(person_result(settings, person, results))
            v.add(p07_missing_reviews(t[Staff], person, months, any_review, year))
    decided = {r.person.id: r for r in counted_annual}
    quotas: dict[str, SectionQuota] = {}
    results_of: dict[str, list[PersonResult]] = defaultdict(list)
    for p in people:
        results_of[p.section.code].append(p)
    for section in sections:
        group = results_of[section.code]
        if group:
            quotas[section.code] = propose(settings, section, group, section_grades.get(section.code))
            v.add(apply_decided(t[AnnualReviews], t[Staff], quotas[section.code], group, decided))
    excluded = count_pending(v, people, records, reviews, annual, indicators, year)
    return IndividualAssessment(year, settings, staff, valid_indicators, people, quotas, latest,
                                v.findings, excluded)


def record_screens(table: Table, year: int, indicators: set[tuple[str, str | None]]
                   ) -> list[screen.Screen[PersonalRecord]]:
    """`rules.record_rules` split by the cell each finding names, each part
    with the 个人扣加分 columns that alone decide it (engine.screen): P04 on
    状态, 类型 or 分值 reads that cell; P01 the 人员; P05 the 考核月份 and, for
    the months in post, the 人员; P02 the 人员 and 个人指标编号."""
    P = PersonalRecords

    def on(header: str) -> Callable[[list[PersonalRecord]], Iterator[Finding]]:
        def rule(rows: list[PersonalRecord]) -> Iterator[Finding]:
            return rules.record_rules(table, year, rows, indicators, only=header)
        return rule
    return [(on(P.STATUS), (P.STATUS,)), (on(P.PERSON), (P.PERSON,)),
            (on(P.MONTH), (P.MONTH, P.PERSON)), (on(P.KIND), (P.KIND,)),
            (on(P.POINTS), (P.POINTS,)), (on(P.INDICATOR), (P.PERSON, P.INDICATOR))]


def section_indicator_ids(tables: dict[str, Table], sections: SectionIndex) -> dict[str, set[str]]:
    """科室代码 -> every 指标编号 of that section in 履职管理指标 or 重点指标,
    whatever that row's own errors or 审核状态 (SPEC 8)."""
    ids: dict[str, set[str]] = defaultdict(set)
    for spec in (Indicators, KeyTasks):
        table = tables.get(spec.SHEET)
        for row in (table.rows if table else ()):
            section, iid = sections.resolve(row[spec.DEPT]), R._key(row[spec.ID])
            if section and iid:
                ids[section.code].add(iid)
    return ids


def _counted(v: Validation, sheet: str, rows: list[_Row]) -> list[_Row]:
    """The rows of `sheet` no error left out."""
    out = {row for at, row in v.rows if at == sheet}
    return [r for r in rows if r.row not in out] if out else list(rows)


def review_screens(table: Table, year: int) -> list[screen.Screen[MonthlyReview]]:
    """`rules.review_row_rules` by the cell each finding names, as
    `record_screens`: P01 reads the 人员; P05 the 考核月份 and the 人员; P06
    the 评定等次."""
    M = MonthlyReviews

    def on(header: str) -> Callable[[list[MonthlyReview]], Iterator[Finding]]:
        def rule(rows: list[MonthlyReview]) -> Iterator[Finding]:
            return rules.review_row_rules(table, year, rows, only=header)
        return rule
    return [(on(M.PERSON), (M.PERSON,)), (on(M.MONTH), (M.MONTH, M.PERSON)),
            (on(M.GRADE), (M.GRADE,))]


def latest_months(staff: StaffIndex, counted: list[tuple[str, int]]) -> dict[str, int]:
    """科室代码 -> the latest month of its staff's counting rows, given as
    (人员编号, month) of each person-month with such a row."""
    latest: dict[str, int] = {}
    for person_id, month in counted:
        code = staff.by_id[person_id].section.code
        if month > latest.get(code, 0):
            latest[code] = month
    return latest


# --- monthly and annual scores -------------------------------------------------------------

def month_result(s: IndividualSettings, month: int, rows: list[CountedRecord],
                 review: CountedReview | None) -> MonthResult:
    deducted = claimed = ZERO
    for r in rows:                   # (one loop: 24,000 person-months at province scale)
        if r.kind == _DEDUCT:
            deducted += r.points
        elif r.kind == _BONUS:
            claimed += r.points
    bonus = min(claimed, s.bonus_cap)
    score = s.base - deducted + bonus
    computed = s.monthly_grade(score)
    grade = review.grade if review and review.grade else computed
    return MonthResult(month, rows, deducted, claimed, bonus, score, computed, review, grade)


def person_result(s: IndividualSettings, person: Person, months: list[MonthResult]) -> PersonResult:
    total = sum((m.score for m in months), ZERO)
    mean = total / len(months)
    return PersonResult(person, months, sum((m.deducted for m in months), ZERO),
                        sum((m.bonus for m in months), ZERO), round_half_up(mean), mean,
                        sum(1 for m in months if m.grade == MG.POOR))


def competition_rank(people: list[PersonResult]) -> dict[str, int]:
    """人员编号 -> 1 + the number with a higher score (1, 2, 2, 4)."""
    return {p.person.id: 1 + sum(1 for o in people if o.score > p.score) for p in people}


def propose(s: IndividualSettings, section: Section, group: list[PersonResult],
            section_grade: str | None) -> SectionQuota:
    default = s.ratios[contract.Grade.PASS]
    ratio = s.ratios.get(section_grade, default) if section_grade is not None else default
    quota = SectionQuota(section.code, section.name, section_grade, ratio, len(group),
                         int(len(group) * ratio // 1))
    ranks = competition_rank(group)
    for p in group:
        p.rank = ranks[p.person.id]
    eligible: list[PersonResult] = []
    for p in group:
        if p.score < s.incompetent_line:
            p.proposed = AG.INCOMPETENT
            p.reason = f"年度得分 {p.score} 低于不称职分数线 {as_text(s.incompetent_line)}"
        elif p.poor_months >= s.poor_months:
            p.proposed, p.reason = AG.INCOMPETENT, f"“较差”月数 {p.poor_months} 达到 {s.poor_months}"
        elif p.score < s.basic_line:
            p.proposed, p.reason = AG.BASIC, f"年度得分 {p.score} 低于基本称职分数线 {as_text(s.basic_line)}"
        elif p.poor_months >= 1:
            p.proposed, p.reason = AG.BASIC, f"有 {p.poor_months} 个月为“较差”"
        else:
            eligible.append(p)
    ranks = competition_rank(eligible)
    for p in eligible:
        rank = ranks[p.person.id]
        tied = [o for o in eligible if o.score == p.score]
        if rank + len(tied) - 1 <= quota.quota:
            p.proposed, p.reason = AG.EXCELLENT, f"在可评优秀人员中排名第 {rank},在名额 {quota.quota} 之内"
        elif rank <= quota.quota:
            p.proposed = AG.COMPETENT
            # no other names here: the reason is printed in this person's own file
            p.reason = (f"与另外 {len(tied) - 1} 人同分并列第 {rank},跨越名额 {quota.quota} 的界线,"
                        f"均不建议优秀,请领导研究确定")
            if p.person not in quota.tied:
                quota.tied.extend(o.person for o in tied)
        else:
            p.proposed = AG.COMPETENT
            p.reason = f"在可评优秀人员中排名第 {rank},超出名额 {quota.quota}"
    return quota


# --- warnings P07, P08, P10 ---------------------------------------------------------------

def p07_missing_reviews(staff: Table, person: Person, months: list[int],
                        reviewed: set[tuple[str, int]], year: int) -> Iterator[Finding]:
    for m in months:
        if (person.id, m) not in reviewed:
            yield finding("P07", staff, person.row, Staff.NAME,
                          f"{person.name}({person.id}){year}-{m:02d}没有个人月度评定记录")


def p10_unapproved(table: Table, counted: list[CountedRecord],
                   index: dict[tuple[str, str | None], ValidIndicator]) -> Iterator[Finding]:
    unapproved = {key: i for key, i in index.items() if i.approval != contract.Approval.APPROVED}
    if not unapproved:
        return                # the usual case: no row to look up
    seen = set()
    for r in counted:
        i = unapproved.get((r.person.id, r.indicator))
        if i is not None and i.row not in seen:
            seen.add(i.row)
            yield finding("P10", table, i.row, PersonalIndicators.APPROVAL,
                          f"{i.person.name}的个人指标{shown(i.id)}已被个人扣加分第{r.row}行引用,"
                          f"审核状态为{shown(i.approval)}")


def apply_decided(annual: Table, staff: Table, quota: SectionQuota, group: list[PersonResult],
                  decided: dict[str, CountedAnnual]) -> Iterator[Finding]:
    if quota.tied:
        first = min(quota.tied, key=lambda p: p.row)
        names = "、".join(f"{p.name}({p.id})" for p in quota.tied)
        yield finding("P08", staff, first.row, Staff.NAME,
                      f"{quota.name}个人优秀名额 {quota.quota} 名,{names}年度得分相同、跨越名额界线,"
                      f"均未建议为优秀")
    rows: list[CountedAnnual] = []
    for p in group:
        review = decided.get(p.person.id)
        if review and review.decided:
            p.decided, p.decided_row = review.decided, review.row
            if review.decided == AG.EXCELLENT:
                rows.append(review)
    quota.decided_excellent = len(rows)
    if len(rows) > quota.quota:
        over = sorted(rows, key=lambda r: r.row)[quota.quota]
        yield finding("P08", annual, over.row, AnnualReviews.DECIDED,
                      f"{quota.name}确定为优秀的有 {len(rows)} 人,超过个人优秀名额 {quota.quota} 名")


# --- 待核 ----------------------------------------------------------------------------------

def count_pending(v: Validation, people: list[PersonResult], records: list[PersonalRecord],
                  reviews: list[MonthlyReview], annual: list[AnnualReview],
                  indicators: list[PersonalIndicator], year: int) -> dict[str, list[Finding]]:
    """A row in error counts for its person: on its month row when that month
    is counted, and on the annual row. Returns the errors per person."""
    left_out: dict[str, set[int]] = defaultdict(set)
    for sheet, row in v.rows:
        left_out[sheet].add(row)
    where: dict[tuple[str, int], tuple[str, int | None]] = {}
    monthly: tuple[tuple[str, list[PersonalRecord] | list[MonthlyReview]], ...] = (
        (PersonalRecords.SHEET, records), (MonthlyReviews.SHEET, reviews))
    for sheet, rows in monthly:
        out = left_out.get(sheet, set())
        for r in (rows if out else []):          # only rows left out are looked up
            if r.row in out and r.person:
                month = r.month[1] if r.month and r.month[0] == year else None
                where[(sheet, r.row)] = (r.person.id, month)
    yearly: tuple[tuple[str, list[PersonalIndicator] | list[AnnualReview]], ...] = (
        (PersonalIndicators.SHEET, indicators), (AnnualReviews.SHEET, annual))
    for sheet, year_rows in yearly:
        for y in year_rows:
            if y.person:
                where[(sheet, y.row)] = (y.person.id, None)
    result = {p.person.id: p for p in people}
    on_row: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    for f in v.findings:
        if f.is_error:
            on_row[(f.sheet, f.row)].append(f)
    errors: dict[str, list[Finding]] = defaultdict(list)
    for sheet, row in sorted(v.rows):
        found = where.get((sheet, row))
        p = result.get(found[0]) if found is not None else None
        if found is None or p is None:
            continue
        person_id, month = found
        p.pending += 1
        errors[person_id] += on_row[(sheet, row)]
        for m in p.months:
            if m.month == month:
                m.pending += 1
    return errors
