"""The same scenarios through both workbook ports: the file (the command
line) and the open workbook on xlwings' remote engine (the ribbon), built
from the same .xlsx. Results, findings and owned-sheet values must be
identical, so every scenario here is a test of the button too.
(tests/port_fixtures.py runs a command through either port.)
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from lyciq_xl import contract
from lyciq_xl.commands import annex, recalc, status
from lyciq_xl.contract import Deductions, Findings, Results, ServiceDetail
from lyciq_xl.errors import ExitCode, InputError
from lyciq_xl.port import FilePort
from lyciq_xl.port.excel import _fill_merged_down, _percent_as_points, merged_down, percent_cells
from lyciq_xl.table import normalise, table_from_grid
from port_fixtures import PORTS, remote_tables, through
from reader_fixtures import SAMPLE, copy_with_table, with_external
from writer_fixtures import with_cached


def read_sheet(path: Path, name: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return [[normalise(v) for v in row]
            for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]


def findings_sheet(path: Path) -> list[tuple]:
    """校验结果 as the clerk reads it: a link cell (a HYPERLINK formula from
    the ribbon, a hyperlink from the file writer) shows its text."""
    ws = openpyxl.load_workbook(path)[Findings.SHEET]
    rows = []
    for row in ws.iter_rows(values_only=True):
        shown = []
        for value in row:
            match = re.fullmatch(r'=HYPERLINK\("#(.*)","(.*)"\)', value or "") \
                if isinstance(value, str) else None
            shown.append(match.group(2) if match else value)
        rows.append(tuple(shown))
    return rows


def set_cell(path: Path, sheet: str, header: str, row: int, value) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    column = next(c.column for c in ws[1] if c.value == header)
    ws.cell(row, column).value = value
    book.save(path)


def two_copies(sample_path: Path, tmp_path: Path) -> dict[str, Path]:
    copies = {}
    for kind in PORTS:
        target = tmp_path / kind / sample_path.name
        target.parent.mkdir()
        shutil.copyfile(sample_path, target)
        copies[kind] = target
    return copies


# --- the scenarios -----------------------------------------------------------------

def _sample(path: Path) -> None:
    """The sample as built: five planted findings (3 errors, 2 warnings)."""


def _formula_error(path: Path) -> None:
    """A 扣分 formula whose cached result is #DIV/0!: shown, not "(空白)"."""
    set_cell(path, Deductions.SHEET, Deductions.POINTS, 2, "=1/0")
    with_cached(path, "I2", b"#DIV/0!", b' t="e"')


def _text_number_and_bad_step(path: Path) -> None:
    """扣分 typed as text ("0.2", read as 0.2) and 0.15 (D01: not a 0.1 step)."""
    set_cell(path, Deductions.SHEET, Deductions.POINTS, 2, "0.2")
    set_cell(path, Deductions.SHEET, Deductions.POINTS, 3, 0.15)


def _total_row(path: Path) -> None:
    """扣分记录 made an Excel Table with a Total Row (合计, SUBTOTAL of 扣分)."""
    source = path.with_name("表格前.xlsx")
    shutil.copy(path, source)
    copy_with_table(source, path)


SCENARIOS = {"sample": _sample, "formula error": _formula_error,
             "text number": _text_number_and_bad_step, "total row": _total_row}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_both_ports_read_the_same_tables(sample_path, scenario):
    SCENARIOS[scenario](sample_path)
    mine = FilePort(sample_path).read_tables()
    theirs = remote_tables(sample_path)
    assert list(mine) == list(theirs)
    for name in mine:
        assert mine[name] == theirs[name], name


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_recalc_through_both_ports(sample_path, tmp_path, scenario):
    SCENARIOS[scenario](sample_path)
    paths = two_copies(sample_path, tmp_path)
    outcomes = {kind: through(kind, path, recalc.recalc) for kind, path in paths.items()}
    file, remote = outcomes["file"], outcomes["remote"]
    assert file.code == remote.code == ExitCode.FINDINGS
    assert file.result.findings == remote.result.findings
    assert file.result.results == remote.result.results
    assert file.result.service == remote.result.service
    assert file.lines[1:] == remote.lines[1:]        # the ribbon adds how many cells it marked
    for sheet in (Results.SHEET, ServiceDetail.SHEET):
        assert read_sheet(paths["file"], sheet) == read_sheet(paths["remote"], sheet), sheet
    assert findings_sheet(paths["file"]) == findings_sheet(paths["remote"])


def test_recalc_findings_name_the_edited_cells(sample_path, tmp_path):
    # hand-checked anchors for the scenarios above (not one port against the other)
    _formula_error(sample_path)
    found = through("remote", sample_path, recalc.recalc).result.findings
    d01 = [f for f in found if (f.sheet, f.cell, f.rule) == (Deductions.SHEET, "I2", "D01")]
    assert len(d01) == 1 and "“#DIV/0!”" in d01[0].message


def test_text_number_counts_as_the_number(sample_path):
    _text_number_and_bad_step(sample_path)
    found = through("remote", sample_path, recalc.recalc).result.findings
    on_points = {(f.cell, f.rule) for f in found if f.sheet == Deductions.SHEET
                 and f.cell in ("I2", "I3")}
    assert on_points == {("I3", "D01")}       # "0.2" is a valid step; 0.15 is not


def test_validate_through_both_ports(sample_path, tmp_path):
    paths = two_copies(sample_path, tmp_path)
    outcomes = {kind: through(kind, path, recalc.validate) for kind, path in paths.items()}
    assert outcomes["file"].code == outcomes["remote"].code == ExitCode.FINDINGS
    assert outcomes["file"].result.findings == outcomes["remote"].result.findings
    assert findings_sheet(paths["file"]) == findings_sheet(paths["remote"])
    names = openpyxl.load_workbook(paths["file"]).sheetnames
    assert Findings.SHEET in names and Results.SHEET not in names
    # 3 errors and 2 warnings planted in the sample (lyciq_xl/sample.py)
    # 3 errors and 2 warnings of the organisational part, 4 and 3 of the
    # individual part (P02, P04, P05, P06; P07, P08, P10)
    assert outcomes["file"].alert == "校验完成:错误 7 条,警告 5 条,详见“校验结果”。"


def test_explain_through_both_ports(sample_path, tmp_path):
    paths = two_copies(sample_path, tmp_path)
    texts = {kind: through(kind, path, lambda p: recalc.explain(p, "检疫科", None)).lines
             for kind, path in paths.items()}
    assert texts["file"] == texts["remote"]
    assert any("检疫科" in line for line in texts["file"])


def test_annex_through_both_ports(sample_path, tmp_path):
    paths = two_copies(sample_path, tmp_path)
    for kind, path in paths.items():
        outcome = through(kind, path, annex.annex)          # beside the workbook
        assert outcome.code == ExitCode.OK
        assert len(outcome.lines) >= 4
    # with the 科室个人考核结果汇总表 of each quarter (SPEC 8)
    quarters = sorted(p.stem for p in paths["file"].parent.glob("科室个人考核结果汇总表_*.xlsx"))
    assert len(quarters) == 4
    for stem in annex.ALL + tuple(quarters):
        mine = python_calamine.CalamineWorkbook.from_path(str(paths["file"].with_name(f"{stem}.xlsx")))
        theirs = python_calamine.CalamineWorkbook.from_path(
            str(paths["remote"].with_name(f"{stem}.xlsx")))
        assert mine.sheet_names == theirs.sheet_names
        for name in mine.sheet_names:
            assert mine.get_sheet_by_name(name).to_python() == \
                theirs.get_sheet_by_name(name).to_python(), (stem, name)


def test_status_through_both_ports(sample_path, tmp_path):
    paths = two_copies(sample_path, tmp_path)
    texts = {kind: through(kind, path, status.run).lines for kind, path in paths.items()}
    assert texts["file"] == texts["remote"]
    # nothing distributed yet: every one of the sample's 8 sections is 未分发
    # 8 sections, then 3 assessing departments (SPEC 9), then the individual
    # returns (SPEC 8) of the 8 sections with staff in each of the 4 quarters
    assert texts["file"][0].count("未分发") == 8 + 3 + 8 * 4


@pytest.mark.parametrize("kind", PORTS)
def test_missing_sheet_same_message_nothing_written(sample_path, kind):
    book = openpyxl.load_workbook(sample_path)
    del book[Deductions.SHEET]
    book.save(sample_path)
    before = sample_path.read_bytes()
    with pytest.raises(InputError, match=f"缺少工作表“{Deductions.SHEET}”"):
        through(kind, sample_path, recalc.recalc)
    assert sample_path.read_bytes() == before


# --- merged cells ---------------------------------------------------------------------

def _merge_dept(path: Path) -> None:
    """The clerk merges 科室 of 扣分记录 rows 2-3 (both 办公室 in the sample)."""
    book = openpyxl.load_workbook(path)
    ws = book[Deductions.SHEET]
    column = next(c.column_letter for c in ws[1] if c.value == Deductions.DEPT)
    assert ws[f"{column}2"].value == ws[f"{column}3"].value == "办公室"
    ws.merge_cells(f"{column}2:{column}3")      # openpyxl blanks the lower cell
    book.save(path)


def test_merged_down_cells_filled_by_the_file_port_not_the_remote_one(sample_path):
    _merge_dept(sample_path)
    file_rows = FilePort(sample_path).read_tables()[Deductions.SHEET].rows
    remote_rows = remote_tables(sample_path)[Deductions.SHEET].rows
    assert file_rows[1][Deductions.DEPT] == "办公室"
    # the remote payload carries no merges (documented in port/excel.py)
    assert remote_rows[1][Deductions.DEPT] is None


class _MergeAnswers:
    """Excel's answers to Range.MergeCells / Range.MergeArea, taken from the
    merge areas openpyxl reads from the file (the COM engine is not here)."""

    def __init__(self, ws):
        self.areas = [(a.min_row, a.min_col, a.max_row, a.max_col) for a in ws.merged_cells.ranges]

    def range(self, first, last=None):
        return _Range(self, first, last or first)


class _Range:
    def __init__(self, sheet, first, last):
        self.sheet, self.first, self.last = sheet, first, last

    def _touching(self):
        (r0, c0), (r1, c1) = self.first, self.last
        return [a for a in self.sheet.areas if a[0] <= r1 and a[2] >= r0 and a[1] <= c1 and a[3] >= c0]

    @property
    def merge_cells(self):
        return None if self._touching() else False     # None: mixed, as COM says

    @property
    def merge_area(self):
        hit = self._touching()
        top, left, bottom, right = hit[0] if hit else (*self.first, *self.first)
        area = _Range(self.sheet, (top, left), (bottom, right))
        area.row, area.column, area.shape = top, left, (bottom - top + 1, right - left + 1)
        return area


def test_merge_areas_asked_of_excel_fill_like_the_file_reader(sample_path):
    _merge_dept(sample_path)
    ws = openpyxl.load_workbook(sample_path)[Deductions.SHEET]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    _fill_merged_down(grid, merged_down(_MergeAnswers(ws), grid))
    dept = [c.value for c in ws[1]].index(Deductions.DEPT)
    assert grid[2][dept] == "办公室"           # row 3, blank in the file, filled
    expected = python_calamine.CalamineWorkbook.from_path(str(sample_path))
    from lyciq_xl.xlsxio.reader import sheet_grid
    calamine = sheet_grid(expected, Deductions.SHEET)
    assert [normalise(r[dept]) for r in grid] == [normalise(r[dept]) for r in calamine]


# --- writing numbers the way both engines take them -------------------------------------

def test_large_whole_numbers_go_as_floats():
    from lyciq_xl.port.excel import cell_value
    # AppleScript moves whole numbers as 32-bit ints: 2**31 = 2147483648 and up go as floats
    assert cell_value(Decimal(2147483647)) == 2147483647
    assert isinstance(cell_value(Decimal(2147483647)), int)
    assert isinstance(cell_value(Decimal(2147483648)), float)
    assert cell_value(Decimal(-2147483648)) == -2147483648.0
    assert isinstance(cell_value(Decimal(-2147483648)), float)


def test_one_area_at_a_time_on_a_mac():
    from lyciq_xl.port.excel import area_chunks
    assert area_chunks(["I7", "I9", "K3"], 0) == ["I7", "I9", "K3"]
    assert area_chunks(["I7", "I9", "K3"]) == ["I7,I9,K3"]


def test_results_anchor(sample_path, tmp_path):
    # one hand-checked figure so the comparison above cannot pass on two equal wrongs:
    # the sample's planted findings are 3 errors and 2 warnings (lyciq_xl/sample.py)
    outcome = through("file", sample_path, recalc.recalc)
    # 3 + 4 individual errors, 2 + 3 individual warnings (the sample's planted P rules)
    assert (outcome.result.error_count, outcome.result.warning_count) == (7, 5)
    assert contract.Results.SHEET in openpyxl.load_workbook(sample_path).sheetnames


# --- distribute and collect ----------------------------------------------------------

def test_distribute_then_collect_through_both_ports(sample_path, tmp_path):
    from lyciq_xl.commands import collect, distribute
    from lyciq_xl.contract import Changes, KeyTasks, Receipts
    paths = two_copies(sample_path, tmp_path)
    masters = {}
    for kind, path in paths.items():
        outcome = through(kind, path, distribute.distribute)     # into <stem>_分发 beside it
        assert outcome.code == ExitCode.OK
        books = sorted(distribute.out_folder(FilePort(path)).glob("*.xlsx"))
        # one workbook per section of the sample's 8
        assert len(books) == 8 and outcome.lines.count(f"已生成:{books[0]}") == 1
        # the same section fills in one 完成情况 and sends its workbook back
        returned = openpyxl.load_workbook(books[0])
        ws = returned[KeyTasks.SHEET]
        col = [c.value for c in ws[1]].index(KeyTasks.COMPLETION) + 1
        ws.cell(2, col).value = "基本完成"
        inbox = collect.inbox_folder(FilePort(path))
        inbox.mkdir()
        returned.save(inbox / books[0].name)
        outcome = through(kind, path, collect.collect)
        assert outcome.code == ExitCode.OK
        assert outcome.lines[-1].startswith("共 1 个文件:接收 1 个,拒收 0 个;冲突 0 处")
        masters[kind] = path
    file, remote = masters["file"], masters["remote"]
    assert read_sheet(file, KeyTasks.SHEET) == read_sheet(remote, KeyTasks.SHEET)
    assert read_sheet(file, Changes.SHEET) == read_sheet(remote, Changes.SHEET)
    # two distributions: each its own 分发编号 and file bytes; and the clock moved on
    differ = {Receipts.RECEIVED, contract.RECEIPT_DIGEST, contract.RECEIPT_SAVED,
              contract.RECEIPT_DIST}
    keep = [i for i, h in enumerate(contract.RECEIPTS_COLUMNS) if h not in differ]
    mine, theirs = read_sheet(file, Receipts.SHEET), read_sheet(remote, Receipts.SHEET)
    assert [[r[i] for i in keep] for r in mine] == [[r[i] for i in keep] for r in theirs]
    when = contract.RECEIPTS_COLUMNS.index(Receipts.RECEIVED)
    assert all(isinstance(r[when], dt.datetime) for r in mine[1:] + theirs[1:])   # dates, not text


@pytest.mark.parametrize("kind", PORTS)
def test_section_workbook_open_in_excel_stops_distribute_on_both(sample_path, kind):
    """The check existed on the command line only; now the button makes it too."""
    from lyciq_xl.commands import distribute
    out = distribute.out_folder(FilePort(sample_path))
    through("file", sample_path, lambda p: distribute.distribute(p, dept="办公室"))
    book, = out.glob("*.xlsx")
    before = book.read_bytes()
    (out / f"~${book.name}").write_bytes(b"")   # Excel's owner file: the clerk has it open
    with pytest.raises(InputError, match="正在Excel中打开"):
        through(kind, sample_path, distribute.distribute)
    assert book.read_bytes() == before
    # no other section's workbook either
    assert [p.name for p in out.glob("*.xlsx") if not p.name.startswith("~$")] == [book.name]


# --- an Excel Table's Total Row, percent-formatted 得分率 (the file reader's rules) --------

def test_total_row_is_no_deduction_on_either_port(sample_path):
    # anchor for the "total row" scenario: the sample's 扣分记录 rows, and not the 合计 row after them
    before = [r.number for r in FilePort(sample_path).read_tables()[Deductions.SHEET].rows]
    _total_row(sample_path)
    for kind in PORTS:
        rows = (FilePort(sample_path).read_tables() if kind == "file"
                else remote_tables(sample_path))[Deductions.SHEET].rows
        assert [r.number for r in rows] == before, kind
        assert all(r[Deductions.RECORD_NO] != "合计" for r in rows), kind


E = contract.External


def _percent_rates(path: Path) -> Path:
    """外部评价 row 2 typed as percentages (0.72 shown 72%, 0.885 shown 88.5%),
    企业评价 all percent-formatted, 地方政府评价 mixed (rows 3-5 General)."""
    header = [c.value for c in openpyxl.load_workbook(SAMPLE)[E.SHEET][1]]
    gov, ent = (openpyxl.utils.get_column_letter(header.index(h) + 1) for h in (E.GOVERNMENT, E.ENTERPRISE))
    return with_external(path, {f"{gov}2": (0.72, "0%"), f"{ent}2": (0.885, "0.0%"),
                                f"{ent}3": (0.915, "0.0%"), f"{ent}4": (0.9, "0%"), f"{ent}5": (0.93, "0%")})


def test_percent_rates_read_as_shown_by_the_file_port_not_the_remote_one(tmp_path):
    path = _percent_rates(tmp_path / "百分比.xlsx")
    file_row = FilePort(path).read_tables()[E.SHEET].rows[0]
    remote_row = remote_tables(path)[E.SHEET].rows[0]
    assert (file_row[E.GOVERNMENT], file_row[E.ENTERPRISE]) == (Decimal(72), Decimal("88.5"))
    # the remote payload carries values, no number formats (documented in port/excel.py
    # and docs/architecture.md): 72% reads as 0.72 there, and the engine warns (B06)
    assert (remote_row[E.GOVERNMENT], remote_row[E.ENTERPRISE]) == (Decimal("0.72"), Decimal("0.885"))


class _FormatAnswers:
    """Excel's answers to Range.NumberFormat, from the formats openpyxl reads
    from the file (the COM engine is not here): the format a range's cells
    share, None when they differ (COM's Null)."""

    def __init__(self, ws):
        self.ws, self.calls = ws, 0

    def range(self, first, last=None):
        self.calls += 1
        return _FormatRange(self.ws, first, last or first)


class _FormatRange:
    def __init__(self, ws, first, last):
        self.ws, self.first, self.last = ws, first, last

    @property
    def number_format(self):
        (r0, c0), (r1, c1) = self.first, self.last
        formats = {self.ws.cell(r, c).number_format for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        return formats.pop() if len(formats) == 1 else None


def test_number_formats_asked_of_excel_read_like_the_file_reader(tmp_path):
    path = _percent_rates(tmp_path / "百分比.xlsx")
    ws = openpyxl.load_workbook(path)[E.SHEET]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    table = table_from_grid(E.SHEET, grid, E.REQUIRED)
    excel = _FormatAnswers(ws)
    cells = percent_cells(excel, grid, [table.columns[E.GOVERNMENT], table.columns[E.ENTERPRISE]])
    for header in (E.GOVERNMENT, E.ENTERPRISE):
        _percent_as_points(table, header, cells)
    # both columns mix formats (地方政府评价 0% and General, 企业评价 0.0% and 0%): one
    # call per column, then one per number in it: 2 + 4 + 4
    assert excel.calls == 2 + 4 + 4
    expected = FilePort(path).read_tables()[E.SHEET]
    assert [r.values for r in table.rows] == [r.values for r in expected.rows]
    assert [r[E.ENTERPRISE] for r in table.rows] == [Decimal("88.5"), Decimal("91.5"), Decimal(90),
                                                     Decimal(93)]


def test_a_column_sharing_one_percent_format_is_one_call():
    ws = openpyxl.Workbook().active
    ws.append([E.PERIOD, E.DEPT, E.GOVERNMENT, E.ENTERPRISE])
    for rate in (0.9, 0.95):
        ws.append(["2014", "综合科", 90, rate])
        ws.cell(ws.max_row, 4).number_format = "0%"
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    excel = _FormatAnswers(ws)
    # 地方政府评价 (column 2) all General: one call; 企业评价 (column 3) all 0%: one call
    assert percent_cells(excel, grid, [2, 3]) == {(1, 3), (2, 3)}
    assert excel.calls == 2
