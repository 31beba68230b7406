"""Merge a verified section workbook into the master, three-way.

Three values meet for every input cell: the base (the cell as distributed,
signed into the file), the returned value, and the master's value now.

- returned == base: the section did not touch the cell; it is never written,
  whatever the master holds (the office may have edited it since).
- returned != base, master == base (or == what this section itself last
  set): the section's change is applied.
- returned != base, master changed too and differs from returned: a
  conflict. The master's value stays; the conflict goes to 回收变更 (marked,
  with base, master and returned values) and to the receipt.
- returned == master: nothing to do, no conflict.

Rows are matched by 科室 + 指标编号 (the office may re-sort the master).
Rows below the signed region are new indicators: imported as 草拟, their
base is blank. An approved indicator whose content changes goes back to 草拟.
A key task with an assessing department (SPEC 9): the department's return
writes 完成情况, so the section's 完成情况 cell is merged into the master's
optional column 自评完成情况 (created when absent), by the same three-way rule.
Formulas are never imported. Pure: the master is read, never written; the
merge accumulates `patches` for the caller to write once.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import Approval, Category, Indicators, KeyTasks, ReceiptBook, SectionBook
from lyciq_xl.engine import assessors
from lyciq_xl.mail import integrity
from lyciq_xl.mail.master import Master
from lyciq_xl.mail.outcome import Change, Note, Outcome
from lyciq_xl.mail.verify import Verified
from lyciq_xl.model import Section
from lyciq_xl.table import Row, Table, cell_address, normalise, normalise_header

# what XML cannot carry: dropped from returned text (split strips them when
# distributing; calamine decodes a cell's "_x0001_" to a real U+0001)
from lyciq_xl.xlsxio.xmltext import XML_ILLEGAL

FORMULA_PREFIXES = ("=", "+", "-", "@")
EXCEL_MAX_TEXT = 32767       # characters in one cell; longer text is cut or "repaired" by Excel


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


def canon_text(value: Any) -> str:
    return integrity.canon(value)


def clean(value: Any) -> Any:
    """A cell of a returned file as merged: XML-illegal characters dropped."""
    if isinstance(value, str):
        value = XML_ILLEGAL.sub("", value)
    return normalise(value)


@dataclass
class FileRow:
    """One row of a returned sheet while it is merged (file side)."""
    sheet: str
    number: int                               # row in the returned file (1-based)
    ident: str                                # its 指标编号, canonical
    values: dict[str, Any]                    # header -> cleaned value
    headers: list[str | None]                 # row 1 (None for a blank header cell)
    formulas: set[str]                        # addresses holding a formula
    base: Mapping[tuple[str, str], str]       # the file's verified base
    out: Outcome
    section: Section                          # the verified sender
    new: bool = False                         # below the signed rows: base is blank

    def address(self, header: str) -> str:
        return cell_address(self.number, self.headers.index(header)) if header in self.headers else ""

    def base_of(self, header: str) -> str:
        if self.new:
            return ""
        return self.base.get((self.sheet, self.address(header)), "")

    def note(self, result: str, detail: str, header: str | None = None) -> Note:
        cell = self.address(header) if header else f"A{self.number}"
        note = Note(result, detail, self.sheet, cell)
        self.out.notes.append(note)
        return note


@dataclass
class Target:
    """The master row a file row merges into."""
    table: Table
    number: int                               # master row (1-based)


def untouched(verified: Verified) -> bool:
    """Every input cell as distributed and no new row filled: a copy of the
    distributed file (a clerk collecting the distribution folder), not a return."""
    return all(sheet_untouched(verified, sheet, spec.inputs, spec.new_columns, verified.rows.get(sheet, 1))
               for sheet, spec in SHEETS.items())


def sheet_untouched(verified: Verified, sheet: str, inputs: tuple[str, ...],
                    new_columns: tuple[str, ...], locked: int) -> bool:
    """One sheet of a return as distributed: its `inputs` cells of the first
    `locked` rows equal the signed base and no `new_columns` cell below is filled."""
    grid = verified.book.sheets.get(sheet) or []
    if not grid:
        return True
    headers = [normalise_header(h) for h in grid[0]]
    for r, line in enumerate(grid[1:], start=2):
        columns = inputs if r <= locked else new_columns
        for c, header in enumerate(headers):
            if header not in columns or c >= len(line):
                continue
            base = verified.base.get((sheet, cell_address(r, c)), "") if r <= locked else ""
            if canon_text(clean(line[c])) != base:
                return False
    return True


@dataclass
class Merger:
    """Accumulates the merge of every accepted file of one collect run."""
    master: Master
    patches: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    current: dict[tuple[str, int, str], Any] = field(default_factory=dict)   # values after this run
    # (section code, sheet, 指标编号, header) -> what the section itself last
    # set: a master value equal to it is the section's own, not an office edit
    own: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    next_row: dict[str, int] = field(default_factory=dict)
    appended: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (sheet, code, id) -> row
    _by_number: dict[str, dict[int, Row]] = field(default_factory=dict)
    _ids: dict[str, set[str]] = field(default_factory=dict)
    # (sheet, header) -> 0-based column of an optional column this run adds
    added: dict[tuple[str, str], int] = field(default_factory=dict)
    _framework: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.own.update(own_values(self.master))
        self._framework = assessors.framework_assessors(self.master.tables.get(contract.Framework.SHEET))

    def merge(self, verified: Verified, out: Outcome) -> None:
        for sheet in SHEETS:
            self._merge_sheet(verified, sheet, out)

    # --- one sheet -------------------------------------------------------------

    def _merge_sheet(self, verified: Verified, sheet: str, out: Outcome) -> None:
        """Existing rows (the verified locked region) update their inputs;
        rows below it are new indicators."""
        spec = SHEETS[sheet]
        table: Table = getattr(self.master, spec.table)
        grid = verified.book.sheets.get(sheet) or []
        if not grid:
            return
        headers = [normalise_header(h) for h in grid[0]]
        formulas = verified.book.formulas.get(sheet, set())
        locked = verified.rows.get(sheet, 1)
        mine: dict[str, list[Row]] = {}
        for master_row in self.master.rows_of(table, verified.section, spec.dept):
            mine.setdefault(canon_text(master_row[spec.ident]), []).append(master_row)
        for r, line in enumerate(grid[1:], start=2):
            values = {h: clean(line[c]) if c < len(line) else None
                      for c, h in enumerate(headers) if h}
            row = FileRow(sheet, r, canon_text(values.get(spec.ident)), values, headers,
                          formulas, verified.base, out, verified.section, new=r > locked)
            if not row.new:
                # a signed row's id is taken in this file: a "new" row below
                # repeating it would reach its locked columns (a 草拟 row is
                # updated from new rows, 指标名称 and 绩效类别 included)
                out.new_ids.add((sheet, row.ident))
                self._update(row, mine.get(row.ident, []), spec.inputs, table)
            elif not any(values.get(h) is not None for h in spec.new_columns):
                continue
            elif r > locked + SectionBook.NEW_ROWS:
                # only the yellow rows are offered (protection is no security):
                # a file must not append thousands of indicators to the master
                row.note(ReceiptBook.SKIPPED, f"超出新增指标的黄色空行(每表最多{SectionBook.NEW_ROWS}行),"
                         "此行未导入;如需更多新增指标请与绩效办联系。")
            else:
                self._add(row, mine.get(row.ident, []), table)

    def _update(self, row: FileRow, rows: list[Row], columns: tuple[str, ...], table: Table) -> None:
        if len(rows) != 1:
            if any(row.base_of(h) != canon_text(row.values.get(h)) for h in columns) or row.new:
                why = "主工作簿中已没有该指标" if not rows else "主工作簿中该指标编号重复"
                row.note(ReceiptBook.SKIPPED, f"{why},此行未导入,请与绩效办联系。")
            return
        target = Target(table, rows[0].number)
        before = len(row.out.changes)
        assessed = self._assessed(row, rows[0])
        for header in columns:
            into = self._into(row, header, assessed)
            if into not in table.columns and into != contract.SELF_COMPLETION:
                self._no_column(row, header)
                continue
            self._set(row, target, header, ReceiptBook.ADDED if row.new else ReceiptBook.CHANGED, into)
        self._check_completion(row, assessed)
        changed = {ch.header for ch in row.out.changes[before:]}
        self._reapprove(row, target, changed)

    # --- key tasks with an assessing department (SPEC 9) -------------------------

    def _assessed(self, row: FileRow, master_row: Row | None) -> bool:
        """Does an assessing department report this key task's 完成情况? Its own
        考核责任部门 cell (a new row has none: the framework's 重点绩效 row)."""
        if row.sheet != KeyTasks.SHEET:
            return False
        cell = master_row[KeyTasks.ASSESSOR] if master_row is not None else None
        return bool(assessors.key_task_assessors(cell, row.section, self._framework,
                                                 self.master.sections))

    @staticmethod
    def _into(row: FileRow, header: str, assessed: bool) -> str:
        """The master column a returned cell merges into."""
        if assessed and header == KeyTasks.COMPLETION:
            return contract.SELF_COMPLETION
        return header

    def _column(self, table: Table, header: str) -> int:
        """The master column of `header`; an optional column the master lacks is
        added right of every column in use (its header cell is the only other
        cell written), once per run."""
        if header in table.columns:
            return table.columns[header]
        key = (table.sheet, header)
        if key not in self.added:
            used = list(table.columns.values()) + [i for _h, i in table.repeated]
            used += [c for (s, _h), c in self.added.items() if s == table.sheet]
            self.added[key] = max(used, default=-1) + 1
            self.patches.setdefault(table.sheet, {})[(1, self.added[key])] = header
        return self.added[key]

    def _no_column(self, row: FileRow, header: str) -> None:
        """The master has no such column (clerks may drop optional ones): said
        once per file and sheet, and only where the section filled something."""
        if canon_text(row.values.get(header)) == row.base_of(header):
            return
        detail = f"主工作簿“{row.sheet}”表没有“{header}”列,该列的内容未导入;如需汇总请联系绩效办。"
        if not any(n.detail == detail and n.sheet == row.sheet for n in row.out.notes):
            row.note(ReceiptBook.SKIPPED, detail, header)

    # --- one cell: the three-way rule --------------------------------------------

    def _set(self, row: FileRow, target: Target, header: str, note_result: str,
             into: str | None = None) -> None:
        """The returned cell under `header` into the master's column `into`
        (default: the same header)."""
        into = into or header
        out, sheet = row.out, row.sheet
        new = row.values.get(header)
        address = row.address(header)
        if address in row.formulas:
            # never import a formula, nor its (possibly stale or absent) cached value
            row.note(ReceiptBook.SKIPPED, "该单元格是公式,未导入;请直接填写文字或数字。", header)
            return
        returned, base = canon_text(new), row.base_of(header)
        if returned == base:
            return                         # the section did not change it
        key = (sheet, target.number, into)
        old = self.current.get(key, self._master_value(target, into))
        master = canon_text(old)
        if master == returned:
            return                         # same value both sides: nothing to do
        own_key = (row.section.code, sheet, row.ident, into)
        if master != base and master != self.own.get(own_key):
            self._conflict(row, target, header, old, into)
            return
        if isinstance(new, str) and len(new) > EXCEL_MAX_TEXT:
            row.note(ReceiptBook.SKIPPED, f"内容有{len(new)}个字符,超过Excel单元格上限"
                     f"({EXCEL_MAX_TEXT}个字符),未导入;请精简后重新报送。", header)
            return
        if isinstance(new, str) and new.startswith(FORMULA_PREFIXES):
            row.note(ReceiptBook.NOTE, "内容以=、+、-或@开头,已按文本导入,不会作为公式执行。", header)
        self._write(target, into, new)
        self.own[own_key] = returned
        out.changes.append(Change(sheet, target.number, self._column(target.table, into), into,
                                  old, new, row.ident, base))
        text = (f"“{header}”已更新。" if into == header else
                f"该重点指标的完成情况由考核责任部门考核、以其报送为准;本科室填写的“{header}”"
                f"已记入主工作簿的“{into}”。")
        note = row.note(note_result, text, header)
        note.before, note.after = master, returned

    def _conflict(self, row: FileRow, target: Target, header: str, old: Any, into: str) -> None:
        base, returned = row.base_of(header), canon_text(row.values.get(header))
        row.out.conflicts.append(Change(row.sheet, target.number, self._column(target.table, into),
                                        into, old, row.values.get(header), row.ident, base))
        note = row.note(ReceiptBook.CONFLICT,
                        f"“{into}”在分发后绩效办也改过(分发时为“{base}”),与本次报送的内容不同;"
                        "已保留主工作簿的值,本次报送的内容未导入。如仍需修改,请与绩效办联系。",
                        header)
        note.before, note.after = canon_text(old), returned

    def _write(self, target: Target, header: str, value: Any) -> None:
        sheet = target.table.sheet
        self.current[(sheet, target.number, header)] = value
        self.patches.setdefault(sheet, {})[(target.number, self._column(target.table, header))] = value

    def _master_value(self, target: Target, header: str) -> Any:
        table = target.table
        rows = self._by_number.get(table.sheet)
        if rows is None:
            rows = self._by_number[table.sheet] = {r.number: r for r in table.rows}
        found = rows.get(target.number)
        return found[header] if found is not None else None

    # --- approval and completion ---------------------------------------------------

    def _reapprove(self, row: FileRow, target: Target, changed: set[str]) -> None:
        """An approved indicator whose content changed goes back to 草拟."""
        approval = SHEETS[row.sheet].approval
        if approval not in target.table.columns:
            return
        current = self.current.get((row.sheet, target.number, approval),
                                   self._master_value(target, approval))
        if not changed & set(SectionBook.REAPPROVE) or canon_text(current) != Approval.APPROVED:
            return
        self._write(target, approval, Approval.DRAFT)
        row.out.changes.append(Change(row.sheet, target.number, target.table.columns[approval],
                                      approval, current, Approval.DRAFT, row.ident))
        note = row.note(ReceiptBook.NOTE, f"已审核指标的内容有改动,审核状态改为“{Approval.DRAFT}”,"
                        "须分管局长重新审核(第九、十条)。",
                        approval if approval in row.headers else None)
        if approval not in row.headers:
            note.cell = ""
        note.before, note.after = Approval.APPROVED, Approval.DRAFT

    def _check_completion(self, row: FileRow, assessed: bool = False) -> None:
        value = canon_text(row.values.get(KeyTasks.COMPLETION))
        scale = self.master.settings.completion
        if row.sheet == KeyTasks.SHEET and value and value not in scale \
                and (row.new or value != row.base_of(KeyTasks.COMPLETION)):
            counts = "(自评,不计分)" if assessed else ",将按0分计"
            row.note(ReceiptBook.NOTE, f"完成情况“{value}”不在完成系数表中{counts};"
                     f"请从下拉列表选择:{'、'.join(scale)}。", KeyTasks.COMPLETION)

    # --- new indicator rows ----------------------------------------------------------

    def _add(self, row: FileRow, rows: list[Row], table: Table) -> None:
        spec = SHEETS[row.sheet]
        sheet, out = row.sheet, row.out
        missing = [h for h in spec.required if row.values.get(h) is None]
        if missing:
            row.note(ReceiptBook.SKIPPED, f"新增指标缺少{'、'.join(missing)},此行未导入,请补全后重新报送。")
            return
        problem = self._bad_new_value(row)
        if problem:
            row.note(ReceiptBook.SKIPPED, problem)
            return
        file_id = row.ident
        if (sheet, file_id) in out.new_ids:
            row.note(ReceiptBook.SKIPPED, f"指标编号“{file_id}”在本文件中重复,此行未导入;请换一个编号。")
            return
        out.new_ids.add((sheet, file_id))
        appended = self.appended.get((sheet, row.section.code, file_id))
        if appended is None and not rows and file_id in self._all_ids(sheet, table):
            # ids are unique across sections; say no more than "taken" (need to know)
            row.note(ReceiptBook.SKIPPED, f"指标编号“{file_id}”已被使用,此行未导入;请换一个编号。")
            return
        if appended is None and rows:
            drafts = [x for x in rows if canon_text(x[spec.approval]) == Approval.DRAFT]
            if len(rows) == 1 and drafts:
                # a re-sent draft indicator: update it instead of adding it again
                self._update(row, rows, spec.new_columns, table)
                return
            row.note(ReceiptBook.SKIPPED, f"指标编号“{file_id}”已存在,此行未导入;如为新指标请换一个编号。")
            return
        target = Target(table, appended or 0)
        if appended is None:
            target.number = self._next_row(sheet, table)
            self.appended[(sheet, row.section.code, file_id)] = target.number
            fixed = {spec.dept: row.section.name, spec.approval: Approval.DRAFT}
            for header, value in fixed.items():
                if header in table.columns:
                    self._write(target, header, value)
                    out.changes.append(Change(sheet, target.number, table.columns[header], header,
                                              None, value, file_id))
        row.note(ReceiptBook.ADDED, f"新增指标“{file_id}”已导入主工作簿(审核状态为“{Approval.DRAFT}”)。")
        assessed = self._assessed(row, None)
        for header in spec.new_columns:
            into = self._into(row, header, assessed)
            if into in table.columns or into == contract.SELF_COMPLETION:
                self._set(row, target, header, ReceiptBook.ADDED, into)

    def _all_ids(self, sheet: str, table: Table) -> set[str]:
        if sheet not in self._ids:
            ident = SHEETS[sheet].ident
            self._ids[sheet] = {canon_text(r[ident]) for r in table.rows}
        return self._ids[sheet] | {i for (s, _, i) in self.appended if s == sheet}

    def _bad_new_value(self, row: FileRow) -> str | None:
        values = row.values
        if row.sheet == Indicators.SHEET and \
                canon_text(values[Indicators.CATEGORY]) not in Category.DEDUCTIBLE:
            return f"新增指标的绩效类别须为{'或'.join(Category.DEDUCTIBLE)},此行未导入。"
        if row.sheet == KeyTasks.SHEET and \
                canon_text(values[KeyTasks.POINTS]) not in contract.KEY_TASK_POINTS:
            return f"新增重点指标的分值须为{'、'.join(contract.KEY_TASK_POINTS)},此行未导入。"
        return None

    def _next_row(self, sheet: str, table: Table) -> int:
        if sheet not in self.next_row:
            self.next_row[sheet] = max([r.number for r in table.rows], default=1) + 1
        row = self.next_row[sheet]
        self.next_row[sheet] += 1
        return row


def own_values(master: Master) -> dict[tuple[str, str, str, str], str]:
    """What each section's earlier accepted returns set, from 回收变更 (the
    latest per section, sheet, 指标编号 and column; conflicts excluded)."""
    table = master.changes
    own: dict[tuple[str, str, str, str], str] = {}
    if table is None:
        return own
    by_number: dict[str, dict[int, Row]] = {}
    for change in table.rows:
        section = master.sections.resolve(change[contract.Changes.DEPT])
        sheet = canon_text(change[contract.Changes.SHEET_NAME])
        if section is None or canon_text(change[contract.CHANGE_MARK]) or \
                (sheet not in SHEETS and sheet not in contract.PersonalBook.SHEETS):
            continue
        ident = canon_text(change[contract.CHANGE_ID])
        if not ident and sheet in SHEETS:       # written before 指标编号 was recorded: the row now
            rows = by_number.setdefault(sheet, {r.number: r for r in
                                                getattr(master, SHEETS[sheet].table).rows})
            try:
                found = rows.get(int(change[contract.Changes.ROW]))
            except (TypeError, ValueError, OverflowError):
                found = None
            ident = canon_text(found[SHEETS[sheet].ident]) if found is not None else ""
        header = canon_text(change[contract.Changes.COLUMN])
        own[(section.code, sheet, ident, header)] = canon_text(change[contract.Changes.AFTER])
    return own


__all__ = ["Merger", "SHEETS", "untouched", "canon_text", "clean"]
