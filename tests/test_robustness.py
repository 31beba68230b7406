"""Workbooks as a tired clerk really produces them: every bad input gets a
clear Chinese message naming sheet and cell, the right exit code, and
nothing written when the input is unusable. Through the real CLI."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import python_calamine

from lyciq_xl import cli, contract
from writer_fixtures import with_cached

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = "程序内部错误"


def lyciq(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lyciq_xl", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def assert_exit2_untouched(result: subprocess.CompletedProcess, path: Path, before: bytes,
                           *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert INTERNAL not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert path.read_bytes() == before
    assert not (path.parent / ".lyciq-backup").exists()


def edited(sample_path: Path, edit, name: str = "主工作簿.xlsx") -> Path:
    """The sample after a clerk's edit in openpyxl, saved beside it."""
    book = openpyxl.load_workbook(sample_path)
    edit(book)
    target = sample_path.with_name(name)
    book.save(target)
    return target


# --- randomised: junk in random input cells ------------------------------------------

JUNK = ["abc", "扣分", -0.1, -5, 1e308, 1e20, -1e300, 1e-300, 123456789012345678,
        dt.datetime(1900, 1, 1), dt.datetime(2014, 7, 1, 13, 5),
        dt.date(2099, 12, 31), True, False, "=SUM(A1:A3)", "+1", "-0.1", "@x", "", None,
        " ", "\u3000", "x" * 5000, "0.1分", "2014Q5", "１２３", "1,000.5", "nan", "inf",
        "1e999", "9" * 40, 0, 0.30000000000000004]
INPUT_SHEETS = [s.SHEET for s in contract.INPUT_SHEETS]


def _mutate(book: openpyxl.Workbook, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 6)):
        sheet = book[rng.choice(INPUT_SHEETS)]
        row = rng.randint(2, max(2, sheet.max_row))
        col = rng.randint(1, sheet.max_column)
        # "=…" becomes a real formula without a cached result; "+1", "@x" stay text
        sheet.cell(row, col).value = rng.choice(JUNK)


_ADDRESS = re.compile(r"[A-Z]{1,3}[0-9]+")


def test_random_junk_in_input_cells_never_crashes(sample_master, tmp_path):
    base = openpyxl.load_workbook(sample_master)
    buffer = io.BytesIO()
    base.save(buffer)
    for seed in range(30):
        rng = random.Random(seed)
        book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
        _mutate(book, rng)
        path = tmp_path / f"随机{seed}.xlsx"
        book.save(path)
        before = path.read_bytes()
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = cli.main(["recalc", str(path), "--json"])
        assert code in (0, 1, 2), (seed, code)
        assert INTERNAL not in err.getvalue(), (seed, err.getvalue())
        if code == 2:
            assert err.getvalue().startswith("错误:"), (seed, err.getvalue())
            assert path.read_bytes() == before, seed
            continue
        written = python_calamine.CalamineWorkbook.from_path(str(path))
        findings = written.get_sheet_by_name(contract.Findings.SHEET).to_python()
        for level, sheet, cell, rule, message in (r[:5] for r in findings[1:]):
            assert sheet in written.sheet_names, (seed, sheet)
            assert _ADDRESS.fullmatch(str(cell)), (seed, cell)
            assert rule and message, seed


# --- found by hand -----------------------------------------------------------------------

def _set_cell(sheet: str, header: str, row: int, value):
    def edit(book):
        ws = book[sheet]
        column = next(c.column for c in ws[1] if c.value == header)
        ws.cell(row, column).value = value
    return edit


def test_huge_numbers_are_findings_not_internal_errors(sample_path):
    # 1e308 in 扣分 made `points % 0.1` DivisionImpossible; a huge service
    # 分值 in 指标框架 made the cent rounding overflow the 28-digit precision
    def edit(book):
        _set_cell(contract.Deductions.SHEET, contract.Deductions.POINTS, 2, 1e308)(book)
        ws = book[contract.Framework.SHEET]
        for row in ws.iter_rows(min_row=2):
            if row[1].value == contract.Category.SERVICE:
                row[3].value = 1e300
                break
    path = edited(sample_path, edit)
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr
    assert INTERNAL not in result.stderr
    # within no standard's [最低扣分, 最高扣分]: D03 names the cell
    assert f"{contract.Deductions.SHEET}!I2 D03" in result.stdout


def test_explain_malformed_period_says_so(sample_path):
    before = sample_path.read_bytes()
    result = lyciq("explain", sample_path, "办公室", "2014Q5")
    assert_exit2_untouched(result, sample_path, before, "“2014Q5”格式不正确", "2014Q3")


def test_sheet_name_with_trailing_space_is_named(sample_path):
    def edit(book):
        book[contract.Deductions.SHEET].title = contract.Deductions.SHEET + " "
    path = edited(sample_path, edit)
    before = path.read_bytes()
    wanted = f"请将其重命名为“{contract.Deductions.SHEET}”"
    assert_exit2_untouched(lyciq("recalc", path), path, before, f"“{contract.Deductions.SHEET} ”", wanted)
    # distribute treats 扣分记录 as optional: it used to send workbooks without it
    out = path.parent / "分发"
    assert_exit2_untouched(lyciq("distribute", path, "--out", out, "--period", "2014Q3"),
                           path, before, wanted)
    assert not out.exists()


def test_title_row_above_headers_is_named(sample_path):
    def edit(book):
        ws = book[contract.Deductions.SHEET]
        ws.insert_rows(1)
        ws["A1"] = "2014年度扣分记录"
    path = edited(sample_path, edit)
    before = path.read_bytes()
    message = f"工作表“{contract.Deductions.SHEET}”的列标题在第2行,但须在第1行"
    assert_exit2_untouched(lyciq("recalc", path), path, before, message)
    out = path.parent / "分发"
    assert_exit2_untouched(lyciq("distribute", path, "--out", out, "--period", "2014Q3"),
                           path, before, message)
    assert not out.exists()


def test_read_only_master_is_not_replaced(sample_path):
    before = sample_path.read_bytes()
    sample_path.chmod(0o444)
    try:
        result = lyciq("recalc", sample_path)
        assert_exit2_untouched(result, sample_path, before, "只读")
        assert sample_path.stat().st_mode & 0o777 == 0o444
    finally:
        sample_path.chmod(0o644)


def test_annex_open_in_excel_writes_nothing(sample_path):
    out = sample_path.parent / "附件"
    out.mkdir()
    (out / "~$附件1_绩效指标框架.xlsx").write_bytes(b"\x00" * 165)
    before = sample_path.read_bytes()
    result = lyciq("annex", sample_path, "--out", out)
    assert_exit2_untouched(result, sample_path, before, "附件1_绩效指标框架.xlsx", "Excel")
    assert [p.name for p in out.iterdir()] == ["~$附件1_绩效指标框架.xlsx"]


def test_distribute_section_book_open_in_excel_writes_nothing(sample_path):
    out = sample_path.parent / "分发"
    out.mkdir()
    (out / "~$办公室_2014Q3_绩效填报.xlsx").write_bytes(b"\x00" * 165)
    before = sample_path.read_bytes()
    result = lyciq("distribute", sample_path, "--out", out, "--period", "2014Q3")
    assert_exit2_untouched(result, sample_path, before, "办公室_2014Q3_绩效填报.xlsx", "Excel")
    assert [p.name for p in out.iterdir()] == ["~$办公室_2014Q3_绩效填报.xlsx"]


def test_formula_with_result_is_read_by_its_result(sample_path):
    path = edited(sample_path, _set_cell(contract.Deductions.SHEET, contract.Deductions.POINTS,
                                          2, "=0.1+0.2"))
    with_cached(path, "I2", b"0.3")     # as LibreOffice stores it
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr      # the sample's planted errors only
    assert f"{contract.Deductions.SHEET}!I2" not in result.stdout


def test_formula_error_value_is_shown_not_blank(sample_path):
    # calamine reads a cached #DIV/0! as blank: the clerk was told "(空白)"
    path = edited(sample_path, _set_cell(contract.Deductions.SHEET, contract.Deductions.POINTS,
                                          2, "=1/0"))
    with_cached(path, "I2", b"#DIV/0!", b' t="e"')
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr
    assert f"{contract.Deductions.SHEET}!I2 D01" in result.stdout
    assert "“#DIV/0!”" in result.stdout


def test_formula_without_result_is_named(sample_path):
    # a workbook written by a program and never saved by Excel: the cell read
    # as blank, and the clerk was told 科室(空白) for a cell showing 办公室
    path = edited(sample_path, _set_cell(contract.Deductions.SHEET, contract.Deductions.DEPT,
                                          2, '="办公"&"室"'))
    before = path.read_bytes()
    message = f"工作表“{contract.Deductions.SHEET}”单元格 D2 是公式,但文件中没有它的计算结果"
    assert_exit2_untouched(lyciq("recalc", path), path, before, message, "在Excel中打开")
    out = path.parent / "分发"
    assert_exit2_untouched(lyciq("distribute", path, "--out", out, "--period", "2014Q3"),
                           path, before, message)


def test_duplicate_required_header_is_named(sample_path):
    # two 扣分 columns: the first was used silently, whatever the second said
    def edit(book):
        ws = book[contract.Deductions.SHEET]
        ws["M1"], ws["M2"] = contract.Deductions.POINTS, 0.5
    path = edited(sample_path, edit)
    before = path.read_bytes()
    result = lyciq("recalc", path)
    assert_exit2_untouched(result, path, before,
                           f"列标题“{contract.Deductions.POINTS}”出现了两次(I1、M1)")


def test_numeric_header_shown_as_typed(sample_path):
    path = edited(sample_path, lambda book: book[contract.PeerBallots.SHEET].cell(1, 12, 2014))
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr
    assert f"{contract.PeerBallots.SHEET}!L1 B03" in result.stdout
    assert "“2014”不是科室名称" in result.stdout and "2014.0" not in result.stdout


def _set_param(key: str, value):
    def edit(book):
        for row in book[contract.Params.SHEET].iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value
                return
        raise KeyError(key)
    return edit


def test_year_written_as_2014_nian_is_accepted(sample_path):
    path = edited(sample_path, _set_param(contract.ParamKey.YEAR, "2014年"))
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr     # the sample's planted errors only
    assert "考核期:2014Q1、2014Q2、2014Q3 及 2014 年度" in result.stdout


def test_bad_year_names_its_cell(sample_path):
    path = edited(sample_path, _set_param(contract.ParamKey.YEAR, "今年"))
    before = path.read_bytes()
    result = lyciq("recalc", path)
    assert_exit2_untouched(result, path, before,
                           f"工作表“{contract.Params.SHEET}”单元格 B3", "“今年”", "四位年份")


def test_ods_named_xlsx_is_named(tmp_path):
    # an .ods (WPS/LibreOffice) is a zip too: calamine failed with "'_rels/.rels'"
    path = tmp_path / "主工作簿.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    before = path.read_bytes()
    for command in (("recalc", path), ("status", path), ("explain", path, "办公室")):
        assert_exit2_untouched(lyciq(*command), path, before, "OpenDocument", "另存为")


def test_merged_cells_down_a_column_count_on_every_row(sample_path, tmp_path):
    # rows 2 and 3 of 扣分记录 are both 办公室's; merged, D3 used to read blank (D05)
    reference = tmp_path / "原样.xlsx"
    reference.write_bytes(sample_path.read_bytes())
    expected = lyciq("recalc", reference)
    path = edited(sample_path, lambda book: book[contract.Deductions.SHEET].merge_cells("D2:D3"))
    result = lyciq("recalc", path)
    assert result.returncode == expected.returncode == 1, result.stderr
    assert f"{contract.Deductions.SHEET}!D3" not in result.stdout
    assert result.stdout == expected.stdout


def test_ballot_column_repeated_exactly_is_named(sample_path):
    # a second 办公室 column (votes in L) was dropped without a word
    def edit(book):
        ws = book[contract.PeerBallots.SHEET]
        ws["L1"], ws["L3"] = "办公室", "满意"
    path = edited(sample_path, edit)
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr
    assert f"{contract.PeerBallots.SHEET}!L1 B03" in result.stdout
    assert "列标题“办公室”与前面的列是同一科室" in result.stdout


def test_very_long_value_is_cut_in_the_message(sample_path):
    # the whole value was quoted: a 32,767-character 科室 made a 校验结果 cell
    # longer than Excel allows (Excel then reports the workbook as corrupt)
    path = edited(sample_path, _set_cell(contract.Deductions.SHEET, contract.Deductions.DEPT,
                                          3, "办" * 32767))
    result = lyciq("recalc", path)
    assert result.returncode == 1, result.stderr
    assert "(共32767字)" in result.stdout
    findings = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        contract.Findings.SHEET).to_python()
    assert max(len(str(row[4])) for row in findings) < 300


def test_collect_with_a_receipt_open_in_excel_leaves_it_alone(sample_path):
    """Changed by issue 8 (receipts are never overwritten): the run no longer
    stops; the new receipt takes the next free name and the open one's lock
    (and file) stay untouched."""
    out = sample_path.parent / "分发"
    assert lyciq("distribute", sample_path, "--out", out, "--period", "2014Q3").returncode == 0
    returned = out / "办公室_2014Q3_绩效填报.xlsx"
    book = openpyxl.load_workbook(returned)
    book[contract.KeyTasks.SHEET].cell(2, 12).value = "基本完成"     # an editable cell
    book.save(returned)
    folder = sample_path.parent / "回执"
    folder.mkdir()
    (folder / "~$办公室_2014Q3_回执.xlsx").write_bytes(b"\x00" * 165)
    before = sample_path.read_bytes()
    result = lyciq("collect", sample_path, returned, "--receipts", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sample_path.read_bytes() != before
    assert sorted(p.name for p in folder.iterdir()) == ["~$办公室_2014Q3_回执.xlsx",
                                                         "办公室_2014Q3_回执(2).xlsx"]
    assert (folder / "~$办公室_2014Q3_回执.xlsx").read_bytes() == b"\x00" * 165
