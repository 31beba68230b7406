"""`lyciq-xl init`: create a new master workbook (SPEC section 5).

A NEW file, so openpyxl is the right tool (it only loses things on
load-and-save of an existing workbook). The workbook has the instructions
sheet 说明 first, then every input sheet of the contract with its headers,
styles, drop-down validation and — unless blank — the sample year 2014 from
lyciq_xl.sample_data. The result sheets are not created: recalc adds them.

`python -m lyciq_xl.sample` rebuilds the committed sample
workbook/主工作簿示例.xlsx byte-for-byte (fixed timestamps, fixed demo key).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lyciq_xl import contract as c
from lyciq_xl import sample_data as data
from lyciq_xl import sample_staff
from lyciq_xl.errors import InputError
from lyciq_xl.mail.integrity import new_secret
from lyciq_xl.printform import PAGE_FOOTER
from lyciq_xl.resources import WORKBOOK_DIR
from lyciq_xl.textfit import display_width, wrapped_lines
from lyciq_xl.xlsxio import safefile
from lyciq_xl.xlsxio.sheetxml import excel_serial
from lyciq_xl.xlsxio.textcell import put

SAMPLE_PATH = WORKBOOK_DIR / "主工作簿示例.xlsx"

# The committed sample must be reproducible, so it carries a fixed, obviously
# fake key (labelled in 参数.说明); a real `init` draws a random one.
DEMO_SECRET = "0123456789abcdef" * 4
# Timestamp written into the sample's document properties and zip entries.
SAMPLE_TIME = dt.datetime(2014, 1, 2, 8, 0, 0)

LAST_ROW = 1000          # validation ranges reach down to this row
SECTION_LIST_ROWS = 100  # 科室 drop-downs read 科室!B2:B100

# --- presentation -----------------------------------------------------------
HEADER_FONT = Font(name="宋体", bold=True, size=11)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BODY_FONT = Font(name="宋体", size=11)
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
POINTS_FORMAT = "0.0"
MAX_WIDTH = 46           # wider text wraps
MIN_WIDTH = 8
LINE_HEIGHT = 15       # points per line of 11pt 宋体

# Tab colours by who fills the sheet: settings (绩效办), the sections'
# indicators, the assessing departments' entries.
TAB_COLORS = {
    c.Params: "8EA9DB", c.Sections: "8EA9DB", c.Framework: "8EA9DB", c.Standards: "8EA9DB",
    c.Indicators: "A9D08E", c.KeyTasks: "A9D08E",
    c.Deductions: "F4B084", c.PeerBallots: "F4B084", c.PartyBallots: "F4B084",
    c.External: "F4B084", c.Bonuses: "F4B084",
}

# Number formats by header; anything else is General.
NUMBER_FORMATS = {
    (c.Framework.SHEET, c.Framework.POINTS): POINTS_FORMAT,
    (c.KeyTasks.SHEET, c.KeyTasks.POINTS): POINTS_FORMAT,
    (c.KeyTasks.SHEET, c.KeyTasks.DEADLINE): DATE_FORMAT,
    (c.Standards.SHEET, c.Standards.MIN): POINTS_FORMAT,
    (c.Standards.SHEET, c.Standards.MAX): POINTS_FORMAT,
    (c.Deductions.SHEET, c.Deductions.DATE): DATE_FORMAT,
    (c.Deductions.SHEET, c.Deductions.POINTS): POINTS_FORMAT,
    (c.Bonuses.SHEET, c.Bonuses.POINTS): POINTS_FORMAT,
}
# Columns with a set width, left-aligned and wrapped (参数.值 mixes numbers,
# words and the 64-character key).
FIXED_COLUMNS = {(c.Params.SHEET, c.Params.VALUE): 24}
LEFT_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)

# Free-text columns: capped width, wrapped.
TEXT_COLUMNS = {
    c.Params.NOTE, c.Framework.NOTE, c.Indicators.CONTENT, c.Indicators.STANDARD,
    c.KeyTasks.TASK, c.KeyTasks.TARGET, c.Standards.CASE, c.Deductions.REASON,
    c.Bonuses.ITEM,
}


# --- public entry points --------------------------------------------------------

def create(path: Path, blank: bool = False, force: bool = False, *,
           secret: str | None = None) -> None:
    """Write a new master workbook to `path`.

    An existing file is refused unless `force`, and then backed up first.
    `secret` fixes the 分发密钥 (tests, the committed sample); by default a
    random 256-bit hex key is drawn.
    """
    path = Path(path)
    _check_target(path, force)
    content = build(blank=blank, secret=secret or new_secret(),
                    when=_utc_now())
    try:
        if path.exists():
            safefile.backup(path)
        safefile.write_atomically(path, content)
    except OSError as exc:
        raise InputError(f"无法写入“{path}”:{exc.strerror or exc}。请检查文件夹是否存在、"
                         f"是否有写入权限、磁盘是否已满。") from exc


def _utc_now() -> dt.datetime:
    """Now in UTC, naive: docProps dates are UTC ('...Z')."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def build_sample() -> bytes:
    """The committed sample workbook's exact bytes."""
    return build(blank=False, secret=DEMO_SECRET, when=SAMPLE_TIME)


def build(blank: bool, secret: str, when: dt.datetime) -> bytes:
    """The workbook as .xlsx bytes; same arguments give the same bytes."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "lyciq-xl"
    book.properties.lastModifiedBy = "lyciq-xl"
    book.properties.title = "绩效考核主工作簿"
    book.properties.created = when
    _write_guide(book.create_sheet(c.GUIDE_SHEET))
    for spec in c.INPUT_SHEETS:
        ws = book.create_sheet(spec.SHEET)
        ws.sheet_properties.tabColor = TAB_COLORS[spec]
        headers = _headers(spec)
        rows = _rows(spec, blank, secret)
        _write_table(ws, headers, rows)
        _add_validations(ws, spec, headers)
        _add_highlights(ws, spec, headers)
        if not blank:
            _add_planted_comments(ws, spec, headers, rows)
    _add_appeal_sheet(book, blank)
    _write_individual_sheets(book, blank)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), when)


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the committed sample: python -m lyciq_xl.sample [PATH]."""
    argv = list(sys.argv[1:] if argv is None else argv)
    target = Path(argv[0]) if argv else SAMPLE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    safefile.write_atomically(target, build_sample())
    print(f"已生成示例主工作簿:{target}")
    return 0


# --- file handling -------------------------------------------------------------

def _check_target(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"“{path.name}”的扩展名不是 .xlsx。主工作簿请使用 .xlsx 文件名,"
                         f"例如“主工作簿.xlsx”。")
    if path.is_dir():
        raise InputError(f"“{path}”是文件夹,请指定要新建的工作簿文件名,例如“{path / '主工作簿.xlsx'}”。")
    if path.exists() and not force:
        raise InputError(f"文件“{path}”已存在,未做任何修改。如确需重新生成并覆盖,"
                         f"请加 --force(原文件会先备份到“{safefile.BACKUP_DIR}”文件夹)。")
    safefile.check_not_locked(path)


_CORE_DATES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _normalise_zip(content: bytes, when: dt.datetime) -> bytes:
    """Fix what openpyxl stamps with "now": docProps modified and the zip
    entries' times, so the same workbook always gives the same bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "docProps/core.xml":
                payload = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, payload)
    return out.getvalue()


# --- sheet content ------------------------------------------------------------------

def _section_names() -> list[str]:
    return [name for _code, name, _series in c.DEFAULT_SECTIONS]


def _name_of(code: str) -> str:
    return {cd: name for cd, name, _s in c.DEFAULT_SECTIONS}[code]


def _headers(spec: type[Any]) -> tuple[str, ...]:
    if spec in c.BALLOT_SHEETS:
        return tuple(spec.COLUMNS) + tuple(_section_names())
    return tuple(spec.COLUMNS)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _rows(spec: type[Any], blank: bool, secret: str) -> list[list[Any]]:
    """Data rows for one sheet, aligned with _headers(spec)."""
    if spec is c.Params:
        return _param_rows(secret)
    if spec is c.Sections:
        return [[code, name, series, *data.SECTION_PEOPLE[code]]
                for code, name, series in c.DEFAULT_SECTIONS]
    if spec is c.Framework:
        return [[fw, cat, item, _dec(points), method, *data.FRAMEWORK_NOTES[(cat, item)]]
                for fw, cat, item, points, method in c.DEFAULT_FRAMEWORK]
    if blank:
        return []
    builders = {
        c.Indicators: _indicator_rows, c.KeyTasks: _key_task_rows,
        c.Standards: _standard_rows, c.Deductions: _deduction_rows,
        c.PeerBallots: _peer_rows, c.PartyBallots: _party_rows,
        c.External: _external_rows, c.Bonuses: _bonus_rows,
    }
    return builders[spec]()


def _param_rows(secret: str) -> list[list[Any]]:
    demo = secret == DEMO_SECRET
    rows: list[list[Any]] = [
        [c.ParamKey.ORG_NAME, data.ORG_NAME, "单位全称,用于附件标题和通报。"],
        [c.ParamKey.YEAR, data.YEAR, "考核年度;考核期须为本年度的季度(如2014Q3)或年度(2014)。"],
    ]
    rows += [[c.ParamKey.COMPLETION_PREFIX + k, _dec(v),
              f"重点指标完成情况为“{k}”时的完成系数,得分=分值×完成系数(第十条)。"]
             for k, v in c.DEFAULT_COMPLETION]
    rows += [[c.ParamKey.RATING_PREFIX + k, _dec(v),
              f"评价票“{k}”折算的得分比例,服务绩效=分值×有效票平均比例(第十二条)。"]
             for k, v in c.DEFAULT_RATINGS]
    rows.append([c.ParamKey.TRIM, c.NO,
                 "填“是”时,有效票不少于3张的,去掉一个最高分和一个最低分后再平均。"])
    rows += [[c.ParamKey.BONUS_PREFIX + k, _dec(v), f"创优项目级别为“{k}”时的加分(第十三条)。"]
             for k, v in c.DEFAULT_BONUS_LEVELS]
    rows += [[c.ParamKey.QUOTA_PREFIX + s, _dec(c.DEFAULT_QUOTA),
              f"{s}序列年度排名在此名次以内、且全年无附件5重大事故扣分的,评为优秀。"]
             for s in c.Series.ALL]
    rows.append([c.ParamKey.FAIL_LINE, _dec(c.DEFAULT_FAIL_LINE),
                 "年度总分低于此分数的评为不合格。"])
    note = ("分发工作簿防篡改校验用的密钥,只保存在主工作簿中,请勿外传。"
            + ("【示例密钥,人人可见,正式使用前请用 lyciq-xl init 新建主工作簿或换成新的随机值】"
               if demo else "由 lyciq-xl init 随机生成;更换后,已分发的工作簿将无法通过校验。"))
    rows.append([c.ParamKey.SECRET, secret, note])
    rows += [[key, _dec(value), text] for key, value, text in c.DEFAULT_INDIVIDUAL_PARAMS]
    return rows + _appeal_param_rows()


def _indicator_rows() -> list[list[Any]]:
    rows = []
    for code, items in data.INDICATORS.items():
        _deputy, head, _mail = data.SECTION_PEOPLE[code]
        for suffix, cat, name, content, standard, method, cycle, assessor, approval in items:
            rows.append([_name_of(code), cat, f"{code}-{suffix}", name, content, standard,
                         method, cycle, assessor, head, approval])
    return rows


def _key_task_rows() -> list[list[Any]]:
    rows = []
    for code, items in data.KEY_TASKS.items():
        deputy, head, _mail = data.SECTION_PEOPLE[code]
        for suffix, task, source, target, deadline, points, assessor, done in items:
            rows.append([_name_of(code), f"{code}-{suffix}", task, source, target, deadline,
                         _dec(points), deputy, head, assessor, c.Approval.APPROVED, done])
    return rows


def _standard_rows() -> list[list[Any]]:
    return [[sid, source, kind, level, case, _dec(lo), _dec(hi), cats]
            for sid, source, kind, level, case, lo, hi, cats in data.STANDARDS]


def _deduction_rows() -> list[list[Any]]:
    rows = []
    for n, (period, day, code, cat, ind, std, reason, pts, assessor, doc, status) \
            in enumerate(data.DEDUCTIONS, start=1):
        rows.append([f"{data.YEAR}-{n:03d}", period, day, _name_of(code), cat, ind, std,
                     reason, _dec(pts), assessor, doc, status, *_special_cells(reason)])
    return rows


def _special_cells(reason: str) -> list[str | None]:
    """考核类型 and 专项名称 of a sample deduction (SPEC section 9)."""
    return list(data.SPECIAL_ASSESSMENTS.get(reason, (None, None)))


def _grades(marks: str) -> list[str | None]:
    return [data.GRADE_CODES[m] for m in marks]


def _peer_rows() -> list[list[Any]]:
    return [[str(data.YEAR), no, _name_of(voter), *_grades(marks)]
            for no, voter, marks in data.PEER_BALLOTS]


def _party_rows() -> list[list[Any]]:
    return [[str(data.YEAR), no, *_grades(marks)] for no, marks in data.PARTY_BALLOTS]


def _external_rows() -> list[list[Any]]:
    return [[str(data.YEAR), _name_of(code), _dec(gov), _dec(ent)]
            for code, (gov, ent) in data.EXTERNAL.items()]


def _bonus_rows() -> list[list[Any]]:
    return [[period, _name_of(code), item, level, _dec(pts), doc]
            for period, code, item, level, pts, doc in data.BONUSES]


# --- writing and styling a data sheet ---------------------------------------------------

def _write_table(ws: Worksheet, headers: Sequence[str], rows: list[list[Any]]) -> None:
    for r, row in enumerate([list(headers), *rows], start=1):
        for index, value in enumerate(row, start=1):
            put(ws, r, index, value)
    widths = []
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, HEADER_ALIGN
        fmt = NUMBER_FORMATS.get((ws.title, header))
        fixed = FIXED_COLUMNS.get((ws.title, header))
        wrap = header in TEXT_COLUMNS
        for r in range(2, len(rows) + 2):
            body = ws.cell(row=r, column=index)
            body.font, body.border = BODY_FONT, BORDER
            body.alignment = LEFT_WRAP if fixed else WRAP if wrap else TOP
            if fmt:
                body.number_format = fmt
        width = max([display_width(header) + 4] +
                    [display_width(row[index - 1]) + 2 for row in rows])
        widths.append(fixed or max(MIN_WIDTH, min(MAX_WIDTH, width)))
        ws.column_dimensions[letter].width = widths[-1]
    # Neither Excel nor LibreOffice grows a row for wrapped text written by
    # a program, so wrapped rows get their height here.
    wrapped = [i for i, h in enumerate(headers)
               if h in TEXT_COLUMNS or (ws.title, h) in FIXED_COLUMNS]
    for r, row in enumerate(rows, start=2):
        lines = max([wrapped_lines(row[i], widths[i]) for i in wrapped], default=1)
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines + 2
    ws.row_dimensions[1].height = 22
    ws.freeze_panes = "A2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(2, len(rows) + 1)}"
    _print_setup(ws, landscape=True)
    ws.print_title_rows = "1:1"


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    """A4, one page wide, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = PAGE_FOOTER


# --- drop-down validation ---------------------------------------------------------------
# Fixed enumerations of the contract are strict ("stop"). Lists whose values
# come from 参数 (完成系数, 评价, 创优) are written as literal lists of the
# defaults with the "warning" style: the 参数 keys carry a prefix ("评价:满意"),
# so no cell holds the bare item a range reference could point at, and a
# helper range would be one more hidden thing a clerk can break. If the
# office extends a scale in 参数, Excel warns but accepts the new value, and
# recalc checks it against 参数 (B01/C01/K02). 科室 columns point at the
# 科室 sheet's names directly, as a warning, because codes are accepted too.

def _literal(items: Iterable[str]) -> str:
    return '"' + ",".join(items) + '"'


def _suffixes(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [k for k, _v in pairs]


SECTION_RANGE = f"'{c.Sections.SHEET}'!$B$2:$B${SECTION_LIST_ROWS}"

# (sheet, header) -> (formula1, strict, prompt)
LIST_VALIDATIONS: dict[tuple[str, str], tuple[str, bool, str]] = {
    (c.Sections.SHEET, c.Sections.SERIES):
        (_literal(c.Series.ALL), True, "第七条:行政管理科室、业务管理科室或直属单位。"),
    (c.Framework.SHEET, c.Framework.FRAMEWORK):
        (_literal(c.FrameworkName.ALL), True, "两种指标框架之一(第八条)。"),
    (c.Framework.SHEET, c.Framework.CATEGORY):
        (_literal(c.Category.ALL), True, "五类绩效之一(第八条)。"),
    (c.Framework.SHEET, c.Framework.METHOD):
        (_literal(c.Method.ALL), True, "扣分制、得分制或加分制。"),
    (c.Indicators.SHEET, c.Indicators.DEPT):
        (SECTION_RANGE, False, "从“科室”表选择科室名称(也可填科室代码)。"),
    (c.Indicators.SHEET, c.Indicators.CATEGORY):
        (_literal(c.Category.DEDUCTIBLE), True, "履职绩效或管理绩效(第九条)。"),
    (c.Indicators.SHEET, c.Indicators.APPROVAL):
        (_literal(c.Approval.ALL), True, "分管局长审核后改为“已审核”。"),
    (c.KeyTasks.SHEET, c.KeyTasks.DEPT):
        (SECTION_RANGE, False, "从“科室”表选择科室名称(也可填科室代码)。"),
    (c.KeyTasks.SHEET, c.KeyTasks.SOURCE):
        (_literal(c.KeySource.ALL), True, "辽宁局、地方政府或本局确定的工作(第十条)。"),
    (c.KeyTasks.SHEET, c.KeyTasks.POINTS):
        (_literal(c.KEY_TASK_POINTS), True, "按难度和重要程度赋1.5、1或0.5分(第十条)。"),
    (c.KeyTasks.SHEET, c.KeyTasks.APPROVAL):
        (_literal(c.Approval.ALL), True, "分管局长审核后改为“已审核”。"),
    (c.KeyTasks.SHEET, c.KeyTasks.COMPLETION):
        (_literal(_suffixes(c.DEFAULT_COMPLETION)), False, "参数表“完成系数”中的一项。"),
    (c.Standards.SHEET, c.Standards.SOURCE):
        (_literal(c.StandardSource.ALL), True, "附件4、附件5或本局标准。"),
    (c.Standards.SHEET, c.Standards.LEVEL):
        (_literal(c.Severity.ALL), True, "一般、较大或重大。附件5重大事故影响评优。"),
    (c.Standards.SHEET, c.Standards.CATEGORIES):
        (_literal(c.Category.DEDUCTIBLE + (data.BOTH,)), False,
         "该标准适用的绩效类别;两类都适用时用顿号或逗号分隔。"),
    (c.Deductions.SHEET, c.Deductions.DEPT):
        (SECTION_RANGE, False, "从“科室”表选择科室名称(也可填科室代码)。"),
    (c.Deductions.SHEET, c.Deductions.CATEGORY):
        (_literal(c.Category.DEDUCTIBLE), True, "履职绩效或管理绩效,须与标准的适用类别一致。"),
    (c.Deductions.SHEET, c.Deductions.STATUS):
        (_literal(c.Status.ALL), True, "改为“撤销”即不再计分,请勿删除记录。"),
    (c.PeerBallots.SHEET, c.PeerBallots.VOTER):
        (SECTION_RANGE, False, "投票科室的名称;本科室那一列请留空。"),
    (c.External.SHEET, c.External.DEPT):
        (SECTION_RANGE, False, "只适用于业务管理科室(第十二条)。"),
    (c.Bonuses.SHEET, c.Bonuses.DEPT):
        (SECTION_RANGE, False, "从“科室”表选择科室名称(也可填科室代码)。"),
    (c.Bonuses.SHEET, c.Bonuses.LEVEL):
        (_literal(_suffixes(c.DEFAULT_BONUS_LEVELS)), False, "参数表“创优”中的级别。"),
}
GRADE_LIST = _literal(_suffixes(c.DEFAULT_RATINGS))


def _section9_validations() -> dict[tuple[str, str], tuple[str, bool, str]]:
    """Drop-down of 扣分记录.考核类型 (SPEC section 9)."""
    return {(c.Deductions.SHEET, c.Deductions.KIND):
            (_literal(c.AssessmentKind.ALL), True,
             "留空按季度考核计(考核期为年度时按年度考核计);专项考核须填写专项名称。")}


LIST_VALIDATIONS.update(_section9_validations())


def _period_list() -> str:
    return _literal([f"{data.YEAR}Q{q}" for q in range(1, 5)] + [str(data.YEAR)])


def _list_validation(formula: str, strict: bool, title: str, prompt: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        showErrorMessage=True, showInputMessage=True,
                        errorStyle="stop" if strict else "warning")
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    dv.errorTitle = "输入值不在列表中"
    dv.error = (f"“{title}”请从下拉列表中选择。" + ("" if strict else
                "如确需填写其他值,可点“是”继续,重新计算时会按参数表校验。"))[:225]
    return dv


def _column_range(headers: Sequence[str], header: str) -> str:
    letter = get_column_letter(headers.index(header) + 1)
    return f"{letter}2:{letter}{LAST_ROW}"


def _add_validations(ws: Worksheet, spec: type[Any], headers: Sequence[str]) -> None:
    for (sheet, header), (formula, strict, prompt) in LIST_VALIDATIONS.items():
        if sheet == spec.SHEET:
            dv = _list_validation(formula, strict, header, prompt)
            dv.add(_column_range(headers, header))
            ws.add_data_validation(dv)
    if spec in c.BALLOT_SHEETS:
        first = get_column_letter(len(spec.COLUMNS) + 1)
        last = get_column_letter(len(headers))
        dv = _list_validation(GRADE_LIST, False, "评价",
                              "参数表“评价”中的一项;本科室和弃权留空(第十二条)。")
        dv.add(f"{first}2:{last}{LAST_ROW}")
        ws.add_data_validation(dv)
    period_header = getattr(spec, "PERIOD", None)
    if period_header:
        dv = _list_validation(_period_list(), False, period_header,
                              "季度写成2014Q3,年度写成2014;年份须与参数“年度”一致。")
        dv.add(_column_range(headers, period_header))
        ws.add_data_validation(dv)
    _add_number_validations(ws, spec, headers)
    if spec is c.Params:
        _add_param_validation(ws)


# (sheet class) -> [(header, type, operator, formula1, formula2, message)]
def _serial(day: dt.date) -> str:
    return excel_serial(day)      # the sample is a 1900-system workbook


_DATE_RANGE = (_serial(dt.date(2000, 1, 1)), _serial(dt.date(2099, 12, 31)))
# (header, type, operator, formula1, formula2, message) per sheet
NUMBER_VALIDATIONS: dict[type[Any], list[tuple[str, str, str, str, str | None, str]]] = {
    c.Framework: [(c.Framework.POINTS, "decimal", "greaterThanOrEqual", "0", None,
                   "分值须为不小于0的数字。")],
    c.KeyTasks: [(c.KeyTasks.DEADLINE, "date", "between", *_DATE_RANGE,
                  "请填写日期,如2014-12-31。")],
    c.Standards: [(h, "decimal", "greaterThan", "0", None, "扣分须为大于0的数字,以0.1分为单位。")
                  for h in (c.Standards.MIN, c.Standards.MAX)],
    c.Deductions: [(c.Deductions.DATE, "date", "between", *_DATE_RANGE,
                    "请填写日期,如2014-03-15;日期须在考核期之内。"),
                   (c.Deductions.POINTS, "decimal", "greaterThan", "0", None,
                    "扣分须大于0,以0.1分为单位(第十一条)。")],
    c.External: [(h, "decimal", "between", "0", "100", "得分率须在0到100之间。")
                 for h in (c.External.GOVERNMENT, c.External.ENTERPRISE)],
    c.Bonuses: [(c.Bonuses.POINTS, "decimal", "greaterThan", "0", None,
                 "加分须为大于0的数字,与参数表中该级别的加分一致。")],
}


def _add_number_validations(ws: Worksheet, spec: type[Any], headers: Sequence[str]) -> None:
    for header, kind, operator, low, high, message in NUMBER_VALIDATIONS.get(spec, []):
        dv = DataValidation(type=kind, operator=operator, formula1=low, formula2=high,
                            allow_blank=True, showErrorMessage=True, showInputMessage=True)
        dv.promptTitle, dv.prompt = header, message
        dv.errorTitle, dv.error = "数值不符合要求" if kind == "decimal" else "日期不正确", message
        dv.add(_column_range(headers, header))
        ws.add_data_validation(dv)


def _add_param_validation(ws: Worksheet) -> None:
    for row in ws.iter_rows(min_row=2, max_col=2):
        if row[0].value == c.ParamKey.TRIM:
            dv = _list_validation(_literal((c.YES, c.NO)), True, c.ParamKey.TRIM,
                                  "是:有效票不少于3张时去掉一个最高分和一个最低分;否:不去掉。")
            dv.add(row[1].coordinate)
            ws.add_data_validation(dv)


# --- conditional highlights --------------------------------------------------------

SELF_VOTE_FILL = PatternFill("solid", fgColor="D9D9D9", bgColor="D9D9D9")
REVOKED_FONT = Font(color="808080", strike=True)


def _add_highlights(ws: Worksheet, spec: type[Any], headers: Sequence[str]) -> None:
    """Grey the voting section's own column on each ballot (to be left
    blank), and strike through revoked deductions. Formulas, so they follow
    whatever the clerk types."""
    if spec is c.PeerBallots:
        voter = get_column_letter(headers.index(c.PeerBallots.VOTER) + 1)
        first = get_column_letter(len(spec.COLUMNS) + 1)
        last = get_column_letter(len(headers))
        ws.conditional_formatting.add(
            f"{first}2:{last}{LAST_ROW}",
            FormulaRule(formula=[f"${voter}2={first}$1"], fill=SELF_VOTE_FILL))
    elif spec is c.Deductions:
        status = get_column_letter(headers.index(c.Deductions.STATUS) + 1)
        last = get_column_letter(len(headers))
        ws.conditional_formatting.add(
            f"A2:{last}{LAST_ROW}",
            FormulaRule(formula=[f'${status}2="{c.Status.REVOKED}"'], font=REVOKED_FONT))


# --- labels on the planted validation problems ---------------------------------

def _add_planted_comments(ws: Worksheet, spec: type[Any], headers: Sequence[str],
                          rows: list[list[Any]]) -> None:
    """Cell comments on planted problems in sheets without a text column."""
    if spec is c.PeerBallots:
        wanted, voter, text = data.PLANTED_B02
        key, column = headers.index(c.PeerBallots.BALLOT_NO), headers.index(_name_of(voter))
    elif spec is c.KeyTasks:
        wanted, text = data.PLANTED_K02
        key, column = headers.index(c.KeyTasks.ID), headers.index(c.KeyTasks.COMPLETION)
    else:
        return
    for r, row in enumerate(rows, start=2):
        if row[key] == wanted:
            ws.cell(row=r, column=column + 1).comment = Comment(text, "lyciq-xl", width=240, height=80)


# --- 说明 --------------------------------------------------------------------------

SHEET_PURPOSES = (
    (c.Params.SHEET, "单位名称、年度和各项计分参数(完成系数、评价比例、创优加分、优秀名额、不合格分数线)。",
     "绩效办"),
    (c.Sections.SHEET, "参加考核的科室、所属序列、分管局长、负责人和收发工作簿的电子邮箱。", "绩效办"),
    (c.Framework.SHEET, "两种指标框架下五类绩效的分项、分值和评分方式(附件1)。", "绩效办"),
    (c.Indicators.SHEET, "各科室的履职绩效和管理绩效指标(附件2),分管局长审核后改为“已审核”。",
     "各科室起草,分管局长审核"),
    (c.KeyTasks.SHEET, "各科室年度重点绩效指标(附件3),分值1.5、1或0.5,年底填写完成情况。",
     "各科室起草,分管局长审核"),
    (c.Standards.SHEET, "扣分标准:附件4业务工作质量差错、附件5工作责任事故及本局评分标准。"
                        "现有内容均为示例,请换成正式附件的条目。", "绩效办"),
    (c.Deductions.SHEET, "考核责任部门按季度录入的扣分,每条须引用扣分标准;错录的改为“撤销”,不要删除。",
     "办公室、人事科、综合科"),
    (c.PeerBallots.SHEET, "科室互评票,每张票一行,本科室一列留空。", "人事科"),
    (c.PartyBallots.SHEET, "党组成员评价票,每张票一行,不记录投票人。", "人事科"),
    (c.External.SHEET, "地方政府和企业评价得分率(0–100),只适用于业务管理科室。", "办公室"),
    (c.Bonuses.SHEET, "获奖创优项目,按级别加分,合计不超过框架上限。", "人事科"),
    (c.Results.SHEET, "【工具生成】各科室季度和年度得分、序列排名、等次。", "重新计算时生成"),
    (c.ServiceDetail.SHEET, "【工具生成】服务绩效各分项得分和有效票数。", "重新计算时生成"),
    (c.Findings.SHEET, "【工具生成】校验发现的问题,点击单元格地址可跳到出错位置。", "重新计算时生成"),
    (c.Receipts.SHEET, "【工具生成】各科室工作簿的回收时间和是否按期(下月5日前,第六条)。", "汇总回收时生成"),
    (c.Changes.SHEET, "【工具生成】汇总回收时从科室工作簿并入的每一处修改(原值、新值)。", "汇总回收时生成"),
)

WORKFLOW = (
    ("起草指标", "各科室在“履职管理指标”“重点指标”中起草本科室指标,审核状态填“草拟”(第九、十条)。"),
    ("分管局长审核", "分管局长审核通过后,将审核状态改为“已审核”;未审核的指标被使用时会提示A01。"),
    ("分发", "点“分发工作簿”(lyciq-xl distribute),每个科室收到只含本科室内容的工作簿,可直接发邮件。"),
    ("回收", "科室填好后发回,点“汇总回收”(lyciq-xl collect),检查后并入主工作簿,变更记入“回收变更”;"
             "考核结果须于考核期结束的下月5日前报绩效办(第六条)。"),
    ("录入扣分/投票/加分", "考核责任部门录入“扣分记录”;人事科录入“相互评价”“党组评价”“创优加分”;"
                         "办公室录入“外部评价”。"),
    ("重新计算", "点“重新计算”(lyciq-xl recalc),生成“考核结果”“服务评价明细”“校验结果”;"
               "先处理校验结果中的错误(错误的行不计分)。"),
    ("生成附件", "点“生成附件2”“生成附件3”(lyciq-xl annex),打印供分管局长签字,也可导出PDF。"),
)

COMMANDS = (
    ("重新计算", "lyciq-xl recalc 主工作簿.xlsx", "校验全部数据,计算各季度和年度得分、排名、等次。"),
    ("校验", "lyciq-xl recalc 主工作簿.xlsx", "只看校验结果:错误的行不计分,警告的行照常计分。"),
    ("生成附件2", "lyciq-xl annex 主工作簿.xlsx --out 附件", "履职绩效和管理绩效指标表,A4横向打印。"),
    ("生成附件3", "lyciq-xl annex 主工作簿.xlsx --out 附件 --pdf", "年度重点绩效指标表,可同时生成PDF。"),
    ("分发工作簿", "lyciq-xl distribute 主工作簿.xlsx --out 分发", "按科室拆分工作簿,可直接发送邮件。"),
    ("汇总回收", "lyciq-xl collect 主工作簿.xlsx 回收/*.xlsx", "检查科室发回的工作簿并合并。"),
    ("(无)", "lyciq-xl explain 主工作簿.xlsx 检疫科 2014", "逐项说明一个科室得分的来由,用于答复申诉。"),
    ("(无)", "lyciq-xl status 主工作簿.xlsx", "查看各科室工作簿报送情况。"),
    ("(无)", "lyciq-xl explain 主工作簿.xlsx 鲁振东", "逐月说明一名人员的个人考核得分和等次的来由。"),
    ("(无)", "lyciq-xl archive 主工作簿.xlsx --out 档案 --pdf",
     "每人一份个人考核档案(A4纵向,可加 --dept 科室 或 --person 人员),供本人和领导签字后归档。"),
)

NOTES = (
    "本工作簿中的示例数据(人员、事由、文号、得分率等)均为虚构,仅用于演示;"
    "正式使用请用 lyciq-xl init --blank 新建空白主工作簿。",
    "“扣分标准”中标明“示例”的条目不是正式的附件4、附件5,请按辽宁局正式文件替换后再录入扣分。",
    "示例数据中故意设置了几处标明“(示例:…)”的问题,重新计算后可在“校验结果”中看到,用来熟悉校验功能。",
    "工作表标签颜色:蓝色为绩效办维护的参数和标准,绿色由各科室填写,橙色由考核责任部门和人事科、办公室录入。",
    "各表第一行的列标题不要改名;列的顺序可以调整,也可以在右侧增加自己的列(工具会保留并忽略)。",
    "“科室”列可填科室名称或科室代码;扣分以0.1分为单位,履职、管理绩效扣分不设下限(第十一条)。",
    "“考核结果”等标明【工具生成】的工作表每次重新计算都会整体替换,请不要在其中手工修改。",
    "参数“分发密钥”只保存在主工作簿中,不会出现在分发给科室的工作簿里,请勿外传。",
)

TITLE_FONT = Font(name="黑体", size=16, bold=True)
SECTION_FONT = Font(name="黑体", size=12, bold=True)
GUIDE_WIDTHS = (10, 12, 44, 46)


def _write_guide(ws: Worksheet) -> None:
    """Instructions in five blocks; merged cells where a text needs room."""
    ws.sheet_view.showGridLines = False
    for letter, width in zip("ABCD", GUIDE_WIDTHS):
        ws.column_dimensions[letter].width = width
    guide = _Guide(ws)
    guide.line(["绩效考核主工作簿使用说明"], (4,), font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 28
    guide.line(["依据《辽阳出入境检验检疫局绩效管理办法》(LNCIQ-LY-RS-001-2)。"
                "本工作簿由 lyciq-xl init 生成;各表的列标题是工具读取数据的依据,请勿改名。"],
               (4,), border=False)
    guide.table("一、各工作表的用途", ("工作表", "用途", "填写人"),
                SHEET_PURPOSES + APPEAL_PURPOSES + INDIVIDUAL_PURPOSES, (2, 1, 1))
    guide.table("二、工作流程", ("步骤", "环节", "做法"),
                [(f"第{n}步", name, text) for n, (name, text) in enumerate(WORKFLOW, 1)], (1, 1, 2))
    guide.table("三、功能区按钮与命令(Excel“绩效考核”选项卡 / 命令行)",
                ("按钮", "命令", "作用"), COMMANDS, (2, 1, 1))
    guide.table("四、校验规则(重新计算后列在“校验结果”中)", ("规则", "级别", "检查内容", "如何修改"),
                [(r.code, r.level, r.title, r.fix) for r in c.RULES.values()], (1, 1, 1, 1))
    guide.heading("五、注意事项")
    for n, note in enumerate(NOTES, start=1):
        guide.line([f"{n}.", note], (1, 3), border=False)
    _print_setup(ws, landscape=False)


class _Guide:
    """Writes the 说明 sheet row by row."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0

    def heading(self, text: str) -> None:
        self.row += 1  # blank line before each block
        self.line([text], (4,), font=SECTION_FONT, border=False)
        self.ws.row_dimensions[self.row].height = 22

    def table(self, title: str, headers: Sequence[str],
              rows: Iterable[Sequence[Any]], spans: Sequence[int]) -> None:
        self.heading(title)
        self.line(headers, spans, font=HEADER_FONT, fill=HEADER_FILL)
        for values in rows:
            self.line(values, spans)

    def line(self, values: Sequence[Any], spans: Sequence[int], *,
             font: Font = BODY_FONT, fill: PatternFill | None = None,
             border: bool = True) -> None:
        """One row: value i spans `spans[i]` of the columns A..D (merged),
        wrapped, with a row height that fits the longest value."""
        self.row += 1
        col, lines = 1, 1
        for value, span in zip(values, spans):
            put(self.ws, self.row, col, value)
            lines = max(lines, wrapped_lines(value, sum(GUIDE_WIDTHS[col - 1:col - 1 + span])))
            if span > 1:
                self.ws.merge_cells(start_row=self.row, start_column=col,
                                    end_row=self.row, end_column=col + span - 1)
            for k in range(col, col + span):
                cell = self.ws.cell(row=self.row, column=k)
                cell.font, cell.alignment = font, WRAP
                if border:
                    cell.border = BORDER
                if fill:
                    cell.fill = fill
            col += span
        if lines > 1:
            self.ws.row_dimensions[self.row].height = LINE_HEIGHT * lines + 2



# --- appeals and feedback letters (SPEC section 10) -------------------------------------
# The sample's appeals: one 撤销 (机关服务中心's 1-point F5-01 deduction, record
# 2014-025) and one 维持 (检疫科's 附件5 重大 deduction, 2014-014).

APPEAL_PURPOSES = (
    (c.Appeals.SHEET, "科室对扣分提出的申诉及处理结果(维持、撤销、调整);重新计算按处理结果计分,"
                      f"不改动“{c.Deductions.SHEET}”。", "绩效办"),
    (c.AppealAudit.SHEET, "【工具生成】每条申诉的原扣分、处理结果和计入的扣分。", "重新计算时生成"),
    (c.FeedbackLog.SHEET, "【工具生成】发给各科室的考核结果反馈单及日期(申诉期限由此起算)。",
     "生成反馈单时生成"),
)


def _appeal_param_rows() -> list[list[Any]]:
    return [
        [c.FeedbackParam.APPEAL_DAYS, _dec(c.FeedbackParam.DEFAULT_APPEAL_DAYS),
         "科室收到考核结果反馈单后提出申诉的期限(自然日);逾期的申诉在校验结果中提示E03。"],
        [c.FeedbackParam.APPROVED, c.NO,
         "考核结果经局绩效管理领导小组审定后改为“是”,才能正式发送反馈单(--send)。"],
    ]


def _appeal_rows() -> list[list[Any]]:
    A = c.Appeals
    rows = [
        {A.ID: "SS-2014-01", A.DEPT: _name_of("FWZX"), A.RECORD_NO: f"{data.YEAR}-025",
         A.DATE: dt.date(2014, 10, 15), A.REASON: "燃气管道维护由燃气公司负责,停气系燃气公司计划检修所致",
         A.DECISION: c.AppealDecision.REVOKED, A.DECIDED: dt.date(2014, 10, 28),
         A.BASIS: "绩效管理领导小组会议纪要〔2014〕4号"},
        {A.ID: "SS-2014-02", A.DEPT: _name_of("JYK"), A.RECORD_NO: f"{data.YEAR}-014",
         A.DATE: dt.date(2014, 7, 10), A.REASON: "漏检系木质包装标识不清所致,请求减轻扣分",
         A.DECISION: c.AppealDecision.UPHELD, A.DECIDED: dt.date(2014, 7, 25),
         A.BASIS: "绩效管理领导小组会议纪要〔2014〕3号"},
    ]
    return [[row.get(h) for h in A.COLUMNS] for row in rows]


def _add_appeal_sheet(book: Workbook, blank: bool) -> None:
    """申诉记录, after the other input sheets (headers only in a blank master)."""
    ws = book.create_sheet(c.Appeals.SHEET)
    ws.sheet_properties.tabColor = "8EA9DB"
    rows = [] if blank else _appeal_rows()
    _write_table(ws, c.Appeals.COLUMNS, rows)
    for header in (c.Appeals.DATE, c.Appeals.DECIDED):
        letter = get_column_letter(c.Appeals.COLUMNS.index(header) + 1)
        for r in range(2, len(rows) + 2):
            ws[f"{letter}{r}"].number_format = DATE_FORMAT
    decisions = _list_validation(_literal(c.AppealDecision.ALL), True, c.Appeals.DECISION,
                                 "待处理、维持、撤销或调整;留空按待处理计。")
    decisions.add(_column_range(c.Appeals.COLUMNS, c.Appeals.DECISION))
    ws.add_data_validation(decisions)
# --- individual performance (个人绩效, SPEC section 8) ---------------------------------
# The five input sheets after the organisational ones; sample content from
# lyciq_xl.sample_staff. The drop-downs and formats are this block's own.

INDIVIDUAL_TAB = "FFD966"
INDIVIDUAL_BUILDERS = {
    c.Staff: sample_staff.staff_rows, c.PersonalIndicators: sample_staff.indicator_rows,
    c.PersonalRecords: sample_staff.record_rows, c.MonthlyReviews: sample_staff.monthly_rows,
    c.AnnualReviews: sample_staff.annual_rows,
}
PERSON_PROMPT = "填写“人员”表中的人员编号(或全局唯一的姓名)。"
INDIVIDUAL_VALIDATIONS: dict[tuple[str, str], tuple[str, bool, str]] = {
    (c.Staff.SHEET, c.Staff.DEPT): (SECTION_RANGE, False, "从“科室”表选择科室名称(也可填科室代码)。"),
    (c.Staff.SHEET, c.Staff.STATUS): (_literal(c.StaffStatus.ALL), True, "在岗或离岗;离岗须填截止月份。"),
    (c.PersonalIndicators.SHEET, c.PersonalIndicators.DEPT):
        (SECTION_RANGE, False, "从“科室”表选择科室名称(也可填科室代码)。"),
    (c.PersonalIndicators.SHEET, c.PersonalIndicators.APPROVAL):
        (_literal(c.Approval.ALL), True, "分管局长审核后改为“已审核”(第六条)。"),
    (c.PersonalRecords.SHEET, c.PersonalRecords.KIND):
        (_literal(c.RecordKind.ALL), True, "扣分或加分;每月加分合计不超过参数“个人月加分上限”。"),
    (c.PersonalRecords.SHEET, c.PersonalRecords.STATUS):
        (_literal(c.Status.ALL), True, "改为“撤销”即不再计分,请勿删除记录。"),
    (c.MonthlyReviews.SHEET, c.MonthlyReviews.GRADE):
        (_literal(c.MonthlyGrade.ALL), True, "科室负责人评定的等次;留空则按当月得分自动评定。"),
    (c.AnnualReviews.SHEET, c.AnnualReviews.DECIDED):
        (_literal(c.AnnualGrade.ALL), True, "领导研究确定的年度等次;工具不会改动此列。"),
}
INDIVIDUAL_FORMATS = {
    (c.PersonalRecords.SHEET, c.PersonalRecords.POINTS): POINTS_FORMAT,
    **{(spec.SHEET, h): "@" for spec, h in (
        (c.Staff, c.Staff.START), (c.Staff, c.Staff.END), (c.PersonalRecords, c.PersonalRecords.MONTH),
        (c.MonthlyReviews, c.MonthlyReviews.MONTH), (c.AnnualReviews, c.AnnualReviews.YEAR))},
}
NUMBER_FORMATS.update(INDIVIDUAL_FORMATS)
TEXT_COLUMNS |= {c.MonthlyReviews.COMMENT, c.AnnualReviews.NOTE}
INDIVIDUAL_PURPOSES = (
    (c.Staff.SHEET, "各科室工作人员(个人考核对象),起始/截止月份写成2014-03,留空为全年在岗。", "人事科"),
    (c.PersonalIndicators.SHEET, "科室指标分解到人的个人指标,“对应科室指标”填本科室的指标编号(第六条)。",
     "各科室起草,分管局长审核"),
    (c.PersonalRecords.SHEET, "科室负责人按月录入的个人扣分、加分及事由;错录的改为“撤销”。", "各科室负责人"),
    (c.MonthlyReviews.SHEET, "每人每月一行的平时考核评定(好/较好/一般/较差),等次留空按得分评定。",
     "各科室负责人"),
    (c.AnnualReviews.SHEET, "年度考核确定等次(优秀/称职/基本称职/不称职),工具只提出建议,不改动此表。",
     "局党组确定后由人事科录入"),
    (c.PersonalResults.SHEET, "【工具生成】每人各月及年度得分、等次、建议等次和科室内排名;"
                              "优秀名额按科室年度等次对应的比例向下取整。", "重新计算时生成"),
)


def _write_individual_sheets(book: Workbook, blank: bool) -> None:
    for spec in c.INDIVIDUAL_SHEETS:
        ws = book.create_sheet(spec.SHEET)
        ws.sheet_properties.tabColor = INDIVIDUAL_TAB
        headers = tuple(spec.COLUMNS)
        rows = [] if blank else INDIVIDUAL_BUILDERS[spec]()
        rows = [[_dec(v) if h in (c.PersonalRecords.POINTS,) and isinstance(v, str) else v
                 for h, v in zip(headers, row)] for row in rows]
        _write_table(ws, headers, rows)
        for (sheet, header), (formula, strict, prompt) in INDIVIDUAL_VALIDATIONS.items():
            if sheet == spec.SHEET:
                dv = _list_validation(formula, strict, header, prompt)
                dv.add(_column_range(headers, header))
                ws.add_data_validation(dv)
        if spec is c.PersonalRecords:
            dv = DataValidation(type="decimal", operator="greaterThan", formula1="0",
                                allow_blank=True, showErrorMessage=True, showInputMessage=True)
            dv.promptTitle = dv.errorTitle = c.PersonalRecords.POINTS
            dv.prompt = dv.error = "分值须大于0,以0.1分为单位。"
            dv.add(_column_range(headers, c.PersonalRecords.POINTS))
            ws.add_data_validation(dv)


if __name__ == "__main__":
    sys.exit(main())
