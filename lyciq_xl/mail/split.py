"""Build one section's workbook FROM SCRATCH (never a copy of the master).

Starting from an empty openpyxl workbook means nothing of another section can
ride along: no hidden sheets, defined names, shared strings, styles, pivot
caches or document properties other than the ones written here. Only the
contract's columns are copied (a clerk's own extra columns may say anything).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from lyciq_xl import contract
from lyciq_xl.contract import (
    Category,
    Deductions,
    Indicators,
    KeyTasks,
    Results,
    SectionBook,
)
from lyciq_xl.engine import assessors
from lyciq_xl.mail import integrity, personal
from lyciq_xl.mail.master import Master
from lyciq_xl.model import Period, Section
from lyciq_xl.printform import PAGE_FOOTER
from lyciq_xl.table import Row, as_text, column_letter
from lyciq_xl.textfit import LINE_HEIGHT, wrapped_lines
from lyciq_xl.xlsxio import safefile
from lyciq_xl.xlsxio.cellstyle import StyleCache
from lyciq_xl.xlsxio.sheetxml import excel_serial
from lyciq_xl.xlsxio.textcell import put
from lyciq_xl.xlsxio.xmltext import XML_ILLEGAL

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")     # pale yellow: "fill me in"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class SheetPlan:
    """One sheet of the section workbook: values plus which cells are inputs."""
    name: str
    grid: list[list[Any]]
    inputs: tuple[str, ...] = ()             # unlocked columns of existing rows
    new_columns: tuple[str, ...] = ()        # unlocked columns of blank new rows
    lists: dict[str, tuple[str, ...] | str] = field(default_factory=dict)  # drop-downs
    prompts: dict[str, str] = field(default_factory=dict)   # header -> message shown on a drop-down cell
    dates: tuple[str, ...] = ()              # input columns that must hold a date
    widths: dict[str, float] = field(default_factory=dict)
    new_rows: int = SectionBook.NEW_ROWS     # how many blank new rows
    # header -> rule(ws, header, column, ranges) adding a validation of its own
    rules: dict[str, Callable[..., None]] = field(default_factory=dict)
    insert_rows: bool = False                # may the clerk insert rows (more new rows)?

    @property
    def locked_rows(self) -> int:
        return len(self.grid)


@dataclass
class SectionPlan:
    section: Section
    period: Period
    sheets: list[SheetPlan]

    def grids(self) -> dict[str, list[list[Any]]]:
        return {s.name: s.grid for s in self.sheets}

    def rows(self) -> dict[str, int]:
        return {s.name: s.locked_rows for s in self.sheets}


def file_name(section: Section, period: Period, suffix: str = SectionBook.FILE_SUFFIX) -> str:
    return UNSAFE_FILENAME.sub("_", f"{section.name}_{period}_{suffix}") + ".xlsx"


def _cell(value: Any, as_text_only: bool = False) -> Any:
    """A master value as written to the section book (text-safe, exact)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)) and as_text_only:
        return as_text(value)
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def _grid(columns: tuple[str, ...], rows: list[Row], text_dates: bool = False) -> list[list[Any]]:
    return [list(columns)] + [[_cell(r[h], text_dates) for h in columns] for r in rows]


def _in_period(row: Row, period: Period) -> bool:
    p = Period.parse(row[Deductions.PERIOD])
    if p is None or p.year != period.year:
        return False
    return period.is_year or p == period


def guide_lines(master: Master, section: Section, period: Period) -> list[str]:
    org = master.settings.org_name
    completion = "、".join(master.settings.completion)
    d = period.deadline
    return [
        f"{org}{period}绩效填报说明",
        f"科室:{section.name}({section.code})",
        f"期间:{period}",
        f"报送截止日期:{d.year}年{d.month}月{d.day}日(考核期结束后次月5日前,第六条)",
        "1. 请只填写黄色单元格,其余单元格已锁定。",
        f"2. “{Indicators.SHEET}”表:填写{'、'.join(SectionBook.INDICATOR_INPUTS)}。"
        f"已审核指标的{'、'.join(SectionBook.REAPPROVE)}如有改动,汇总后该指标改为“草拟”,"
        "须分管局长重新审核(第九、十条)。",
        f"3. “{KeyTasks.SHEET}”表:填写{'、'.join(SectionBook.KEY_TASK_INPUTS)};"
        f"完成情况请从下拉列表选择({completion})。",
        f"4. 新增指标请填写在表格下方的黄色空行中(每表最多{SectionBook.NEW_ROWS}行);"
        "新增指标汇总后为“草拟”状态,须经分管局长审核。",
        f"5. “{Deductions.SHEET}”和“{Results.SHEET}”两表仅供核对,不能修改;如有异议请书面反馈绩效办。",
        "6. 工作表保护只是为了防止误操作,并不是安全措施。本文件的锁定内容和文件属性带有"
        "校验码(HMAC),汇总时逐一核验;锁定内容一旦被改动(包括撤销保护后修改),文件将被拒收。",
        "7. 请勿修改文件名;请保存为“Excel工作簿(*.xlsx)”,不要另存为启用宏的工作簿(.xlsm)或.xls。",
        "8. 填好后作为邮件附件回复。汇总后您会收到一份回执,列出已接收的内容或需要修改的问题。",
    ]


# Every sheet a section workbook may contain, in order.
BOOK_SHEETS = (SectionBook.GUIDE_SHEET, Indicators.SHEET, KeyTasks.SHEET, Deductions.SHEET,
               Results.SHEET) + contract.PersonalBook.SHEETS
REDACTED = "(非本科室信息,已隐去)"
# 考核责任部门 legitimately names the assessing sections (办公室, 人事科, 综合科, 第六条).
KEEP_FOREIGN = (Indicators.ASSESSOR, KeyTasks.ASSESSOR, Deductions.ASSESSOR)


def foreign_tokens(master: Master, section: Section) -> set[str]:
    """Exact cell texts that identify another section: its code, name, e-mail
    and indicator ids (ids the section shares itself are not foreign)."""
    own: set[str] = set()
    foreign: set[str] = set()
    for s in master.sections:
        bucket = own if s == section else foreign
        bucket.update(t for t in (s.code, s.name, s.email) if t)
        for table, dept, ident in ((master.indicators, Indicators.DEPT, Indicators.ID),
                                   (master.key_tasks, KeyTasks.DEPT, KeyTasks.ID)):
            bucket.update(integrity.canon(r[ident]) for r in master.rows_of(table, s, dept))
    return foreign - own - {""}


def redact(grid: list[list[Any]], foreign: set[str]) -> list[list[Any]]:
    """Blank out cells of the section's own rows that name another section
    (e.g. a deduction citing another section's indicator id by mistake)."""
    keep = {c for c, h in enumerate(grid[0]) if h in KEEP_FOREIGN}
    return [grid[0]] + [[REDACTED if c not in keep and integrity.canon(v) in foreign else v
                         for c, v in enumerate(row)] for row in grid[1:]]


def plan_section(master: Master, section: Section, period: Period) -> SectionPlan:
    plan = _plan(master, section, period)
    foreign = foreign_tokens(master, section)
    people, own = personal.foreign_people(master, section)
    for sheet in plan.sheets:
        if sheet.name != SectionBook.GUIDE_SHEET:
            keep = {c for c, h in enumerate(sheet.grid[0]) if h in KEEP_FOREIGN}
            sheet.grid = personal.redact_people(redact(sheet.grid, foreign | people), people, own,
                                                keep, REDACTED)
    return plan


def _assessed_key_tasks(master: Master, rows: list[Row], section: Section) -> list[bool]:
    """Per key task row: does an assessing department report its 完成情况 (SPEC 9)?"""
    fw = assessors.framework_assessors(master.tables.get(contract.Framework.SHEET))
    return [bool(assessors.key_task_assessors(r[KeyTasks.ASSESSOR], section, fw, master.sections))
            for r in rows]


def _key_task_grid(rows: list[Row], assessed: list[bool]) -> list[list[Any]]:
    """重点指标 as distributed: a key task with an assessing department shows in
    its 完成情况 cell the section's own 自评完成情况 (what its return writes)."""
    grid = _grid(KeyTasks.COLUMNS, rows)
    col = KeyTasks.COLUMNS.index(KeyTasks.COMPLETION)
    for line, row, flag in zip(grid[1:], rows, assessed):
        if flag:
            line[col] = _cell(row[contract.SELF_COMPLETION])
    return grid


def _self_assessment_line(rows: list[Row], assessed: list[bool], number: int) -> list[str]:
    ids = [text for r, flag in zip(rows, assessed) if flag and (text := as_text(r[KeyTasks.ID]))]
    if not ids:
        return []
    return [f"{number}. “{KeyTasks.SHEET}”表中{'、'.join(ids)}的完成情况由考核责任部门考核并报送,"
            "以其报送为准;"
            f"本表这些行填写的“{KeyTasks.COMPLETION}”作为本科室的“{contract.SELF_COMPLETION}”记录。"]


def _plan(master: Master, section: Section, period: Period) -> SectionPlan:
    completion = tuple(master.settings.completion)
    indicators = master.rows_of(master.indicators, section, Indicators.DEPT)
    key_tasks = master.rows_of(master.key_tasks, section, KeyTasks.DEPT)
    assessed = _assessed_key_tasks(master, key_tasks, section)
    deductions = [r for r in master.rows_of(master.deductions, section, Deductions.DEPT)
                  if _in_period(r, period)]
    results = [r for r in master.rows_of(master.results, section, Results.CODE)
               if (Period.parse(r[Results.PERIOD]) or Period(0)).year == period.year]
    wide = 30.0
    sheets = [
        SheetPlan(SectionBook.GUIDE_SHEET,
                  [[line] for line in guide_lines(master, section, period)],
                  widths={"": 70.0}),   # fits A4 portrait
        SheetPlan(Indicators.SHEET, _grid(Indicators.COLUMNS, indicators),
                  inputs=SectionBook.INDICATOR_INPUTS, new_columns=SectionBook.INDICATOR_NEW,
                  lists={Indicators.CATEGORY: Category.DEDUCTIBLE},
                  widths={h: wide for h in (Indicators.NAME,) + SectionBook.INDICATOR_INPUTS}),
        SheetPlan(KeyTasks.SHEET, _key_task_grid(key_tasks, assessed),
                  inputs=SectionBook.KEY_TASK_INPUTS, new_columns=SectionBook.KEY_TASK_NEW,
                  lists={KeyTasks.COMPLETION: completion,
                         KeyTasks.SOURCE: contract.KeySource.ALL,
                         KeyTasks.POINTS: contract.KEY_TASK_POINTS},
                  dates=(KeyTasks.DEADLINE,),
                  widths={KeyTasks.TASK: wide, KeyTasks.TARGET: wide}),
        SheetPlan(Deductions.SHEET, _grid(Deductions.COLUMNS, deductions, text_dates=True),
                  widths={Deductions.REASON: wide}),
    ]
    if master.results is not None:
        sheets.append(SheetPlan(Results.SHEET, _grid(Results.COLUMNS, results, text_dates=True)))
    individual = _personal_sheets(master, section, period)
    if individual:
        sheets[0].grid += [[line] for line in personal.guide_lines(period)]
    # numbered after the last item (8, or the personal items' last)
    number = sum(1 for (line,) in sheets[0].grid if line.split(".")[0].isdigit()) + 1
    sheets[0].grid += [[line] for line in _self_assessment_line(key_tasks, assessed, number)]
    return SectionPlan(section, period, sheets + individual)


def _personal_sheets(master: Master, section: Section, period: Period) -> list[SheetPlan]:
    """The section's own staff and their individual rows (SPEC 8), or none
    for a master without 人员 (personal.py decides whose rows they are)."""
    staff = personal.staff_index(master)
    specs = personal.sheets_of(master, period)
    if staff is None or not specs:
        return []
    people = personal.people_of(staff, section)
    count = len(people)
    if not count:                  # a section without staff: its workbook is as before
        return []
    who = personal.people_prompt(people)
    months = len(personal.period_months(period))
    wide = 30.0
    out = []
    for spec in specs:
        offer = personal.OFFERS[spec.SHEET]
        rows = personal.own_rows(master, staff, section, spec, period)
        grid = _grid(spec.COLUMNS, rows, text_dates=True)
        month = getattr(spec, "MONTH", None)
        if month is not None:
            col = grid[0].index(month)
            for line in grid[1:]:
                line[col] = personal.month_cell(line[col])
        out.append(SheetPlan(spec.SHEET, grid, inputs=offer.inputs, new_columns=offer.new_columns,
                             lists=personal.lists(spec, period, count),
                             prompts={spec.PERSON: who} if hasattr(spec, "PERSON") else {},
                             widths={h: wide for h in spec.COLUMNS
                                     if h in personal.WIDE_COLUMNS},
                             new_rows=personal.new_rows(spec.SHEET, count, months),
                             rules=personal.rules(spec)))
    return out


def sign_plan(plan: SectionPlan, secret: str, dist: str | None = None) -> dict[str, str]:
    """The custom document properties of the plan, HMAC included: identity,
    distribution id, locked cells and the base (input cells as distributed)."""
    rows = plan.rows()
    identity = integrity.Identity(plan.section.code, str(plan.period), contract.TEMPLATE_VERSION,
                                  dist or integrity.new_distribution_id())
    cells = integrity.locked_cells(plan.grids(), rows)
    base = integrity.input_cells(plan.grids(), rows)
    mac = integrity.sign(secret, integrity.payload(identity, rows, cells, base))
    return integrity.properties(identity, rows, base, mac)


# --- writing -------------------------------------------------------------------

def _put(ws, row: int, col: int, value: Any):
    cell = put(ws, row, col, value)      # a string is text, never a formula
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _body(cell) -> None:
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _header(cell) -> None:
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.font, cell.fill = Font(bold=True), HEADER_FILL


def _input(cell) -> None:
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_sheet(wb: Workbook, plan: SheetPlan) -> None:
    ws = wb.create_sheet(plan.name)
    headers = plan.grid[0] if plan.name != SectionBook.GUIDE_SHEET else []
    styles = StyleCache()
    for r, line in enumerate(plan.grid, start=1):
        for c, value in enumerate(line, start=1):
            cell = _put(ws, r, c, value)
            if headers and r == 1:
                styles.apply(cell, "header", _header)
            else:
                styles.apply(cell, "body", _body)
    if plan.name == SectionBook.GUIDE_SHEET:
        ws["A1"].font = Font(bold=True, size=14)
    last_new = plan.locked_rows + (plan.new_rows if plan.new_columns else 0)
    for c, header in enumerate(headers, start=1):
        ranges = []
        if header in plan.inputs and plan.locked_rows > 1:
            ranges.append((2, plan.locked_rows))
        if header in plan.new_columns:
            ranges.append((plan.locked_rows + 1, last_new))
        for first, last in ranges:
            for r in range(first, last + 1):
                styles.apply(ws.cell(row=r, column=c), "input", _input)
        if header in plan.lists and ranges:
            _drop_down(ws, header, plan.lists[header], c, ranges, plan.prompts.get(header))
        if header in plan.dates and ranges:
            _date_rule(ws, header, c, ranges)
        if header in plan.rules and ranges:
            plan.rules[header](ws, header, c, ranges)
        ws.column_dimensions[column_letter(c - 1)].width = plan.widths.get(header, 12.0)
    _fit_rows(ws, plan, headers)
    _print_setup(ws, landscape=plan.name != SectionBook.GUIDE_SHEET)
    if plan.name == SectionBook.GUIDE_SHEET:
        ws.column_dimensions["A"].width = plan.widths[""]
    else:
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
    ws.protection.sheet = True
    # Formatting rows/columns stays allowed (False = not protected), so a
    # clerk can widen a column; inserting/deleting rows or sorting is not.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = not plan.insert_rows


def _fit_rows(ws, plan: SheetPlan, headers: list[str]) -> None:
    """Row heights for wrapped text (no spreadsheet grows them on opening)."""
    widths = ([plan.widths[""]] if plan.name == SectionBook.GUIDE_SHEET else
              [plan.widths.get(h, 12.0) for h in headers])
    for r, line in enumerate(plan.grid, start=1):
        lines = max((wrapped_lines(v, w) for v, w in zip(line, widths) if isinstance(v, str)),
                    default=1)
        if lines > 1:
            ws.row_dimensions[r].height = lines * LINE_HEIGHT


def _print_setup(ws, landscape: bool) -> None:
    """A4, one page wide, so a section head can print what is asked of them."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.oddFooter.center.text = PAGE_FOOTER


def _drop_down(ws, header: str, options: tuple[str, ...] | str, col: int, ranges,
               prompt: str | None = None) -> None:
    """A list of `options`, or (a str) a range formula such as 'Sheet'!$A$2:$A$9;
    `prompt`: shown when such a cell is selected (Excel's input message)."""
    if isinstance(options, str):
        formula, error = options, f"“{header}”请从下拉列表中选择"
    else:
        formula = '"' + ",".join(options) + '"'
        error = f"“{header}”请从下拉列表中选择:{'、'.join(options)}"
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        showErrorMessage=True, errorTitle="输入错误", error=error[:225])
    if prompt:
        dv.showInputMessage, dv.promptTitle, dv.prompt = True, header, prompt
    for first, last in ranges:
        dv.add(f"{column_letter(col - 1)}{first}:{column_letter(col - 1)}{last}")
    ws.add_data_validation(dv)


def _date_rule(ws, header: str, col: int, ranges) -> None:
    # the master's own rule: a real date from 2000-01-01 on (a section book is 1900-system)
    dv = DataValidation(type="date", operator="greaterThanOrEqual",
                        formula1=excel_serial(dt.date(2000, 1, 1)),
                        allow_blank=True, showErrorMessage=True, errorTitle="输入错误",
                        error=f"“{header}”请填写日期,如 2014-12-31")
    for first, last in ranges:
        dv.add(f"{column_letter(col - 1)}{first}:{column_letter(col - 1)}{last}")
    ws.add_data_validation(dv)


def write_section_book(plan: SectionPlan, props: dict[str, str], path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in plan.sheets:
        _write_sheet(wb, sheet)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = ""
    wb.properties.lastModifiedBy = ""
    wb.properties.title = None
    for name, value in props.items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    path.parent.mkdir(parents=True, exist_ok=True)
    safefile.save_workbook(wb, path)
    return path
