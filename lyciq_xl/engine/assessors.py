"""Assessing departments and special assessments (SPEC section 9) — pure.

Who assesses what: the 科室 named in 考核责任部门 cells. An indicator's or key
task's own cell overrides its framework's (指标框架, same 框架 and 绩效类别); a
cell may list several departments (, ， 、) and each of them assesses it. 外部评价
and 创优加分 follow the framework's 服务绩效 (地方政府评价/企业评价) and 创优绩效
rows. A name that is no 科室 is warning D12.

Rules on 扣分记录's optional columns 考核类型 and 专项名称: D11 (专项考核 without
专项名称) and D15 (考核类型 unknown, or at odds with the 考核期).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import AssessmentKind, Deductions, Framework, Indicators, KeyTasks
from lyciq_xl.engine.findings import Finding, finding, shown
from lyciq_xl.engine.records import Deduction, Inputs, _key
from lyciq_xl.model import Section, SectionIndex
from lyciq_xl.table import Row, Table, as_text


def split_names(value: Any) -> list[str]:
    """A 考核责任部门 cell as names: split on , ， 、 (SPEC 9), blanks dropped."""
    text = as_text(value) or ""
    first, *others = contract.LIST_SEPARATORS
    for sep in others:
        text = text.replace(sep, first)
    return [part.strip() for part in text.split(first) if part.strip()]


# --- 考核类型 / 专项名称 --------------------------------------------------------------

def kind_of(d: Deduction) -> str | None:
    """The 考核类型 a deduction counts as: blank is 季度考核, or 年度考核 on a bare
    year; None when typed but unknown."""
    if d.kind is None:
        return AssessmentKind.ANNUAL if d.period is not None and d.period.is_year \
            else AssessmentKind.QUARTERLY
    return d.kind if d.kind in AssessmentKind.ALL else None


def kind_problem(d: Deduction) -> str | None:
    """Why a row's 考核类型 is wrong (D15), or None."""
    if d.kind is None:
        return None
    if d.kind not in AssessmentKind.ALL:
        return f"考核类型{shown(d.kind)}不在{'、'.join(AssessmentKind.ALL)}中"
    if d.period is None:
        return None                      # D06 names the 考核期
    if d.kind == AssessmentKind.ANNUAL and not d.period.is_year:
        return f"考核类型为年度考核,考核期{shown(d.period_raw)}却是季度"
    if d.kind == AssessmentKind.QUARTERLY and d.period.is_year:
        return f"考核类型为季度考核,考核期{shown(d.period_raw)}却是年度"
    return None


def d11_special(table: Table, rows: list[Deduction]) -> Iterator[Finding]:
    where = Deductions.SPECIAL if Deductions.SPECIAL in table.columns else Deductions.KIND
    for d in rows:
        if d.kind == AssessmentKind.SPECIAL and not d.special:
            yield finding("D11", table, d.row, where, f"第{d.row}行考核类型为专项考核,专项名称为空")


def d15_kind(table: Table, rows: list[Deduction]) -> Iterator[Finding]:
    for d in rows:
        problem = kind_problem(d)
        if problem:
            yield finding("D15", table, d.row, Deductions.KIND, problem)


def deduction_rules(inp: Inputs, rows: list[Deduction]) -> Iterator[Finding]:
    """D11 and D15 on the master's 扣分记录 (run with the other D rules)."""
    table = inp.tables[Deductions.SHEET]
    yield from d11_special(table, rows)
    yield from d15_kind(table, rows)


def special_name(d: Deduction) -> str | None:
    """The 专项名称 a deduction is listed under, or None for the ordinary ones."""
    return d.special if d.kind == AssessmentKind.SPECIAL and d.special else None


# --- who assesses what ----------------------------------------------------------------

@dataclass
class Assignment:
    """Everything one assessing department assesses."""
    dept: Section
    indicators: dict[tuple[str, str, str], Row] = field(default_factory=dict)  # (代码, 类别, 编号)
    key_tasks: dict[tuple[str, str], Row] = field(default_factory=dict)        # (代码, 编号)
    external: set[str] = field(default_factory=set)     # 科室代码 whose 外部评价 it reports
    bonuses: set[str] = field(default_factory=set)      # 科室代码 whose 创优加分 it reports

    @property
    def sections(self) -> set[str]:
        """科室代码 of every section it assesses anything of."""
        return ({k[0] for k in self.indicators} | {k[0] for k in self.key_tasks}
                | self.external | self.bonuses)

    def __bool__(self) -> bool:
        return bool(self.indicators or self.key_tasks or self.external or self.bonuses)


FrameworkAssessors = dict[tuple[str | None, str | None, str | None], list[str]]


def framework_assessors(table: Table | None) -> FrameworkAssessors:
    """(框架, 绩效类别, 分项) -> the names its 考核责任部门 cell lists."""
    out: FrameworkAssessors = {}
    if table is None or Framework.ASSESSOR not in table.columns:
        return out
    for r in table.rows:
        key = (as_text(r[Framework.FRAMEWORK]), as_text(r[Framework.CATEGORY]), as_text(r[Framework.ITEM]))
        out.setdefault(key, []).extend(split_names(r[Framework.ASSESSOR]))
    return out


def _of_framework(fw: FrameworkAssessors, framework: str, category: str,
                  items: tuple[str | None, ...] | None = None) -> list[str]:
    return [n for (f, c, i), names in fw.items() for n in names
            if f == framework and c == category and (items is None or i in items)]


def _resolve(names: list[str], sections: SectionIndex) -> list[Section]:
    found, seen = [], set()
    for name in names:
        s = sections.resolve(name)
        if s is not None and s.code not in seen:
            seen.add(s.code)
            found.append(s)
    return found


def assignments(inp: Inputs) -> dict[str, Assignment]:
    """科室代码 of each assessing department -> what it assesses, in 科室 order."""
    sections = inp.sections
    out = {s.code: Assignment(s) for s in sections}
    fw = framework_assessors(inp.tables[Framework.SHEET])
    C = contract.Category

    ind_table = inp.tables[Indicators.SHEET]
    for r in ind_table.rows:
        s, category = sections.resolve(r[Indicators.DEPT]), as_text(r[Indicators.CATEGORY])
        iid = _key(r[Indicators.ID])
        if s is None or category not in C.DEDUCTIBLE or iid is None:
            continue
        names = split_names(r.get(Indicators.ASSESSOR)) or _of_framework(fw, s.framework, category)
        for dept in _resolve(names, sections):
            out[dept.code].indicators.setdefault((s.code, category, iid), r)

    for r in inp.tables[KeyTasks.SHEET].rows:
        s, kid = sections.resolve(r[KeyTasks.DEPT]), _key(r[KeyTasks.ID])
        if s is None or kid is None:
            continue
        for dept in key_task_assessors(r.get(KeyTasks.ASSESSOR), s, fw, sections):
            out[dept.code].key_tasks.setdefault((s.code, kid), r)

    external_items = (contract.ServiceItem.GOVERNMENT, contract.ServiceItem.ENTERPRISE)
    for s in sections:
        if s.series == contract.EXTERNAL_SERIES:
            for dept in _resolve(_of_framework(fw, s.framework, C.SERVICE, external_items), sections):
                out[dept.code].external.add(s.code)
        for dept in _resolve(_of_framework(fw, s.framework, C.EXCELLENCE), sections):
            out[dept.code].bonuses.add(s.code)
    return {code: a for code, a in out.items() if a}


def key_task_assessors(cell: object, section: Section, fw: FrameworkAssessors,
                       sections: SectionIndex) -> list[Section]:
    """The departments assessing a key task of `section` whose own 考核责任部门
    cell is `cell` (blank: the framework's 重点绩效 row). Non-empty means the
    department's return writes 完成情况 and the section's own return writes
    自评完成情况 (SPEC 9, key tasks with an assessing department)."""
    names = split_names(cell) or _of_framework(fw, section.framework, contract.Category.KEY)
    return _resolve(names, sections)


def d12_unknown_assessors(inp: Inputs) -> Iterator[Finding]:
    """Warning D12 on each 考核责任部门 cell naming something that is no 科室."""
    for spec in (Framework, Indicators, KeyTasks):
        table = inp.tables[spec.SHEET]
        if spec.ASSESSOR not in table.columns:
            continue
        for r in table.rows:
            unknown = [n for n in split_names(r[spec.ASSESSOR]) if inp.sections.resolve(n) is None]
            if unknown:
                names = "、".join(f"“{n}”" for n in unknown)
                yield finding("D12", table, r.number, spec.ASSESSOR,
                              f"{names}")
