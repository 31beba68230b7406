"""Runs that write the master exclude each other (issue 8 §3), and other
office programs' owner files stop a write.

Two real `lyciq-xl` processes; the collect is held inside its lock through
the lock module's FIFO hook, so the order is decided by the lock itself,
never by a sleep."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook

from lyciq_xl import contract as c
from lyciq_xl.xlsxio.lock import lock_path
from tests.mail_fixtures import build_master, run_cli, sha

PERIOD = "2014Q3"
BGS_FILE = f"办公室_{PERIOD}_绩效填报.xlsx"


def _start(*args, hook: Path | None = None, timeout: str = "60") -> subprocess.Popen:
    env = dict(os.environ, LYCIQ_LOCK_TIMEOUT=timeout)
    env.pop("LYCIQ_LOCK_HOOK", None)
    if hook is not None:
        env["LYCIQ_LOCK_HOOK"] = str(hook)
    return subprocess.Popen([sys.executable, "-m", "lyciq_xl", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def _returned(tmp_path: Path) -> tuple[Path, Path]:
    master = build_master(tmp_path / "master.xlsx")
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--out", out, "--period", PERIOD) == 0
    wb = load_workbook(out / BGS_FILE)
    wb[c.KeyTasks.SHEET]["L2"] = "完成"            # BGS-ZD-01's 完成情况
    (tmp_path / "back").mkdir()
    wb.save(tmp_path / "back" / BGS_FILE)
    return master, tmp_path / "back" / BGS_FILE


def _key_task_outcome(master: Path, task_id: str) -> object:
    rows = python_calamine.CalamineWorkbook.from_path(str(master)).get_sheet_by_name(
        c.KeyTasks.SHEET).to_python()
    head = rows[0]
    return {r[head.index("指标编号")]: r[head.index("完成情况")] for r in rows[1:]}[task_id]


def _sheet_names(master: Path) -> list[str]:
    return python_calamine.CalamineWorkbook.from_path(str(master)).sheet_names


@pytest.fixture
def hook(tmp_path):
    folder = tmp_path / "hook"
    folder.mkdir()
    os.mkfifo(folder / "acquired")
    os.mkfifo(folder / "release")
    return folder


def test_recalc_during_collect_stops_or_waits_and_the_merge_stays(tmp_path, hook):
    master, returned = _returned(tmp_path)
    collect = _start("collect", master, returned, hook=hook)
    # blocks until the collect holds the master lock (it opens the FIFO to announce it)
    assert (hook / "acquired").read_text() == "held\n"
    before = sha(master)

    # 1. a recalc with a short wait gives up with the message, writing nothing
    quick = _start("recalc", master, timeout="0.3")
    out, err = quick.communicate(timeout=120)
    assert quick.returncode == 2, (out, err)
    assert "另一个操作正在处理该主工作簿“master.xlsx”" in err and "未写入任何内容" in err
    assert "Traceback" not in err
    assert sha(master) == before

    # 2. a recalc with the normal wait queues behind the collect
    patient = _start("recalc", master)
    with open(hook / "release", "w") as release:   # let the collect finish
        release.write("go\n")
    out, err = collect.communicate(timeout=120)
    assert collect.returncode == 0, (out, err)
    out, err = patient.communicate(timeout=120)
    assert patient.returncode in (0, 1), (out, err)

    # the merge is in the master, and so are the recalc's results
    assert _key_task_outcome(master, "BGS-ZD-01") == "完成"
    assert {c.Receipts.SHEET, c.Results.SHEET, c.Findings.SHEET} <= set(_sheet_names(master))


def test_collect_while_recalc_holds_the_lock_stops_with_the_message(tmp_path, hook):
    master, returned = _returned(tmp_path)
    recalc = _start("recalc", master, hook=hook)
    assert (hook / "acquired").read_text() == "held\n"
    before = sha(master)
    collect = _start("collect", master, returned, timeout="0.2")
    out, err = collect.communicate(timeout=120)
    assert collect.returncode == 2 and "另一个操作正在处理该主工作簿" in err, (out, err)
    assert sha(master) == before
    assert not (tmp_path / "master_回执").exists()      # no receipt either
    with open(hook / "release", "w") as release:
        release.write("go\n")
    assert recalc.wait(timeout=120) in (0, 1)


def test_the_lock_file_is_beside_the_master_and_hidden(tmp_path):
    assert lock_path(tmp_path / "主工作簿.xlsx") == tmp_path / ".主工作簿.xlsx.lyciq-lock"


@pytest.mark.parametrize("owner, program", [
    ("~$master.xlsx", "Excel"),
    (".~lock.master.xlsx#", "LibreOffice"),
    (".~master.xlsx", "WPS表格"),
])
def test_other_programs_owner_files_stop_every_write(tmp_path, capsys, owner, program):
    master, returned = _returned(tmp_path)
    (tmp_path / owner).write_text("someone,host,2014-10-31\n", encoding="utf-8")
    before = sha(master)
    for argv in (("recalc", master), ("collect", master, returned)):
        assert run_cli(*argv) == 2
        err = capsys.readouterr().err
        assert f"正在{program}中打开(发现锁定文件“{owner}”)" in err and "未写入任何内容" in err
        assert sha(master) == before


def test_a_ribbon_button_waits_for_the_same_lock(sample_path, monkeypatch):
    from lyciq_xl import xl
    from lyciq_xl.xlsxio.lock import master_lock
    from tests.xl_fixtures import replay, run_remote
    monkeypatch.setenv("LYCIQ_LOCK_TIMEOUT", "0.1")
    with master_lock(sample_path):      # e.g. a `lyciq-xl collect` on the same file
        actions = run_remote(xl.recalculate, sample_path, book_name=str(sample_path))
    assert [a["func"] for a in actions] == ["alert"]      # nothing written to the book
    alerts = replay(sample_path, actions)
    assert len(alerts) == 1 and alerts[0].startswith("未完成:另一个操作正在处理该主工作簿“")
    actions = run_remote(xl.recalculate, sample_path, book_name=str(sample_path))
    assert replay(sample_path, actions)[0].startswith("重新计算完成")
