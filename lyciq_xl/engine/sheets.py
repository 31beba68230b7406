"""What `recalc` writes: the three owned sheets, and the JSON for scripts."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from lyciq_xl.contract import AppealAudit, Appeals, Findings, PersonalResults, Results, ServiceDetail
from lyciq_xl.engine.assessment import Assessment
from lyciq_xl.engine.individual.sheets import personal_results_rows, personal_results_sheet
from lyciq_xl.owned import OwnedSheet

SCORE_FORMAT = "0.00"


def results_sheet(a: Assessment) -> OwnedSheet:
    R = Results
    rows = [[r.period, r.code, r.name, r.series, r.duty, r.management, r.key, r.service,
             r.excellence, r.total, r.rank, r.grade, r.pending] for r in a.results]
    scores = (R.DUTY, R.MANAGEMENT, R.KEY, R.SERVICE, R.EXCELLENCE, R.TOTAL)
    widths: dict[str, float] = {R.PERIOD: 10, R.CODE: 10, R.DEPT: 14, R.SERIES: 14, R.RANK: 9, R.GRADE: 8,
                                R.PENDING: 7}
    widths.update({h: 10 for h in scores})
    return OwnedSheet(R.SHEET, R.COLUMNS, rows, {h: SCORE_FORMAT for h in scores}, widths)


def service_sheet(a: Assessment) -> OwnedSheet:
    S = ServiceDetail
    rows = [[s.period, s.dept, s.peer, s.party, s.government, s.enterprise, s.ballots]
            for s in a.service]
    scores = (S.PEER, S.PARTY, S.GOVERNMENT, S.ENTERPRISE)
    widths: dict[str, float] = {S.PERIOD: 10, S.DEPT: 14, S.BALLOTS: 10, **{h: 13 for h in scores}}
    return OwnedSheet(S.SHEET, S.COLUMNS, rows, {h: SCORE_FORMAT for h in scores}, widths)


def findings_sheet(a: Assessment) -> OwnedSheet:
    F = Findings
    rows = [[f.level, f.sheet, f.cell, f.rule, f.message] for f in a.findings]
    links = {(i, F.CELL): f.link for i, f in enumerate(a.findings)}
    widths: dict[str, float] = {F.LEVEL: 7, F.SHEET_NAME: 14, F.CELL: 9, F.RULE: 7, F.MESSAGE: 100}
    return OwnedSheet(F.SHEET, F.COLUMNS, rows, {}, widths, links, wrap=frozenset({F.MESSAGE}))


def appeal_sheet(a: Assessment) -> OwnedSheet:
    """申诉处理明细: one row per 申诉记录 row (扣分记录 is never edited)."""
    A = AppealAudit
    rows = []
    for o in a.appeals:
        d, appeal = o.deduction, o.appeal
        dept = d.section.name if d and d.section else \
            (appeal.section.name if appeal.section else appeal.dept_raw)
        rows.append([appeal.appeal_no, dept, appeal.record_no, d.points if d else None,
                     o.decision, o.counted, appeal.basis, o.note])
    widths: dict[str, float] = {A.ID: 12, A.DEPT: 14, A.RECORD_NO: 12, A.ORIGINAL: 9, A.DECISION: 9,
              A.COUNTED: 9, A.BASIS: 30, A.NOTE: 40}
    return OwnedSheet(A.SHEET, A.COLUMNS, rows, {}, widths, wrap=frozenset({A.BASIS, A.NOTE}))


def owned_sheets(a: Assessment) -> list[OwnedSheet]:
    """考核结果, 服务评价明细, 校验结果 — in that order; then 申诉处理明细 when
    the workbook has a 申诉记录 sheet (a master without appeals gains no sheet); then
    个人考核结果 when the workbook has the individual part (SPEC 8)."""
    sheets = [results_sheet(a), service_sheet(a), findings_sheet(a)]
    if Appeals.SHEET in a.inputs.tables:
        sheets.append(appeal_sheet(a))
    if a.individual is not None:
        sheets.append(personal_results_sheet(a.individual))
    return sheets


def _plain(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value


def to_json(a: Assessment) -> dict[str, Any]:
    """Results, service detail and findings; Decimals as exact strings."""
    return {
        "year": a.settings.year,
        "periods": [str(p) for p in a.periods],
        "errors": a.error_count,
        "warnings": a.warning_count,
        "results": [{k: _plain(v) for k, v in vars(r).items()} for r in a.results],
        "service": [{k: _plain(v) for k, v in vars(s).items()} for s in a.service],
        "findings": [{"level": f.level, "sheet": f.sheet, "cell": f.cell, "rule": f.rule,
                      "message": f.message} for f in a.findings],
        **({} if a.individual is None else {"individual": [
            dict(zip(PersonalResults.COLUMNS, map(_plain, row)))
            for row in personal_results_rows(a.individual)]}),
    }
