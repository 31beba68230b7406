"""`history`: several years' annual results side by side per section
(SPEC section 10), as one print Document with a native line chart of totals.

Pure: each year's Tables in, the Document out. A master's stored 考核结果 is
used where present (what was published); otherwise it is recalculated in
memory (never written).

Choices where SPEC section 10 is silent:
- sections are followed by 科室代码; a 科室 row whose optional 原科室代码
  names a code of an earlier year continues that section (re-coded); a
  changed 科室名称 under the same code is the same section (renamed), noted;
- a section's change is from the nearest earlier year in which it has an
  annual result;
- a year whose stored 考核结果 has no annual rows is 未完成 for everyone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lyciq_xl import contract
from lyciq_xl.annex.document import Block, Chart, Column, Document, Line
from lyciq_xl.annex.source import short_name
from lyciq_xl.contract import FeedbackLetter, Params, Results, Sections
from lyciq_xl.errors import InputError
from lyciq_xl.model import load_sections, load_settings
from lyciq_xl.table import Table, as_decimal, as_text

SCORE = "0.00"
CATEGORY_FIELDS = (Results.DUTY, Results.MANAGEMENT, Results.KEY, Results.SERVICE, Results.EXCELLENCE)


@dataclass
class YearRow:
    """One section's annual result of one year, as published or recalculated."""
    code: str
    name: str
    series: str
    scores: dict[str, Decimal | None]      # category -> score
    total: Decimal | None
    rank: int | None
    grade: str | None


@dataclass
class Year:
    year: int
    file: str
    org: str
    sections: list[tuple[str, str, str | None]]   # (code, name, 原科室代码)
    rows: dict[str, YearRow]                       # code -> annual result
    finished: bool
    stored: bool                                   # from 考核结果 (else recalculated)


def _old_code(row) -> str | None:
    text = as_text(row.values.get(contract.SECTION_OLD_CODE))
    return (text.strip() or None) if text else None


def load_year(tables: dict[str, Table], file: str) -> Year:
    """One master's annual results; InputError when it is no master."""
    settings = load_settings(tables[Params.SHEET])
    index = load_sections(tables[Sections.SHEET])
    old = {as_text(r[Sections.CODE]): _old_code(r) for r in tables[Sections.SHEET].rows}
    sections = [(s.code, s.name, old.get(s.code)) for s in index]
    year = str(settings.year)
    org = short_name(tables[Params.SHEET], settings.org_name)
    stored = tables.get(Results.SHEET)
    rows: dict[str, YearRow] = {}
    if stored is not None and stored.rows:
        for r in stored.rows:
            code = as_text(r[Results.CODE])
            # (a row without 科室代码 names no section)
            if as_text(r[Results.PERIOD]) == year and code is not None:
                rank = as_decimal(r[Results.RANK])
                rows[code] = YearRow(
                    code, as_text(r[Results.DEPT]) or "",
                    as_text(r[Results.SERIES]) or "",
                    {h: as_decimal(r[h]) for h in CATEGORY_FIELDS}, as_decimal(r[Results.TOTAL]),
                    int(rank) if rank is not None else None, as_text(r[Results.GRADE]))
        return Year(settings.year, file, org, sections, rows, bool(rows), True)
    from lyciq_xl.engine import evaluate
    a = evaluate(tables)
    for res in a.results:
        if res.period == year:
            rows[res.code] = YearRow(res.code, res.name, res.series,
                                     dict(zip(CATEGORY_FIELDS, (res.duty, res.management, res.key,
                                                                res.service, res.excellence))),
                                     res.total, res.rank, res.grade)
    return Year(settings.year, file, org, sections, rows, True, False)


def check_years(years: list[Year]) -> list[Year]:
    """Ordered by year; the same year twice is an InputError naming both files."""
    seen: dict[int, str] = {}
    for y in years:
        if y.year in seen:
            raise InputError(f"“{seen[y.year]}”和“{y.file}”都是{y.year}年度的主工作簿,"
                             f"每个年度只能给一个文件。")
        seen[y.year] = y.file
    return sorted(years, key=lambda y: y.year)


@dataclass
class Lineage:
    """One section followed across the years: year -> its code that year."""
    codes: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    @property
    def latest(self) -> str:
        return self.names[max(self.names)]


def lineages(years: list[Year]) -> list[Lineage]:
    """Sections matched by 科室代码, re-coded ones through 原科室代码, in the
    order they first appear."""
    found: list[Lineage] = []
    by_code: dict[str, Lineage] = {}        # the code a lineage had most recently
    for y in years:
        taken: set[int] = set()
        current: dict[str, Lineage] = {}
        # re-coded sections first: a new section reusing an old code must not
        # take the lineage its rightful successor names
        for code, name, old in sorted(y.sections, key=lambda s: s[2] is None):
            line = None
            for key in (old, code):
                candidate = by_code.get(key) if key else None
                if candidate is not None and id(candidate) not in taken:
                    line = candidate
                    break
            if line is None:
                line = Lineage()
                found.append(line)
            taken.add(id(line))
            line.codes[y.year], line.names[y.year] = code, name
            current[code] = line
        for line in found:                  # a section gone this year keeps its last code
            last = max(line.codes)
            current.setdefault(line.codes[last], line)
        by_code = current
    return found


COLUMNS = [
    Column("科室", 13, "center"), Column("年度", 7, "center"), Column("当年科室名称", 13, "center"),
    Column(Results.SERIES, 12, "center"),
    *[Column(h, 9, "center", SCORE) for h in CATEGORY_FIELDS],
    Column(Results.TOTAL, 9, "center", SCORE), Column("较上年", 8, "center", None),
    Column(Results.RANK, 8, "center"), Column(Results.GRADE, 7, "center"), Column("备注", 22, "left"),
]


def _change(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"+{value:.2f}" if value > 0 else f"{value:.2f}"


def _history_lines(line: Lineage, years: list[Year]) -> list[Line]:
    out, before = [], None            # before: the nearest earlier annual total
    first = min(line.codes)
    for y in years:
        code = line.codes.get(y.year)
        label = line.latest
        if code is None:
            note = "尚未设立" if y.year < first else FeedbackLetter.GONE
            out.append(Line([label, y.year, *[None] * 11, note]))
            continue
        notes = []
        if y.year == first and y.year != years[0].year:
            notes.append(FeedbackLetter.NEW)
        earlier = [yy for yy in line.codes if yy < y.year]
        if earlier:
            prev = max(earlier)
            if line.codes[prev] != code:
                notes.append(f"原科室代码 {line.codes[prev]}")
            if line.names[prev] != line.names[y.year]:
                notes.append(f"由“{line.names[prev]}”更名")
        r = y.rows.get(code)
        if r is None or r.total is None:
            notes.append(FeedbackLetter.UNFINISHED)
            out.append(Line([label, y.year, line.names[y.year], *[None] * 10, ";".join(notes)]))
            continue
        change = _change(r.total - before) if before is not None else "—"
        before = r.total
        out.append(Line([label, y.year, line.names[y.year], r.series,
                         *[r.scores[h] for h in CATEGORY_FIELDS], r.total, change, r.rank, r.grade,
                         ";".join(notes) or None]))
    return out


def build(years: list[Year]) -> Document:
    years = check_years(years)
    found = lineages(years)
    table = Block(COLUMNS, heading="一、历年年度考核结果")
    keys = []
    for line in found:
        for item in _history_lines(line, years):
            table.lines.append(item)
            keys.append(id(line))
    table.merge_runs(0, keys)
    totals = Block([Column("科室", 13, "center")]
                   + [Column(f"{y.year}年", 9, "center", SCORE) for y in years], heading="二、历年总分")
    for line in found:
        cells: list[Any] = [line.latest]
        for y in years:
            r = y.rows.get(line.codes.get(y.year, ""))
            cells.append(r.total if r else None)
        totals.lines.append(Line(cells))
    span = f"{years[0].year}—{years[-1].year}" if len(years) > 1 else f"{years[0].year}"
    org = years[-1].org
    notes = [f"{y.year}年度结果为重新计算所得(“{y.file}”中没有“{Results.SHEET}”)"
             for y in years if not y.stored]
    return Document(
        sheet_title=FeedbackLetter.HISTORY_TITLE,
        title=f"{org}{span}年度{FeedbackLetter.HISTORY_TITLE}",
        subtitle="按科室代码对应;较上年为与最近一个有结果年度的总分之差",
        blocks=[table, totals], signoff="制表:绩效管理办公室",
        charts=[Chart("历年总分", 1, 0, list(range(1, len(years) + 1)), kind="line")],
        landscape=True, repeat_header=False, notes=notes)
