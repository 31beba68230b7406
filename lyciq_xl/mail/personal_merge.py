"""Merge the individual sheets of a verified section workbook (SPEC 8), with
every guarantee of the section sheets (merge.py): three-way per cell against
the signed base, conflicts kept and reported, new rows appended, returns in
save order (collect.py), formulas never imported.

Need to know on the way in: a row must name one of the section's OWN staff
(the master's 人员 now). A new row naming anyone else is not imported, and
the receipt says so without repeating who was named; 人员 itself is locked
(its cells are covered by the HMAC: a change refuses the whole file).

Rows are matched, not located: an existing row by the locked cells that
identify it (人员 + 个人指标编号; 人员 + 考核月份; 人员 + 年度; for 个人扣加分,
which has no id, 考核月份 + 人员 + 个人指标编号 + 类型 and, among equal rows,
the one whose editable cells are still as distributed). What the section
may fill is checked as recalc would (P01, P04, P05, P06); references between
rows (P02, P03) are left to recalc, which names them. A value refused here
is not imported and counts as a refused row: collect exits 1.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import (
    AnnualReviews,
    Approval,
    MonthlyReviews,
    PersonalIndicators,
    PersonalRecords,
    ReceiptBook,
    Staff,
)
from lyciq_xl.engine.findings import shown
from lyciq_xl.engine.individual import records as R
from lyciq_xl.engine.individual.records import Person, StaffIndex
from lyciq_xl.engine.rules import positive_tenth
from lyciq_xl.mail import personal
from lyciq_xl.mail.merge import FileRow, Merger, Target, canon_text, clean, sheet_untouched
from lyciq_xl.mail.outcome import Change, Outcome
from lyciq_xl.mail.verify import Verified
from lyciq_xl.table import Row, Table, as_decimal, normalise_header

Key = tuple[Any, ...]


# --- what a section may write --------------------------------------------------------------

def _rule_text(code: str, header: str, value: Any, what: str) -> str:
    rule = contract.RULES[code]
    return f"“{header}”{shown(value)}{what}(规则{code}:{rule.title}),未导入。{rule.fix}"


def value_problem(sheet: str, header: str, value: Any, months: set[R.Month], year: int) -> str | None:
    """Why a filled cell cannot be imported, naming the rule and the fix; None if fine."""
    text = canon_text(value)
    if sheet == PersonalRecords.SHEET:
        if header == PersonalRecords.POINTS and not positive_tenth(as_decimal(value)):
            return _rule_text("P04", header, value, "不是大于0、以0.1分为单位的数字")
        if header == PersonalRecords.KIND and text not in contract.RecordKind.ALL:
            return _rule_text("P04", header, value, "不是扣分或加分")
        if header == PersonalRecords.STATUS and text not in ("",) + contract.Status.ALL:
            return _rule_text("P04", header, value, "不是有效或撤销")
    if sheet == MonthlyReviews.SHEET and header == MonthlyReviews.GRADE \
            and text not in ("",) + contract.MonthlyGrade.ALL:
        return _rule_text("P06", header, value, "不在好、较好、一般、较差之中")
    if sheet == AnnualReviews.SHEET and header == AnnualReviews.DECIDED \
            and text not in ("",) + contract.AnnualGrade.ALL:
        return _rule_text("P06", header, value, "不在优秀、称职、基本称职、不称职之中")
    if header == PersonalRecords.MONTH and sheet in (PersonalRecords.SHEET, MonthlyReviews.SHEET) \
            and R.parse_month(value) not in months:
        shown_months = "、".join(R.month_text(m) for m in sorted(months))
        return _rule_text("P05", header, value, f"不是本期的月份({shown_months})")
    if sheet == AnnualReviews.SHEET and header == AnnualReviews.YEAR and R.parse_year(value) != year:
        return _rule_text("P05", header, value, f"不是本年度({year})")
    return None


def _unknown_person(headers_note: str) -> str:
    rule = contract.RULES["P01"]
    # the value is not repeated: it may name someone of another section
    return (f"{headers_note}不是本科室“{Staff.SHEET}”表中的人员(规则P01:{rule.title}),"
            f"此行未导入。请从下拉列表选择本科室人员的人员编号。")


# --- keys ---------------------------------------------------------------------------------

def key_of(sheet: str, values: dict[str, Any], person: Person) -> Key:
    if sheet == PersonalIndicators.SHEET:
        return (person.id, canon_text(values.get(PersonalIndicators.ID)))
    if sheet == PersonalRecords.SHEET:
        return (R.parse_month(values.get(PersonalRecords.MONTH)), person.id,
                canon_text(values.get(PersonalRecords.INDICATOR)),
                canon_text(values.get(PersonalRecords.KIND)))
    if sheet == MonthlyReviews.SHEET:
        return (R.parse_month(values.get(MonthlyReviews.MONTH)), person.id)
    return (R.parse_year(values.get(AnnualReviews.YEAR)), person.id)


def ident_text(key: Key) -> str:
    """The key as 回收变更's 指标编号 (and the section's own-value memory)."""
    parts = [R.month_text(k) if isinstance(k, tuple) else str(k) for k in key if k not in (None, "")]
    return " ".join(parts)


UNIQUE = (PersonalIndicators.SHEET, MonthlyReviews.SHEET, AnnualReviews.SHEET)   # one row per key


# --- the merge ----------------------------------------------------------------------------

@dataclass
class Context:
    merger: Merger
    verified: Verified
    out: Outcome
    staff: StaffIndex
    people: dict[str, Person]                  # the section's staff now, by 人员编号
    months: set[R.Month]
    offered: dict[str, int] = field(default_factory=dict)     # sheet -> blank rows offered

    @property
    def year(self) -> int:
        return self.verified.period.year


def merge(merger: Merger, verified: Verified, out: Outcome) -> None:
    """The individual sheets of one accepted return, into merger's patches."""
    if Staff.SHEET not in verified.rows:
        return                        # distributed without individual sheets
    out.personal = True
    staff = personal.staff_index(merger.master)
    people = {p.id: p for p in personal.people_of(staff, verified.section)} if staff else {}
    ctx = Context(merger, verified, out, staff or StaffIndex([]), people,
                  set(personal.period_months(verified.period)))
    count = verified.rows[Staff.SHEET] - 1
    for sheet in contract.PersonalBook.SHEETS[1:]:
        if sheet in verified.rows and verified.book.sheets.get(sheet):
            ctx.offered[sheet] = personal.new_rows(sheet, count, len(ctx.months))
            _merge_sheet(ctx, sheet)


def _master_index(ctx: Context, table: Table) -> dict[Key, list[Row]]:
    """The master's rows of the section's staff, by key."""
    index: dict[Key, list[Row]] = {}
    sheet = table.sheet
    for row in table.rows:
        if sheet == PersonalIndicators.SHEET:
            section = ctx.merger.master.sections.resolve(row[PersonalIndicators.DEPT])
            if section != ctx.verified.section:
                continue
            person = personal.person_of(ctx.staff, row[PersonalIndicators.PERSON], section)
        else:
            person = personal.person_of(ctx.staff, row[personal.OFFERS[sheet].spec.PERSON])
        if person is not None and person.id in ctx.people:
            index.setdefault(key_of(sheet, row.values, person), []).append(row)
    return index


def _merge_sheet(ctx: Context, sheet: str) -> None:
    offer = personal.OFFERS[sheet]
    table = ctx.merger.master.tables.get(sheet)
    book = ctx.verified.book
    grid = book.sheets[sheet]
    headers = [normalise_header(h) for h in grid[0]]
    formulas = book.formulas.get(sheet, set())
    locked = ctx.verified.rows[sheet]
    limit = locked + ctx.offered[sheet]
    index = _master_index(ctx, table) if table is not None else {}
    seen: set[Key] = set()
    used: set[int] = set()
    for r, line in enumerate(grid[1:], start=2):
        values = {h: clean(line[c]) if c < len(line) else None for c, h in enumerate(headers) if h}
        row = FileRow(sheet, r, "", values, headers, formulas, ctx.verified.base, ctx.out,
                      ctx.verified.section, new=r > locked)
        if row.new and not any(values.get(h) is not None for h in offer.new_columns):
            continue
        if table is None:
            _no_sheet(ctx, row)
        elif not row.new:
            _existing(ctx, row, table, index, seen, used)
        elif r > limit:
            _refused(ctx, row, f"超出黄色空行(本表最多{ctx.offered[sheet]}行),此行未导入;"
                     "如需更多行请与绩效办联系。")
        else:
            _new(ctx, row, table, index, seen)


def _refused(ctx: Context, row: FileRow, detail: str, header: str | None = None) -> None:
    row.note(ReceiptBook.SKIPPED, detail, header)


def _no_sheet(ctx: Context, row: FileRow) -> None:
    detail = f"主工作簿中没有“{row.sheet}”工作表,该表的内容未导入;请与绩效办联系。"
    if not any(n.detail == detail for n in ctx.out.notes):
        row.note(ReceiptBook.SKIPPED, detail)


def _changed(row: FileRow, columns: Iterable[str]) -> bool:
    return any(canon_text(row.values.get(h)) != row.base_of(h) for h in columns)


def _existing(ctx: Context, row: FileRow, table: Table, index: dict[Key, list[Row]],
              seen: set[Key], used: set[int]) -> None:
    """A signed row: its identifying cells are as distributed (HMAC); merge its inputs."""
    offer = personal.OFFERS[row.sheet]
    section = ctx.verified.section if row.sheet == PersonalIndicators.SHEET else None
    person = personal.person_of(ctx.staff, row.values.get(offer.spec.PERSON), section)
    if person is None or person.id not in ctx.people:
        if _changed(row, offer.inputs):
            row.note(ReceiptBook.SKIPPED, f"该行的人员已不在本科室“{Staff.SHEET}”表中,此行未导入;"
                     "请与绩效办联系。")
        return
    key = key_of(row.sheet, row.values, person)
    seen.add(key)
    row.ident = ident_text(key)
    target = _pick(row, index.get(key, []), used)
    if target is None:
        if _changed(row, offer.inputs):
            row.note(ReceiptBook.SKIPPED, "主工作簿中已没有该行(或已被改动、重复),此行未导入;"
                     "请与绩效办联系。")
        return
    used.add(target.number)
    before = len(ctx.out.changes)
    for header in offer.inputs:
        _cell(ctx, row, Target(table, target.number), header)
    _reapprove(ctx, row, Target(table, target.number), before)


def _pick(row: FileRow, candidates: list[Row], used: set[int]) -> Row | None:
    """The master row of a signed file row: the only one with its key, or
    (个人扣加分 has no id) the first unused one still as distributed."""
    free = [r for r in candidates if r.number not in used]
    if len(candidates) == 1:
        return free[0] if free else None
    if row.sheet in UNIQUE:
        return None                   # duplicated in the master (P09): which one is unclear
    inputs = personal.OFFERS[row.sheet].inputs
    same = [r for r in free if all(canon_text(r[h]) == row.base_of(h) for h in inputs)]
    return same[0] if same else None


def _cell(ctx: Context, row: FileRow, target: Target, header: str) -> None:
    merger = ctx.merger
    if header not in target.table.columns:
        merger._no_column(row, header)
        return
    value = row.values.get(header)
    if canon_text(value) == row.base_of(header):
        return
    if row.address(header) in row.formulas:
        _refused(ctx, row, "该单元格是公式,未导入;请直接填写文字或数字。", header)
        return
    problem = value_problem(row.sheet, header, value, ctx.months, ctx.year)
    if problem:
        _refused(ctx, row, problem, header)
        return
    merger._set(row, target, header, ReceiptBook.ADDED if row.new else ReceiptBook.CHANGED)


def _own_person(ctx: Context, raw: Any) -> Person | None:
    """A new row's 人员: one of the section's staff by 人员编号, or by a 姓名
    unique among them."""
    key = R._key(raw)
    if key is None:
        return None
    if key in ctx.people:
        return ctx.people[key]
    named = [p for p in ctx.people.values() if p.name == key]
    return named[0] if len(named) == 1 else None


def _new(ctx: Context, row: FileRow, table: Table, index: dict[Key, list[Row]],
         seen: set[Key]) -> None:
    """A filled blank row: checked whole, then appended (or, for a key the
    master got since distribution, merged into that row with a blank base)."""
    offer = personal.OFFERS[row.sheet]
    spec = offer.spec
    filled = [h for h in offer.new_columns if h in row.headers]
    if any(row.address(h) in row.formulas for h in filled):
        _refused(ctx, row, "该行含有公式,此行未导入;请直接填写文字或数字。")
        return
    missing = [h for h in offer.required if row.values.get(h) is None]
    if missing:
        _refused(ctx, row, f"新增行缺少{'、'.join(missing)},此行未导入,请补全后重新报送。")
        return
    person = _own_person(ctx, row.values.get(spec.PERSON))
    if person is None:
        _refused(ctx, row, _unknown_person("该行的“人员”"), spec.PERSON)
        return
    for header in filled:
        problem = value_problem(row.sheet, header, row.values.get(header), ctx.months, ctx.year)
        if problem:
            _refused(ctx, row, problem, header)
            return
    row.values[spec.PERSON] = person.id          # the master gets the 人员编号, never a 姓名
    month = getattr(spec, "MONTH", None)
    if month is not None:
        row.values[month] = R.month_text(R.parse_month(row.values[month]) or (0, 0))
    if spec is AnnualReviews:
        row.values[AnnualReviews.YEAR] = str(ctx.year)
    key = key_of(row.sheet, row.values, person)
    row.ident = ident_text(key)
    if row.sheet in UNIQUE:
        if key in seen:
            _refused(ctx, row, "本文件中已有同一人员的同一行(同一月份、年度或个人指标编号),此行未导入;"
                     "请把内容填写在已有的行中。")
            return
        seen.add(key)
        found = index.get(key, [])
        if len(found) > 1:
            _refused(ctx, row, "主工作簿中该行重复,此行未导入;请与绩效办联系。")
            return
        if found:                      # the office added it since: three-way with a blank base
            target = Target(table, found[0].number)
            before = len(ctx.out.changes)
            for header in offer.new_columns:
                if header not in offer.keys:
                    _cell(ctx, row, target, header)
            _reapprove(ctx, row, target, before)
            return
    _append(ctx, row, table)


def _append(ctx: Context, row: FileRow, table: Table) -> None:
    merger, out = ctx.merger, ctx.out
    target = Target(table, merger._next_row(row.sheet, table))
    fixed: dict[str, Any] = {}
    if row.sheet == PersonalIndicators.SHEET:
        fixed = {PersonalIndicators.DEPT: ctx.verified.section.name,
                 PersonalIndicators.APPROVAL: Approval.DRAFT}
    elif row.sheet == PersonalRecords.SHEET and row.values.get(PersonalRecords.STATUS) is None:
        fixed = {PersonalRecords.STATUS: contract.Status.VALID}
    for header, value in fixed.items():
        if header in table.columns:
            merger._write(target, header, value)
            out.changes.append(Change(row.sheet, target.number, table.columns[header], header,
                                      None, value, row.ident))
    row.note(ReceiptBook.ADDED, f"新增一行已导入主工作簿“{row.sheet}”表"
             + (f"(审核状态为“{Approval.DRAFT}”)。" if row.sheet == PersonalIndicators.SHEET else "。"))
    for header in personal.OFFERS[row.sheet].new_columns:
        _cell(ctx, row, target, header)


def _reapprove(ctx: Context, row: FileRow, target: Target, before: int) -> None:
    """An approved individual indicator whose content changed goes back to 草拟."""
    approval = PersonalIndicators.APPROVAL
    if row.sheet != PersonalIndicators.SHEET or approval not in target.table.columns:
        return
    changed = {ch.header for ch in ctx.out.changes[before:]}
    current = ctx.merger.current.get((row.sheet, target.number, approval),
                                     ctx.merger._master_value(target, approval))
    if not changed & set(contract.PersonalBook.INDICATOR_INPUTS) \
            or canon_text(current) != Approval.APPROVED:
        return
    ctx.merger._write(target, approval, Approval.DRAFT)
    ctx.out.changes.append(Change(row.sheet, target.number, target.table.columns[approval],
                                  approval, current, Approval.DRAFT, row.ident))
    note = row.note(ReceiptBook.NOTE, f"已审核的个人指标内容有改动,审核状态改为“{Approval.DRAFT}”,"
                    "须分管局长重新审核(第六条)。",
                    approval if approval in row.headers else None)
    note.before, note.after = Approval.APPROVED, Approval.DRAFT


def untouched(verified: Verified) -> bool:
    """No individual input changed and no blank row filled (see merge.untouched)."""
    return all(sheet_untouched(verified, sheet, personal.OFFERS[sheet].inputs,
                               personal.OFFERS[sheet].new_columns, verified.rows[sheet])
               for sheet in contract.PersonalBook.SHEETS[1:] if sheet in verified.rows)
