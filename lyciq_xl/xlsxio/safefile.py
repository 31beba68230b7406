"""Safe replacement of files a clerk depends on: Excel's lock, backups,
atomic writes. Shared by every command that writes a workbook in place."""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

from lyciq_xl.errors import InputError, LyciqError

BACKUP_DIR = ".lyciq-backup"
KEEP_BACKUPS = 10


# Owner files office programs put beside a document they have open:
# (owner file, program, where to close it). Excel and WPS on Windows both
# write ~$<name>; LibreOffice writes .~lock.<name>#; WPS on Linux .~<name>.
def owner_files(path: Path) -> list[tuple[Path, str, str]]:
    path = Path(path)
    return [(path.with_name("~$" + path.name), "Excel", "Excel(或WPS表格)"),
            (path.with_name(f".~lock.{path.name}#"), "LibreOffice", "LibreOffice"),
            (path.with_name(".~" + path.name), "WPS表格", "WPS表格")]


def check_not_locked(path: Path) -> None:
    """InputError if the file must not be replaced now: an office program has
    it open (its owner file is beside it) or the clerk marked it read-only."""
    path = Path(path)
    for lock, program, close_in in owner_files(path):
        if lock.exists():
            raise InputError(f"工作簿“{path.name}”正在{program}中打开(发现锁定文件“{lock.name}”)。"
                             f"请先在{close_in}中保存并关闭该工作簿,然后重试;本次未写入任何内容。")
    # the mode bits, not os.access: an administrator may write anything, yet
    # a file marked read-only (Windows attribute or chmod) is meant to stay as is
    if path.is_file() and not path.stat().st_mode & 0o222:
        raise InputError(f"文件“{path.name}”是只读文件,不能写入。请在文件属性中取消“只读”"
                         f"后重试;本次未写入任何内容。")


def backup(path: Path) -> Path:
    """Copy the current bytes to .lyciq-backup/<stem>.<timestamp><suffix>
    beside the file, atomically (a full disk leaves no truncated backup that
    would count as one of the kept); keep the newest KEEP_BACKUPS of that workbook."""
    backup_dir = path.parent / BACKUP_DIR
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{path.stem}.{stamp}{path.suffix}"
    try:
        backup_dir.mkdir(exist_ok=True)
        with open(path, "rb") as source:
            _write_via_temp(target, lambda out: shutil.copyfileobj(source, out, 1 << 20),
                            path.stat().st_mode & 0o777)
        shutil.copystat(path, target)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise disk_full(backup_dir, path) from exc
        raise
    pattern = re.compile(re.escape(path.stem) + r"\.\d{8}-\d{6}-\d{6}" + re.escape(path.suffix) + "$")
    ours = sorted(p for p in backup_dir.iterdir() if pattern.match(p.name))
    for old in ours[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


# "No space left on device" and "Disk quota exceeded": the same advice
DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def disk_full(folder: Path, path: Path) -> LyciqError:
    """The clerk's message when `folder`'s disk is full while saving `path`."""
    return LyciqError(f"磁盘空间不足:文件夹“{folder}”所在的磁盘已满,无法保存“{path.name}”。"
                      f"原文件未改动,也没有留下不完整的文件;请清理该磁盘"
                      f"(或把工作簿复制到空间充足的位置)后重试。")


def file_mode(path: Path) -> int:
    """The replaced file's permissions, or what the umask gives a new file
    (mkstemp's 0600 would hide the workbook from colleagues)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX only; Windows has no directory fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


TEMP_PREFIX = ".~lyciq-"


def _write_via_temp(path: Path, write, mode: int) -> None:
    """Temp file in `path`'s folder, `write(file)`, fsync, rename: never a
    half-written file under `path`'s name, whatever fails (the temp goes)."""
    fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{path.name}.tmp",
                                dir=path.parent)
    try:
        os.chmod(temp, mode)
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomically(path: Path, content: bytes) -> None:
    """Temp file in the same folder, fsync, rename: never a half-written file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_via_temp(path, lambda out: out.write(content), file_mode(path))
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise disk_full(path.parent, path) from exc
        raise


def save_workbook(book, path: Path) -> None:
    """Save a new openpyxl (or any `.save(file)`) workbook atomically."""
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(Path(path), buffer.getvalue())
