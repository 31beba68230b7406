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


def _source(tables, assessment=None):
    """With `assessment` (engine.evaluate of the same tables) the rows it left
    out for an error are not printed (e.g. a key task whose 分值 is 2)."""
    from lyciq_xl.annex.source import Source
    return Source.from_tables(tables, assessment.findings if assessment is not None else ())


def annex2_workbook(tables, dept: str | None = None, include_drafts: bool = False,
                    assessment=None) -> Workbook:
    from lyciq_xl.annex import indicators
    return indicators.workbook(_source(tables, assessment), dept, include_drafts)


def annex3_workbook(tables, dept: str | None = None, include_drafts: bool = False,
                    assessment=None) -> Workbook:
    """With `assessment` (engine.evaluate) the year-end variant: 完成情况, 得分;
    rows it left out for errors are not printed."""
    from lyciq_xl.annex import key_tasks
    scores = assessment.key_task_scores if assessment is not None else None
    return key_tasks.workbook(_source(tables, assessment), dept, include_drafts, scores)


def report_workbook(tables, assessment, dept: str | None = None) -> Workbook:
    from lyciq_xl.annex import report
    return report.workbook(_source(tables, assessment), assessment, dept)
