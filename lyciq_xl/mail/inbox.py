"""The returned files a clerk hands to `collect` (files, folders, .eml
messages), gathered without trusting them.

Every file in a folder gets a line: oversized files are refused before they
are read, .eml messages are unpacked to their workbooks (attachment names in
raw GBK/GB18030 bytes, as older mail clients write them, are decoded), unsent
drafts written by `distribute` and the lock files of open spreadsheets are
skipped with a word, and anything that is not a workbook becomes a refusal
whose receipt says what to send instead.
"""
from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import email.utils
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Callable

from lyciq_xl.contract import ADDIN_CONFIG_NAMES
from lyciq_xl.errors import InputError, UntrustedFileError
from lyciq_xl.mail.untrusted import DEFAULT_LIMITS, MACRO_SUFFIXES, Limits, refuse, safe_name

# lock files of a workbook open in Excel / LibreOffice / WPS, and the files
# operating systems drop into folders: not returns
LOCK_PREFIXES = ("~$", ".~lock", ".~")
SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}
RUN_LOCK_SUFFIX = ".lyciq-lock"       # our own run lock beside a master (xlsxio.lock)
# what an attachment may be to be looked at (anything else in a mail is the
# sender's signature logo and the like); other spreadsheet formats are
# included so that their receipt says how to send them as .xlsx
SPREADSHEET_SUFFIXES = (".xlsx", ".ods", ".et", ".ett", ".csv") + MACRO_SUFFIXES
# charsets of 8-bit header bytes tried in turn (older Chinese mail clients
# write raw GBK; GB18030 is its superset)
HEADER_CHARSETS = ("utf-8", "gb18030")


@dataclass
class Incoming:
    """One returned file: its bytes (or why it was refused unread) and when
    it arrived. `mailed` is True when `received` is an e-mail's own time."""
    name: str
    data: bytes | UntrustedFileError
    received: dt.datetime
    mailed: bool = False


def gather(paths: list[Path], notify: Callable[[str], None] = print) -> list[Incoming]:
    """Every returned workbook of `paths` (files or folders); .eml unpacked."""
    files = []
    for path in paths:
        if path.is_dir():
            for item in sorted(p for p in path.iterdir() if p.is_file()):
                if _skipped(item):
                    notify(f"跳过:{item.name} 是表格软件打开文件时生成的临时锁定文件或系统文件。")
                else:
                    files.append(item)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"找不到文件或文件夹“{path}”,请检查路径。")
    found: list[Incoming] = []
    now = dt.datetime.now().replace(microsecond=0)
    for path in files:
        found += _read(path, now, notify)
    return found


def _skipped(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(LOCK_PREFIXES) or name in SYSTEM_FILES or name.endswith(RUN_LOCK_SUFFIX)


def _read(path: Path, now: dt.datetime, notify: Callable[[str], None]) -> list[Incoming]:
    is_eml = path.suffix.lower() == ".eml"
    limit = DEFAULT_LIMITS.max_eml if is_eml else DEFAULT_LIMITS.max_file
    if path.stat().st_size > limit:      # do not even read it into memory
        return [Incoming(path.name, refuse(path.name, f"文件过大(上限 {limit // 1024} KB)",
                                           "请只发送分发的工作簿。"), now)]
    data = path.read_bytes()
    if not is_eml:
        return [Incoming(path.name, data, now)]
    if is_draft(data):
        notify(f"跳过:{path.name} 是分发时生成的未发送邮件草稿,不是科室的回复。")
        return []
    sent = message_date(data)
    # never in the future: a forged Date of 2099 would make every later
    # return of that section "older" and refused
    when = min(sent.astimezone().replace(tzinfo=None), now) if sent else now
    try:
        return [Incoming(name, blob, when, mailed=sent is not None)
                for name, blob in attachments(path.name, data)]
    except UntrustedFileError as exc:
        return [Incoming(path.name, exc, when, mailed=sent is not None)]


# --- .eml messages ------------------------------------------------------------------

def attachments(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, bytes]]:
    """The attachments of an .eml message as (base name, bytes): every one
    that looks like a spreadsheet (so that a .xlsm or .ods is refused by
    name, with a receipt saying how to send it)."""
    if len(data) > limits.max_eml:
        raise refuse(name, "邮件文件过大", "请只附上分发的工作簿。")
    found = []
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        for part in message.walk():
            filename = attachment_name(part)
            if part.is_multipart() or not filename:
                continue
            filename = safe_name(filename)
            if filename.lower().endswith(SPREADSHEET_SUFFIXES) or \
                    filename.lower() in ADDIN_CONFIG_NAMES:      # refused with a warning
                found.append((filename, part.get_payload(decode=True) or b""))
    except RecursionError as exc:   # the parser and walk() recurse per nesting level
        raise refuse(name, "邮件结构异常(多层嵌套),可能是恶意构造的邮件",
                     "请直接把填好的.xlsx工作簿作为附件发送。") from exc
    if not found:
        raise refuse(name, "邮件中没有Excel工作簿附件", "请把填好的.xlsx工作簿作为附件发送。")
    return found


def attachment_name(part: Message) -> str | None:
    """The attachment's file name. Headers are 7-bit by the standard, but
    older mail clients write the name as raw GBK bytes (or as an encoded
    word declaring gb2312 while holding GBK characters): the standard
    parser turns those into U+FFFD, so the raw header is decoded again."""
    name = part.get_filename()
    if name is None or "\ufffd" not in name:
        return name
    for key, raw in part.raw_items():
        param = {"content-disposition": "filename", "content-type": "name"}.get(key.lower())
        if param is None:
            continue
        for text in _header_texts(raw):
            found = email.policy.default.header_factory(key, text).params.get(param)
            if found and "\ufffd" not in found:
                return found
    return name


def _header_texts(raw: str) -> list[str]:
    """A raw header value decoded each way worth trying."""
    # the parser keeps 8-bit bytes as surrogate escapes
    data = raw.encode("ascii", "surrogateescape")
    texts = []
    for charset in HEADER_CHARSETS:
        try:
            texts.append(_decode_words(data.decode(charset)))
        except (UnicodeDecodeError, LookupError):
            continue
    return texts


def _decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded; gb2312/gbk ones as GB18030 (its
    superset), so GBK characters labelled gb2312 still decode."""
    if "=?" not in text:
        return text
    out = []
    for chunk, charset in email.header.decode_header(text):
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        charset = (charset or "ascii").lower()
        if charset.replace("-", "") in ("gb2312", "gbk", "cp936", "euccn"):
            charset = "gb18030"
        try:
            out.append(chunk.decode(charset))
        except (UnicodeDecodeError, LookupError):
            out.append(chunk.decode("gb18030", errors="replace"))
    return "".join(out)


def message_date(data: bytes):
    """When the message arrived: the timestamp our own mail server stamped on
    the topmost Received header - the sender's Date header is whatever their
    client (or they) wrote, so it is only the fallback. None if neither."""
    message = email.message_from_bytes(_header_block(data), policy=email.policy.compat32)
    candidates = []
    received = message.get_all("Received") or []
    if received:
        candidates.append(str(received[0]).rpartition(";")[2])
    candidates.append(str(message.get("Date") or ""))
    for text in candidates:
        try:
            when = email.utils.parsedate_to_datetime(" ".join(text.split()))
            if when is not None and when.tzinfo is not None:
                when.astimezone()   # "31 Dec 9999 -1200" is past datetime's end locally
                return when
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
    return None


def is_draft(data: bytes) -> bool:
    """An unsent draft written by distribute (X-Unsent: 1), not a reply."""
    headers = email.message_from_bytes(_header_block(data), policy=email.policy.default)
    return (headers.get("X-Unsent") or "").strip() == "1"


def _header_block(data: bytes) -> bytes:
    """The top-level headers only: the body need not be parsed to read them."""
    return data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
