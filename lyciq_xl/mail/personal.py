"""The individual sheets of a section workbook (SPEC 8 "Need to know").

A section's workbook carries its OWN staff and only theirs: 人员 (locked
reference: the staff list is the office's), 个人指标 (editable drafts, new
rows allowed), 个人扣加分 and 个人月度评定 of the period's months (existing
rows prefilled, empty rows below), and 个人年度评定 for the year and for Q4.
Which rows are "its own" is decided here once, for distribute (split.py)
and collect (personal_merge.py):

- staff: the valid persons (engine rule P11 applied) whose 科室 is the section;
- 个人指标: rows whose 科室 is the section and whose 人员 is one of its staff;
- the other sheets: rows whose 人员 is one of its staff and whose 考核月份
  (年度) lies in the period; rows naming nobody, someone ambiguous or a
  malformed month go to nobody (they are errors of the master: recalc names them).

A master without 人员 gets no individual sheets: its workbooks are as before.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import (
    AnnualReviews,
    MonthlyReviews,
    PersonalBook,
    PersonalIndicators,
    PersonalRecords,
    SectionBook,
    Staff,
)
from lyciq_xl.engine.individual import records as R
from lyciq_xl.engine.individual import rules as P
from lyciq_xl.engine.individual.records import Month, Person, StaffIndex
from lyciq_xl.mail.master import Master
from lyciq_xl.model import Period, Section
from lyciq_xl.table import Row, column_letter

# --- whose rows -------------------------------------------------------------------------


def staff_index(master: Master) -> StaffIndex | None:
    """The master's valid persons (P11 rows left out); None without 人员."""
    if Staff.SHEET not in master.tables:
        return None
    cached = master._index.get(Staff.SHEET)
    if cached is None:
        table = master.tables[Staff.SHEET]
        rows = R.load_staff_rows(table, master.sections)
        rejected = {f.row for f in P.p11_staff(table, rows)}
        cached = StaffIndex(P.people_of([r for r in rows if r.section is not None], rejected),
                            {r.id for r in rows if r.row in rejected and r.id})
        master._index[Staff.SHEET] = cached
    return cached


def people_of(staff: StaffIndex, section: Section) -> list[Person]:
    return [p for p in staff.people if p.section.code == section.code]


def period_months(period: Period) -> tuple[Month, ...]:
    first = 1 if period.is_year else 3 * (period.quarter or 1) - 2
    last = 12 if period.is_year else first + 2
    return tuple((period.year, m) for m in range(first, last + 1))


def with_annual(period: Period) -> bool:
    """个人年度评定 travels with the year's workbook and with Q4's, the
    year's last quarterly return (due by 5 January)."""
    return period.is_year or period.quarter == 4


def sheets_of(master: Master, period: Period) -> list[type[Any]]:
    """The individual sheets this master and period distribute, in order:
    only those the master has (a missing optional sheet gets no rows back)."""
    if Staff.SHEET not in master.tables:
        return []
    specs: list[type[Any]] = [Staff, PersonalIndicators, PersonalRecords, MonthlyReviews]
    if with_annual(period):
        specs.append(AnnualReviews)
    return [s for s in specs if s.SHEET in master.tables]


def person_of(staff: StaffIndex, raw: Any, section: Section | None = None) -> Person | None:
    person, _problem = staff.resolve(raw, section)
    return person


def own_rows(master: Master, staff: StaffIndex, section: Section, spec: type[Any],
             period: Period) -> list[Row]:
    """The section's rows of one individual sheet for `period` (master order)."""
    return _by_section(master, staff, spec, period).get(section.code, [])


def _by_section(master: Master, staff: StaffIndex, spec: type[Any],
                period: Period) -> dict[str, list[Row]]:
    """One pass over the sheet for every section (distribute asks once per
    section: a province has 200 sections and 120,000 records), kept on the
    master like its other indexes."""
    key = (spec.SHEET, str(period))
    found = master._index.get(key)
    if found is not None:
        return found
    out: dict[str, list[Row]] = {}
    master._index[key] = out
    table = master.tables.get(spec.SHEET)
    if table is None:
        return out
    if spec is Staff:
        owners = {p.row: p for p in staff.people}
        for r in table.rows:
            if r.number in owners:
                out.setdefault(owners[r.number].section.code, []).append(r)
        return out
    months = set(period_months(period))
    for r in table.rows:
        if spec is PersonalIndicators:
            section = master.sections.resolve(r[PersonalIndicators.DEPT])
            person = person_of(staff, r[PersonalIndicators.PERSON], section) if section else None
        elif spec is AnnualReviews:
            in_year = R.parse_year(r[AnnualReviews.YEAR]) == period.year
            person = person_of(staff, r[AnnualReviews.PERSON]) if in_year else None
        else:
            month = R.parse_month(r[spec.MONTH])
            person = (person_of(staff, r[spec.PERSON])
                      if month is not None and month in months else None)
        if person is not None:
            out.setdefault(person.section.code, []).append(r)
    return out


# --- how each sheet is offered ------------------------------------------------------------

@dataclass(frozen=True)
class Offer:
    """One individual sheet of the section workbook: which columns are inputs."""
    spec: type[Any]
    inputs: tuple[str, ...]        # unlocked columns of existing rows
    new_columns: tuple[str, ...]   # unlocked columns of the blank rows
    required: tuple[str, ...]      # a new row without these is not imported
    keys: tuple[str, ...]          # the locked columns that identify an existing row


OFFERS = {
    Staff.SHEET: Offer(Staff, (), (), (), (Staff.ID,)),
    PersonalIndicators.SHEET: Offer(PersonalIndicators, PersonalBook.INDICATOR_INPUTS,
                                    PersonalBook.INDICATOR_NEW, PersonalBook.INDICATOR_REQUIRED,
                                    (PersonalIndicators.PERSON, PersonalIndicators.ID)),
    PersonalRecords.SHEET: Offer(PersonalRecords, PersonalBook.RECORD_INPUTS,
                                 PersonalBook.RECORD_NEW, PersonalBook.RECORD_REQUIRED,
                                 (PersonalRecords.MONTH, PersonalRecords.PERSON,
                                  PersonalRecords.INDICATOR, PersonalRecords.KIND)),
    MonthlyReviews.SHEET: Offer(MonthlyReviews, PersonalBook.REVIEW_INPUTS,
                                PersonalBook.REVIEW_NEW, PersonalBook.REVIEW_REQUIRED,
                                (MonthlyReviews.MONTH, MonthlyReviews.PERSON)),
    AnnualReviews.SHEET: Offer(AnnualReviews, PersonalBook.ANNUAL_INPUTS,
                               PersonalBook.ANNUAL_NEW, PersonalBook.ANNUAL_REQUIRED,
                               (AnnualReviews.YEAR, AnnualReviews.PERSON)),
}
WIDE_COLUMNS = (PersonalIndicators.NAME, PersonalIndicators.CONTENT, PersonalIndicators.STANDARD,
                PersonalRecords.REASON, MonthlyReviews.COMMENT, AnnualReviews.NOTE)


def new_rows(sheet: str, staff: int, months: int) -> int:
    """Blank rows offered below the existing ones: enough for one record or
    review per person and month (two records), never fewer than the
    section sheets' 10. Recomputed on collect from the signed 人员 rows and
    period, so a file cannot claim more."""
    if sheet == PersonalRecords.SHEET:
        return max(SectionBook.NEW_ROWS, 2 * staff * months)
    if sheet == MonthlyReviews.SHEET:
        return max(SectionBook.NEW_ROWS, staff * months)
    if sheet == PersonalIndicators.SHEET:
        return max(SectionBook.NEW_ROWS, 2 * staff)
    if sheet == AnnualReviews.SHEET:
        return max(SectionBook.NEW_ROWS, staff)
    return 0


def month_cell(value: Any) -> Any:
    """A 考核月份 as distributed: 'YYYY-MM' text whatever the master holds."""
    month = R.parse_month(value)
    return R.month_text(month) if month else value


# --- drop-downs and rules of the distributed sheets ---------------------------------------

Rule = Callable[..., None]


def text_format(ws: Any, header: str, col: int, ranges: list[tuple[int, int]]) -> None:
    """Month cells stay text: Excel would turn a typed 2014-07 into a date."""
    for first, last in ranges:
        for r in range(first, last + 1):
            ws.cell(row=r, column=col).number_format = "@"


def tenth_rule(ws: Any, header: str, col: int, ranges: list[tuple[int, int]]) -> None:
    """分值: a number > 0 in whole tenths (SPEC 8, P04), as the master requires."""
    from openpyxl.worksheet.datavalidation import DataValidation
    letter = column_letter(col - 1)
    top = f"{letter}{ranges[0][0]}"
    dv = DataValidation(type="custom", allow_blank=True, showErrorMessage=True,
                        errorTitle="输入错误",
                        formula1=f"AND(ISNUMBER({top}),{top}>0,ROUND({top}*10,0)={top}*10)",
                        error=f"“{header}”须为大于0、以0.1分为单位的数字,如0.5")
    for first, last in ranges:
        dv.add(f"{letter}{first}:{letter}{last}")
    ws.add_data_validation(dv)


# Excel keeps at most 255 characters of a validation's input message
PROMPT_MAX = 255


def people_prompt(people: list[Person]) -> str:
    """Who the drop-down's 人员编号 are, shown when a 人员 cell is selected:
    the list holds the ids only (Excel lists one column)."""
    head, more = "人员编号 姓名:", f"……(全部见“{Staff.SHEET}”表)"
    text = head
    for i, p in enumerate(people):
        entry = ("、" if i else "") + f"{p.id} {p.name}"
        if len(text) + len(entry) + (len(more) if i < len(people) - 1 else 0) > PROMPT_MAX:
            return text + more
        text += entry
    return text


def lists(spec: type[Any], period: Period, staff_count: int) -> dict[str, tuple[str, ...] | str]:
    """Drop-downs of a sheet: the contract's scales (as in the sample master),
    the period's months, the 年度, and the section's own 人员编号."""
    people = f"'{Staff.SHEET}'!$A$2:$A${staff_count + 1}"
    months = tuple(R.month_text(m) for m in period_months(period))
    by_sheet: dict[type[Any], dict[str, tuple[str, ...] | str]] = {
        PersonalIndicators: {PersonalIndicators.PERSON: people},
        PersonalRecords: {PersonalRecords.MONTH: months, PersonalRecords.PERSON: people,
                          PersonalRecords.KIND: contract.RecordKind.ALL,
                          PersonalRecords.STATUS: contract.Status.ALL},
        MonthlyReviews: {MonthlyReviews.MONTH: months, MonthlyReviews.PERSON: people,
                         MonthlyReviews.GRADE: contract.MonthlyGrade.ALL},
        AnnualReviews: {AnnualReviews.YEAR: (str(period.year),), AnnualReviews.PERSON: people,
                        AnnualReviews.DECIDED: contract.AnnualGrade.ALL},
    }
    return by_sheet.get(spec, {})


def rules(spec: type[Any]) -> dict[str, Rule]:
    if spec is PersonalRecords:
        return {PersonalRecords.MONTH: text_format, PersonalRecords.POINTS: tenth_rule}
    if spec is MonthlyReviews:
        return {MonthlyReviews.MONTH: text_format}
    if spec is AnnualReviews:
        return {AnnualReviews.YEAR: text_format}
    return {}


def guide_lines(period: Period) -> list[str]:
    months = "、".join(R.month_text(m) for m in period_months(period))
    lines = [
        f"9. 个人考核(第六条):“{Staff.SHEET}”表是本科室人员名单,仅供核对,不能修改(人员变动请告知绩效办)。"
        f"“{PersonalIndicators.SHEET}”表可修改{'、'.join(PersonalBook.INDICATOR_INPUTS)},"
        "也可在下方黄色空行新增个人指标;新增或改动的个人指标汇总后为“草拟”,须分管局长审核。",
        f"10. “{PersonalRecords.SHEET}”和“{MonthlyReviews.SHEET}”表:本期月份为{months};"
        "已有记录可修改黄色单元格(错录的扣加分请把状态改为“撤销”后在下方另起一行),"
        "新记录填写在下方黄色空行中;人员请从下拉列表选择本科室的人员编号"
        "(选中单元格时提示各编号对应的姓名),分值以0.1分为单位。",
        "11. 个人考核结果须在每季度结束后次月5日前报送绩效办;只能填写本科室人员,"
        "填写其他人员的行汇总时不导入。",
    ]
    if with_annual(period):
        lines.append(f"12. “{AnnualReviews.SHEET}”表:年度确定等次(优秀、称职、基本称职、不称职)"
                     "由领导研究确定后填写。")
    return lines


def foreign_people(master: Master, section: Section) -> tuple[set[str], set[str]]:
    """(other sections' 姓名, 人员编号 and 个人指标编号; the section's own) -
    the tokens that must not reach this section's workbook."""
    staff = staff_index(master)
    if staff is None:
        return set(), set()
    own: set[str] = set()
    foreign: set[str] = set()
    for person in staff.people:
        (own if person.section.code == section.code else foreign).update((person.id, person.name))
    table = master.tables.get(PersonalIndicators.SHEET)
    for row in (table.rows if table is not None else []):
        ident = R._key(row[PersonalIndicators.ID])
        owner = person_of(staff, row[PersonalIndicators.PERSON])
        if ident and owner is not None:
            (own if owner.section.code == section.code else foreign).add(ident)
    return foreign - own - {""}, own


class Words:
    """Does a text contain any of a set of words? Each of the text's
    substrings of a word's length is looked up in the set: len(text) × (the
    distinct lengths) lookups, where asking `word in text` of every word
    scans the text once per word — 2,000 people's names and ids (and their
    个人指标编号) at province scale, for every text cell of every section."""

    def __init__(self, words: set[str]) -> None:
        self.words = frozenset(words)
        self.lengths = sorted({len(w) for w in self.words})

    def __bool__(self) -> bool:
        return bool(self.words)

    def found_in(self, text: str) -> bool:
        words, size = self.words, len(text)
        for length in self.lengths:
            if length > size:
                return False
            for start in range(size - length + 1):
                if text[start:start + length] in words:
                    return True
        return False


def redact_people(grid: list[list[Any]], foreign: set[str], own: set[str],
                  keep: set[int], redacted: str) -> list[list[Any]]:
    """Blank out text cells that merely CONTAIN another section's person (a
    事由 naming a colleague elsewhere): names and ids of two characters or more."""
    needles = Words({t for t in foreign if len(t) >= 2})
    if not needles:
        return grid
    seen: dict[str, bool] = {}

    def hides(value: Any) -> bool:
        if not isinstance(value, str) or value in own:
            return False
        if value not in seen:
            seen[value] = needles.found_in(value)
        return seen[value]
    return [grid[0]] + [[redacted if c not in keep and hides(v) else v for c, v in enumerate(row)]
                        for row in grid[1:]]
