"""Command-line slips (issue 8 defect 12): a Chinese message, exit 2,
nothing written, never argparse's English or the generic internal error."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lyciq_xl.cli import build_parser
from tests.test_cli import ROOT, assert_clean_exit2, lyciq


def _no_english(result) -> None:
    for english in ("usage:", "error:", "invalid choice", "required", "unrecognized",
                    "程序内部错误"):
        assert english not in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["recalc", "status", "annex", "collect"])
def test_a_folder_for_the_workbook(tmp_path, command):
    # "." has no file name: Path(".").with_name(...) raised ValueError once
    extra = {"annex": ["--out", "附件"], "collect": ["x.xlsx"]}.get(command, [])
    result = subprocess.run([sys.executable, "-m", "lyciq_xl", command, ".", *extra],
                            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert_clean_exit2(result, "“.”是文件夹,请指定一个Excel工作簿(.xlsx)")
    _no_english(result)
    assert list(tmp_path.iterdir()) == []          # not even a lock file


@pytest.mark.parametrize("command", ["annex", "distribute"])
def test_out_naming_an_existing_file(sample_path, tmp_path, command):
    taken = tmp_path / "附件.xlsx"
    taken.write_bytes(b"a clerk's file")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = lyciq(command, sample_path, "--out", taken)
    assert_clean_exit2(result, f"“{taken}”是一个文件,不是文件夹。请指定输出文件夹")
    _no_english(result)
    assert taken.read_bytes() == b"a clerk's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_command_after_the_workbook(sample_path):
    result = lyciq(sample_path, "recalc")
    assert_clean_exit2(result, f"没有命令“{sample_path}”。命令要写在最前面")
    _no_english(result)


def test_collect_without_files(sample_path):
    result = lyciq("collect", sample_path)
    assert_clean_exit2(result, "缺少交回的工作簿或文件夹。", "用法:lyciq-xl collect")
    _no_english(result)


def test_unknown_option_and_bad_number(sample_path, tmp_path):
    result = lyciq("recalc", sample_path, "--bogus")
    assert_clean_exit2(result, "无法识别“--bogus”")
    _no_english(result)
    result = lyciq("distribute", sample_path, "--out", tmp_path / "o", "--smtp-port", "二十五")
    assert_clean_exit2(result, "--smtp-port 的值“二十五”不是整数。")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("argv", [
    ["--debug", "recalc", "m.xlsx"],
    ["recalc", "--debug", "m.xlsx"],
    ["recalc", "m.xlsx", "--debug"],
])
def test_debug_anywhere_on_the_line(argv):
    assert build_parser().parse_args(argv).debug is True


def test_debug_after_the_command_is_accepted(tmp_path):
    result = lyciq("recalc", tmp_path / "没有.xlsx", "--debug")
    assert_clean_exit2(result, "找不到文件")
    _no_english(result)


def test_without_debug_it_is_off():
    assert build_parser().parse_args(["recalc", "m.xlsx"]).debug is False
