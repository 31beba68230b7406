"""A full disk (issue 8 defect 6), for real: a small tmpfs in a private
mount namespace (`unshare`, no root needed where user namespaces are
allowed) runs out of space while `recalc` writes. The master stays intact,
no truncated backup is left or counted among the 10 kept, and the message
says 磁盘空间不足 and where."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lyciq_xl.commands.recalc import recalc_file

ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).with_name("enospc_driver.py")


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                           capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _can_unshare(), reason="no unprivileged mount namespaces here")


def _run(master: Path, tmp_path: Path, room: str) -> dict:
    measured = tmp_path / "measure" / master.name      # the size recalc writes, on a roomy disk
    measured.parent.mkdir()
    shutil.copyfile(master, measured)
    recalc_file(measured)
    mnt = tmp_path / "disk"
    mnt.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", sys.executable,
                           str(DRIVER), str(master), str(mnt), str(measured.stat().st_size), room],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


EARLIER = [f"主工作簿.20141031-12000{i}-000000.xlsx" for i in range(10)]


@pytest.mark.parametrize("room", ["backup", "temp"])
def test_full_disk_leaves_the_master_and_the_backups_as_they_were(sample_path, tmp_path, room):
    result = _run(sample_path, tmp_path, room)
    assert result["rc"] == 2, result
    assert result["unchanged"]
    assert result["backups"] == EARLIER              # no truncated backup, none pruned for it
    assert [n for n in result["folder"] if n.startswith(".~")] == []   # no temp left
    folder = ".lyciq-backup" if room == "backup" else "disk"
    assert "磁盘空间不足:文件夹“" in result["stderr"] and folder + "”所在的磁盘已满" in result["stderr"]
    assert "原文件未改动" in result["stderr"]
    assert "No space left" not in result["stderr"] and "Traceback" not in result["stderr"]
