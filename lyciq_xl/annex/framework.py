"""附件1 《绩效指标框架》: each framework's categories, sub-items and points."""
from __future__ import annotations

from decimal import Decimal

from openpyxl.workbook import Workbook

from lyciq_xl import contract
from lyciq_xl.annex.document import Block, Column, Document, Line, signoff_line
from lyciq_xl.annex.layout import render_workbook
from lyciq_xl.annex.source import Source
from lyciq_xl.contract import Framework
from lyciq_xl.table import as_decimal, as_text

LABEL = "附件1"
FILE_NAME = "附件1_绩效指标框架"

COLUMNS = [
    Column("指标框架", 17, "center"),
    Column(Framework.CATEGORY, 9, "center"),
    Column(Framework.ITEM, 11, "center"),
    Column(Framework.POINTS, 6, "center"),
    Column(Framework.METHOD, 8, "center"),
    Column(Framework.ASSESSOR, 12, "center"),
    Column(Framework.NOTE, 42),
]


def build(source: Source, dept: str | None = None) -> Document:
    """The framework table; with `dept` only the framework that section is
    assessed under."""
    section = source.section(dept)
    names = [section.framework] if section else list(contract.FrameworkName.ALL)
    block = Block(COLUMNS)
    frame_keys: list[str] = []
    category_keys: list[tuple[str, str | None] | None] = []   # None: a total line, never merged
    for name in names:
        rows = [r for r in source.tables[Framework.SHEET].rows
                if as_text(r[Framework.FRAMEWORK]) == name]
        total = Decimal(0)
        for row in rows:
            points = as_decimal(row[Framework.POINTS]) or Decimal(0)
            total += points
            block.lines.append(Line([
                _framework_label(source, name), as_text(row[Framework.CATEGORY]),
                as_text(row[Framework.ITEM]), points, as_text(row[Framework.METHOD]),
                as_text(row[Framework.ASSESSOR]), as_text(row[Framework.NOTE])]))
            frame_keys.append(name)
            category_keys.append((name, as_text(row[Framework.CATEGORY])))
        if rows:
            block.lines.append(Line([_framework_label(source, name), "合计", None, total,
                                     None, None, None], "total"))
            frame_keys.append(name)
            category_keys.append(None)
    block.merge_runs(0, frame_keys)
    block.merge_runs(1, category_keys)
    return Document(
        sheet_title="附件1", label=LABEL,
        title=f"{source.settings.org_name}绩效指标框架",
        subtitle=f"{source.settings.year}年" + (f"　{section.name}" if section else ""),
        blocks=[block], signoff=signoff_line(section.deputy if section else None),
        landscape=False)


def _framework_label(source: Source, name: str) -> str:
    """框架 name with the sections assessed under it (who reads which table)."""
    series = [s for s, f in contract.SERIES_FRAMEWORK.items() if f == name]
    members = "、".join(s.name for s in source.sections if s.series in series)
    return f"{name}\n({members})" if members else name


def workbook(source: Source, dept: str | None = None) -> Workbook:
    return render_workbook(build(source, dept))
