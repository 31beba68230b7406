"""Individual performance (SPEC section 8): typed rows parsed once from the
individual sheets, and the individual 参数.

Like engine.records: parsing never rejects a data row, it keeps the raw
value and its parsed form so the rules can name the exact cell. Only the
参数 values raise InputError (a broken scale makes every grade meaningless).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeGuard

from lyciq_xl import contract
from lyciq_xl.contract import (
    AnnualReviews,
    IndividualParamKey,
    MonthlyReviews,
    Params,
    PersonalIndicators,
    PersonalRecords,
    Staff,
)
from lyciq_xl.engine.records import memo, text_of
from lyciq_xl.engine.screen import CodedRows
from lyciq_xl.errors import InputError
from lyciq_xl.model import Section, SectionIndex
from lyciq_xl.table import ColumnarTable, Table, as_decimal, as_text

Month = tuple[int, int]          # (year, month)


# --- months ----------------------------------------------------------------------------

_MONTH_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


def parse_month(value: Any) -> Month | None:
    """'2014-03', '2014/3', '2014年3月' or a date cell -> (2014, 3). A number
    is refused: 2014.10 is stored as 2014.1 and would read as January."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month
    if not isinstance(value, str):
        return None
    match = _MONTH_TEXT.fullmatch(unicodedata.normalize("NFKC", value).strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def month_text(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"


def parse_year(value: Any) -> int | None:
    """个人年度评定.年度: 2014, '2014', '2014年'."""
    text = as_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).strip().removesuffix("年")
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def _key(value: Any) -> str | None:
    text = as_text(value)
    return unicodedata.normalize("NFKC", text).strip() or None if text else None


# --- 参数 -------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndividualSettings:
    base: Decimal                          # 个人基础分
    bonus_cap: Decimal                     # 个人月加分上限
    monthly_bounds: tuple[tuple[str, Decimal], ...]   # (grade, lower bound), best first
    incompetent_line: Decimal              # 个人不称职分数线
    basic_line: Decimal                    # 个人基本称职分数线
    poor_months: int                       # 不称职:较差月数
    ratios: dict[str, Decimal]             # section's annual 等次 -> 个人优秀比例

    def monthly_grade(self, score: Decimal) -> str:
        for grade, bound in self.monthly_bounds:
            if score >= bound:
                return grade
        return contract.MonthlyGrade.POOR


def _ratio(raw: Any) -> Decimal | None:
    """0.2, '0.2' or '20%'."""
    text = as_text(raw)
    if text and unicodedata.normalize("NFKC", text).strip().endswith("%"):
        number = as_decimal(unicodedata.normalize("NFKC", text).strip()[:-1])
        return None if number is None else number / 100
    return as_decimal(raw)


def load_individual_settings(table: Table) -> IndividualSettings:
    K = IndividualParamKey
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for row in table.rows:
        key = as_text(row[Params.KEY])
        if key:
            key = unicodedata.normalize("NFKC", key).strip()
            values[key], cells[key] = row[Params.VALUE], table.address(row, Params.VALUE)
    defaults = {key: value for key, value, _ in contract.DEFAULT_INDIVIDUAL_PARAMS}

    def bad(key: str, what: str) -> InputError:
        where = f"单元格 {cells[key]} 的" if key in cells else ""
        return InputError(f"工作表“{Params.SHEET}”{where}参数“{key}”{what}。")

    def number(key: str) -> Decimal:
        value = as_decimal(values.get(key, defaults.get(key)))
        if value is None:
            raise bad(key, "须为数字")
        return value

    bounds = {}
    for key in set(values) | {k for k in defaults if k.startswith(K.MONTHLY_GRADE_PREFIX)}:
        if key.startswith(K.MONTHLY_GRADE_PREFIX):
            grade = key[len(K.MONTHLY_GRADE_PREFIX):].strip()
            if grade not in contract.MonthlyGrade.ALL:
                raise bad(key, f"的等次“{grade}”不正确,须为{'、'.join(contract.MonthlyGrade.ALL)}之一")
            bounds[grade] = number(key)
    ordered = tuple((g, bounds[g]) for g in contract.MonthlyGrade.ALL if g in bounds)
    if any(a[1] < b[1] for a, b in zip(ordered, ordered[1:])):
        raise InputError(f"工作表“{Params.SHEET}”中以“{K.MONTHLY_GRADE_PREFIX}”开头的分数线"
                         f"须按好、较好、一般依次不升高。")
    ratios = {}
    for grade in (contract.Grade.EXCELLENT, contract.Grade.PASS, contract.Grade.FAIL):
        key = K.EXCELLENT_RATIO_PREFIX + grade
        ratio = _ratio(values.get(key, defaults[key]))
        if ratio is None or not 0 <= ratio <= 1:
            raise bad(key, "须为0到1之间的比例(如 0.2 或 20%)")
        ratios[grade] = ratio
    poor = number(K.POOR_MONTHS)
    if poor != poor.to_integral() or poor < 1:
        raise bad(K.POOR_MONTHS, "须为正整数")
    cap = number(K.BONUS_CAP)
    if cap < 0:
        raise bad(K.BONUS_CAP, "须为非负数字")
    return IndividualSettings(number(K.BASE), cap, ordered, number(K.INCOMPETENT_LINE),
                              number(K.BASIC_LINE), int(poor), ratios)


# --- 人员 --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    id: str
    name: str
    section: Section
    post: str | None
    rank: str | None
    status: str                      # 在岗 / 离岗
    start: Month | None
    end: Month | None
    row: int

    def months_in_post(self, year: int) -> tuple[int, ...]:
        """Months of `year` inside 起始/截止月份; none for 离岗 without 截止月份."""
        return _months_in_post(self.status, self.start, self.end, year)


@functools.lru_cache(maxsize=1024)      # a few distinct (status, start, end) per bureau
def _months_in_post(status: str, start: Month | None, end: Month | None,
                    year: int) -> tuple[int, ...]:
    if status == contract.StaffStatus.OFF and end is None:
        return ()
    return tuple(m for m in range(1, 13)
                 if (start is None or (year, m) >= start) and (end is None or (year, m) <= end))


@dataclass(slots=True)
class StaffRow:
    """A 人员 row as typed, before P11 decides whether it is a person."""
    row: int
    id: str | None
    name: str | None
    dept_raw: Any
    section: Section | None
    post: str | None
    rank: str | None
    status: str | None
    start_raw: Any
    start: Month | None
    end_raw: Any
    end: Month | None


def load_staff_rows(table: Table, sections: SectionIndex) -> list[StaffRow]:
    S = Staff
    return [StaffRow(r.number, _key(r[S.ID]), as_text(r[S.NAME]), r[S.DEPT],
                     sections.resolve(r[S.DEPT]), as_text(r[S.POST]), as_text(r[S.RANK]),
                     as_text(r[S.STATUS]), r[S.START], parse_month(r[S.START]),
                     r[S.END], parse_month(r[S.END]))
            for r in table.rows]


@dataclass
class StaffIndex:
    """The valid persons (P11 rows left out), found by 人员编号 or 姓名."""
    people: list[Person]
    rejected_ids: set[str] = field(default_factory=set)      # ids of P11 rows
    by_id: dict[str, Person] = field(default_factory=dict)
    by_name: dict[str, list[Person]] = field(default_factory=dict)
    # (cell type, cell, 科室代码) -> resolve's answer: distribute asks for
    # every section about every 个人指标 row (200 × 4,000 at province scale)
    _resolved: dict[tuple[type, Any, str | None], tuple[Person | None, str | None]] = field(
        default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for p in self.people:
            self.by_id[p.id] = p
            self.by_name.setdefault(p.name, []).append(p)

    def resolve(self, raw: Any, section: Section | None = None) -> tuple[Person | None, str | None]:
        """A 人员 cell -> (person, None) or (None, why not, in Chinese). With
        `section` (sheets with a 科室 column) a 姓名 is looked up in that
        section and the person must belong to it."""
        at = (type(raw), raw, section.code if section else None)     # (True == 1)
        found = self._resolved.get(at)
        if found is None:
            found = self._resolved[at] = self._resolve(raw, section)
        return found

    def _resolve(self, raw: Any, section: Section | None) -> tuple[Person | None, str | None]:
        key = _key(raw)
        if key is None:
            return None, "人员为空"
        person = self.by_id.get(key)
        if person is None:
            candidates = self.by_name.get(key, [])
            here = [p for p in candidates if section is None or p.section.code == section.code]
            if len(here) > 1:
                where = f"{section.name}内" if section else "全局"
                return None, f"姓名“{key}”在{where}有{len(here)}人重名,请改填人员编号"
            if not here:
                if candidates and section is not None:   # (without a section, here is candidates)
                    return None, f"“{key}”不是{section.name}的人员"
                if key in self.rejected_ids:
                    return None, f"人员编号“{key}”在“{Staff.SHEET}”表中有误(见规则P11)"
                return None, f"“{key}”不在“{Staff.SHEET}”表中"
            person = here[0]
        if section is not None and person.section.code != section.code:
            return None, f"{person.name}({person.id})属于{person.section.name},不是{section.name}的人员"
        return person, None


# --- 个人指标, 个人扣加分, 个人月度评定, 个人年度评定 ----------------------------------------

@dataclass(slots=True)
class PersonalIndicator:
    row: int
    dept_raw: Any
    section: Section | None
    person_raw: Any
    person: Person | None
    person_problem: str | None
    id: str | None
    name: str | None
    section_indicator: str | None
    content: str | None
    standard: str | None
    approval: str | None


@dataclass(slots=True)
class PersonalRecord:
    row: int
    month_raw: Any
    month: Month | None
    person_raw: Any
    person: Person | None
    person_problem: str | None
    indicator: str | None
    kind: str | None
    points_raw: Any
    points: Decimal | None
    reason: str | None
    recorder: str | None
    status: str | None             # blank is read as 有效


@dataclass(slots=True)
class MonthlyReview:
    row: int
    month_raw: Any
    month: Month | None
    person_raw: Any
    person: Person | None
    person_problem: str | None
    grade: str | None
    comment: str | None
    reviewer: str | None


@dataclass(slots=True)
class AnnualReview:
    row: int
    year_raw: Any
    year: int | None
    person_raw: Any
    person: Person | None
    person_problem: str | None
    decided: str | None
    note: str | None


# What the rules let count (P01, P04, P05 are errors; scoring.evaluate_individual
# checks each list once with the guards below). Refinements for the type
# checker only, like engine.records.CountedDeduction: at run time they are
# the rows parsed.
if TYPE_CHECKING:
    class ValidIndicator(PersonalIndicator):
        person: Person

    class CountedRecord(PersonalRecord):
        person: Person
        month: Month
        kind: str
        points: Decimal

    class CountedReview(MonthlyReview):
        person: Person
        month: Month

    class CountedAnnual(AnnualReview):
        person: Person
        year: int
else:
    ValidIndicator, CountedRecord = PersonalIndicator, PersonalRecord
    CountedReview, CountedAnnual = MonthlyReview, AnnualReview


def all_valid_indicators(rows: list[PersonalIndicator]) -> TypeGuard[list[ValidIndicator]]:
    return all(r.person is not None for r in rows)


def all_counted_records(rows: list[PersonalRecord]) -> TypeGuard[list[CountedRecord]]:
    return all(r.person is not None and r.month is not None and r.kind is not None
               and r.points is not None for r in rows)


def all_counted_reviews(rows: list[MonthlyReview]) -> TypeGuard[list[CountedReview]]:
    return all(r.person is not None and r.month is not None for r in rows)


def all_counted_annual(rows: list[AnnualReview]) -> TypeGuard[list[CountedAnnual]]:
    return all(r.person is not None and r.year is not None for r in rows)


def load_personal_indicators(table: Table, sections: SectionIndex,
                             staff: StaffIndex) -> list[PersonalIndicator]:
    I = PersonalIndicators
    out = []
    dept = memo(sections.resolve)
    for r in table.rows:
        section = dept(r[I.DEPT])
        person: Person | None
        problem: str | None
        if section is None:
            person, problem = None, f"科室“{as_text(r[I.DEPT]) or ''}”不存在"
        else:
            person, problem = staff.resolve(r[I.PERSON], section)
        out.append(PersonalIndicator(r.number, r[I.DEPT], section, r[I.PERSON], person, problem,
                                     _key(r[I.ID]), as_text(r[I.NAME]), _key(r[I.SECTION_INDICATOR]),
                                     as_text(r[I.CONTENT]), as_text(r[I.STANDARD]),
                                     as_text(r[I.APPROVAL])))
    return out


def load_records(table: Table, staff: StaffIndex) -> list[PersonalRecord]:
    R = PersonalRecords
    # each column parsed once per distinct value (120,000 rows at province scale)
    month, person, key, number = memo(parse_month), memo(staff.resolve), memo(_key), memo(as_decimal)
    out = []
    for r in table.rows:
        v = r.values
        raw_person, points = v[R.PERSON], v[R.POINTS]
        found, problem = person(raw_person)
        out.append(PersonalRecord(r.number, v[R.MONTH], month(v[R.MONTH]), raw_person,
                                  found, problem, key(v[R.INDICATOR]), key(v[R.KIND]),
                                  points, number(points), text_of(v[R.REASON]),
                                  text_of(v.get(R.RECORDER)), key(v[R.STATUS])))
    return out


def load_coded_records(table: Table, staff: StaffIndex
                       ) -> tuple[list[PersonalRecord], dict[str, Sequence[int]] | None]:
    """`load_records`, and for a big sheet still in columns (ColumnarTable)
    each column's codes aligned with the records, or None (as
    engine.records.load_coded_deductions)."""
    if not isinstance(table, ColumnarTable) or table.materialised:
        return load_records(table, staff), None
    R, c = PersonalRecords, CodedRows(table)
    records = list(map(
        PersonalRecord, *_row_month_person(c, R.MONTH, R.PERSON, staff), c.parsed(R.INDICATOR, _key),
        c.parsed(R.KIND, _key), c.raw(R.POINTS), c.parsed(R.POINTS, as_decimal), c.text(R.REASON),
        c.text(R.RECORDER), c.parsed(R.STATUS, _key)))
    return records, c.codes


def _row_month_person(c: CodedRows, month: str, person: str, staff: StaffIndex) -> list[list[Any]]:
    """The leading fields of PersonalRecord and MonthlyReview, column by
    column: row, month (raw, parsed), person (raw, resolved, problem)."""
    people = c.parsed(person, staff.resolve)
    return [c.numbers, c.raw(month), c.parsed(month, parse_month), c.raw(person),
            [p for p, _ in people], [problem for _, problem in people]]


def load_monthly_reviews(table: Table, staff: StaffIndex) -> list[MonthlyReview]:
    M = MonthlyReviews
    month, person, key = memo(parse_month), memo(staff.resolve), memo(_key)
    out = []
    for r in table.rows:
        v = r.values
        found, problem = person(v[M.PERSON])
        out.append(MonthlyReview(r.number, v[M.MONTH], month(v[M.MONTH]), v[M.PERSON],
                                 found, problem, key(v.get(M.GRADE)), text_of(v.get(M.COMMENT)),
                                 text_of(v.get(M.REVIEWER))))
    return out


def load_coded_reviews(table: Table, staff: StaffIndex
                       ) -> tuple[list[MonthlyReview], dict[str, Sequence[int]] | None]:
    """`load_monthly_reviews`, with each column's codes for a sheet still in
    columns (as `load_coded_records`): 24,000 rows at province scale."""
    if not isinstance(table, ColumnarTable) or table.materialised:
        return load_monthly_reviews(table, staff), None
    M, c = MonthlyReviews, CodedRows(table)
    reviews = list(map(MonthlyReview, *_row_month_person(c, M.MONTH, M.PERSON, staff),
                       c.parsed(M.GRADE, _key), c.text(M.COMMENT), c.text(M.REVIEWER)))
    return reviews, c.codes


def load_annual_reviews(table: Table, staff: StaffIndex) -> list[AnnualReview]:
    A = AnnualReviews
    out = []
    for r in table.rows:
        person, problem = staff.resolve(r[A.PERSON])
        out.append(AnnualReview(r.number, r[A.YEAR], parse_year(r[A.YEAR]), r[A.PERSON],
                                person, problem, _key(r[A.DECIDED]), as_text(r[A.NOTE])))
    return out


def individual_table(tables: dict[str, Table], spec: type[Any]) -> Table:
    """The sheet's Table without rows blank in every contract column; an
    absent sheet reads as empty (every individual sheet but 人员 is optional)."""
    table = tables.get(spec.SHEET)
    if table is None:
        return Table(spec.SHEET, {h: i for i, h in enumerate(spec.COLUMNS)}, [])
    if set(table.columns) <= set(spec.COLUMNS):
        return table            # table_from_grid already left out the blank rows
    columns = [h for h in spec.COLUMNS if h in table.columns]
    if isinstance(table, ColumnarTable) and not table.materialised:
        keep = table.nonblank(columns)
        return table if len(keep) == len(table.keep) else table.restricted(keep)
    rows = [r for r in table.rows if any(r.values.get(h) is not None for h in columns)]
    return table if len(rows) == len(table.rows) else Table(table.sheet, table.columns, rows,
                                                            table.repeated)
