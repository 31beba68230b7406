"""Progress on stderr when it is a terminal (a real pseudo-terminal here),
nothing when it is not; --json output stays clean either way."""
from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from lyciq_xl.port import no_progress
from lyciq_xl.progress import TerminalProgress, for_terminal

ROOT = Path(__file__).resolve().parent.parent


def _recalc(path: Path, *extra: str, stderr) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lyciq_xl", "recalc", str(path), *extra],
                          stdout=subprocess.PIPE, stderr=stderr, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _read_all(fd: int) -> bytes:
    data = b""
    os.set_blocking(fd, False)
    try:
        while chunk := os.read(fd, 65536):
            data += chunk
    except (BlockingIOError, OSError):
        pass
    return data


def test_a_bar_on_a_terminal_and_json_still_clean(sample_path):
    master, slave = pty.openpty()
    try:
        done = _recalc(sample_path, "--json", stderr=slave)
        shown = _read_all(master).decode("utf-8", "replace")
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 1                 # the sample's planted errors
    assert "重新计算" in shown and "3/3" in shown
    assert json.loads(done.stdout)["errors"] == 3 + 4       # + the individual part's P02, P04, P05, P06


def test_nothing_when_stderr_is_not_a_terminal(sample_path):
    done = _recalc(sample_path, "--json", stderr=subprocess.PIPE)
    assert done.stderr == b""
    assert json.loads(done.stdout)["errors"] == 3 + 4       # + the individual part's P02, P04, P05, P06


def test_for_terminal_chooses_by_isatty():
    assert for_terminal(io.StringIO()) is no_progress
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as stream:
            assert isinstance(for_terminal(stream), TerminalProgress)
    finally:
        os.close(slave)
        os.close(master)
