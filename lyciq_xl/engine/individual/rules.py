"""Validation rules P01…P11 of the individual sheets (SPEC section 8).

Errors leave their row out (engine.rules.Validation); warnings P07, P08
and P10 are raised by the scoring, which knows the counted months, quotas
and the indicators in use.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from lyciq_xl import contract
from lyciq_xl.contract import AnnualReviews, MonthlyReviews, PersonalIndicators, PersonalRecords, Staff
from lyciq_xl.engine.findings import Finding, finding, shown
from lyciq_xl.engine.individual.records import (
    AnnualReview,
    Month,
    MonthlyReview,
    Person,
    PersonalIndicator,
    PersonalRecord,
    StaffRow,
    month_text,
)
from lyciq_xl.engine.rules import positive_tenth
from lyciq_xl.table import Table

# --- 人员 (P11) -------------------------------------------------------------------------

def p11_staff(table: Table, rows: list[StaffRow]) -> Iterator[Finding]:
    S = Staff
    by_id: dict[str, list[StaffRow]] = defaultdict(list)
    for r in rows:
        if r.id:
            by_id[r.id].append(r)
    for r in rows:
        if r.id is None:
            yield finding("P11", table, r.row, S.ID, f"姓名{shown(r.name)}的人员编号为空")
        elif len(by_id[r.id]) > 1:
            others = "、".join(f"第{o.row}行" for o in by_id[r.id] if o is not r)
            yield finding("P11", table, r.row, S.ID,
                          f"人员编号{shown(r.id)}与{others}重复,这些行都不计入")
        if r.name is None:
            yield finding("P11", table, r.row, S.NAME, f"人员编号{shown(r.id)}的姓名为空")
        if r.section is None:
            yield finding("P11", table, r.row, S.DEPT, f"{r.name or ''}的科室{shown(r.dept_raw)}不存在")
        if r.status not in (None,) + contract.StaffStatus.ALL:
            yield finding("P11", table, r.row, S.STATUS, f"{r.name or ''}的状态{shown(r.status)}")
        for header, raw, month in ((S.START, r.start_raw, r.start), (S.END, r.end_raw, r.end)):
            if raw is not None and month is None:
                yield finding("P11", table, r.row, header, f"{r.name or ''}的{header}{shown(raw)}无法识别")
        if r.start and r.end and r.start > r.end:
            yield finding("P11", table, r.row, S.END,
                          f"{r.name or ''}的截止月份“{month_text(r.end)}”早于起始月份“{month_text(r.start)}”")


def people_of(section_rows: list[StaffRow], rejected: set[int]) -> list[Person]:
    return [Person(r.id, r.name, r.section, r.post, r.rank, r.status or contract.StaffStatus.ON,
                   r.start, r.end, r.row)
            for r in section_rows if r.row not in rejected
            # (P11 rejects the rows without them)
            and r.id is not None and r.name is not None and r.section is not None]


# --- shared checks ---------------------------------------------------------------------

def p01_person(table: Table, row: int, header: str, raw: Any, problem: str | None) -> Iterator[Finding]:
    if problem:
        yield finding("P01", table, row, header, f"人员{shown(raw)}:{problem}")


def p05_month(table: Table, year: int, row: int, header: str, raw: Any, month: Month | None,
              person: Person | None) -> Iterator[Finding]:
    if month is None:
        yield finding("P05", table, row, header, f"考核月份{shown(raw)}无法识别")
    elif month[0] != year:
        yield finding("P05", table, row, header, f"考核月份“{month_text(month)}”不在参数年度 {year} 内")
    elif person is not None and month[1] not in person.months_in_post(year):
        yield finding("P05", table, row, header,
                      f"考核月份“{month_text(month)}”不在{person.name}({person.id})"
                      f"{in_post_text(person, year)}")


def in_post_text(person: Person, year: int) -> str:
    months = person.months_in_post(year)
    if not months:
        return "的在岗期间内(已离岗且无截止月份,本年度无在岗月份)"
    return f"的在岗期间({year}-{months[0]:02d}至{year}-{months[-1]:02d})内"


# --- 个人指标 (P01, P03) ----------------------------------------------------------------

def indicator_rules(table: Table, rows: list[PersonalIndicator],
                    section_ids: dict[str, set[str]]) -> Iterator[Finding]:
    I = PersonalIndicators
    for r in rows:
        header = I.PERSON if r.section else I.DEPT
        yield from p01_person(table, r.row, header, r.person_raw if r.section else r.dept_raw,
                              r.person_problem)
        if r.person and r.section_indicator not in section_ids.get(r.person.section.code, ()):
            yield finding("P03", table, r.row, I.SECTION_INDICATOR,
                          f"个人指标{shown(r.id)}的对应科室指标{shown(r.section_indicator)}"
                          f"不是{r.person.section.name}的指标")


# --- 个人扣加分 (P01, P02, P04, P05) ----------------------------------------------------------

def record_rules(table: Table, year: int, rows: list[PersonalRecord],
                 indicators: set[tuple[str, str | None]], only: str | None = None
                 ) -> Iterator[Finding]:
    """`only`: just the checks whose finding names that column (the screens
    of scoring.record_screens run one check each)."""
    R = PersonalRecords
    every = only is None
    for r in rows:
        if (every or only == R.STATUS) and r.status not in (None, contract.Status.VALID):
            yield finding("P04", table, r.row, R.STATUS, f"状态{shown(r.status)}")
        if every or only == R.PERSON:
            yield from p01_person(table, r.row, R.PERSON, r.person_raw, r.person_problem)
        if every or only == R.MONTH:
            yield from p05_month(table, year, r.row, R.MONTH, r.month_raw, r.month, r.person)
        if (every or only == R.KIND) and r.kind not in contract.RecordKind.ALL:
            yield finding("P04", table, r.row, R.KIND, f"类型{shown(r.kind)}")
        if (every or only == R.POINTS) and not positive_tenth(r.points):
            yield finding("P04", table, r.row, R.POINTS, f"分值{shown(r.points_raw)}")
        if (every or only == R.INDICATOR) and r.person and (r.person.id, r.indicator) not in indicators:
            yield finding("P02", table, r.row, R.INDICATOR,
                          f"个人指标编号{shown(r.indicator)}不是{r.person.name}({r.person.id})的个人指标")


# --- 个人月度评定 (P01, P05, P06, P09) -----------------------------------------------------

def review_row_rules(table: Table, year: int, rows: list[MonthlyReview],
                     only: str | None = None) -> Iterator[Finding]:
    """P01, P05 and P06: each on one row's own cells (screened, engine.screen);
    `only` as for `record_rules`."""
    M = MonthlyReviews
    every = only is None
    for r in rows:
        if every or only == M.PERSON:
            yield from p01_person(table, r.row, M.PERSON, r.person_raw, r.person_problem)
        if every or only == M.MONTH:
            yield from p05_month(table, year, r.row, M.MONTH, r.month_raw, r.month, r.person)
        if (every or only == M.GRADE) and r.grade is not None and r.grade not in contract.MonthlyGrade.ALL:
            yield finding("P06", table, r.row, M.GRADE, f"评定等次{shown(r.grade)}")


def p09_monthly(table: Table, rows: list[MonthlyReview], unusable: set[int]) -> Iterator[Finding]:
    """P09: two rows for one person and month. `unusable`: the rows whose
    person or month is in error (P01, P05), which group with none."""
    groups: dict[tuple[str, int], list[MonthlyReview]] = defaultdict(list)
    who: dict[tuple[str, int], tuple[str, Month]] = {}
    for r in rows:
        if r.person and r.month is not None and r.row not in unusable:
            key = (r.person.id, r.month[1])
            if key not in who:
                who[key] = (r.person.name, r.month)
            groups[key].append(r)
    labels = {key: f"{who[key][0]}{month_text(who[key][1])}"
              for key, group in groups.items() if len(group) > 1}
    yield from _p09(table, groups, MonthlyReviews.MONTH, labels)


_K = TypeVar("_K", bound=Hashable)


def _p09(table: Table, groups: Mapping[_K, Sequence[MonthlyReview | AnnualReview]], header: str,
         labels: Mapping[_K, str]) -> Iterator[Finding]:
    """`labels`: who and when each group is, for the message."""
    for key, group in groups.items():
        if len(group) > 1:
            for r in group:
                others = "、".join(f"第{o.row}行" for o in group if o is not r)
                yield finding("P09", table, r.row, header,
                              f"{labels[key]}的评定与{others}重复,这些行都不计入")


# --- 个人年度评定 (P01, P05, P06, P09) -----------------------------------------------------

def annual_review_rules(table: Table, year: int, rows: list[AnnualReview]) -> Iterator[Finding]:
    """Rows of another 年度 are ignored, not validated."""
    A = AnnualReviews
    groups: dict[str, list[AnnualReview]] = defaultdict(list)
    labels: dict[str, str] = {}
    for r in rows:
        if r.year is None:
            yield finding("P05", table, r.row, A.YEAR, f"年度{shown(r.year_raw)}无法识别")
            continue
        if r.year != year:
            continue
        yield from p01_person(table, r.row, A.PERSON, r.person_raw, r.person_problem)
        if r.decided is not None and r.decided not in contract.AnnualGrade.ALL:
            yield finding("P06", table, r.row, A.DECIDED, f"确定等次{shown(r.decided)}")
        if r.person:
            if r.person.id not in groups:
                labels[r.person.id] = f"{r.person.name}{year}年度"
            groups[r.person.id].append(r)
    yield from _p09(table, groups, A.PERSON, labels)
