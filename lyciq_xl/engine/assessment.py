"""`evaluate(tables) -> Assessment`: read, validate, score — pure, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field

from lyciq_xl.engine import appeals, rules, scoring
from lyciq_xl.engine.findings import Finding, sort_findings
from lyciq_xl.engine.records import Inputs, load_inputs
from lyciq_xl.engine.scoring import Detail, KeyTaskScore, ResultRow, ServiceRow
from lyciq_xl.model import FrameworkSpec, Period, SectionIndex, Settings
from lyciq_xl.table import Table, bulk_allocation


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
    appeals: list = field(default_factory=list, repr=False)   # AppealOutcome per 申诉记录 row

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

    def explain(self, dept: str, period: str | None = None):
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
    return Assessment(
        settings=inp.settings, sections=inp.sections, frameworks=inp.frameworks,
        periods=periods, results=scoring.results(inp, periods, details),
        service=scoring.service_rows(inp, details),
        findings=sort_findings(validation.findings), key_task_scores=key_scores,
        details=details, inputs=inp, appeals=resolution.outcomes)
