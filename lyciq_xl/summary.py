"""Short Chinese summaries of an assessment, for the terminal and the
ribbon's message box (the same words in both places)."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lyciq_xl import contract

if TYPE_CHECKING:                 # the engine imports nothing from here; no cycle at run time
    from lyciq_xl.engine import Assessment

MAX_LISTED_FINDINGS = 10


def message_box_text(assessment: Assessment) -> str:
    """One line for the message box after 重新计算."""
    errors, warnings = assessment.error_count, assessment.warning_count
    if not errors and not warnings:
        return "重新计算完成:未发现问题,结果见“考核结果”。"
    return (f"重新计算完成:错误 {errors} 条,警告 {warnings} 条,"
            f"详见“{contract.Findings.SHEET}”。有错误的行未计入得分。")


def marks_note(marked: int) -> str:
    """What the message box adds when input cells were marked."""
    return (f"已在输入表中标出 {marked} 个单元格(红色为错误,黄色为警告)。"
            if marked else "")


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def summary_text(assessment: Assessment) -> str:
    lines = [message_box_text(assessment)]
    year = str(assessment.settings.year)
    periods = sorted({r.period for r in assessment.results if r.period != year})
    if periods:
        lines.append(f"考核期:{'、'.join(periods)} 及 {year} 年度,"
                     f"共 {len(assessment.sections)} 个科室。")
    annual = [r for r in assessment.results if r.period == year]
    for series in contract.Series.ALL:
        ranked = sorted((r for r in annual if r.series == series), key=lambda r: r.rank)
        if ranked:
            top = ";".join(f"{r.rank}. {r.name} {_score(r.total)} {r.grade or ''}".rstrip()
                           for r in ranked[:3])
            lines.append(f"{series}:{top}")
    for finding in assessment.findings[:MAX_LISTED_FINDINGS]:
        lines.append(f"  [{finding.level}] {finding.sheet}!{finding.cell} "
                     f"{finding.rule} {finding.message}")
    hidden = len(assessment.findings) - MAX_LISTED_FINDINGS
    if hidden > 0:
        lines.append(f"  ……另有 {hidden} 条,见工作表“{contract.Findings.SHEET}”。")
    return "\n".join(lines)
