"""`evaluate(tables) -> Assessment`: read, validate, score — pure, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lyciq_xl import contract
from lyciq_xl.engine import appeals, rules, scoring
from lyciq_xl.engine.findings import Finding, sort_findings
from lyciq_xl.engine.individual import IndividualAssessment, evaluate_individual
from lyciq_xl.engine.records import Inputs, load_inputs
from lyciq_xl.engine.scoring import Detail, KeyTaskScore, ResultRow, ServiceRow
from lyciq_xl.model import FrameworkSpec, Period, SectionIndex, Settings
from lyciq_xl.table import Table, bulk_allocation

if TYPE_CHECKING:
    from lyciq_xl.engine.appeals import AppealOutcome
    from lyciq_xl.engine.explain import Explanation


@dataclass
class Assessment:
    settings: Settings
    sections: SectionIndex
    frameworks: dict[str, FrameworkSpec]
    periods: list[Period]
    results: list[ResultRow]
    service: list[ServiceRow]
    findings: list[Finding]
    key_task_scores: dict[int, KeyTaskScore]
    details: dict[str, Detail] = field(repr=False)
    inputs: Inputs = field(repr=False)
    appeals: list[AppealOutcome] = field(default_factory=list, repr=False)   # per 申诉记录 row
    # 个人绩效 (SPEC 8): None when the workbook has no sheet 人员
    individual: IndividualAssessment | None = field(default=None, repr=False)

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warning_count(self) -> int:
        return len(self.findings) - self.error_count

    def result(self, code: str, period: str) -> ResultRow | None:
        return next((r for r in self.results if r.code == code and r.period == period), None)

    def explain(self, dept: str, period: str | None = None) -> Explanation:
        from lyciq_xl.engine.explain import explain
        return explain(self, dept, period)


def evaluate(tables: dict[str, Table]) -> Assessment:
    """Tables as returned by `read_tables` -> scores and findings.

    Raises InputError when a configuration sheet (参数, 科室, 指标框架, 扣分标准)
    is unusable; every other problem becomes a Finding."""
    with bulk_allocation():
        return _evaluate(tables)


def _evaluate(tables: dict[str, Table]) -> Assessment:
    inp = load_inputs(tables)
    validation, active, counted = rules.validate(inp)
    resolution = appeals.resolve(inp, counted, validation)
    details = scoring.new_details(inp)
    scoring.collect_deductions(inp, active, resolution.counted, validation, details)
    scoring.collect_appeals(resolution, details)
    key_scores = scoring.collect_key_tasks(inp, validation, details)
    scoring.collect_service(inp, validation, details)
    scoring.collect_bonuses(inp, validation, details)
    periods = scoring.result_periods(inp, active)
    results = scoring.results(inp, periods, details)
    individual = _individual(tables, inp, results)
    findings = validation.findings + (individual.findings if individual else [])
    return Assessment(
        settings=inp.settings, sections=inp.sections, frameworks=inp.frameworks,
        periods=periods, results=results,
        service=scoring.service_rows(inp, details),
        findings=sort_findings(findings), key_task_scores=key_scores,
        details=details, inputs=inp, appeals=resolution.outcomes,
        individual=individual)


def _individual(tables: dict[str, Table], inp: Inputs,
                results: list[ResultRow]) -> IndividualAssessment | None:
    """The individual part, only when the workbook has the sheet 人员; the
    quota follows each section's annual 等次 (科室考核结果与个人挂钩)."""
    if contract.Staff.SHEET not in tables:
        return None
    year = str(inp.settings.year)
    grades = {r.code: r.grade for r in results if r.period == year}
    return evaluate_individual(tables, inp.sections, inp.settings.year, grades)
