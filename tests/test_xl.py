"""The ribbon functions (lyciq_xl.xl) through xlwings' remote engine.

A payload is built from a real .xlsx as xlwings' VBA client would send it,
the function runs, its actions are replayed onto the file with openpyxl and
the file is read back (tests/xl_fixtures.py).
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlwings as xw

from lyciq_xl import contract, xl
from lyciq_xl.addin import build
from lyciq_xl.addin.cli import ADDIN_NAME
from lyciq_xl.cli import main as cli_main
from lyciq_xl.contract import Deductions, Findings, Marks, PersonalResults, Results, ServiceDetail
from lyciq_xl.port import excel
from lyciq_xl.table import normalise
from xl_fixtures import fill_of, replay, run_remote, vba_replayable_actions

RED, YELLOW = "FFC7CE", "FFEB9C"


def read_sheet(path: Path, name: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return [[normalise(v) for v in row]
            for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]


def ribbon(func, path: Path) -> tuple[list[dict], list[str]]:
    actions = run_remote(func, path)
    return actions, replay(path, actions)


def cli_copy(path: Path, tmp_path: Path) -> Path:
    """The same workbook recalculated by `lyciq-xl recalc`."""
    other = tmp_path / "cli" / path.name
    other.parent.mkdir()
    shutil.copyfile(path, other)
    assert cli_main(["recalc", str(other)]) in (0, 1)
    return other


def findings_cells(path: Path) -> list[str]:
    """单元格 texts of 校验结果: HYPERLINK formulas (ribbon) show their text."""
    ws = openpyxl.load_workbook(path)[Findings.SHEET]
    col = [c.value for c in ws[1]].index(Findings.CELL) + 1
    cells = []
    for row in range(2, ws.max_row + 1):
        value = ws.cell(row, col).value
        match = re.fullmatch(r'=HYPERLINK\("#(.*)","(.*)"\)', value or "")
        cells.append(match.group(2) if match else value)
    return cells


def column_of(path: Path, sheet: str, header: str) -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    index = [c.value for c in ws[1]].index(header)
    return openpyxl.utils.get_column_letter(index + 1)


# --- same numbers as the command line ------------------------------------------

def test_recalculate_matches_cli_recalc(sample_path, tmp_path):
    cli_file = cli_copy(sample_path, tmp_path)
    ribbon(xl.recalculate, sample_path)
    # 个人考核结果: the individual part (SPEC 8) runs on the ribbon too
    for sheet in (Results.SHEET, ServiceDetail.SHEET, PersonalResults.SHEET):
        mine, theirs = read_sheet(sample_path, sheet), read_sheet(cli_file, sheet)
        assert mine == theirs, sheet
        assert len(mine) > 1
    # 校验结果: same findings in the same order; the cell is a link in both
    mine, theirs = read_sheet(sample_path, Findings.SHEET), read_sheet(cli_file, Findings.SHEET)
    cell = list(Findings.COLUMNS).index(Findings.CELL)
    assert [r[:cell] + r[cell + 1:] for r in mine] == [r[:cell] + r[cell + 1:] for r in theirs]
    assert findings_cells(sample_path) == findings_cells(cli_file)
    ws = openpyxl.load_workbook(sample_path)[Results.SHEET]
    score_col = [c.value for c in ws[1]].index(Results.TOTAL) + 1
    assert ws.cell(2, score_col).number_format == "0.00"


def test_message_box_after_recalculate(sample_path, tmp_path):
    cli_file = cli_copy(sample_path, tmp_path)
    levels = [row[0] for row in read_sheet(cli_file, Findings.SHEET)[1:]]
    errors, warnings = levels.count(contract.Level.ERROR), levels.count(contract.Level.WARNING)
    cells = {(row[1], row[2]) for row in read_sheet(cli_file, Findings.SHEET)[1:]}
    assert errors and warnings
    _, alerts = ribbon(xl.recalculate, sample_path)
    assert alerts == [f"重新计算完成:错误 {errors} 条,警告 {warnings} 条,详见“校验结果”。"
                      f"有错误的行未计入得分。已在输入表中标出 {len(cells)} 个单元格"
                      f"(红色为错误,黄色为警告)。"]


# --- marks: added, then cleared, and only ours -------------------------------------

def test_highlights_added_then_cleared(sample_path):
    points = column_of(sample_path, Deductions.SHEET, Deductions.POINTS)
    wb = openpyxl.load_workbook(sample_path)
    ws = wb[Deductions.SHEET]
    original = ws[f"{points}2"].value
    ws[f"{points}2"] = 0.15                     # D01: not a multiple of 0.1
    ws["A3"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")  # the clerk's own
    wb.save(sample_path)

    ribbon(xl.recalculate, sample_path)
    wb = openpyxl.load_workbook(sample_path)
    assert fill_of(wb[Deductions.SHEET], f"{points}2") == RED
    assert fill_of(wb[Deductions.SHEET], "A3") == "FFFF00"
    marks = [tuple(r) for r in wb[Marks.SHEET].iter_rows(values_only=True)]
    assert marks[0] == Marks.COLUMNS
    assert (Deductions.SHEET, f"{points}2", contract.Level.ERROR) in marks
    for sheet, cell, level in marks[1:]:      # every recorded mark is really there
        assert fill_of(wb[sheet], cell) == (RED if level == contract.Level.ERROR else YELLOW)
    others = [m for m in marks[1:] if m[:2] != (Deductions.SHEET, f"{points}2")]

    wb[Deductions.SHEET][f"{points}2"] = original      # the clerk fixes it
    wb.save(sample_path)
    ribbon(xl.recalculate, sample_path)
    wb = openpyxl.load_workbook(sample_path)
    assert fill_of(wb[Deductions.SHEET], f"{points}2") is None
    assert fill_of(wb[Deductions.SHEET], "A3") == "FFFF00"
    assert [tuple(r) for r in wb[Marks.SHEET].iter_rows(values_only=True)][1:] == others
    for sheet, cell, _ in others:
        assert fill_of(wb[sheet], cell) is not None


def test_validate_writes_findings_only(sample_path):
    actions, alerts = ribbon(xl.validate, sample_path)
    names = openpyxl.load_workbook(sample_path).sheetnames
    assert Findings.SHEET in names and Marks.SHEET in names
    assert Results.SHEET not in names
    assert alerts[0].startswith("校验完成:错误 ")
    assert "详见“校验结果”" in alerts[0]


# --- only what xlwings' VBA client can replay ------------------------------------

def test_vba_client_replays_37_action_kinds():
    kinds = vba_replayable_actions()
    assert len(kinds) == 37
    assert {"setValues", "setRangeColor", "setNumberFormat", "addSheet", "sheetClear",
            "addHyperlink", "setAutofit", "alert", "rangeClear", "runMacro"} <= kinds


@pytest.mark.parametrize("func", [xl.recalculate, xl.validate, xl.generate_annex2,
                                  xl.generate_annex3, xl.distribute, xl.distribute_assessors,
                                  xl.collect, xl.feedback])
def test_only_vba_replayable_actions(sample_path, func):
    ribbon(xl.recalculate, sample_path)        # second runs also clear marks
    actions = run_remote(func, sample_path)
    assert actions
    assert {a["func"] for a in actions} <= vba_replayable_actions()
    assert actions[-1]["func"] == "alert"
    for action in actions:
        if action["func"] == "runMacro":
            assert action["args"][0] == xl.FILL_MACRO


def test_fill_macro_is_in_the_addin():
    workbook, rest = xl.FILL_MACRO.split("!")
    module, sub = rest.split(".")
    assert workbook == f"'{ADDIN_NAME}'"
    source = (build.MACROS / f"{module}.bas").read_text()
    assert re.search(rf"^Sub {sub}\(wb As Object, sheetName As String, "
                     rf"addresses As String, colorHex As String\)$", source, re.M)


# --- O(sheets), not O(cells) --------------------------------------------------------

def test_action_count_does_not_grow_with_rows(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        "bench_generate", Path(__file__).parents[1] / "bench" / "generate.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    generate = bench.generate
    counts = {}
    for scale, (sections, deductions) in {"1x": (8, 300), "10x": (80, 3000)}.items():
        path = generate(tmp_path / f"{scale}.xlsx", sections=sections, deductions=deductions)
        counts[scale] = len(run_remote(xl.recalculate, path))
    with capsys.disabled():
        print(f"\nrecalculate actions: 1x = {counts['1x']}, 10x = {counts['10x']}")
    # reads cost no actions; writes are a fixed handful per owned sheet and one
    # fill call per marked sheet and colour: at most one more per input sheet
    assert counts["10x"] <= counts["1x"] + len(contract.INPUT_SHEETS)


# --- errors, annexes, not-yet-available buttons ------------------------------------

def test_missing_sheet_shows_message_and_writes_nothing(sample_path):
    wb = openpyxl.load_workbook(sample_path)
    del wb[Deductions.SHEET]
    wb.save(sample_path)
    actions, alerts = ribbon(xl.recalculate, sample_path)
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][3] == "critical"
    assert alerts[0].startswith("未完成:") and f"“{Deductions.SHEET}”" in alerts[0]


def test_annex_needs_a_saved_workbook(sample_path):
    # the remote client sends only the book's name, not where it is saved
    _, alerts = ribbon(xl.generate_annex2, sample_path)
    assert alerts[0].startswith("未完成:请先把工作簿保存到本机文件夹")


@pytest.mark.parametrize("func,label", [(xl.generate_annex2, "附件2"),
                                        (xl.generate_annex3, "附件3")])
def test_annex_saved_next_to_the_workbook(sample_path, tmp_path, func, label):
    before = set(sample_path.parent.iterdir())
    actions = run_remote(func, sample_path, book_name=str(sample_path))
    assert [a["func"] for a in actions] == ["alert"]     # nothing written into the book
    new, = set(sample_path.parent.iterdir()) - before
    assert actions[0]["args"][0] == f"已生成{label}:{new}"
    # the same annex as `lyciq-xl annex` writes from the same workbook
    assert cli_main(["annex", str(sample_path), "--out", str(tmp_path / "cli")]) == 0
    theirs = tmp_path / "cli" / new.name
    mine_book = python_calamine.CalamineWorkbook.from_path(str(new))
    their_book = python_calamine.CalamineWorkbook.from_path(str(theirs))
    assert mine_book.sheet_names == their_book.sheet_names
    for name in mine_book.sheet_names:
        mine = mine_book.get_sheet_by_name(name).to_python()
        assert mine == their_book.get_sheet_by_name(name).to_python()
        assert any(label in str(v) for row in mine[:3] for v in row)


def test_distribute_then_collect_like_the_cli(sample_path, tmp_path):
    from lyciq_xl.contract import KeyTasks, Receipts
    master = sample_path
    actions = run_remote(xl.distribute, master, book_name=str(master))
    assert [a["func"] for a in actions] == ["alert"]     # the sample already has its key
    out = master.parent / f"{master.stem}_分发"
    books = sorted(out.glob("*.xlsx"))
    assert len(books) == len(read_sheet(master, contract.Sections.SHEET)) - 1
    assert actions[0]["args"][0].startswith(f"已生成 {len(books)} 个科室的")

    # a section fills in a 完成情况 and sends its workbook back
    returned = openpyxl.load_workbook(books[0])
    ws = returned[KeyTasks.SHEET]
    col = [c.value for c in ws[1]].index(KeyTasks.COMPLETION) + 1
    ws.cell(2, col).value = "基本完成"
    returned.save(books[0])

    inbox = master.parent / f"{master.stem}_回收"
    actions = run_remote(xl.collect, master, book_name=str(master))   # explains where
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0] == (f"请把各科室交回的工作簿(或邮件 .eml)保存到文件夹“{inbox}”,"
                                     f"再点“汇总回收”。")
    shutil.copyfile(books[0], inbox / books[0].name)
    actions = run_remote(xl.collect, master, book_name=str(master))
    assert {a["func"] for a in actions} <= vba_replayable_actions()
    assert actions[-1]["args"][0].startswith("汇总回收完成:共 1 个文件,接收 1 个,拒收 0 个")

    cli_master = tmp_path / "cli" / master.name
    cli_master.parent.mkdir()
    shutil.copyfile(master, cli_master)
    assert cli_main(["collect", str(cli_master), str(books[0]),
                     "--receipts", str(tmp_path / "receipts")]) == 0
    replay(master, actions)
    assert read_sheet(master, KeyTasks.SHEET) == read_sheet(cli_master, KeyTasks.SHEET)
    # times: 收到时间 is each run's own; 保存时间 is one value, replayed as text
    times = {list(contract.RECEIPTS_COLUMNS).index(h)
             for h in (Receipts.RECEIVED, contract.RECEIPT_SAVED)}
    mine, theirs = read_sheet(master, Receipts.SHEET), read_sheet(cli_master, Receipts.SHEET)
    assert [[v for i, v in enumerate(r) if i not in times] for r in mine] == \
        [[v for i, v in enumerate(r) if i not in times] for r in theirs]
    assert read_sheet(master, contract.Changes.SHEET) == read_sheet(cli_master, contract.Changes.SHEET)


def test_apply_patches_groups_adjacent_cells(sample_path):
    patches = {Deductions.SHEET: {(3, 1): "x", (3, 2): Decimal("0.5"), (3, 4): "y", (5, 0): "z"}}

    def patch() -> None:
        book = xw.Book.caller()
        excel.apply_patches(book, patches)
    actions = run_remote(patch, sample_path)
    assert [(a["start_row"], a["start_column"], a["values"]) for a in actions] == \
        [(2, 1, [["'x", 0.5]]), (2, 4, [["'y"]]), (4, 0, [["'z"]])]


# --- small pure helpers -----------------------------------------------------------

def test_cell_value_escapes_formula_text_and_keeps_numbers_exact():
    assert excel.cell_value("=1+1") == "'=1+1"
    assert excel.cell_value("-3") == "'-3"
    # text Excel would coerce stays text: a leading-zero code, a fraction-like date, a boolean
    assert [excel.cell_value(t) for t in ("001", "1/2", "TRUE", "＝1")] == ["'001", "'1/2", "'TRUE", "'＝1"]
    assert excel.cell_value("") == "" and excel.cell_value(None) is None
    assert excel.cell_value(Decimal("92.35")) == 92.35
    assert excel.cell_value(Decimal("40")) == 40 and isinstance(excel.cell_value(Decimal("40")), int)
    assert excel.hyperlink_formula("'扣分记录'!I7", "I7") == '=HYPERLINK("#\'扣分记录\'!I7","I7")'


def test_area_chunks_stay_under_excels_limit():
    cells = [f"I{n}" for n in range(1, 200)]
    chunks = excel.area_chunks(cells)
    assert all(len(c) <= 250 for c in chunks)
    assert ",".join(chunks).split(",") == cells
    assert excel.area_chunks(["A1", "B2"]) == ["A1,B2"]


def test_annex_open_in_excel_is_not_overwritten(sample_path):
    from lyciq_xl.annex import indicators
    target = sample_path.parent / f"{indicators.FILE_NAME}.xlsx"
    target.write_bytes(b"old")
    (sample_path.parent / f"~${target.name}").write_bytes(b"")   # Excel's owner file
    actions = run_remote(xl.generate_annex2, sample_path, book_name=str(sample_path))
    alerts = replay(sample_path, actions)
    assert alerts[0].startswith("未完成:工作簿“") and "正在Excel中打开" in alerts[0]
    assert target.read_bytes() == b"old"


# --- which workbook, and which sheet afterwards (issue 13 §2.5, §2.6) ----------------

def test_acts_on_the_calling_workbook_not_the_active_one(sample_path):
    """RunPython passes the workbook that was active at the click; by the time
    Python runs the clerk may have switched to another window (on a Mac
    RunPython returns at once). `app.books.active` would be that window."""
    from xlwings.pro import _xlremote

    from xl_fixtures import payload_from_xlsx
    caller = xw.Book(json=payload_from_xlsx(sample_path))
    other = xw.Book(json=payload_from_xlsx(sample_path, book_name="另一个工作簿.xlsx"))
    try:
        caller.set_mock_caller()
        assert xw.Book.caller().app.books.active.name == "另一个工作簿.xlsx"
        xl.recalculate()
        mine, theirs = caller.json()["actions"], other.json()["actions"]
    finally:
        caller.close()
        other.close()
        _xlremote.get_range_api.cache_clear()
    assert theirs == []
    assert any(a["func"] == "setValues" for a in mine)
    assert mine[-1]["func"] == "alert" and mine[-1]["args"][0].startswith("重新计算完成")


def test_recalculate_returns_to_the_sheet_that_was_active(sample_path):
    sheets = openpyxl.load_workbook(sample_path).sheetnames
    on = sheets.index(Deductions.SHEET)
    actions = run_remote(xl.recalculate, sample_path, active_sheet=on)
    kinds = [a["func"] for a in actions]
    assert "addSheet" in kinds                   # adding a sheet activates it in Excel
    assert kinds[-2:] == ["activateSheet", "alert"]
    replay(sample_path, actions)
    assert openpyxl.load_workbook(sample_path).active.title == Deductions.SHEET
    # a second run adds no sheet, so the clerk never left: nothing to restore
    again = run_remote(xl.recalculate, sample_path, active_sheet=on)
    assert "addSheet" not in [a["func"] for a in again]
    assert "activateSheet" not in [a["func"] for a in again]


def test_distribute_assessors_button_then_collect_a_return(sample_path, tmp_path):
    """分发考核表 through xlwings' remote engine (only actions the VBA client
    replays), then the department's return through 汇总回收."""
    master = sample_path
    actions = run_remote(xl.distribute_assessors, master, book_name=str(master))
    assert {a["func"] for a in actions} <= vba_replayable_actions() and actions[-1]["func"] == "alert"
    out = master.parent / f"{master.stem}_考核分发"
    # the sample's 考核责任部门 name 办公室, 人事科 and 综合科 (sample_data.py)
    assert sorted(p.name for p in out.glob("*.xlsx")) == sorted(
        f"{n}_2014_考核填报.xlsx" for n in ("办公室", "人事科", "综合科"))
    assert actions[-1]["args"][0].startswith("已生成 3 个考核责任部门的2014考核填报表和 3 封邮件草稿")
    book = out / "综合科_2014_考核填报.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["扣分填报"]
    # 综合科 assesses every 业务管理科室's 履职绩效 (sample 指标框架); JYK-LZ-01 is 检疫科's
    row = ["2014Q4", dt.date(2014, 11, 3), "检疫科", "履职绩效", "JYK-LZ-01", "F4-01",
           "安全生产专项检查发现台账不全", 0.2, None, None, "专项考核", "安全生产专项检查"]
    for col, value in enumerate(row, 1):
        ws.cell(2, col).value = value
    wb.save(book)
    inbox = master.parent / f"{master.stem}_回收"
    inbox.mkdir(exist_ok=True)
    shutil.copyfile(book, inbox / book.name)
    actions = run_remote(xl.collect, master, book_name=str(master))
    assert {a["func"] for a in actions} <= vba_replayable_actions()
    assert actions[-1]["args"][0].startswith("汇总回收完成:共 1 个文件,接收 1 个,拒收 0 个")
    replay(master, actions)                       # what Excel would now show
    rows = [list(r) for r in openpyxl.load_workbook(master)[Deductions.SHEET].iter_rows(values_only=True)]
    header, last = rows[0], rows[-1]
    got = {h: last[header.index(h)] for h in ("记录号", "科室", "指标编号", "扣分", "考核责任部门", "状态",
                                               "考核类型", "专项名称")}
    assert got == {"记录号": "ZHK-2014-001", "科室": "检疫科", "指标编号": "JYK-LZ-01", "扣分": 0.2,
                   "考核责任部门": "综合科", "状态": "有效", "考核类型": "专项考核",
                   "专项名称": "安全生产专项检查"}


def test_feedback_button_like_the_cli(sample_path):
    """反馈单: letters and e-mail drafts beside the master, 反馈记录 written
    through the VBA client's actions only."""
    ribbon(xl.recalculate, sample_path)            # 考核结果 stored, as 重新计算 leaves it
    actions = run_remote(xl.feedback, sample_path, book_name=str(sample_path))
    assert {a["func"] for a in actions} <= vba_replayable_actions()
    alerts = replay(sample_path, actions)
    out = sample_path.parent / f"{sample_path.stem}_反馈"
    # the sample's latest period is 2014Q3 (no Q4 yet); 8 sections, each with an address
    assert alerts[-1] == (f"已生成 8 份2014Q3考核结果反馈单和 8 封邮件草稿,保存在“{out}”;"
                          "双击 .eml 文件在 Outlook 中打开后发送。")
    assert len(list(out.glob("*.xlsx"))) == 8 and len(list(out.glob("*.eml"))) == 8
    log = read_sheet(sample_path, contract.FeedbackLog.SHEET)
    assert log[0] == list(contract.FeedbackLog.COLUMNS)
    assert sorted(row[0] for row in log[1:]) == sorted(n for _, n, _ in contract.DEFAULT_SECTIONS)
    assert {row[1] for row in log[1:]} == {"2014Q3"}
