"""考核结果通报: the year's results per series, ranked, with 等次; the quarter
results; a bar chart of totals by section and a stacked chart by category."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl.workbook import Workbook

from lyciq_xl import contract
from lyciq_xl.annex.layout import Block, Chart, Column, Document, Line, render_workbook, signoff_line
from lyciq_xl.annex.source import Source
from lyciq_xl.contract import Category, Results
from lyciq_xl.engine.assessors import special_name

FILE_NAME = "考核结果通报"
SCORE = "0.00"

YEAR_COLUMNS = [
    Column(Results.SERIES, 13, "center"),
    Column(Results.RANK, 9, "center"),
    Column(Results.DEPT, 13, "center"),
    Column(Category.DUTY, 10, "center", SCORE),
    Column(Category.MANAGEMENT, 10, "center", SCORE),
    Column(Category.KEY, 10, "center", SCORE),
    Column(Category.SERVICE, 10, "center", SCORE),
    Column(Category.EXCELLENCE, 10, "center", SCORE),
    Column(Results.TOTAL, 10, "center", SCORE),
    Column(Results.GRADE, 9, "center"),
]
DEPT_COL, FIRST_CATEGORY_COL, TOTAL_COL = 2, 3, 8


def load(path: Path):
    """Read the whole master once: (Source, Assessment) for all four documents."""
    from lyciq_xl.engine import evaluate
    from lyciq_xl.xlsxio.reader import read_tables
    tables = read_tables(Path(path))
    assessment = evaluate(tables)
    return Source.from_tables(tables, assessment.findings), assessment


def build(source: Source, assessment, dept: str | None = None) -> Document:
    only = source.section(dept)
    year = str(source.settings.year)
    keep = (lambda r: r.code == only.code) if only else (lambda r: True)
    rows = [r for r in assessment.results if keep(r)]
    order = {s.code: i for i, s in enumerate(source.sections)}

    year_block = Block(YEAR_COLUMNS, heading="一、年度考核结果")
    series_keys = []
    for series in contract.Series.ALL:
        ranked = sorted((r for r in rows if r.period == year and r.series == series),
                        key=lambda r: (r.rank, order.get(r.code, 0)))
        for r in ranked:
            year_block.lines.append(Line([series, r.rank, r.name, r.duty, r.management, r.key,
                                          r.service, r.excellence, r.total, r.grade]))
            series_keys.append(series)
    year_block.merge_runs(0, series_keys)
    blocks = [year_block]

    quarters = sorted({r.period for r in rows if r.period != year and r.period.startswith(year)})
    if quarters:
        blocks.append(_quarter_block(source, rows, quarters))
    special = _special_block(assessment, only, "三、" if quarters else "二、")
    if special:
        blocks.append(special)

    pending = sum(r.pending for r in rows if r.period == year)
    notes = [f"有{pending}行输入因错误未计分(待核),请先处理“{contract.Findings.SHEET}”中的错误。"] \
        if pending else []
    charts = []
    if year_block.lines:
        charts = [
            Chart("各科室年度总分", 0, DEPT_COL, [TOTAL_COL]),
            Chart("各科室年度得分构成", 0, DEPT_COL,
                  list(range(FIRST_CATEGORY_COL, TOTAL_COL)), stacked=True),
        ]
    else:
        year_block.lines.append(Line(["", "", "(无年度考核结果)"] + [""] * 7))
    return Document(
        sheet_title=FILE_NAME,
        title=f"{source.short_name}{year}年度绩效考核结果通报",
        subtitle=f"绩效管理办公室　{dt.date.today():%Y年%m月%d日}" + (f"　{only.name}" if only else ""),
        blocks=blocks, signoff=signoff_line(only.deputy if only else None),
        landscape=False, repeat_header=False, charts=charts, notes=notes)


def _quarter_block(source: Source, rows, quarters: list[str]) -> Block:
    """科室 × quarter: 履职+管理 total and series rank of each quarter."""
    columns = [Column(Results.DEPT, 13, "center"), Column(Results.SERIES, 13, "center")]
    for q in quarters:
        columns += [Column(f"{q}{Results.TOTAL}", 10, "center", SCORE),
                    Column(f"{q}{Results.RANK}", 9, "center")]
    by_key = {(r.code, r.period): r for r in rows}
    block = Block(columns, heading="二、季度考核结果(履职绩效+管理绩效)")
    for section in source.sections:
        cells: list = [section.name, section.series]
        found = False
        for q in quarters:
            r = by_key.get((section.code, q))
            found |= r is not None
            cells += [r.total, r.rank] if r else [None, None]
        if found:
            block.lines.append(Line(cells))
    return block


SPECIAL_COLUMNS = [
    Column(contract.Deductions.SPECIAL, 16, "center"),
    Column(Results.DEPT, 13, "center"),
    Column(contract.Deductions.PERIOD, 9, "center"),
    Column(contract.Deductions.STANDARD, 10, "center"),
    Column(contract.Deductions.REASON, 40),
    Column(contract.Deductions.POINTS, 8, "center", "0.0"),
]


def _special_block(assessment, only, number: str) -> Block | None:
    """专项考核 deductions that count, under their 专项名称 (SPEC 9), in 科室 order."""
    found = []
    for section in assessment.sections:
        if only and section.code != only.code:
            continue
        for d in assessment.details[section.code].deductions:
            name = special_name(d)
            if name is not None:
                found.append((name, section.name, d))
    if not found:
        return None
    names = list(dict.fromkeys(name for name, _s, _d in found))
    found.sort(key=lambda f: names.index(f[0]))          # stable: 科室 order kept
    block = Block(SPECIAL_COLUMNS, heading=f"{number}专项考核扣分")
    for name, dept, d in found:
        block.lines.append(Line([name, dept, str(d.period), d.standard_id, d.reason, d.points]))
    block.merge_runs(0, [name for name, _s, _d in found])
    return block


def chart_data(doc: Document) -> list[tuple[str, Decimal]]:
    """(科室, 总分) of the year table, for the HTML bar chart."""
    return [(line.cells[DEPT_COL], line.cells[TOTAL_COL]) for line in doc.blocks[0].lines
            if isinstance(line.cells[TOTAL_COL], Decimal)]


def workbook(source: Source, assessment, dept: str | None = None) -> Workbook:
    return render_workbook(build(source, assessment, dept))
