"""科室个人考核结果汇总表 (SPEC 8, 第六条): per quarter, each section's staff
with the three months' scores and grades, signed by the section head and
due at the performance office by the 5th of the month after the quarter.

One workbook per quarter, one sheet (one printed page group) per section,
so each head signs their own section's sheet. Pure: Documents out.
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.workbook import Workbook

from lyciq_xl.annex.document import Block, Column, Document, Line
from lyciq_xl.annex.layout import chinese_default_font, render_sheet
from lyciq_xl.contract import PersonalResults, Staff
from lyciq_xl.model import Period

FILE_NAME = "科室个人考核结果汇总表"
TITLE = "科室个人考核结果汇总表"
SCORE = "0.00"


@dataclass
class QuarterReport:
    stem: str
    docs: list[Document]          # one per section

    def workbook(self) -> Workbook:
        book = Workbook()
        chinese_default_font(book)
        book.remove(book.active)
        for doc in self.docs:
            render_sheet(book.create_sheet(), doc)
        return book


def _columns(year: int, quarter: int) -> list[Column]:
    cols = [Column("序号", 6, "center"), Column(Staff.ID, 10, "center"),
            Column(Staff.NAME, 9, "center"), Column(Staff.POST, 14, "center")]
    for month in range(3 * quarter - 2, 3 * quarter + 1):
        cols += [Column(f"{month}月{PersonalResults.SCORE}", 9, "center", SCORE),
                 Column(f"{month}月{PersonalResults.GRADE}", 8, "center")]
    return cols + [Column("备注", 18)]


def section_document(ind, section, quarter: int) -> Document | None:
    """The section's table for one quarter; None when no one has a counted month in it."""
    months = range(3 * quarter - 2, 3 * quarter + 1)
    block = Block(_columns(ind.year, quarter))
    for p in (p for p in ind.people if p.section.code == section.code):
        by_month = {m.month: m for m in p.months}
        if not any(m in by_month for m in months):
            continue
        cells = [len(block.lines) + 1, p.person.id, p.person.name, p.person.post]
        notes = []
        for month in months:
            m = by_month.get(month)
            cells += [m.score, m.grade] if m else ["—", "—"]
            if m and m.pending:
                notes.append(f"{month}月{m.pending}条记录待核")
        block.lines.append(Line(cells + ["；".join(notes)]))
    if not block.lines:
        return None
    period = Period(ind.year, quarter)
    head = section.head or "　" * 6
    signoff = (f"科室负责人(签字):{head}　　　　报送日期:　　　年　　月　　日"
               f"(请于{period.deadline:%Y年%m月%d日}前报绩效办)")
    return Document(sheet_title=section.name, title=TITLE,
                    subtitle=f"{section.name}　{ind.year}年第{quarter}季度", blocks=[block],
                    signoff=signoff, landscape=True)


def quarter_reports(assessment, dept=None) -> list[QuarterReport]:
    """A report for every quarter up to the latest month of any section;
    `dept` (a Section) for one section only."""
    ind = assessment.individual
    if ind is None or not ind.latest:
        return []
    last_quarter = (max(ind.latest.values()) + 2) // 3
    sections = [dept] if dept else list(assessment.sections)
    reports = []
    for quarter in range(1, last_quarter + 1):
        docs = [d for d in (section_document(ind, s, quarter) for s in sections) if d]
        if docs:
            suffix = f"_{dept.name}" if dept else ""
            reports.append(QuarterReport(f"{FILE_NAME}_{ind.year}Q{quarter}{suffix}", docs))
    return reports
