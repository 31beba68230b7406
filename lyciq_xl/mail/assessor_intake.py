"""Intake of an assessing department's returned 考核填报 workbook (SPEC section 9).

Pure: the returned workbook arrives already opened by mail/untrusted.py (a
SafeWorkbook: properties, grids, formula addresses) and the master as Tables;
nothing here reads or writes a file.

1. `identify`: the signed identity (填报类型 考核填报, 科室代码, 期间, HMAC).
2. `examine`: every row of 扣分填报 through the section-5 rules (D01–D07, D09,
   D11, D15) plus D13 (outside the department's assignment), D14 (not the
   workbook's period) and D08 (duplicates, only among the department's own
   rows); the 完成情况, 外部评价 and 创优加分 rows likewise. Each bad row is a
   Finding naming the returned workbook's sheet and cell.
3. `Intake.apply`: the valid rows into the master's sheets — appended with
   记录号 <部门代码>-<期间>-NNN, or, on a resend of the same department and
   period, matched to what its earlier return imported (SPEC 9 "Resends"):
   updated, appended with the next NNN, missing ones set to 撤销; a row the
   office edited since the import, or one cited in 申诉记录, is left as it is
   and reported as a conflict. Rows typed by hand are never touched: only rows
   registered in the tool-owned sheet 考核导入记录 are. A key task's 完成情况 is
   registered too (its 记录号 there is the key task's 指标编号), so a resend
   updates it only while it still holds what the department's earlier return
   of that period wrote.
Returns of one run are applied one after another (in save order, by the
caller), each seeing what the earlier ones changed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import (
    AssessorBook,
    AssessorImports,
    Bonuses,
    Deductions,
    External,
    KeyTasks,
    ReturnKind,
    SectionBook,
)
from lyciq_xl.engine import assessors, rules
from lyciq_xl.engine.assessors import Assignment
from lyciq_xl.engine.findings import Finding, finding, shown
from lyciq_xl.engine.records import CountedDeduction, Deduction, Inputs, all_counted, load_deductions
from lyciq_xl.mail import assessor_book, integrity
from lyciq_xl.mail.untrusted import SafeWorkbook
from lyciq_xl.model import Period, Section
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.table import Row, Table, as_decimal, as_text, cell_address, table_from_grid

# The rules of 扣分记录 that apply at intake (D10, 状态, is the office's).
INTAKE_RULES = tuple(r for r in rules.DEDUCTION_RULES if r is not rules.d10_status)
FORMULA = "公式"            # the rule column of a receipt line for a formula cell
NUMBER = re.compile(r"^(?P<code>.+)-(?P<period>\d{4}(?:Q[1-4])?)-(?P<n>\d+)$")


def is_assessor_return(props: dict[str, str]) -> bool:
    return (props.get(AssessorBook.PROP_KIND) or "").strip() == ReturnKind.ASSESSOR


# --- 1. identity ------------------------------------------------------------------

@dataclass
class Identity:
    dept: Section | None = None
    period: Period | None = None
    problem: str | None = None        # why the file is refused
    # (sheet, address) -> the input cells as distributed: the first import's merge base
    base: dict[tuple[str, str], str] = field(default_factory=dict)


def identify(book: SafeWorkbook, inp: Inputs, secret: str) -> Identity:
    props = book.props
    P = SectionBook
    dept = inp.sections.resolve(props.get(P.PROP_CODE))
    period = Period.parse(props.get(P.PROP_PERIOD))
    if dept is None or period is None or period.year != inp.settings.year:
        return Identity(dept, period, "文件属性中的部门或期间无法识别,或不属于本年度;"
                                      "请使用绩效办本年度分发的考核填报表")
    allowed = (SectionBook.GUIDE_SHEET, AssessorBook.INDICATOR_SHEET, contract.Standards.SHEET,
               AssessorBook.INPUT_SHEET, AssessorBook.KEY_TASK_SHEET, External.SHEET, Bonuses.SHEET)
    rows = integrity.decode_rows(props.get(P.PROP_ROWS), allowed)
    if rows is None or any(s not in book.sheets for s in rows):
        return Identity(dept, period, "文件的锁定信息缺失或被改动(工作表被删除或改名)")
    base = integrity.decode_base(props, rows)
    if base is None:
        return Identity(dept, period, "文件的分发底稿属性缺失或被改动")
    identity = integrity.Identity(props.get(P.PROP_CODE, ""), props.get(P.PROP_PERIOD, ""),
                                  props.get(P.PROP_VERSION, ""), props.get(P.PROP_DIST, ""))
    cells = integrity.locked_cells(book.sheets, rows)
    payload = assessor_book.signed_payload(identity, rows, cells, base)
    if not integrity.verify(secret, payload, props.get(P.PROP_MAC, "")):
        return Identity(dept, period, "锁定内容或文件属性被改动,校验码不符(可能修改了参考表、表头或文件属性)")
    return Identity(dept, period, base=base)


# --- 2. examine --------------------------------------------------------------------

@dataclass
class Incoming:
    """One valid row of the return, as it will stand in the master."""
    sheet: str                       # the master sheet it goes to
    key: tuple                       # what a resend matches it by
    values: dict[str, Any]           # master header -> value
    source: str                      # where it came from, e.g. 扣分填报!A5
    base: str | None = None          # a key task's 完成情况 as distributed (canonical text)


@dataclass
class Examined:
    dept: Section
    period: Period
    findings: list[Finding] = field(default_factory=list)
    incoming: list[Incoming] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


def _finding(level: str, sheet: str, cell: str, rule: str, message: str, row: int) -> Finding:
    return Finding(level, sheet, cell, rule, message, row)


def _formula_findings(book: SafeWorkbook, sheet: str, table: Table) -> tuple[list[Finding], set[int]]:
    """A formula in an input cell is never imported: the row is left out."""
    out, rows = [], set()
    for address in sorted(book.formulas.get(sheet, ())):
        m = re.fullmatch(r"([A-Z]+)(\d+)", address)
        if m and int(m.group(2)) > 1:
            rows.add(int(m.group(2)))
            out.append(_finding(contract.Level.ERROR, sheet, address, FORMULA,
                                f"单元格 {address} 含有公式,该行未导入。请直接填写数值或文字(不要用公式)。",
                                int(m.group(2))))
    return out, rows


def _kind_key(value: Any) -> str:
    return integrity.canon(value)


def deduction_key(code: str | None, indicator, standard, date, reason) -> tuple:
    """(科室, 指标编号, 标准编号, 日期, 事由): how a resent row finds its earlier import."""
    return (code or "", _kind_key(indicator), _kind_key(standard), _kind_key(date), _kind_key(reason))


def _input_table(grid: list[list[Any]]) -> Table:
    """扣分填报 as a Table shaped like 扣分记录 (记录号/状态 as virtual blank columns)."""
    width = len(grid[0]) if grid else 0
    virtual = [Deductions.RECORD_NO, Deductions.STATUS]
    rows = [list(r) + [None] * (width - len(r)) + [None, None] for r in grid[1:]]
    return table_from_grid(AssessorBook.INPUT_SHEET, [list(grid[0]) + virtual] + rows,
                           Deductions.REQUIRED)


def examine(book: SafeWorkbook, inp: Inputs, assignment: Assignment, period: Period,
            own_rows: Iterable[tuple] = (), base: Mapping[tuple[str, str], str] | None = None) -> Examined:
    """Every row of the return checked; the valid ones ready to import.
    `own_rows`: deduction keys the department already has in the master for
    other periods (D08 compares only with the department's own rows);
    `base`: the input cells as distributed (identify's)."""
    out = Examined(assignment.dept, period)
    _deductions(book, inp, assignment, period, set(own_rows), out)
    _key_tasks(book, inp, assignment, out, base or {})
    _external(book, inp, assignment, period, out)
    _bonuses(book, inp, assignment, period, out)
    return out


def _deductions(book, inp: Inputs, a: Assignment, period: Period, own: set, out: Examined) -> None:
    grid = book.sheets.get(AssessorBook.INPUT_SHEET) or []
    if not grid:
        return
    table = _input_table(grid)
    sub = dataclasses.replace(inp, tables={**inp.tables, Deductions.SHEET: table})
    rows = load_deductions(table, inp.sections)
    v = rules.Validation()
    for rule in INTAKE_RULES:
        v.add(rule(sub, rows))
    v.add(assessors.d11_special(table, rows))
    v.add(assessors.d15_kind(table, rows))
    v.add(_d13_d14(table, rows, a, period, v))
    formulas, formula_rows = _formula_findings(book, AssessorBook.INPUT_SHEET, table)
    v.findings += formulas
    seen: dict[tuple, int] = {}
    counted = [d for d in rows if (table.sheet, d.row) not in v.rows and d.row not in formula_rows]
    if not all_counted(counted):
        raise AssertionError(f"a {table.sheet} row without a field the D rules require was imported")
    for d in counted:
        key = deduction_key(d.section.code, d.indicator, d.standard_id, d.date, d.reason)
        if key in seen or key in own:
            earlier = f"第{seen[key]}行" if key in seen else "本部门以前报送的记录"
            v.findings.append(finding("D08", table, d.row, Deductions.REASON,
                                      f"与{earlier}重复(科室、标准编号、日期、事由均相同)"))
        seen.setdefault(key, d.row)
        out.incoming.append(Incoming(Deductions.SHEET, key, _deduction_values(d, table, a.dept),
                                     f"{table.sheet}!A{d.row}"))
    out.findings += v.findings


def _d13_d14(table: Table, rows: list[Deduction], a: Assignment, period: Period,
             v: rules.Validation) -> Iterable[Finding]:
    allowed = assessor_book.periods_allowed(period)
    for d in rows:
        if d.period is not None and d.period.year == period.year and str(d.period) not in allowed:
            yield finding("D14", table, d.row, Deductions.PERIOD,
                          f"考核期{shown(d.period_raw)}不是本填报表的期间“{period}”")
        if d.section is None or d.category not in contract.Category.DEDUCTIBLE \
                or _named_rule(v, table, d.row, "D07"):
            continue          # D05 / D04 / D07 already name the row
        if (d.section.code, d.category, d.indicator) not in a.indicators:
            yield finding("D13", table, d.row, Deductions.INDICATOR,
                          f"{d.section.name}的指标{shown(d.indicator)}不由{a.dept.name}考核")
    for r in table.rows:     # a return cannot add rows to another department's share
        names = assessors.split_names(r[Deductions.ASSESSOR])
        if any(not _resolves_to(n, a.dept) for n in names):
            yield finding("D13", table, r.number, Deductions.ASSESSOR,
                          f"考核责任部门{shown(r[Deductions.ASSESSOR])}不是本部门(“{a.dept.name}”)")


def _resolves_to(name: str, dept: Section) -> bool:
    return name in (dept.name, dept.code) or name.upper() == dept.code.upper()


def _named_rule(v: rules.Validation, table: Table, row: int, code: str) -> bool:
    return any(f.rule == code and f.row == row and f.sheet == table.sheet for f in v.findings)


def _deduction_values(d: CountedDeduction, table: Table, dept: Section) -> dict[str, Any]:
    D = Deductions
    raw = next(r for r in table.rows if r.number == d.row)
    return {D.PERIOD: str(d.period), D.DATE: d.date, D.DEPT: d.section.name, D.CATEGORY: d.category,
            D.INDICATOR: d.indicator, D.STANDARD: d.standard_id, D.REASON: d.reason,
            D.POINTS: d.points, D.ASSESSOR: dept.name, D.DOC_NO: as_text(raw[D.DOC_NO]),
            D.STATUS: contract.Status.VALID, D.KIND: assessors.kind_of(d), D.SPECIAL: d.special}


def _sheet_table(book: SafeWorkbook, sheet: str) -> Table | None:
    grid = book.sheets.get(sheet)
    return table_from_grid(sheet, grid) if grid else None


def _key_tasks(book, inp: Inputs, a: Assignment, out: Examined,
               base: Mapping[tuple[str, str], str]) -> None:
    table = _sheet_table(book, AssessorBook.KEY_TASK_SHEET)
    if table is None:
        return
    formulas, formula_rows = _formula_findings(book, table.sheet, table)
    out.findings += formulas
    scale = inp.settings.completion
    for r in table.rows:
        section = inp.sections.resolve(r[KeyTasks.DEPT])
        kid = as_text(r[KeyTasks.ID])
        done = as_text(r[KeyTasks.COMPLETION])
        if done is None or r.number in formula_rows or section is None:
            continue
        if (section.code, kid) not in a.key_tasks:      # locked and signed: cannot happen unforged
            out.findings.append(finding("D13", table, r.number, KeyTasks.ID,
                                        f"重点指标{shown(kid)}不由{a.dept.name}考核"))
        elif done not in scale:
            out.findings.append(_finding(contract.Level.ERROR, table.sheet,
                                         table.address(r, KeyTasks.COMPLETION), "K02",
                                         f"{contract.RULES['K02'].title}:重点指标{shown(kid)}的完成情况"
                                         f"{shown(done)},未导入。请从下拉列表选择:{'、'.join(scale)}。",
                                         r.number))
        else:
            cell = table.address(r, KeyTasks.COMPLETION)
            out.incoming.append(Incoming(KeyTasks.SHEET, (section.code, kid),
                                         {KeyTasks.COMPLETION: done}, f"{table.sheet}!{cell}",
                                         base=base.get((table.sheet, cell), "")))


def _external(book, inp: Inputs, a: Assignment, period: Period, out: Examined) -> None:
    table = _sheet_table(book, External.SHEET)
    if table is None:
        return
    formulas, formula_rows = _formula_findings(book, table.sheet, table)
    out.findings += formulas
    for r in table.rows:
        section = inp.sections.resolve(r[External.DEPT])
        rates, bad = {}, False
        for header in (External.GOVERNMENT, External.ENTERPRISE):
            raw = r[header]
            rate = as_decimal(raw)
            if raw is not None and (rate is None or not 0 <= rate <= 100):
                bad = True
                out.findings.append(finding("B05", table, r.number, header, f"{header}得分率{shown(raw)}"))
            rates[header] = rate
        if r.number in formula_rows or bad or section is None or all(v is None for v in rates.values()):
            continue
        if section.code not in a.external:
            out.findings.append(finding("D13", table, r.number, External.DEPT,
                                        f"{section.name}的外部评价不由{a.dept.name}报送"))
            continue
        out.incoming.append(Incoming(External.SHEET, (section.code,),
                                     {External.PERIOD: str(period), External.DEPT: section.name, **rates},
                                     f"{table.sheet}!A{r.number}"))


def _bonuses(book, inp: Inputs, a: Assignment, period: Period, out: Examined) -> None:
    table = _sheet_table(book, Bonuses.SHEET)
    if table is None:
        return
    formulas, formula_rows = _formula_findings(book, table.sheet, table)
    out.findings += formulas
    levels, allowed = inp.settings.bonus_levels, assessor_book.periods_allowed(period)
    for r in table.rows:
        found = []
        p, section = Period.parse(r[Bonuses.PERIOD]), inp.sections.resolve(r[Bonuses.DEPT])
        level, points = as_text(r[Bonuses.LEVEL]), as_decimal(r[Bonuses.POINTS])
        item = as_text(r[Bonuses.ITEM])
        if p is None or str(p) not in allowed:
            found.append(finding("D14", table, r.number, Bonuses.PERIOD,
                                 f"考核期{shown(r[Bonuses.PERIOD])}不是本填报表的期间“{period}”"))
        if section is None:
            found.append(finding("D05", table, r.number, Bonuses.DEPT, f"科室{shown(r[Bonuses.DEPT])}"))
        elif section.code not in a.bonuses:
            found.append(finding("D13", table, r.number, Bonuses.DEPT,
                                 f"{section.name}的创优加分不由{a.dept.name}报送"))
        if item is None:
            found.append(_finding(contract.Level.ERROR, table.sheet, table.address(r, Bonuses.ITEM),
                                  "C01", "创优加分须填写事项,该行未导入。请填写获奖或创优事项。", r.number))
        if level not in levels:
            found.append(finding("C01", table, r.number, Bonuses.LEVEL,
                                 f"事项{shown(item)}的级别{shown(level)}"))
        elif points != levels[level]:
            found.append(finding("C02", table, r.number, Bonuses.POINTS,
                                 f"事项{shown(item)}的加分{shown(r[Bonuses.POINTS])},"
                                 f"{level}应为 {as_text(levels[level])} 分"))
        out.findings += found
        if found or r.number in formula_rows or section is None:   # (found holds D05 when it is None)
            continue
        out.incoming.append(Incoming(Bonuses.SHEET, (section.code, integrity.canon(item)),
                                     {Bonuses.PERIOD: str(p), Bonuses.DEPT: section.name, Bonuses.ITEM: item,
                                      Bonuses.LEVEL: level, Bonuses.POINTS: points,
                                      Bonuses.DOC_NO: as_text(r[Bonuses.DOC_NO])},
                                     f"{table.sheet}!A{r.number}"))


# --- 3. apply to the master ---------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A master sheet assessor rows go into."""
    sheet: str
    number: str                  # the column holding the row's 记录号
    columns: tuple[str, ...]     # every column the tool writes
    status: str | None           # the 状态 column (扣分记录 only)


TARGETS = {
    Deductions.SHEET: Target(Deductions.SHEET, Deductions.RECORD_NO, Deductions.COLUMNS, Deductions.STATUS),
    External.SHEET: Target(External.SHEET, contract.SOURCE_RECORD,
                           External.COLUMNS + (contract.SOURCE_RECORD,), None),
    Bonuses.SHEET: Target(Bonuses.SHEET, contract.SOURCE_RECORD, Bonuses.COLUMNS + (contract.SOURCE_RECORD,),
                          None),
}


def content_digest(values: dict[str, Any], columns: Iterable[str]) -> str:
    """What the tool wrote into a row, to recognise an office edit since."""
    text = json.dumps([integrity.canon(values.get(h)) for h in columns], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Event:
    """One line of the receipt and, for a change to the master, of 回收变更."""
    result: str                      # ReceiptBook.ADDED / CHANGED / NOTE …
    detail: str
    sheet: str = ""                  # the master sheet (or the return's, for a finding)
    cell: str = ""
    before: Any = None
    after: Any = None
    record_no: str = ""
    conflict: bool = False
    header: str = ""                 # the master column of a changed cell (回收变更's 列)


@dataclass
class _Sheet:
    """Mutable view of one master sheet during a run."""
    target: Target
    columns: dict[str, int]
    rows: dict[int, dict[str, Any]]            # Excel row -> header -> value (as now)
    next_row: int
    next_col: int

    def column(self, header: str, patches: dict) -> int:
        if header not in self.columns:         # an optional column the master lacks: add it
            self.columns[header] = self.next_col
            self.next_col += 1
            patches.setdefault(self.target.sheet, {})[(1, self.columns[header])] = header
        return self.columns[header]

    def by_number(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for number, values in self.rows.items():
            no = as_text(values.get(self.target.number))
            if no:
                out.setdefault(no, number)
        return out


@dataclass
class RegistryRow:
    record_no: str
    dept: str          # 科室名称 of the department
    period: str
    digest: str        # 文件SHA256 of the return that last wrote the row
    imported: str
    sheet: str
    content: str       # content_digest of the values written

    def cells(self) -> list[Any]:
        return [self.record_no, self.dept, self.period, self.digest, self.imported, self.sheet, self.content]


class Intake:
    """The master as assessor returns change it, return after return."""

    def __init__(self, tables: dict[str, Table], sections, appealed: Set[str] = frozenset()):
        self.sections = sections
        self.patches: dict[str, dict[tuple[int, int], Any]] = {}
        self.sheets: dict[str, _Sheet] = {}
        for name, target in TARGETS.items():
            t = tables.get(name)
            if t is None:
                continue
            width = max([i for i in t.columns.values()] + [i for _h, i in t.repeated], default=-1) + 1
            last = max([r.number for r in t.rows], default=1)
            self.sheets[name] = _Sheet(target, dict(t.columns), {r.number: dict(r.values) for r in t.rows},
                                       last + 1, width)
        self.key_tasks = tables.get(KeyTasks.SHEET)
        self.registry = _read_registry(tables.get(AssessorImports.SHEET))
        self.appealed = set(appealed)

    # --- numbering ---------------------------------------------------------------
    def _next_number(self, dept: Section, period: Period) -> str:
        prefix = f"{dept.code}-{period}-"
        used = [int(m.group("n")) for r in self.registry
                if (m := NUMBER.match(r.record_no)) and r.record_no.startswith(prefix)]
        for sheet in self.sheets.values():      # never reuse one typed by hand either
            for no in sheet.by_number():
                m = NUMBER.match(no)
                if m and no.startswith(prefix):
                    used.append(int(m.group("n")))
        return f"{prefix}{max(used, default=0) + 1:03d}"

    # --- one return ---------------------------------------------------------------
    def apply(self, examined: Examined, digest: str, when: dt.datetime) -> list[Event]:
        dept, period = examined.dept, examined.period
        stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        mine = [r for r in self.registry
                if self.sections.resolve(r.dept) == dept and r.period == str(period)]
        events: list[Event] = []
        matched: set[tuple[str, str]] = set()       # (sheet, 记录号) of registrations resent
        for inc in examined.incoming:
            if inc.sheet == KeyTasks.SHEET:
                events += self._completion(inc, dept, period, mine, matched, digest, stamp)
                continue
            sheet = self.sheets.get(inc.sheet)
            if sheet is None:
                events.append(Event(contract.ReceiptBook.SKIPPED,
                                    f"主工作簿没有工作表“{inc.sheet}”,{inc.source}未导入", inc.sheet))
                continue
            earlier = self._match(sheet, mine, inc, matched)
            if earlier is None:
                events.append(self._append(sheet, inc, dept, period, digest, stamp))
            else:
                matched.add((earlier.sheet, earlier.record_no))
                events += self._update(sheet, earlier, inc, digest, stamp)
        for reg in mine:
            if (reg.sheet, reg.record_no) in matched:
                continue
            events += self._completion_left_out(reg) if reg.sheet == KeyTasks.SHEET else self._withdraw(reg)
        return events

    def _row_of(self, sheet: _Sheet, record_no: str) -> int | None:
        return sheet.by_number().get(record_no)

    def _key_of(self, sheet: _Sheet, values: dict[str, Any]) -> tuple:
        if sheet.target.sheet == Deductions.SHEET:
            D = Deductions
            s = self.sections.resolve(values.get(D.DEPT))
            return deduction_key(s.code if s else None, _ident(values.get(D.INDICATOR)),
                                 _ident(values.get(D.STANDARD)), _day(values.get(D.DATE)),
                                 values.get(D.REASON))
        s = self.sections.resolve(values.get(External.DEPT))
        code = s.code if s else ""
        if sheet.target.sheet == External.SHEET:
            return (code,)
        return (code, integrity.canon(values.get(Bonuses.ITEM)))

    def _match(self, sheet: _Sheet, mine: list[RegistryRow], inc: Incoming,
               matched: set[tuple[str, str]]) -> RegistryRow | None:
        for reg in mine:
            if reg.sheet != sheet.target.sheet or (reg.sheet, reg.record_no) in matched:
                continue
            row = self._row_of(sheet, reg.record_no)
            if row is not None and self._key_of(sheet, sheet.rows[row]) == inc.key:
                return reg
        return None

    def _set(self, sheet: _Sheet, row: int, header: str, value: Any) -> None:
        col = sheet.column(header, self.patches)
        self.patches.setdefault(sheet.target.sheet, {})[(row, col)] = value
        sheet.rows.setdefault(row, {})[header] = value

    def _append(self, sheet: _Sheet, inc: Incoming, dept: Section, period: Period, digest: str,
                stamp: str) -> Event:
        number = self._next_number(dept, period)
        row = sheet.next_row
        sheet.next_row += 1
        values = dict(inc.values)
        values[sheet.target.number] = number
        for header in sheet.target.columns:
            if values.get(header) is not None:
                self._set(sheet, row, header, values[header])
        self.registry.append(RegistryRow(number, dept.name, str(period), digest, stamp, sheet.target.sheet,
                                         content_digest(sheet.rows[row], sheet.target.columns)))
        return Event(contract.ReceiptBook.ADDED, f"{inc.source} 导入为记录号 {number}(第{row}行)",
                     sheet.target.sheet, f"A{row}", record_no=number)

    def _untouchable(self, sheet: _Sheet, reg: RegistryRow, row: int | None) -> str | None:
        if row is None:
            return "主工作簿中已找不到该记录(可能被手工删除)"
        if reg.record_no in self.appealed:
            return f"该记录已在“{contract.Appeals.SHEET}”中申诉"
        if content_digest(sheet.rows[row], sheet.target.columns) != reg.content:
            return "绩效办在导入后修改过该行"
        return None

    def _update(self, sheet: _Sheet, reg: RegistryRow, inc: Incoming, digest: str, stamp: str) -> list[Event]:
        row = self._row_of(sheet, reg.record_no)
        why = self._untouchable(sheet, reg, row)
        current = sheet.rows[row] if row is not None else {}
        wanted = dict(inc.values)
        wanted[sheet.target.number] = reg.record_no
        diffs = [h for h in sheet.target.columns
                 if integrity.canon(current.get(h)) != integrity.canon(wanted.get(h))]
        if why or row is None:           # (_untouchable says why when the row is gone)
            if not diffs and row is not None and reg.record_no not in self.appealed:
                return []
            return [Event(contract.ReceiptBook.SKIPPED, f"冲突:记录号 {reg.record_no} 未按重新报送更新,{why};"
                          f"请与绩效办核对({inc.source})", sheet.target.sheet,
                          f"A{row}" if row else "", record_no=reg.record_no, conflict=True)]
        events = []
        for header in diffs:
            col = sheet.column(header, self.patches)
            before = current.get(header)
            self._set(sheet, row, header, wanted.get(header))
            events.append(Event(contract.ReceiptBook.CHANGED,
                                f"记录号 {reg.record_no} 的{header}已按重新报送更新",
                                sheet.target.sheet, cell_address(row, col), before, wanted.get(header),
                                reg.record_no, header=header))
        reg.digest, reg.imported = digest, stamp
        reg.content = content_digest(sheet.rows[row], sheet.target.columns)
        return events

    def _withdraw(self, reg: RegistryRow) -> list[Event]:
        sheet = self.sheets.get(reg.sheet)
        if sheet is None:
            return []
        row = self._row_of(sheet, reg.record_no)
        status = sheet.target.status
        if row is not None and status and sheet.rows[row].get(status) == contract.Status.REVOKED:
            return []                            # withdrawn by an earlier resend already
        why = self._untouchable(sheet, reg, row)
        if why or row is None:           # (_untouchable says why when the row is gone)
            return [Event(contract.ReceiptBook.SKIPPED,
                          f"冲突:记录号 {reg.record_no} 未出现在重新报送中,但{why},未撤销;请与绩效办核对",
                          reg.sheet, f"A{row}" if row else "", record_no=reg.record_no, conflict=True)]
        if status is None:
            return [Event(contract.ReceiptBook.NOTE,
                          f"记录号 {reg.record_no} 未出现在重新报送中;“{reg.sheet}”没有状态列,该行保留,"
                          f"如需删除请绩效办处理", reg.sheet, f"A{row}", record_no=reg.record_no)]
        col = sheet.column(status, self.patches)
        before = sheet.rows[row].get(status)
        self._set(sheet, row, status, contract.Status.REVOKED)
        reg.content = content_digest(sheet.rows[row], sheet.target.columns)
        return [Event(contract.ReceiptBook.CHANGED, f"记录号 {reg.record_no} 未出现在重新报送中,已改为“撤销”",
                      reg.sheet, cell_address(row, col), before, contract.Status.REVOKED, reg.record_no,
                      header=status)]

    # --- 完成情况 of key tasks (SPEC 9) ---------------------------------------------------

    def _key_task_row(self, key: tuple) -> Row | None:
        for r in self.key_tasks.rows if self.key_tasks is not None else ():
            s = self.sections.resolve(r[KeyTasks.DEPT])
            if s is not None and (s.code, as_text(r[KeyTasks.ID])) == key:
                return r
        return None

    @staticmethod
    def _completion_digest(value: Any) -> str:
        return content_digest({KeyTasks.COMPLETION: value}, (KeyTasks.COMPLETION,))

    def _completion(self, inc: Incoming, dept: Section, period: Period, mine: list[RegistryRow],
                    matched: set[tuple[str, str]], digest: str, stamp: str) -> list[Event]:
        """完成情况 of a key task the department assesses. The first import of a
        department and period writes it; a resend rewrites it only while the cell
        still holds what that earlier import wrote (else: a conflict, cell kept)."""
        t, kid = self.key_tasks, inc.key[1]
        if t is None or KeyTasks.COMPLETION not in t.columns:
            return [Event(contract.ReceiptBook.SKIPPED,
                          f"主工作簿“{KeyTasks.SHEET}”没有“{KeyTasks.COMPLETION}”列,{inc.source}未导入;"
                          f"请绩效办在“{KeyTasks.SHEET}”表第1行添加该列后重新汇总")]
        r = self._key_task_row(inc.key)
        if r is None:
            return [Event(contract.ReceiptBook.SKIPPED,
                          f"主工作簿中找不到重点指标 {kid},{inc.source}未导入;请与绩效办核对")]
        col = t.columns[KeyTasks.COMPLETION]
        cell = cell_address(r.number, col)
        before, after = r[KeyTasks.COMPLETION], inc.values[KeyTasks.COMPLETION]
        same = integrity.canon(before) == integrity.canon(after)
        reg = next((g for g in mine if g.sheet == KeyTasks.SHEET and g.record_no == kid), None)
        if reg is not None:
            matched.add((KeyTasks.SHEET, kid))
            if self._completion_digest(before) != reg.content and not same:
                why = self._changed_since(reg, before)
                return [Event(contract.ReceiptBook.SKIPPED,
                              f"冲突:重点指标 {kid} 的完成情况未按重新报送更新,{why}"
                              f"(现为{shown(before)},本次报送{shown(after)});已保留主工作簿的值,"
                              f"请与绩效办核对({inc.source})",
                              t.sheet, cell, before, after, kid, conflict=True, header=KeyTasks.COMPLETION)]
        elif inc.base is not None and not same:
            first = self._first_completion(inc, before, after, cell)
            if first is not None:
                return first
        events = []
        if not same:
            self.patches.setdefault(t.sheet, {})[(r.number, col)] = after
            r.values[KeyTasks.COMPLETION] = after
            events.append(Event(contract.ReceiptBook.CHANGED,
                                f"重点指标 {kid} 的完成情况已更新({dept.name}考核)",
                                t.sheet, cell, before, after, kid, header=KeyTasks.COMPLETION))
        content = self._completion_digest(after)
        if reg is None:
            self.registry.append(RegistryRow(kid, dept.name, str(period), digest, stamp, t.sheet, content))
        elif events or reg.content != content:
            reg.digest, reg.imported, reg.content = digest, stamp, content
        return events

    def _first_completion(self, inc: Incoming, before: Any, after: Any, cell: str) -> list[Event] | None:
        """The first import of a 完成情况, three-way against the value the
        department was sent: [] when it left that value as it was (an office
        edit since stands), a conflict when both changed it, None to write."""
        kid = inc.key[1]
        if integrity.canon(after) == inc.base:
            return []
        if integrity.canon(before) == inc.base:
            return None
        return [Event(contract.ReceiptBook.SKIPPED,
                      f"冲突:重点指标 {kid} 的完成情况在分发后绩效办已修改(分发时{shown(inc.base or None)},"
                      f"现为{shown(before)},本次报送{shown(after)});已保留主工作簿的值,"
                      f"请与绩效办核对({inc.source})",
                      KeyTasks.SHEET, cell, before, after, kid, conflict=True, header=KeyTasks.COMPLETION)]

    def _changed_since(self, reg: RegistryRow, now: Any) -> str:
        """Why a key task's 完成情况 no longer holds what `reg` imported."""
        content = self._completion_digest(now)
        later = [g for g in self.registry if g is not reg and g.sheet == reg.sheet
                 and g.record_no == reg.record_no and g.content == content]
        if later:
            return f"导入后该单元格已由{later[-1].dept}{later[-1].period}的考核填报表改写"
        return "绩效办在导入后修改过该单元格"

    def _completion_left_out(self, reg: RegistryRow) -> list[Event]:
        """A resend without a 完成情况 its earlier return reported: kept as it is
        (a cell has no 撤销), the office decides."""
        r = self._key_task_row_by_id(reg.record_no)
        cell = (cell_address(r.number, self.key_tasks.columns[KeyTasks.COMPLETION])
                if r is not None and self.key_tasks is not None
                and KeyTasks.COMPLETION in self.key_tasks.columns else "")
        return [Event(contract.ReceiptBook.NOTE,
                      f"重点指标 {reg.record_no} 的完成情况未出现在重新报送中;主工作簿中的值保留,"
                      f"如需清除请与绩效办联系", KeyTasks.SHEET, cell, record_no=reg.record_no)]

    def _key_task_row_by_id(self, kid: str) -> Row | None:
        rows = [r for r in (self.key_tasks.rows if self.key_tasks is not None else ())
                if as_text(r[KeyTasks.ID]) == kid]
        return rows[0] if len(rows) == 1 else None

    # --- the tool-owned registry ------------------------------------------------------
    def registry_sheet(self) -> OwnedSheet:
        return OwnedSheet(AssessorImports.SHEET, AssessorImports.COLUMNS,
                          [r.cells() for r in self.registry],
                          widths={AssessorImports.DIGEST: 20.0, AssessorImports.IMPORTED: 20.0})

    def own_keys(self, dept: Section, period: Period) -> set[tuple]:
        """Deduction keys of the department's rows of other periods (for D08)."""
        sheet = self.sheets.get(Deductions.SHEET)
        if sheet is None:
            return set()
        keys = set()
        for reg in self.registry:
            if reg.sheet != Deductions.SHEET or reg.period == str(period) \
                    or self.sections.resolve(reg.dept) != dept:
                continue
            row = self._row_of(sheet, reg.record_no)
            if row is not None and sheet.rows[row].get(Deductions.STATUS) != contract.Status.REVOKED:
                keys.add(self._key_of(sheet, sheet.rows[row]))
        return keys


def _ident(value: Any) -> str | None:
    import unicodedata
    text = as_text(value)
    return unicodedata.normalize("NFKC", text).strip() if text else None


def _day(value: Any):
    from lyciq_xl.table import as_date
    return as_date(value) or value


def _read_registry(table: Table | None) -> list[RegistryRow]:
    if table is None:
        return []
    A = AssessorImports
    return [RegistryRow(*(as_text(r[h]) or "" for h in A.COLUMNS)) for r in table.rows
            if as_text(r[A.RECORD_NO])]


# --- a run over several returns ---------------------------------------------------------

@dataclass
class Result:
    """What one returned assessor workbook did."""
    file: str
    digest: str
    received: dt.datetime
    dept: Section | None = None
    period: Period | None = None
    refused: str | None = None                     # why nothing was imported
    findings: list[Finding] = field(default_factory=list)   # bad rows, cells of the return
    events: list[Event] = field(default_factory=list)       # what changed in the master

    @property
    def accepted(self) -> bool:
        return self.refused is None

    @property
    def on_time(self) -> bool:
        return self.period is not None and self.received.date() <= self.period.deadline

    @property
    def empty(self) -> bool:
        """本期无扣分: accepted, nothing to import (it still counts as returned)."""
        return self.accepted and not self.events and not self.findings


@dataclass
class Run:
    results: list[Result]
    patches: dict[str, dict[tuple[int, int], Any]]
    registry: OwnedSheet | None                   # None: no assessor row imported ever


def appealed_numbers(tables: dict[str, Table]) -> set[str]:
    t = tables.get(contract.Appeals.SHEET)
    if t is None or contract.Appeals.RECORD_NO not in t.columns:
        return set()
    return {n for r in t.rows if (n := as_text(r[contract.Appeals.RECORD_NO]))}


def intake_one(intake: Intake, inp: Inputs, found: dict[str, Assignment], book: SafeWorkbook,
               digest: str, received: dt.datetime, secret: str) -> Result:
    """One return against the master as the earlier ones of the run left it."""
    result = Result(book.name, digest, received)
    who = identify(book, inp, secret)
    result.dept, result.period = who.dept, who.period
    if who.problem:
        result.refused = who.problem
    elif who.dept is None or who.period is None:
        raise AssertionError("identify gave neither a problem nor the department and period")
    elif who.dept.code not in found:
        result.refused = f"{who.dept.name}目前不是任何指标的考核责任部门,无法导入其考核填报表"
    else:
        examined = examine(book, inp, found[who.dept.code], who.period,
                           intake.own_keys(who.dept, who.period), who.base)
        result.findings = examined.findings
        result.events = intake.apply(examined, digest, received)
    return result


def intake_run(tables: dict[str, Table], inp: Inputs, returns: list[tuple[SafeWorkbook, str, dt.datetime]],
               secret: str) -> Run:
    """Assessor returns (already in save order) against the master: pure."""
    found = assessors.assignments(inp)
    intake = Intake(tables, inp.sections, appealed_numbers(tables))
    results = [intake_one(intake, inp, found, book, digest, received, secret)
               for book, digest, received in returns]
    registry = intake.registry_sheet() if intake.registry else None
    return Run(results, intake.patches, registry)
