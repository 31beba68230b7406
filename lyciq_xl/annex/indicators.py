"""附件2 《履职绩效和管理绩效指标》 (第九条): every section's 履职/管理
indicators as approved by its deputy director."""
from __future__ import annotations

from openpyxl.workbook import Workbook

from lyciq_xl.annex.layout import (DRAFT_MARK, Block, Column, Document, Line,
                                   render_workbook, signoff_line)
from lyciq_xl.annex.source import Source, is_approved, left_out_note, unknown_note
from lyciq_xl.contract import Category, Indicators
from lyciq_xl.table import as_text

LABEL = "附件2"
FILE_NAME = "附件2_履职绩效和管理绩效指标"

COLUMNS = [
    Column("序号", 5, "center"),
    Column(Indicators.DEPT, 9, "center"),
    Column(Indicators.CATEGORY, 9, "center"),
    Column(Indicators.ID, 11, "center"),
    Column(Indicators.NAME, 16),
    Column(Indicators.CONTENT, 30),
    Column(Indicators.STANDARD, 30),
    Column(Indicators.METHOD, 12),
    Column(Indicators.CYCLE, 9, "center"),
    Column(Indicators.ASSESSOR, 13, "center"),
    Column(Indicators.OWNER, 8, "center"),
]


def build(source: Source, dept: str | None = None, include_drafts: bool = False) -> Document:
    """Sections in 科室 order, 履职绩效 before 管理绩效, sheet order within;
    drafts only when asked (then marked 草拟)."""
    only = source.section(dept)
    table = source.tables[Indicators.SHEET]
    grouped: dict[tuple[str, str], list] = {}
    unknown, other_category, errors = [], [], {}
    for row in table.rows:
        section = source.sections.resolve(row[Indicators.DEPT])
        if section is None:
            unknown.append(row.number)
            continue
        category = as_text(row[Indicators.CATEGORY])
        if category not in Category.DEDUCTIBLE:
            other_category.append(row.number)
            continue
        if only and section.code != only.code:
            continue
        approved = is_approved(row, Indicators.APPROVAL)
        if not (approved or include_drafts):
            continue
        if (Indicators.SHEET, row.number) in source.left_out:
            errors[row.number] = source.left_out[(Indicators.SHEET, row.number)]
            continue
        grouped.setdefault((section.code, category), []).append((row, approved))

    block = Block(COLUMNS)
    section_keys, category_keys = [], []
    for section in source.sections:
        for category in Category.DEDUCTIBLE:
            for row, approved in grouped.get((section.code, category), []):
                name = as_text(row[Indicators.NAME]) or ""
                block.lines.append(Line([
                    len(block.lines) + 1, section.name, category, as_text(row[Indicators.ID]),
                    name if approved else DRAFT_MARK + name,
                    as_text(row[Indicators.CONTENT]), as_text(row[Indicators.STANDARD]),
                    as_text(row[Indicators.METHOD]), as_text(row[Indicators.CYCLE]),
                    as_text(row[Indicators.ASSESSOR]), as_text(row[Indicators.OWNER])],
                    "data" if approved else "draft"))
                section_keys.append(section.code)
                category_keys.append((section.code, category))
    block.merge_runs(1, section_keys)
    block.merge_runs(2, category_keys)

    notes = unknown_note(Indicators.SHEET, unknown) + left_out_note(Indicators.SHEET, errors)
    if other_category:
        notes.append(f"工作表“{Indicators.SHEET}”有{len(other_category)}行的绩效类别不是"
                     f"履职绩效或管理绩效,未列入。")
    if not block.lines:
        block.lines.append(Line(["", "", "", "", "(无已审核的指标)"] + [""] * 6))
    return Document(
        sheet_title="附件2", label=LABEL,
        title=f"{source.short_name}履职绩效和管理绩效指标",
        subtitle=f"{source.settings.year}年" + (f"　{only.name}" if only else ""),
        blocks=[block], signoff=signoff_line(only.deputy if only else None),
        landscape=True, notes=notes)


def workbook(source: Source, dept: str | None = None, include_drafts: bool = False) -> Workbook:
    return render_workbook(build(source, dept, include_drafts))
