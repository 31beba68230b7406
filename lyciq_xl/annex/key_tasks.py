"""附件3 《年度重点绩效指标》 (第十条): each section's key indicators with a
分值 subtotal per section and a grand total; the year-end variant adds
完成情况 and 得分 (scores from the engine)."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from openpyxl.workbook import Workbook

from lyciq_xl.annex.layout import (DRAFT_MARK, Block, Column, Document, Line, display,
                                   render_workbook, signoff_line)
from lyciq_xl.annex.source import Source, is_approved, left_out_note, unknown_note
from lyciq_xl.contract import Category, KeyTasks
from lyciq_xl.table import as_decimal, as_text

LABEL = "附件3"
FILE_NAME = "附件3_年度重点绩效指标"
SUBTOTAL, TOTAL = "小计", "合计"
CAPPED = "按上限{cap}分计"

PLAN_COLUMNS = [
    Column("序号", 5, "center"),
    Column(KeyTasks.DEPT, 9, "center"),
    Column(KeyTasks.ID, 11, "center"),
    Column(KeyTasks.TASK, 26),
    Column(KeyTasks.SOURCE, 9, "center"),
    Column(KeyTasks.TARGET, 30),
    Column(KeyTasks.DEADLINE, 10, "center"),
    Column(KeyTasks.POINTS, 6, "center", "0.0"),
    Column(KeyTasks.LEADER, 8, "center"),
    Column(KeyTasks.OWNER, 8, "center"),
    Column(KeyTasks.ASSESSOR, 13, "center"),
]
YEAR_END_COLUMNS = [Column(KeyTasks.COMPLETION, 9, "center"), Column("得分", 7, "center", "0.00")]
POINTS_COL = 7


def has_outcomes(source: Source) -> bool:
    """The year-end variant is due once any 完成情况 has been entered."""
    return any(as_text(r[KeyTasks.COMPLETION]) for r in source.tables[KeyTasks.SHEET].rows)


def build(source: Source, dept: str | None = None, include_drafts: bool = False,
          scores: Mapping[int, tuple[Decimal, Decimal]] | None = None) -> Document:
    """`scores`: Excel row in 重点指标 -> (完成系数, 得分), from
    `Assessment.key_task_scores`; given, the year-end columns are added."""
    only = source.section(dept)
    year_end = scores is not None
    columns = PLAN_COLUMNS + (YEAR_END_COLUMNS if year_end else [])
    grouped: dict[str, list] = {}
    unknown, errors = [], {}
    for row in source.tables[KeyTasks.SHEET].rows:
        section = source.sections.resolve(row[KeyTasks.DEPT])
        if section is None:
            unknown.append(row.number)
            continue
        if only and section.code != only.code:
            continue
        approved = is_approved(row, KeyTasks.APPROVAL)
        if not (approved or include_drafts):
            continue
        if (KeyTasks.SHEET, row.number) in source.left_out:    # e.g. K01: 分值 2
            errors[row.number] = source.left_out[(KeyTasks.SHEET, row.number)]
            continue
        grouped.setdefault(section.code, []).append((row, approved))

    block = Block(columns)
    keys: list = []
    number = 0
    grand_points = grand_score = Decimal(0)
    for section in source.sections:
        rows = grouped.get(section.code, [])
        if not rows:
            continue
        points_sum = score_sum = Decimal(0)
        for row, approved in rows:
            number += 1
            points = as_decimal(row[KeyTasks.POINTS])
            points_sum += points or 0
            task = as_text(row[KeyTasks.TASK]) or ""
            cells = [number, section.name, as_text(row[KeyTasks.ID]),
                     task if approved else DRAFT_MARK + task, as_text(row[KeyTasks.SOURCE]),
                     as_text(row[KeyTasks.TARGET]), as_text(row[KeyTasks.DEADLINE]),
                     points if points is not None else as_text(row[KeyTasks.POINTS]),
                     as_text(row[KeyTasks.LEADER]), as_text(row[KeyTasks.OWNER]),
                     as_text(row[KeyTasks.ASSESSOR])]
            if year_end:
                score = _score(scores.get(row.number))
                score_sum += score or 0
                cells += [as_text(row[KeyTasks.COMPLETION]), score]
            block.lines.append(Line(cells, "data" if approved else "draft"))
            keys.append(section.code)
        line = _sum_line(columns, SUBTOTAL, points_sum, score_sum, year_end, "subtotal")
        cap = source.framework[section.framework].points(Category.KEY)
        if year_end and score_sum > cap:      # 重点绩效 counts up to the framework's points
            score_sum = line.cells[-1] = cap
            line.cells[-2] = CAPPED.format(cap=display(cap))
        block.lines.append(line)
        keys.append(None)
        grand_points += points_sum
        grand_score += score_sum
    block.merge_runs(1, keys)
    if not block.lines:
        block.lines.append(Line(["", "", "", "(无已审核的重点指标)"] + [""] * (len(columns) - 4)))
    elif only is None:
        block.lines.append(_sum_line(columns, TOTAL, grand_points, grand_score, year_end, "total"))

    title = f"{source.short_name}年度重点绩效指标"
    return Document(
        sheet_title="附件3", label=LABEL,
        title=title + ("完成情况" if year_end else ""),
        subtitle=f"{source.settings.year}年" + (f"　{only.name}" if only else ""),
        blocks=[block], signoff=signoff_line(only.deputy if only else None),
        landscape=True,
        notes=unknown_note(KeyTasks.SHEET, unknown) + left_out_note(KeyTasks.SHEET, errors))


def _score(entry) -> Decimal | None:
    """得分 of an engine KeyTaskScore (or a (coefficient, score) pair)."""
    if entry is None:
        return None
    return entry.score if hasattr(entry, "score") else entry[1]


def _sum_line(columns, label, points, score, year_end, kind) -> Line:
    cells = [None] * len(columns)
    cells[3] = label
    cells[POINTS_COL] = points
    if year_end:
        cells[-1] = score
    return Line(cells, kind)


def workbook(source: Source, dept: str | None = None, include_drafts: bool = False,
             scores: Mapping[int, tuple[Decimal, Decimal]] | None = None) -> Workbook:
    return render_workbook(build(source, dept, include_drafts, scores))
