"""The returned files a clerk hands to `collect` (files, folders, .eml
messages), gathered without trusting them: oversized files are refused
before they are read, .eml messages are unpacked to their workbooks, and
unsent drafts written by `distribute` are skipped."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from lyciq_xl.errors import InputError, UntrustedFileError
from lyciq_xl.mail.untrusted import (DEFAULT_LIMITS, attachments, is_draft, message_date, refuse,
                                     safe_name)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".xltm", ".xlam", ".eml")


def gather(paths: list[Path], notify: Callable[[str], None] = print) -> list[tuple[str, bytes | UntrustedFileError, dt.datetime]]:
    """(name, bytes, received) of every returned workbook; .eml unpacked."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file()
                            and p.suffix.lower() in WORKBOOK_SUFFIXES
                            and not p.name.startswith(("~$", ".~lock")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"找不到文件或文件夹“{path}”,请检查路径。")
    found = []
    now = dt.datetime.now().replace(microsecond=0)
    for path in files:
        limit = DEFAULT_LIMITS.max_eml if path.suffix.lower() == ".eml" else DEFAULT_LIMITS.max_file
        if path.stat().st_size > limit:      # do not even read it into memory
            found.append((path.name, refuse(path.name, f"文件过大(上限 {limit // 1024} KB)",
                                            "请只发送分发的工作簿。"), now))
            continue
        data = path.read_bytes()
        if path.suffix.lower() == ".eml":
            if is_draft(data):
                notify(f"跳过:{path.name} 是分发时生成的未发送邮件草稿,不是科室的回复。")
                continue
            sent = message_date(data)
            # never in the future: a forged Date of 2099 would make every
            # later return of that section "older" and refused
            when = min(sent.astimezone().replace(tzinfo=None), now) if sent else now
            try:
                found += [(safe_name(name), blob, when)
                          for name, blob in attachments(path.name, data)]
            except UntrustedFileError as exc:
                found.append((path.name, exc, when))
        else:
            found.append((path.name, data, now))
    return found
