"""Collect returned section workbooks: verify, diff, plan the merge.

Pure with respect to the master: `examine` looks at one returned file against
the master as read (plus what earlier files of this run changed) and returns
an Outcome - refused with reasons, or accepted with the cell changes and new
rows to merge. Writing the master and the receipts is done by the caller.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import (Approval, Category, Changes, Indicators, KeyTasks,
                               ReceiptBook, Receipts, SectionBook)
from lyciq_xl.errors import InputError, UntrustedFileError
from lyciq_xl.mail import integrity, split
from lyciq_xl.mail.master import Master
from lyciq_xl.mail.untrusted import SafeWorkbook, open_untrusted
from lyciq_xl.model import Period, Section
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.table import Table, cell_address, normalise, normalise_header

FORMULA_PREFIXES = ("=", "+", "-", "@")
# Characters XML 1.0 cannot carry. calamine decodes a cell's "_x0001_" to a
# real U+0001; split strips them when distributing, so collect does too
# (keeping them would also crash openpyxl when the receipt is written).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
EXCEL_MAX_TEXT = 32767       # characters in one cell; longer text is cut or "repaired" by Excel
MAX_NAMED_CELLS = 20


@dataclass
class Note:
    """One line of a receipt (回执)."""
    result: str                  # ReceiptBook.REFUSED / CHANGED / ADDED / SKIPPED / NOTE
    detail: str
    sheet: str = ""
    cell: str = ""
    before: str = ""
    after: str = ""


@dataclass
class Change:
    sheet: str
    row: int                     # master row (1-based)
    column: int                  # master column (0-based)
    header: str
    before: Any
    after: Any


@dataclass
class Outcome:
    file: str
    digest: str
    received: dt.datetime
    section: Section | None = None
    period: Period | None = None
    accepted: bool = False
    duplicate: bool = False
    notes: list[Note] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    new_ids: set[tuple[str, str]] = field(default_factory=set)   # (sheet, id) added

    @property
    def on_time(self) -> bool:
        return self.period is not None and self.received.date() <= self.period.deadline

    def refuse(self, detail: str, sheet: str = "", cell: str = "") -> "Outcome":
        self.accepted = False
        self.notes.append(Note(ReceiptBook.REFUSED, detail, sheet, cell))
        return self


@dataclass(frozen=True)
class InputSheet:
    """How collect treats one input sheet of a section workbook."""
    table: str                    # Master attribute holding the master's rows
    dept: str                     # 科室 column
    ident: str                    # 指标编号 column: rows are matched by 科室 + this
    approval: str                 # 审核状态 column
    inputs: tuple[str, ...]       # columns merged from existing rows
    new_columns: tuple[str, ...]  # columns taken from a new indicator row
    required: tuple[str, ...]     # a new row without these is not imported (id first)


SHEETS = {
    Indicators.SHEET: InputSheet("indicators", Indicators.DEPT, Indicators.ID,
                                 Indicators.APPROVAL, SectionBook.INDICATOR_INPUTS,
                                 SectionBook.INDICATOR_NEW,
                                 (Indicators.ID, Indicators.NAME, Indicators.CATEGORY)),
    KeyTasks.SHEET: InputSheet("key_tasks", KeyTasks.DEPT, KeyTasks.ID, KeyTasks.APPROVAL,
                               SectionBook.KEY_TASK_INPUTS, SectionBook.KEY_TASK_NEW,
                               (KeyTasks.ID, KeyTasks.TASK, KeyTasks.POINTS)),
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canon_text(value: Any) -> str:
    return integrity.canon(value)


class Merger:
    """Accumulates the merge of every accepted file of one collect run."""

    def __init__(self, master: Master, period: Period | None, seen_digests: set[str]):
        self.master = master
        self.period = period
        self.seen = set(seen_digests)
        self.patches: dict[str, dict[tuple[int, int], Any]] = {}
        self.current: dict[tuple[str, int, str], Any] = {}     # values after this run
        self.next_row: dict[str, int] = {}
        self.appended: dict[tuple[str, str, str], int] = {}    # (sheet, code, id) -> row
        self.latest = latest_returns(master)                   # (code, period) -> time
        self._by_number: dict[str, dict[int, Any]] = {}        # sheet -> row no -> Row
        self._ids: dict[str, set[str]] = {}                    # sheet -> every id

    # --- checks ------------------------------------------------------------------

    def examine(self, name: str, data: bytes, received: dt.datetime) -> Outcome:
        out = Outcome(file=name, digest=digest(data), received=received)
        try:
            book = open_untrusted(name, data)
        except UntrustedFileError as exc:
            return out.refuse(str(exc))
        if not self._identify(book, out):
            return out
        if out.digest in self.seen:
            out.accepted, out.duplicate = True, True
            out.notes.append(Note(ReceiptBook.NOTE, "该文件此前已汇总过,本次未作任何改动。"))
            return out
        latest = self.latest.get((out.section.code, str(out.period)))
        if latest is not None and out.received < latest:
            return out.refuse(f"该文件的收到时间({out.received:%Y-%m-%d %H:%M})早于已汇总的"
                              f"本科室本期文件({latest:%Y-%m-%d %H:%M});为免较旧的内容覆盖较新的,"
                              f"未汇总。如确需以此文件为准,请重新发送。")
        plan = split.plan_section(self.master, out.section, out.period)
        rows = self._verify(book, plan, out)
        if rows is None:
            return out
        out.accepted = True
        self.seen.add(out.digest)
        self.latest[(out.section.code, str(out.period))] = out.received
        for sheet in SHEETS:
            self._diff_sheet(book, sheet, rows.get(sheet, 1), out)
        return out

    def _identify(self, book: SafeWorkbook, out: Outcome) -> bool:
        props, name = book.props, book.name
        code = props.get(SectionBook.PROP_CODE)
        period_text = props.get(SectionBook.PROP_PERIOD)
        if not code or not period_text or not props.get(SectionBook.PROP_MAC):
            out.refuse("不是绩效办分发的科室填报工作簿(文件属性中没有科室代码、期间和校验码)。"
                       "请使用分发邮件附带的工作簿填写,不要新建或复制到其他文件。")
            return False
        section = self.master.sections.resolve(code)
        if section is None:
            out.refuse(f"文件属性中的科室代码“{code}”不在“{contract.Sections.SHEET}”表中。"
                       "请使用分发给本科室的工作簿。")
            return False
        period = Period.parse(period_text)
        year = self.master.settings.year
        # only a period of the master's year is kept for the receipt: "9999"
        # or "0000Q1" has no deadline (datetime's years end at 9999)
        out.section = section
        out.period = period if period is not None and period.year == year else None
        version = props.get(SectionBook.PROP_VERSION)
        if version != contract.TEMPLATE_VERSION:
            out.refuse(f"模板版本“{version or ''}”与当前版本“{contract.TEMPLATE_VERSION}”不一致。"
                       "请向绩效办索取最新分发的工作簿重新填写。")
            return False
        stem_section = self.master.sections.resolve(name.rsplit(".", 1)[0].split("_", 1)[0])
        if stem_section != section:
            out.refuse(f"文件名“{name}”与文件中的科室({section.name})不符。"
                       f"请勿修改文件名,也不要用其他科室的文件填报;"
                       f"本科室文件名应为“{split.file_name(section, Period.parse(period_text) or Period(0))}”。")
            return False
        if period is None or period.year != year or (self.period and period != self.period):
            wanted = str(self.period) if self.period else f"{year}年度内的期间"
            out.refuse(f"文件的期间“{period_text}”不是本次汇总的期间({wanted})。"
                       "请使用本期分发的工作簿填报。")
            return False
        return True

    def _verify(self, book: SafeWorkbook, plan: split.SectionPlan, out: Outcome
                ) -> dict[str, int] | None:
        """The file's verified locked-row counts, or None (refused)."""
        secret = self.master.settings.secret
        # any sheet a section workbook can have (考核结果 only once recalc ran)
        rows = integrity.decode_rows(book.props.get(SectionBook.PROP_ROWS), split.BOOK_SHEETS)
        if rows is not None:
            cells = integrity.locked_cells(book.sheets, rows)
            data = integrity.payload(out.section.code, str(out.period),
                                     book.props[SectionBook.PROP_VERSION], rows, cells)
            if integrity.verify(secret, data, book.props[SectionBook.PROP_MAC]):
                return rows
        named = self._name_tampered(book, plan)
        if not named:
            out.refuse("校验码不符:文件的锁定内容或文件属性被改动过(无法确定具体单元格)。"
                       "请用分发的原工作簿重新填写,只改黄色单元格。")
            return None
        out.refuse("校验码不符:锁定的单元格被改动过,文件未汇总。请用分发的原工作簿重新填写,"
                   "只改黄色单元格;以下单元格与分发时不同。")
        for sheet, address, header, was, now in named[:MAX_NAMED_CELLS]:
            # the original value is not echoed: the receipt may reach whoever
            # sent the file, and they need not be the section it claims to be
            out.notes.append(Note(ReceiptBook.REFUSED,
                                  f"锁定单元格“{header}”被修改,请恢复为分发时的内容"
                                  f"(见分发邮件中的原工作簿)。", sheet, address, "", now))
        return None

    def _name_tampered(self, book: SafeWorkbook, plan: split.SectionPlan):
        """Compare the file's locked cells with what distribute would write
        today, keyed by 指标编号 + column where rows carry an id."""
        def keyed(grids):
            out = {}
            for (sheet, address), text in integrity.locked_cells(grids, plan.rows()).items():
                grid = grids.get(sheet) or []
                row, col = _split_address(address)
                header = None
                if sheet != SectionBook.GUIDE_SHEET and grid and col < len(grid[0]):
                    header = normalise_header(grid[0][col])
                key = row
                if sheet in SHEETS and row > 1:
                    id_col = _col(grid, SHEETS[sheet].ident)
                    if id_col is not None and id_col < len(grid[row - 1]):
                        key = canon_text(grid[row - 1][id_col]) or row
                out[(sheet, key, header or address)] = (address, text)
            return out
        mine, theirs = keyed(plan.grids()), keyed(book.sheets)
        diffs = []
        for key in sorted(set(mine) | set(theirs), key=str):
            was, now = mine.get(key, ("", "")), theirs.get(key, ("", ""))
            if was[1] != now[1]:
                diffs.append((key[0], now[0] or was[0], key[2], was[1], now[1]))
        return diffs

    # --- diff and merge --------------------------------------------------------

    def _diff_sheet(self, book: SafeWorkbook, sheet: str, locked_rows: int,
                    out: Outcome) -> None:
        """Existing rows (the verified locked region) update their inputs;
        rows below it are new indicators."""
        spec = SHEETS[sheet]
        table: Table = getattr(self.master, spec.table)
        grid = book.sheets.get(sheet) or []
        if not grid:
            return
        headers = [normalise_header(h) for h in grid[0]]
        formulas = book.formulas.get(sheet, set())
        mine = {}
        for row in self.master.rows_of(table, out.section, spec.dept):
            mine.setdefault(canon_text(row[spec.ident]), []).append(row)
        for r, line in enumerate(grid[1:], start=2):
            values = {h: _clean(line[c]) if c < len(line) else None
                      for c, h in enumerate(headers) if h}
            file_id = canon_text(values.get(spec.ident))
            if r <= locked_rows:
                # a signed row's id is taken in this file: a "new" row below
                # repeating it would reach its locked columns (a 草拟 row is
                # updated from new rows, 指标名称 and 绩效类别 included)
                out.new_ids.add((sheet, file_id))
                self._update(sheet, table, mine.get(file_id, []), values, spec.inputs, r,
                             headers, formulas, out)
            elif not any(values.get(h) is not None for h in spec.new_columns):
                continue
            elif r > locked_rows + SectionBook.NEW_ROWS:
                # only the yellow rows are offered (protection is no security):
                # a file must not append thousands of indicators to the master
                out.notes.append(Note(ReceiptBook.SKIPPED,
                                      f"超出新增指标的黄色空行(每表最多{SectionBook.NEW_ROWS}行),"
                                      "此行未导入;如需更多新增指标请与绩效办联系。", sheet, f"A{r}"))
            else:
                self._add(sheet, table, mine.get(file_id, []), values, r, headers, formulas, out)

    def _update(self, sheet, table, rows, values, columns, r, headers, formulas, out,
                note_result=ReceiptBook.CHANGED) -> None:
        if len(rows) != 1:
            why = "主工作簿中已没有该指标" if not rows else "主工作簿中该指标编号重复"
            out.notes.append(Note(ReceiptBook.SKIPPED, f"{why},此行未导入,请与绩效办联系。",
                                  sheet, f"A{r}"))
            return
        target = rows[0]
        before = len(out.changes)
        for header in columns:
            if header not in table.columns:
                out.notes.append(Note(ReceiptBook.SKIPPED,
                                      f"主工作簿“{sheet}”表没有“{header}”列,未导入。", sheet))
                continue
            self._set(sheet, table, target.number, header, values.get(header), r, headers,
                      formulas, out, note_result)
        self._check_completion(sheet, values, r, headers, out)
        changed = {ch.header for ch in out.changes[before:]}
        self._reapprove(sheet, table, target.number, changed, r, headers, out)

    def _reapprove(self, sheet, table, row_no, changed, r, headers, out) -> None:
        """An approved indicator whose content changed goes back to 草拟."""
        approval = SHEETS[sheet].approval
        key = (sheet, row_no, approval)
        current = self.current.get(key, self._master_value(table, row_no, approval))
        if not changed & set(SectionBook.REAPPROVE) or canon_text(current) != Approval.APPROVED \
                or approval not in table.columns:
            return
        self.current[key] = Approval.DRAFT
        self.patches.setdefault(sheet, {})[(row_no, table.columns[approval])] = Approval.DRAFT
        out.changes.append(Change(sheet, row_no, table.columns[approval], approval,
                                  current, Approval.DRAFT))
        address = cell_address(r, headers.index(approval)) if approval in headers else ""
        out.notes.append(Note(ReceiptBook.NOTE,
                              f"已审核指标的内容有改动,审核状态改为“{Approval.DRAFT}”,"
                              "须分管局长重新审核(第九、十条)。", sheet, address,
                              Approval.APPROVED, Approval.DRAFT))

    def _check_completion(self, sheet, values, r, headers, out) -> None:
        value = canon_text(values.get(KeyTasks.COMPLETION))
        scale = self.master.settings.completion
        if sheet == KeyTasks.SHEET and value and value not in scale:
            address = cell_address(r, headers.index(KeyTasks.COMPLETION))
            out.notes.append(Note(ReceiptBook.NOTE,
                                  f"完成情况“{value}”不在完成系数表中,将按0分计;"
                                  f"请从下拉列表选择:{'、'.join(scale)}。", sheet, address))

    def _set(self, sheet, table, row_no, header, new, r, headers, formulas, out,
             note_result) -> None:
        col = table.columns[header]
        address = cell_address(r, headers.index(header)) if header in headers else ""
        key = (sheet, row_no, header)
        old = self.current.get(key, self._master_value(table, row_no, header))
        if address in formulas:
            # never import a formula, nor its (possibly stale or absent) cached value
            out.notes.append(Note(ReceiptBook.SKIPPED, "该单元格是公式,未导入;请直接填写文字或数字。",
                                  sheet, address))
            return
        if canon_text(old) == canon_text(new):
            return
        if isinstance(new, str) and len(new) > EXCEL_MAX_TEXT:
            out.notes.append(Note(ReceiptBook.SKIPPED,
                                  f"内容有{len(new)}个字符,超过Excel单元格上限({EXCEL_MAX_TEXT}个字符),"
                                  "未导入;请精简后重新报送。", sheet, address))
            return
        if isinstance(new, str) and new.startswith(FORMULA_PREFIXES):
            out.notes.append(Note(ReceiptBook.NOTE, "内容以=、+、-或@开头,已按文本导入,不会作为公式执行。",
                                  sheet, address))
        self.current[key] = new
        self.patches.setdefault(sheet, {})[(row_no, col)] = new
        out.changes.append(Change(sheet, row_no, col, header, old, new))
        out.notes.append(Note(note_result, f"“{header}”已更新。", sheet, address,
                              canon_text(old), canon_text(new)))

    def _master_value(self, table: Table, row_no: int, header: str) -> Any:
        rows = self._by_number.get(table.sheet)
        if rows is None:
            rows = self._by_number[table.sheet] = {r.number: r for r in table.rows}
        row = rows.get(row_no)
        return row[header] if row is not None else None

    def _add(self, sheet, table, rows, values, r, headers, formulas, out) -> None:
        spec = SHEETS[sheet]
        new_cols, required = spec.new_columns, spec.required
        missing = [h for h in required if values.get(h) is None]
        if missing:
            out.notes.append(Note(ReceiptBook.SKIPPED,
                                  f"新增指标缺少{'、'.join(missing)},此行未导入,请补全后重新报送。",
                                  sheet, f"A{r}"))
            return
        problem = self._bad_new_value(sheet, values)
        if problem:
            out.notes.append(Note(ReceiptBook.SKIPPED, problem, sheet, f"A{r}"))
            return
        file_id = canon_text(values[required[0]])
        if (sheet, file_id) in out.new_ids:
            out.notes.append(Note(ReceiptBook.SKIPPED,
                                  f"指标编号“{file_id}”在本文件中重复,此行未导入;请换一个编号。",
                                  sheet, f"A{r}"))
            return
        out.new_ids.add((sheet, file_id))
        appended = self.appended.get((sheet, out.section.code, file_id))
        if appended is None and not rows and file_id in self._all_ids(sheet, table):
            # ids are unique across sections; say no more than "taken" (need to know)
            out.notes.append(Note(ReceiptBook.SKIPPED,
                                  f"指标编号“{file_id}”已被使用,此行未导入;请换一个编号。",
                                  sheet, f"A{r}"))
            return
        if appended is None and rows:
            drafts = [x for x in rows if canon_text(x[spec.approval]) == Approval.DRAFT]
            if len(rows) == 1 and drafts:
                # a re-sent draft indicator: update it instead of adding it again
                self._update(sheet, table, rows, values, new_cols, r, headers, formulas, out)
                return
            out.notes.append(Note(ReceiptBook.SKIPPED,
                                  f"指标编号“{file_id}”已存在,此行未导入;如为新指标请换一个编号。",
                                  sheet, f"A{r}"))
            return
        if appended is None:
            appended = self._next_row(sheet, table)
            self.appended[(sheet, out.section.code, file_id)] = appended
            fixed = {spec.dept: out.section.name, spec.approval: Approval.DRAFT}
            for header, value in fixed.items():
                if header in table.columns:
                    self.patches.setdefault(sheet, {})[(appended, table.columns[header])] = value
                    self.current[(sheet, appended, header)] = value
                    out.changes.append(Change(sheet, appended, table.columns[header], header,
                                              None, value))
        out.notes.append(Note(ReceiptBook.ADDED,
                              f"新增指标“{file_id}”已导入主工作簿(审核状态为“{Approval.DRAFT}”)。",
                              sheet, f"A{r}"))
        for header in new_cols:
            if header in table.columns:
                self._set(sheet, table, appended, header, values.get(header), r, headers,
                          formulas, out, ReceiptBook.ADDED)

    def _all_ids(self, sheet: str, table: Table) -> set[str]:
        if sheet not in self._ids:
            ident = SHEETS[sheet].ident
            self._ids[sheet] = {canon_text(r[ident]) for r in table.rows}
        return self._ids[sheet] | {i for (s, _, i) in self.appended if s == sheet}

    def _bad_new_value(self, sheet: str, values: dict) -> str | None:
        if sheet == Indicators.SHEET and canon_text(values[Indicators.CATEGORY]) not in Category.DEDUCTIBLE:
            return f"新增指标的绩效类别须为{'或'.join(Category.DEDUCTIBLE)},此行未导入。"
        if sheet == KeyTasks.SHEET and canon_text(values[KeyTasks.POINTS]) not in contract.KEY_TASK_POINTS:
            return f"新增重点指标的分值须为{'、'.join(contract.KEY_TASK_POINTS)},此行未导入。"
        return None

    def _next_row(self, sheet: str, table: Table) -> int:
        if sheet not in self.next_row:
            self.next_row[sheet] = max([r.number for r in table.rows], default=1) + 1
        row = self.next_row[sheet]
        self.next_row[sheet] += 1
        return row


def _clean(value: Any) -> Any:
    """A cell of a returned file as merged: XML-illegal characters dropped."""
    if isinstance(value, str):
        value = XML_ILLEGAL.sub("", value)
    return normalise(value)


def _col(grid, header: str) -> int | None:
    if not grid:
        return None
    for c, h in enumerate(grid[0]):
        if normalise_header(h) == header:
            return c
    return None


def _split_address(address: str) -> tuple[int, int]:
    letters = "".join(ch for ch in address if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(address[len(letters):]), col - 1


def seen_digests(master: Master) -> set[str]:
    table = master.receipts
    if table is None or contract.RECEIPT_DIGEST not in table.columns:
        return set()
    return {canon_text(r[contract.RECEIPT_DIGEST]) for r in table.rows if r[contract.RECEIPT_DIGEST]}


def check_secret(master: Master) -> None:
    secret = master.settings.secret
    if not secret or len(secret) < 16:
        raise InputError(f"主工作簿“{contract.Params.SHEET}”表中没有有效的参数"
                         f"“{contract.ParamKey.SECRET}”(至少16个字符),无法核验回收的工作簿。"
                         f"请使用分发时的主工作簿。")


def latest_returns(master: Master) -> dict[tuple[str, str], dt.datetime]:
    """When each section's latest accepted file of a period was received."""
    latest: dict[tuple[str, str], dt.datetime] = {}
    for row in (master.receipts.rows if master.receipts else []):
        section = master.sections.resolve(row[contract.Receipts.DEPT])
        when = row[contract.Receipts.RECEIVED]
        if section is None or not isinstance(when, dt.datetime):
            continue
        key = (section.code, canon_text(row[contract.Receipts.PERIOD]))
        latest[key] = max(latest.get(key, when), when)
    return latest


# --- the whole run: what to write into the master ------------------------------

def _old_rows(table: Table | None, headers: tuple[str, ...]) -> list[list[Any]]:
    if table is None:
        return []
    return [[row[h] for h in headers] for row in table.rows]


def owned_sheets(master: Master, outcomes: list[Outcome]) -> list[OwnedSheet]:
    """回收记录 and 回收变更: earlier rows read back and kept, this run's appended."""
    receipts = _old_rows(master.receipts, contract.RECEIPTS_COLUMNS)
    changes = _old_rows(master.changes, Changes.COLUMNS)
    for o in outcomes:
        if not o.accepted or o.duplicate:
            continue
        receipts.append([o.section.name, str(o.period), o.file, o.received,
                         contract.YES if o.on_time else contract.NO, len(o.changes), o.digest])
        for ch in o.changes:
            changes.append([ch.sheet, ch.row, ch.header, canon_text(ch.before) or None,
                            canon_text(ch.after) or None, o.section.name, o.file])
    return [
        OwnedSheet(Receipts.SHEET, contract.RECEIPTS_COLUMNS, receipts,
                   number_formats={Receipts.RECEIVED: "yyyy-mm-dd hh:mm"},
                   widths={Receipts.FILE: 36, Receipts.RECEIVED: 18, contract.RECEIPT_DIGEST: 20}),
        OwnedSheet(Changes.SHEET, Changes.COLUMNS, changes,
                   widths={Changes.BEFORE: 30, Changes.AFTER: 30, Changes.FILE: 36}),
    ]


@dataclass
class CollectRun:
    outcomes: list[Outcome]
    patches: dict[str, dict[tuple[int, int], Any]]
    owned: list[OwnedSheet]

    @property
    def changes_master(self) -> bool:
        return any(o.accepted and not o.duplicate for o in self.outcomes)


def collect_run(master: Master, inputs: list[tuple[str, Any, dt.datetime]],
                period: Period | None) -> CollectRun:
    """Examine every (name, bytes or UntrustedFileError, received) oldest first,
    so a later version of a section's file wins. Writes nothing: the caller
    applies `patches` and `owned` (the file writer, or xlwings in Excel)."""
    check_secret(master)
    merger = Merger(master, period, seen_digests(master))
    outcomes = []
    for name, data, received in sorted(inputs, key=lambda item: item[2]):
        if isinstance(data, UntrustedFileError):        # an .eml refused as a whole
            outcomes.append(Outcome(file=name, digest="", received=received).refuse(str(data)))
        else:
            outcomes.append(merger.examine(name, data, received))
    return CollectRun(outcomes, merger.patches, owned_sheets(master, outcomes))
