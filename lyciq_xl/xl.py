"""What the buttons of the 绩效考核 ribbon run, on the workbook the clerk has open.

Each function reads every sheet it needs with one bulk call, runs the same
core as the command line, writes each owned sheet as one block and ends with
a Chinese message box. Only calls that both xlwings engines support are used:
the COM engine behind the add-in's RunPython (Windows/macOS Excel), and the
remote engine (xlwings Server, used by the tests), whose VBA client can
replay only 37 kinds of action — so no column widths, fonts or sheet
visibility here, and hyperlinks are HYPERLINK formulas in the one value block.

Which workbook: under RunPython `xw.Book.caller()` is the add-in itself, so
we act on `caller.app.books.active` — the clerk's active workbook in the same
Excel. With the remote engine the VBA client sends `ActiveWorkbook` as the
caller, and `caller.app.books.active` is that same book, so one expression
serves both (`xw.books.active` would fail there: it starts a local Excel).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import xlwings as xw

from lyciq_xl import contract
from lyciq_xl.contract import Findings, Level, Marks
from lyciq_xl.errors import InputError, LyciqError
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.table import Table, table_from_grid
from lyciq_xl.xlsxio.reader import check_sheet_spelling, require_sheets

TITLE = "绩效考核"
MARK_FILL = {Level.ERROR: "#FFC7CE", Level.WARNING: "#FFEB9C"}   # Excel's 差 / 中性
# The add-in's own VBA (macros/LyciqActions.bas), used only by the remote engine:
# the VBA client cannot remove a fill (setRangeColor needs a colour).
FILL_MACRO = "'lyciq.xlam'!LyciqActions.LyciqFill"
_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
_COM_AREA_CHARS = 250          # Range("I7,I9,...") takes at most 255 characters


# --- the workbook ----------------------------------------------------------------

def is_remote(book: xw.Book) -> bool:
    return book.app.engine.name == "remote"


def read_grid(sheet: xw.Sheet) -> list[list[Any]]:
    """The sheet's values as a dense grid from A1 to the used range's last
    cell, in one bulk read (used_range may start after A1 under COM)."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1 and sheet.range("A1").value is None:
        return []
    return sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value


def read_tables(book: xw.Book, specs: Iterable[type] = contract.INPUT_SHEETS,
                optional: Iterable[type] = contract.OPTIONAL_INPUT_SHEETS) -> dict[str, Table]:
    """Like xlsxio.reader.read_tables, from the open workbook."""
    names = [s.name for s in book.sheets]
    specs, optional = list(specs), list(optional)
    require_sheets(book.name, names, specs)
    check_sheet_spelling(book.name, names, [s.SHEET for s in optional])
    specs += [s for s in optional if s not in specs and s.SHEET in names]
    return {s.SHEET: table_from_grid(s.SHEET, read_grid(book.sheets[s.SHEET]), s.REQUIRED)
            for s in specs}


# --- writing owned sheets ----------------------------------------------------------

def cell_value(value: Any) -> Any:
    """A core value as Excel should receive it. Every text gets Excel's
    invisible apostrophe prefix, so it stays the text it is: not a formula
    (=, +, -, @ or their full-width forms), and not coerced to a number,
    date or boolean ("001", "1/2", "TRUE")."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and value:
        return "'" + value
    return value


def hyperlink_formula(target: str, text: Any) -> str:
    """An in-workbook link as a formula: it travels in the value block."""
    shown = "" if text is None else str(text)
    return '=HYPERLINK("#{}","{}")'.format(target.replace('"', '""'), shown.replace('"', '""'))


def _grid(owned: OwnedSheet) -> list[list[Any]]:
    grid = [list(owned.headers)]
    column = {h: i for i, h in enumerate(owned.headers)}
    links: dict[int, list[tuple[int, str]]] = {}
    for (link_row, header), target in owned.links.items():
        if target:
            links.setdefault(link_row, []).append((column[header], target))
    for r, row in enumerate(owned.rows):
        values = [cell_value(v) for v in row]
        for c, target in links.get(r, ()):
            values[c] = hyperlink_formula(target, row[c])
        grid.append(values)
    return grid


def _format_runs(owned: OwnedSheet) -> list[tuple[int, int, str]]:
    """(first column, last column, format) for runs of adjacent columns that
    share a number format: one action per run."""
    runs: list[tuple[int, int, str]] = []
    for i, header in enumerate(owned.headers):
        fmt = owned.number_formats.get(header)
        if fmt is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == fmt:
            runs[-1] = (runs[-1][0], i, fmt)
        else:
            runs.append((i, i, fmt))
    return runs


def write_owned(book: xw.Book, owned: OwnedSheet) -> None:
    """Replace the sheet's content (or add the sheet at the end): clear, one
    value block, one number format per run of columns, autofit."""
    names = [s.name for s in book.sheets]
    if owned.name in names:
        sheet = book.sheets[owned.name]
        sheet.clear()
    else:
        sheet = book.sheets.add(owned.name, after=book.sheets[len(names) - 1])
    grid = _grid(owned)
    sheet.range("A1").value = grid
    if owned.rows:
        for first, last, fmt in _format_runs(owned):
            sheet.range((2, first + 1), (len(grid), last + 1)).number_format = fmt
    sheet.range((1, 1), (len(grid), len(owned.headers))).columns.autofit()


# --- marking offending input cells -----------------------------------------------

def _marks_wanted(book: xw.Book, findings) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> level; an error wins over a warning on the same cell."""
    names = {s.name for s in book.sheets}
    wanted: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.sheet in names and f.cell and _CELL.fullmatch(f.cell):
            key = (f.sheet, f.cell)
            if wanted.get(key) != Level.ERROR:
                wanted[key] = f.level
    return wanted


def _marks_made(book: xw.Book) -> set[tuple[str, str]]:
    """The marks the last run recorded in its own sheet (one bulk read)."""
    if Marks.SHEET not in [s.name for s in book.sheets]:
        return set()
    table = table_from_grid(Marks.SHEET, read_grid(book.sheets[Marks.SHEET]))
    made = set()
    for row in table.rows:
        sheet, cell = row[Marks.SHEET_NAME], row[Marks.CELL]
        if isinstance(sheet, str) and isinstance(cell, str) and _CELL.fullmatch(cell):
            made.add((sheet, cell))
    return made


def area_chunks(cells: list[str], limit: int = _COM_AREA_CHARS) -> list[str]:
    """Multi-area addresses ("I7,I9,K3") of at most `limit` characters each."""
    chunks: list[str] = []
    for cell in cells:
        if chunks and len(chunks[-1]) + 1 + len(cell) <= limit:
            chunks[-1] += "," + cell
        else:
            chunks.append(cell)
    return chunks


def _fill(book: xw.Book, sheet_name: str, cells: list[str], color: str | None) -> None:
    """Fill (or, with None, unfill) cells of one sheet in as few calls as the
    engine allows: one macro call per sheet remotely, one call per multi-area
    range under COM."""
    if not cells:
        return
    if is_remote(book):
        book.app.macro(FILL_MACRO)(sheet_name, ",".join(cells), color or "")
        return
    sheet = book.sheets[sheet_name]
    for address in area_chunks(cells):
        sheet.range(address).color = color


def refresh_marks(book: xw.Book, findings) -> int:
    """Clear the fills this tool made last time (and only those, as recorded
    in its 标记记录 sheet), fill the cells of the current findings, and record
    them. Returns the number of cells marked."""
    wanted = _marks_wanted(book, findings)
    made = _marks_made(book)
    existing = {s.name for s in book.sheets}
    stale: dict[str, list[str]] = {}
    for sheet, cell in sorted(made - set(wanted)):
        if sheet in existing:
            stale.setdefault(sheet, []).append(cell)
    for sheet, cells in stale.items():
        _fill(book, sheet, cells, None)
    groups: dict[tuple[str, str], list[str]] = {}
    for (sheet, cell), level in sorted(wanted.items()):
        groups.setdefault((sheet, MARK_FILL[level]), []).append(cell)
    for (sheet, color), cells in groups.items():
        _fill(book, sheet, cells, color)
    if wanted or made:
        rows = [[sheet, cell, level] for (sheet, cell), level in sorted(wanted.items())]
        write_owned(book, OwnedSheet(Marks.SHEET, Marks.COLUMNS, rows))
    return len(wanted)


# --- message box and error handling ------------------------------------------------

def alert(app: xw.App, text: str, critical: bool = False) -> None:
    app.alert(text, title=TITLE, buttons="ok", mode="critical" if critical else "info")


@contextlib.contextmanager
def _run_lock(book: xw.Book) -> Iterator[None]:
    """A saved workbook's run lock (lyciq_xl.xlsxio.lock), the one the command
    line takes: a button pressed while `lyciq-xl collect` merges into the same
    file waits, then stops, instead of computing from what was there before."""
    path = Path(book.fullname)
    if not (path.is_absolute() and path.is_file()):   # unsaved, or a remote client's name
        yield
        return
    from lyciq_xl.xlsxio.lock import master_lock
    with master_lock(path):
        yield


def locks_master(func: Callable[[xw.Book], str]) -> Callable[[xw.Book], str]:
    """For the buttons that write the master: the whole button under `_run_lock`."""
    @functools.wraps(func)
    def locked(book: xw.Book) -> str:
        with _run_lock(book):
            return func(book)
    return locked


def ribbon_action(func: Callable[[xw.Book], str]) -> Callable[[], None]:
    """Run a button's work on the active workbook; show its summary, or the
    clerk-facing Chinese message of a LyciqError (nothing written then)."""
    @functools.wraps(func)
    def run() -> None:
        app = xw.Book.caller().app
        try:
            book = app.books.active
            if book is None:               # Excel open with no workbook
                raise InputError("请先打开主工作簿,再点击功能区按钮。")
            message = func(book)
        except LyciqError as exc:
            alert(app, f"未完成:{exc}", critical=True)
            return
        alert(app, message)
    return run


def _counts(findings) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.level == Level.ERROR)
    return errors, sum(1 for f in findings if f.level == Level.WARNING)


def _marks_note(marked: int) -> str:
    return (f"已在输入表中标出 {marked} 个单元格(红色为错误,黄色为警告)。"
            if marked else "")


# --- the buttons --------------------------------------------------------------------

@ribbon_action
@locks_master
def recalculate(book: xw.Book) -> str:
    """重新计算: validate and score; write 考核结果, 服务评价明细, 校验结果; mark cells."""
    from lyciq_xl.engine import evaluate, owned_sheets
    from lyciq_xl.summary import message_box_text
    assessment = evaluate(read_tables(book))
    for owned in owned_sheets(assessment):
        write_owned(book, owned)
    marked = refresh_marks(book, assessment.findings)
    return message_box_text(assessment) + _marks_note(marked)


@ribbon_action
@locks_master
def validate(book: xw.Book) -> str:
    """校验: the same checks, writing only 校验结果 (and the cell marks)."""
    from lyciq_xl.engine import evaluate, owned_sheets
    assessment = evaluate(read_tables(book))
    for owned in owned_sheets(assessment):
        if owned.name == Findings.SHEET:
            write_owned(book, owned)
    marked = refresh_marks(book, assessment.findings)
    errors, warnings = _counts(assessment.findings)
    if not errors and not warnings:
        return "校验完成:未发现问题。"
    return (f"校验完成:错误 {errors} 条,警告 {warnings} 条,"
            f"详见“{Findings.SHEET}”。" + _marks_note(marked))


def output_folder(book: xw.Book) -> Path:
    """The folder of the open workbook, where annexes are saved."""
    path = Path(book.fullname)
    if not path.is_absolute() or not path.parent.is_dir():
        raise InputError("请先把工作簿保存到本机文件夹(不能是未保存的新工作簿或网络位置),"
                         "附件将保存在工作簿所在的文件夹。")
    return path.parent


def _annex(book: xw.Book, which: str) -> str:
    """Annex 2 or 3 of the open workbook, saved next to it, as `lyciq-xl
    annex` writes it (annex 3 is the year-end variant once 完成情况 exist)."""
    from lyciq_xl.annex import indicators, key_tasks
    from lyciq_xl.annex.source import Source
    from lyciq_xl.xlsxio import safefile
    from lyciq_xl.engine import evaluate
    folder = output_folder(book)
    tables = read_tables(book)
    assessment = evaluate(tables)     # rows it leaves out for errors are not printed
    source = Source.from_tables(tables, assessment.findings)
    if which == "附件2":
        workbook, stem = indicators.workbook(source), indicators.FILE_NAME
    else:
        scores = assessment.key_task_scores if key_tasks.has_outcomes(source) else None
        workbook, stem = key_tasks.workbook(source, scores=scores), key_tasks.FILE_NAME
    path = folder / f"{stem}.xlsx"
    safefile.check_not_locked(path)   # the previous annex still open in Excel
    try:
        safefile.save_workbook(workbook, path)
    except PermissionError as exc:    # Windows: the old annex is open in Excel
        raise InputError(f"无法保存“{path}”:该文件可能正在 Excel 中打开,请关闭后重试。") from exc
    return f"已生成{which}:{path}"


@ribbon_action
def generate_annex2(book: xw.Book) -> str:
    """生成附件2: the 履职/管理 indicator table, saved next to the workbook."""
    return _annex(book, "附件2")


@ribbon_action
def generate_annex3(book: xw.Book) -> str:
    """生成附件3: the key indicator table, saved next to the workbook."""
    return _annex(book, "附件3")


# --- distribution (lyciq_xl.mail) ------------------------------------------------

def apply_patches(book: xw.Book, patches: dict[str, dict[tuple[int, int], Any]]) -> None:
    """Cell edits {sheet: {(row 1-based, column 0-based): value}} as one value
    block per run of adjacent cells in a row: O(changed rows), not O(cells)."""
    for sheet_name, cells in patches.items():
        sheet = book.sheets[sheet_name]
        runs: list[tuple[int, int, list[Any]]] = []
        for (row, col), value in sorted(cells.items()):
            if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == col:
                runs[-1][2].append(cell_value(value))
            else:
                runs.append((row, col, [cell_value(value)]))
        for row, col, values in runs:
            sheet.range((row, col + 1)).value = [values]


def _mail_master(book: xw.Book):
    from lyciq_xl.mail.master import SHEETS, master_from_tables
    names = {s.name for s in book.sheets}
    tables = {spec.SHEET: table_from_grid(spec.SHEET, read_grid(book.sheets[spec.SHEET]),
                                          spec.REQUIRED if needed else ())
              for spec, needed in SHEETS if spec.SHEET in names}
    return master_from_tables(Path(book.fullname), tables)


def _secret(book: xw.Book, master) -> str:
    """The master's 分发密钥; on first distribution a new one is added as the
    next row of 参数 (the only change distribution makes to the master)."""
    from lyciq_xl.mail.outbox import secret_and_patch
    secret, patch = secret_and_patch(master)
    if patch:
        apply_patches(book, patch)
    return secret


@ribbon_action
@locks_master
def distribute(book: xw.Book) -> str:
    """分发工作簿: one workbook per section for the year, plus an e-mail draft
    (.eml, opened and sent from Outlook), in <工作簿名>_分发 next to the master.
    Sending by SMTP stays on the command line (it needs server settings)."""
    from lyciq_xl.mail import outbox, send
    from lyciq_xl.mail.master import resolve_period
    folder = output_folder(book)
    master = _mail_master(book)
    period = resolve_period(master, None)
    secret = _secret(book, master)
    out_dir = folder / f"{master.path.stem}_分发"
    out_dir.mkdir(exist_ok=True)
    log = send.SendLog(master.path)
    items = outbox.prepare(master, master.sections, period, secret, out_dir)
    outbox.record_unaddressed(items, log, period)
    drafted = len(outbox.write_drafts(items, out_dir, period, log))
    without = [item.section.name for item in items if item.message is None]
    text = (f"已生成 {len(master.sections)} 个科室的{period}填报工作簿和 {drafted} 封邮件草稿,"
            f"保存在“{out_dir}”;双击 .eml 文件在 Outlook 中打开后发送。")
    if without:
        text += f"{'、'.join(without)}没有有效的电子邮箱(见“科室”表),请手工发送其工作簿。"
    return text


@ribbon_action
@locks_master
def collect(book: xw.Book) -> str:
    """汇总回收: read the returned workbooks (or .eml) the clerk saved in
    <工作簿名>_回收 next to the master, merge them into the open workbook,
    write 回收记录/回收变更 and one 回执 per file."""
    from lyciq_xl.mail import folders, receipts
    from lyciq_xl.mail import inbox
    from lyciq_xl.mail.collect import collect_run
    folder = output_folder(book)
    stem = Path(book.fullname).stem
    inbox_dir = folder / f"{stem}_回收"
    if not inbox_dir.is_dir() or not any(inbox_dir.iterdir()):
        inbox_dir.mkdir(exist_ok=True)
        return f"请把各科室交回的工作簿(或邮件 .eml)保存到文件夹“{inbox_dir}”,再点“汇总回收”。"
    master = _mail_master(book)
    receipt_dir = folder / f"{stem}_回执"
    folders.check_folder(receipt_dir)
    run = collect_run(master, inbox.gather([inbox_dir]), None)
    paths = receipts.plan_paths(run.outcomes, receipt_dir)
    folders.make_folder(receipt_dir)
    if run.changes_master:
        apply_patches(book, run.patches)
        for owned in run.owned:
            write_owned(book, owned)
    for outcome, path in zip(run.outcomes, paths):
        receipts.write_receipt(outcome, path)
    refused = sum(not o.accepted for o in run.outcomes)
    return (f"汇总回收完成:共 {len(run.outcomes)} 个文件,接收 {len(run.outcomes) - refused} 个,"
            f"拒收 {refused} 个;回执已写入“{receipt_dir}”。请再点“重新计算”更新得分。")


__all__ = ["recalculate", "validate", "generate_annex2", "generate_annex3",
           "distribute", "collect", "read_tables", "write_owned",
           "refresh_marks", "apply_patches"]
