"""The command line as a clerk meets it: exit codes, messages, nothing written
on unusable input, no traceback ever."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl

from cli_fixtures import assert_clean_exit2, lyciq
from lyciq_xl import contract


def test_no_such_file(tmp_path):
    result = lyciq("recalc", tmp_path / "没有.xlsx")
    assert_clean_exit2(result, "找不到文件")
    assert not (tmp_path / "没有.xlsx").exists()


def test_not_a_workbook(tmp_path):
    path = tmp_path / "假的.xlsx"
    path.write_bytes(b"this is not a zip")
    result = lyciq("recalc", path)
    assert_clean_exit2(result, "不是有效的Excel工作簿")
    assert path.read_bytes() == b"this is not a zip"


def _without_sheet(source: Path, target: Path, sheet: str) -> None:
    book = openpyxl.load_workbook(source)
    del book[sheet]
    book.save(target)


def test_missing_sheet_named_and_nothing_written(sample_path, tmp_path):
    path = tmp_path / "缺表.xlsx"
    _without_sheet(sample_path, path, contract.Bonuses.SHEET)
    before = path.read_bytes()
    result = lyciq("recalc", path)
    assert_clean_exit2(result, f"“{contract.Bonuses.SHEET}”")
    assert path.read_bytes() == before
    assert not (tmp_path / ".lyciq-backup").exists()


def test_missing_column_named_and_nothing_written(sample_path, tmp_path):
    path = tmp_path / "缺列.xlsx"
    book = openpyxl.load_workbook(sample_path)
    sheet = book[contract.Deductions.SHEET]
    for cell in sheet[1]:
        if cell.value == contract.Deductions.POINTS:
            sheet.delete_cols(cell.column)
            break
    book.save(path)
    before = path.read_bytes()
    result = lyciq("recalc", path)
    assert_clean_exit2(result, f"“{contract.Deductions.SHEET}”", f"“{contract.Deductions.POINTS}”")
    assert path.read_bytes() == before


def test_locked_by_excel(sample_path, tmp_path):
    path = tmp_path / "主工作簿.xlsx"
    path.write_bytes(sample_path.read_bytes())
    (tmp_path / "~$主工作簿.xlsx").write_bytes(b"\x00" * 165)
    result = lyciq("recalc", path)
    assert_clean_exit2(result, "Excel")
    assert path.read_bytes() == sample_path.read_bytes()


def test_recalc_sample_writes_results_and_reports_findings(sample_path, tmp_path):
    path = tmp_path / "主工作簿.xlsx"
    path.write_bytes(sample_path.read_bytes())
    result = lyciq("recalc", path)
    # The sample plants a few deliberate errors, so exit 1 (done, with errors).
    assert result.returncode == 1, result.stderr
    assert "重新计算完成" in result.stdout and "校验结果" in result.stdout
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    for owned in contract.RECALC_OWNED:
        assert f'name="{owned.SHEET}"' in workbook_xml
    assert len(list((tmp_path / ".lyciq-backup").iterdir())) == 1


def test_recalc_json_is_machine_readable(sample_path, tmp_path):
    path = tmp_path / "主工作簿.xlsx"
    path.write_bytes(sample_path.read_bytes())
    result = lyciq("recalc", path, "--json")
    data = json.loads(result.stdout)
    assert data["results"] and data["findings"]


def test_explain_unknown_section(sample_path):
    result = lyciq("explain", sample_path, "财务科")
    assert_clean_exit2(result, "财务科")


def test_explain_lists_deductions(sample_path):
    result = lyciq("explain", sample_path, "BGS")
    assert result.returncode == 0, result.stderr
    assert "履职绩效" in result.stdout and "扣分" in result.stdout
