"""Printable annexes: 附件1 framework, 附件2 履职/管理 indicators, 附件3 key
indicators, and the 考核结果通报 results report — as .xlsx (openpyxl), PDF
(LibreOffice) and HTML (jinja2).

Generators take a `Source` (the master's Tables, however read) and return a
`layout.Document` (`build`) or an openpyxl Workbook (`workbook`); the ribbon
buttons 生成附件2 / 生成附件3 and `lyciq-xl annex` both call them through
lyciq_xl/commands/annex.py:

    from lyciq_xl.annex import annex2_workbook
    book = annex2_workbook(tables, dept="轻纺科")     # tables: {sheet: Table}
    book.save("附件2_履职绩效和管理绩效指标.xlsx")
"""
from __future__ import annotations

from openpyxl.workbook import Workbook


def annex1_workbook(tables, dept: str | None = None) -> Workbook:
    from lyciq_xl.annex import framework
    from lyciq_xl.annex.source import Source
    return framework.workbook(Source.from_tables(tables), dept)


def annex2_workbook(tables, dept: str | None = None, include_drafts: bool = False) -> Workbook:
    from lyciq_xl.annex import indicators
    from lyciq_xl.annex.source import Source
    return indicators.workbook(Source.from_tables(tables), dept, include_drafts)


def annex3_workbook(tables, dept: str | None = None, include_drafts: bool = False,
                    assessment=None) -> Workbook:
    """With `assessment` (engine.evaluate) the year-end variant: 完成情况, 得分."""
    from lyciq_xl.annex import key_tasks
    from lyciq_xl.annex.source import Source
    scores = assessment.key_task_scores if assessment is not None else None
    return key_tasks.workbook(Source.from_tables(tables), dept, include_drafts, scores)


def report_workbook(tables, assessment, dept: str | None = None) -> Workbook:
    from lyciq_xl.annex import report
    from lyciq_xl.annex.source import Source
    return report.workbook(Source.from_tables(tables), assessment, dept)
