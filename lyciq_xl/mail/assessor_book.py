"""The 考核填报 workbook of one assessing department (SPEC section 9).

Built from scratch like a section workbook (mail/split.py writes and lays it
out; mail/integrity.py signs it), holding only what the department assesses:
locked reference sheets (the indicators it assesses across all sections, and
扣分标准), the input sheet 扣分填报 with 200 empty validated rows, and — where it
is responsible — 完成情况 of its key tasks, 外部评价 and 创优加分 rows. No
ballots, no results, no other department's assignments.

The signature is domain-separated from a section workbook's (the payload is
prefixed with the return kind), so neither can pass for the other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from openpyxl.worksheet.datavalidation import DataValidation

from lyciq_xl import contract
from lyciq_xl.contract import (
    AssessmentKind,
    AssessorBook,
    Bonuses,
    Category,
    Deductions,
    External,
    Indicators,
    KeyTasks,
    ReturnKind,
    SectionBook,
    Standards,
)
from lyciq_xl.engine.assessors import Assignment
from lyciq_xl.engine.records import Inputs
from lyciq_xl.mail import integrity, message, split
from lyciq_xl.mail.split import SectionPlan, SheetPlan
from lyciq_xl.model import Period, Section
from lyciq_xl.table import Row, column_letter

KIND_TAG = (ReturnKind.ASSESSOR + "\n").encode("utf-8")   # prefixes the signed payload
BONUS_NEW_ROWS = 20
_EPOCH = dt.date(1899, 12, 30)     # Excel's 1900 date system (serial 1 = 1900-01-01)
_LITERAL_MAX = 250                 # Excel caps a literal list at 255 characters
WIDE = 30.0


def file_name(dept: Section, period: Period) -> str:
    return split.file_name(dept, period, AssessorBook.FILE_SUFFIX)


def draft_name(dept: Section, period: Period) -> str:
    return split.file_name(dept, period, AssessorBook.FILE_SUFFIX + "邮件")[:-5] + ".eml"


def log_key(dept: Section) -> str:
    """The send log's key of a department's assessor mail: its 类型 and code, so it
    never collides with the same department's own section mail (SPEC 9)."""
    return f"{ReturnKind.ASSESSOR}:{dept.code}"


def periods_allowed(period: Period) -> tuple[str, ...]:
    """考核期 a row may carry: the workbook's quarter, or the year and its quarters."""
    if not period.is_year:
        return (str(period),)
    return (str(period),) + tuple(f"{period.year}Q{q}" for q in range(1, 5))


# --- the plan --------------------------------------------------------------------

def _rows(columns: tuple[str, ...], rows: list[Row]) -> list[list]:
    return [list(columns)] + [[split._cell(r[h]) for h in columns] for r in rows]


def _range(sheet: str, column: int, last_row: int) -> str:
    letter = column_letter(column - 1)
    return f"'{sheet}'!${letter}$2:${letter}${max(last_row, 2)}"


def _list_or_range(items: list[str], sheet: str, column: int, last_row: int) -> tuple[str, ...] | str:
    """A literal drop-down when it fits Excel's 255 characters, else a range."""
    items = list(dict.fromkeys(items))
    return tuple(items) if len(",".join(items)) <= _LITERAL_MAX else _range(sheet, column, last_row)


def guide_lines(org: str, dept: Section, period: Period, plan_sheets: list[str]) -> list[str]:
    d = period.deadline
    lines = [
        f"{org}{period}考核填报说明",
        f"考核责任部门:{dept.name}({dept.code})",
        f"期间:{period}",
        f"报送截止日期:{d.year}年{d.month}月{d.day}日(考核期结束后次月5日前,第六条)",
        f"1. “{AssessorBook.INDICATOR_SHEET}”表列出本部门负责考核的指标,“{Standards.SHEET}”表列出"
        "扣分标准,均仅供查阅,不能修改。",
        f"2. 在“{AssessorBook.INPUT_SHEET}”表的黄色空行中每行填写一条扣分;如行数不够,可插入行。"
        "扣分须为0.1分的整数倍,并在所引用标准的最低/最高扣分之间;日期须在考核期内。",
        f"3. 考核类型留空按季度考核计;专项考核须填写专项名称(如保密专项检查);"
        f"{'年度考核的考核期填年度。' if period.is_year else '年度考核请使用年度填报表。'}"
        f"考核责任部门可不填,汇总时自动填为“{dept.name}”。",
    ]
    n = 4
    for sheet, text in ((AssessorBook.KEY_TASK_SHEET, "填写本部门考核的重点指标的完成情况(从下拉列表选择);"
                        "“自评完成情况”是该科室自己填报的,仅供参考。"),
                        (External.SHEET, "填写各业务管理科室的地方政府评价、企业评价得分率(0–100)。"),
                        (Bonuses.SHEET, "填写本部门认定的创优加分项目,级别和加分按参数表“创优”。")):
        if sheet in plan_sheets:
            lines.append(f"{n}. “{sheet}”表:{text}")
            n += 1
    lines += [
        f"{n}. 汇总后您会收到回执,列出导入的每一行和需要改正的行(工作表、单元格、规则、改法);"
        "改正后重新报送本工作簿,将替换本部门本期此前报送的内容,不会重复计分。本期无扣分的也请原样回复。",
        f"{n + 1}. 工作表保护只是为了防止误操作;锁定内容带有校验码(HMAC),被改动的文件将被拒收。"
        "请保存为.xlsx格式,不要另存为.xlsm或.xls。",
    ]
    return lines


def plan_assessor(inp: Inputs, assignment: Assignment, period: Period) -> SectionPlan:
    """Every sheet of the department's workbook, with its inputs and checks."""
    dept = assignment.dept
    indicators = [r for _k, r in sorted(assignment.indicators.items(), key=lambda kv: kv[1].number)]
    ind_grid = _rows(AssessorBook.INDICATOR_COLUMNS, indicators)
    for line in ind_grid[1:]:       # the 科室 as its 科室名称, whichever way the master spells it
        section = inp.sections.resolve(line[0])
        line[0] = section.name if section else line[0]   # (assignments index resolved rows only)
    std_table = inp.tables[Standards.SHEET]
    std_grid = _rows(Standards.COLUMNS, std_table.rows)
    sheets = [SheetPlan(AssessorBook.INDICATOR_SHEET, ind_grid,
                        widths={Indicators.NAME: WIDE, Indicators.CONTENT: WIDE, Indicators.STANDARD: WIDE}),
              SheetPlan(Standards.SHEET, std_grid, widths={Standards.CASE: WIDE}),
              _input_sheet(inp, assignment, period, ind_grid, std_grid)]
    if assignment.key_tasks:
        rows = [r for _k, r in sorted(assignment.key_tasks.items(), key=lambda kv: kv[1].number)]
        sheets.append(SheetPlan(AssessorBook.KEY_TASK_SHEET, _rows(AssessorBook.KEY_TASK_COLUMNS, rows),
                                inputs=AssessorBook.KEY_TASK_INPUTS,
                                lists={KeyTasks.COMPLETION: tuple(inp.settings.completion)},
                                widths={KeyTasks.TASK: WIDE, KeyTasks.TARGET: WIDE}))
    if assignment.external:
        names = [s.name for s in inp.sections if s.code in assignment.external]
        grid = [list(External.COLUMNS)] + [[str(period), name, None, None] for name in names]
        sheets.append(SheetPlan(External.SHEET, grid, inputs=(External.GOVERNMENT, External.ENTERPRISE),
                                rules={External.GOVERNMENT: _rate_rule, External.ENTERPRISE: _rate_rule}))
    if assignment.bonuses:
        assessed = tuple(s.name for s in inp.sections if s.code in assignment.bonuses)
        sheets.append(SheetPlan(Bonuses.SHEET, [list(Bonuses.COLUMNS)], new_columns=Bonuses.COLUMNS,
                                new_rows=BONUS_NEW_ROWS, insert_rows=True,
                                lists={Bonuses.PERIOD: periods_allowed(period),
                                       Bonuses.DEPT: assessed,
                                       Bonuses.LEVEL: tuple(inp.settings.bonus_levels)},
                                widths={Bonuses.ITEM: WIDE}))
    guide = SheetPlan(SectionBook.GUIDE_SHEET,
                      [[line] for line in guide_lines(inp.settings.org_name, dept, period,
                                                      [s.name for s in sheets])],
                      widths={"": 70.0})
    return SectionPlan(dept, period, [guide] + sheets)


def _input_sheet(inp: Inputs, assignment: Assignment, period: Period, ind_grid, std_grid) -> SheetPlan:
    cols = AssessorBook.INPUT_COLUMNS
    ind_cols = AssessorBook.INDICATOR_COLUMNS
    dept_names = [g[ind_cols.index(Indicators.DEPT)] for g in ind_grid[1:]]
    ids = [g[ind_cols.index(Indicators.ID)] for g in ind_grid[1:]]
    lists: dict[str, tuple[str, ...] | str] = {
        Deductions.PERIOD: periods_allowed(period),
        Deductions.CATEGORY: Category.DEDUCTIBLE,
        Deductions.KIND: AssessmentKind.ALL if period.is_year else AssessmentKind.ALL[:2],
        Deductions.STANDARD: _range(Standards.SHEET, Standards.COLUMNS.index(Standards.ID) + 1,
                                    len(std_grid)),
    }
    if ids:
        lists[Deductions.DEPT] = _list_or_range(
            [str(n) for n in dept_names], AssessorBook.INDICATOR_SHEET, ind_cols.index(Indicators.DEPT) + 1,
            len(ind_grid))
        lists[Deductions.INDICATOR] = _range(AssessorBook.INDICATOR_SHEET, ind_cols.index(Indicators.ID) + 1,
                                             len(ind_grid))
    return SheetPlan(AssessorBook.INPUT_SHEET, [list(cols)], new_columns=cols,
                     new_rows=AssessorBook.NEW_ROWS, insert_rows=True, lists=lists,
                     rules={Deductions.POINTS: _tenth_rule, Deductions.DATE: _period_date_rule(period)},
                     widths={Deductions.REASON: WIDE, Deductions.SPECIAL: 16.0, Deductions.DOC_NO: 16.0})


# --- validations of the input cells -------------------------------------------------

def _add(ws, dv: DataValidation, col: int, ranges) -> None:
    for first, last in ranges:
        dv.add(f"{column_letter(col - 1)}{first}:{column_letter(col - 1)}{last}")
    ws.add_data_validation(dv)


def _tenth_rule(ws, header: str, col: int, ranges) -> None:
    """扣分: a positive multiple of 0.1 (第十一条), as Excel checks it on entry."""
    cell = f"{column_letter(col - 1)}{ranges[0][0]}"
    formula = f"AND(ISNUMBER({cell}),{cell}>0,ROUND({cell}*10,9)=INT(ROUND({cell}*10,9)))"
    _add(ws, DataValidation(type="custom", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorTitle="扣分不正确", error="扣分须大于0,且为0.1分的整数倍(第十一条)。"),
         col, ranges)


def _serial(day: dt.date) -> str:
    return str((day - _EPOCH).days)


def _period_date_rule(period: Period):
    first, last = period.first_day, period.last_day

    def rule(ws, header: str, col: int, ranges) -> None:
        dv = DataValidation(type="date", operator="between", formula1=_serial(first),
                            formula2=_serial(last), allow_blank=True, showErrorMessage=True,
                            errorTitle="日期不正确",
                            error=f"日期须在{first.isoformat()}至{last.isoformat()}之间(考核期{period})。")
        for first_row, last_row in ranges:
            for r in range(first_row, last_row + 1):
                ws.cell(row=r, column=col).number_format = "yyyy-mm-dd"
        _add(ws, dv, col, ranges)
    return rule


def _rate_rule(ws, header: str, col: int, ranges) -> None:
    _add(ws, DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                            allow_blank=True, showErrorMessage=True, errorTitle="得分率不正确",
                            error="得分率须在0到100之间。"), col, ranges)


# --- signing and writing -------------------------------------------------------------

def signed_payload(identity: integrity.Identity, rows, cells, base) -> bytes:
    return KIND_TAG + integrity.payload(identity, rows, cells, base)


def sign_plan(plan: SectionPlan, secret: str, dist: str | None = None) -> dict[str, str]:
    """Properties like a section workbook's (identity, distribution id, locked
    cells, base of the input cells), signed with the assessor kind in front."""
    rows = plan.rows()
    identity = integrity.Identity(plan.section.code, str(plan.period), contract.TEMPLATE_VERSION,
                                  dist or integrity.new_distribution_id())
    cells = integrity.locked_cells(plan.grids(), rows)
    base = integrity.input_cells(plan.grids(), rows)
    mac = integrity.sign(secret, signed_payload(identity, rows, cells, base))
    props = integrity.properties(identity, rows, base, mac)
    props[AssessorBook.PROP_KIND] = ReturnKind.ASSESSOR
    return props


@dataclass
class AssessorMail:
    dept: Section
    workbook: Path
    message: EmailMessage | None     # None: no usable address
    problem: str | None = None


def build_message(org: str, dept: Section, period: Period, plan: SectionPlan, path: Path,
                  sender: str | None) -> EmailMessage:
    names = {s.name for s in plan.sheets}
    context = dict(
        dept=dept, period=str(period), org=org, filename=path.name,
        deadline_text=message.date_text(period.deadline), today=message.date_text(dt.date.today()),
        sheets=dict(indicators=AssessorBook.INDICATOR_SHEET, standards=Standards.SHEET,
                    input=AssessorBook.INPUT_SHEET, key_tasks=AssessorBook.KEY_TASK_SHEET,
                    external=External.SHEET, bonuses=Bonuses.SHEET),
        columns=AssessorBook.INPUT_COLUMNS,
        key_tasks=AssessorBook.KEY_TASK_SHEET in names, external=External.SHEET in names,
        bonuses=Bonuses.SHEET in names)
    subject = " ".join(message.render("assessor_mail_subject.j2", context).split())
    return message.compose(dept, subject, message.render("assessor_mail_body.j2", context), [path], sender)


def prepare(inp: Inputs, assignments: dict[str, Assignment], period: Period, secret: str,
            out_dir: Path, sender: str | None = None) -> list[AssessorMail]:
    """Write each department's signed workbook into `out_dir`; build its e-mail."""
    out = []
    for assignment in assignments.values():
        dept = assignment.dept
        plan = plan_assessor(inp, assignment, period)
        path = split.write_section_book(plan, sign_plan(plan, secret), out_dir / file_name(dept, period))
        if not dept.email:
            out.append(AssessorMail(dept, path, None,
                                    f"{dept.name}:科室表中没有电子邮箱,未生成邮件,请手工发送其考核填报表。"))
        elif not message.valid_address(dept.email):
            out.append(AssessorMail(dept, path, None,
                                    f"{dept.name}:科室表中的电子邮箱“{dept.email}”格式不正确"
                                    f"(第{dept.row}行),未生成邮件;请改正后重新运行。"))
        else:
            out.append(AssessorMail(dept, path, build_message(inp.settings.org_name, dept, period,
                                                              plan, path, sender)))
    return out
