"""One writer at a time: the master workbook's run lock.

Every command that writes the master (recalc, collect, distribute when it
adds 参数) holds `master_lock(path)` for its whole read–compute–write, so a
recalc started during a collect cannot write results computed from the
pre-merge workbook over the merge (or the other way round).

The lock is `filelock`'s OS-level lock (fcntl on POSIX, msvcrt on Windows) on
a small file beside the master: the operating system releases it when the
holding process ends, however it ends, so a killed run never leaves a stale
lock that a clerk would have to delete by hand.

`LYCIQ_LOCK_TIMEOUT` (seconds) overrides the short wait; `LYCIQ_LOCK_HOOK`
names a folder holding two FIFOs the tests use to hold a real run inside the
lock (see `_hold_for_test`).
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

import filelock

from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio.reader import check_workbook_path

WAIT_SECONDS = 10.0
_HOOK = "LYCIQ_LOCK_HOOK"


def lock_path(path: Path) -> Path:
    """The lock file beside `path`: hidden on POSIX, and no other program's
    owner-file pattern (~$…, .~lock.…#, .~…)."""
    path = Path(path)
    return path.with_name(f".{path.name}.lyciq-lock")


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("LYCIQ_LOCK_TIMEOUT", WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


@contextlib.contextmanager
def master_lock(path: Path) -> Iterator[None]:
    """Hold the master's exclusive run lock; after a short wait InputError
    (exit 2, nothing written) if another run still holds it, or if `path`
    is no workbook (a folder, a missing file: no lock file beside it)."""
    check_workbook_path(Path(path))
    path = Path(path).resolve()       # two spellings of one file share one lock
    lock = filelock.FileLock(lock_path(path), timeout=_wait_seconds())
    try:
        lock.acquire()
    except filelock.Timeout:
        raise InputError(f"另一个操作正在处理该主工作簿“{path.name}”(如另一窗口中的重新计算或汇总回收),"
                         f"请等它完成后重试;本次未写入任何内容。") from None
    except PermissionError as exc:
        raise InputError(f"没有写入文件夹“{path.parent}”的权限,无法处理“{path.name}”。"
                         f"请把工作簿复制到有写权限的文件夹后重试;本次未写入任何内容。") from exc
    try:
        _hold_for_test()
        yield
    finally:
        lock.release()


def _hold_for_test() -> None:
    """Test synchronisation without sleeps: with LYCIQ_LOCK_HOOK=<folder>,
    announce "held" by opening <folder>/acquired for writing (a FIFO: blocks
    until the test reads it), then wait until the test writes <folder>/release."""
    folder = os.environ.get(_HOOK)
    if not folder:
        return
    with open(Path(folder) / "acquired", "w") as announce:
        announce.write("held\n")
    with open(Path(folder) / "release") as wait:
        wait.read()
