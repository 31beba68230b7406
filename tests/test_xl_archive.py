"""The ribbon's 个人档案 (lyciq_xl.xl.personal_archive) through xlwings'
remote engine: the same files as `lyciq-xl archive`, saved beside the
workbook, with only actions xlwings' VBA client can replay (one message)."""
from __future__ import annotations

import re

from python_calamine import CalamineWorkbook

from lyciq_xl import xl
from lyciq_xl.addin import build
from lyciq_xl.cli import main as cli_main
from xl_fixtures import run_remote, vba_replayable_actions


def test_button_is_on_the_ribbon():
    ribbon = (build.MACROS / "ribbon.xml").read_text(encoding="utf-8")
    assert re.search(r'label="个人档案"[^>]*tag="personal_archive"', ribbon, re.S)
    assert "personal_archive" in xl.__all__


def test_personal_archive_from_the_ribbon_like_the_cli(sample_path, tmp_path):
    actions = run_remote(xl.personal_archive, sample_path, book_name=str(sample_path))
    assert [a["func"] for a in actions] == ["alert"]        # nothing written into the book
    assert {a["func"] for a in actions} <= vba_replayable_actions()
    folder = sample_path.parent / "个人考核档案"
    assert actions[0]["args"][0] == f"已生成 50 人的个人考核档案:{folder}"
    files = sorted(folder.glob("*.xlsx"))
    assert len(files) == 50
    assert cli_main(["archive", str(sample_path), "--out", str(tmp_path / "cli")]) == 0
    for mine in files:
        theirs = tmp_path / "cli" / mine.name
        a, b = (CalamineWorkbook.from_path(str(p)) for p in (mine, theirs))
        assert [a.get_sheet_by_name(n).to_python() for n in a.sheet_names] == \
               [b.get_sheet_by_name(n).to_python() for n in b.sheet_names]


def test_personal_archive_needs_a_saved_workbook(sample_path):
    actions = run_remote(xl.personal_archive, sample_path)
    assert actions[0]["args"][0].startswith("未完成:请先把工作簿保存到本机文件夹")
