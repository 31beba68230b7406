"""`distribute`, `collect`, `status`: files in, files out, Chinese messages."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from lyciq_xl.contract import ParamKey, Params, ReceiptBook
from lyciq_xl.mail import collect, folders, outbox, send, split, status
from lyciq_xl.mail.master import Master, load_master, resolve_period, resolve_sections
from lyciq_xl.xlsxio import safefile
from lyciq_xl.xlsxio.lock import master_lock

EXIT_OK, EXIT_PROBLEMS = 0, 1
# file names, properties and cell text in messages come from returned files:
# a newline or escape sequence in them must not forge console lines
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _console(text: str) -> str:
    return _CONTROL.sub("?", text)


def _writer():
    from lyciq_xl.xlsxio import writer
    return writer


# --- distribute ------------------------------------------------------------------

def ensure_secret(master: Master) -> str:
    """The master's 分发密钥; on first distribution generate one and add it
    to 参数 (the only master change distribute makes)."""
    secret, patch = outbox.secret_and_patch(master)
    if patch is None:
        return secret
    writer = _writer()
    writer.check_not_locked(master.path)
    writer.write_workbook(master.path, patches=patch)
    print(f"已在“{Params.SHEET}”表生成参数“{ParamKey.SECRET}”(原文件已备份)。")
    return secret


def run_distribute(args: argparse.Namespace) -> int:
    with master_lock(args.workbook):    # it may add 参数 and writes the send log
        return _distribute(args)


def _distribute(args: argparse.Namespace) -> int:
    master = load_master(args.workbook)
    period = resolve_period(master, args.period)
    sections = resolve_sections(master, args.dept)
    config = send.SmtpConfig.from_args(args) if args.send else None
    out_dir = Path(args.out)
    for section in sections:     # a section workbook still open in Excel: write nothing
        safefile.check_not_locked(out_dir / split.file_name(section, period))
    folders.check_folder(out_dir, "--out")     # before the secret goes into the master
    secret = ensure_secret(master)
    log = send.SendLog(master.path)
    sender = config.sender if config else args.sender   # a draft may leave From to Outlook
    items = outbox.prepare(master, sections, period, secret, out_dir, sender)
    for item in items:
        print(f"已生成:{item.workbook}")
        if item.problem:
            print(f"  {item.problem}")
    outbox.record_unaddressed(items, log, period)
    problems = sum(item.message is None for item in items)
    jobs = [(item.section, item.message, item.workbook.name) for item in items if item.message]
    if config is None:
        for eml in outbox.write_drafts(items, out_dir, period, log):
            print(f"已生成邮件:{eml}(可在Outlook中打开后发送)")
        return EXIT_PROBLEMS if problems else EXIT_OK
    results = send.send_all([(s.code, m, f) for s, m, f in jobs], config, log, str(period))
    went = [s for s, _, _ in jobs if results.get(s.code) == send.SENT]
    failed = [s for s, _, _ in jobs if results.get(s.code, "").startswith(send.FAILED)]
    for section, _, _ in jobs:
        print(f"  {section.name}({section.email}):{results.get(section.code)}")
    print(f"本次发送成功 {len(went)} 封,失败 {len(failed)} 封。"
          + ("失败的邮件可稍后重新运行本命令补发(已发送的不会重复发送)。" if failed else ""))
    return EXIT_PROBLEMS if failed or problems else EXIT_OK


# --- collect -----------------------------------------------------------------------

def run_collect(args: argparse.Namespace) -> int:
    request = collect.CollectRequest(args.workbook, list(args.files), args.receipts,
                                     getattr(args, "period", None))
    with master_lock(args.workbook):    # the whole read–merge–write
        run = collect.collect_files(request, notify=lambda line: print(_console(line)))
    for o, path in zip(run.outcomes, run.receipt_paths):
        if o.unfilled:
            print(f"{ReceiptBook.UNFILLED}:{_console(o.file)}({collect.UNFILLED_TEXT});回执 {path.name}")
        elif o.accepted:
            extra = "(此前已汇总,未改动)" if o.duplicate else f",更新 {len(o.changes)} 处"
            if o.conflicts:
                extra += f",冲突 {len(o.conflicts)} 处(保留主工作簿的值)"
            if o.superseded_by is not None:
                extra += ",已被同批较新的文件取代"
            print(f"{ReceiptBook.ACCEPTED}:{_console(o.file)}{extra};回执 {path.name}")
        else:
            print(f"{ReceiptBook.REFUSED}:{_console(o.file)};回执 {path.name}")
            for note in o.notes:
                where = f"[{note.sheet} {note.cell}] " if note.sheet else ""
                print(f"  {_console(where + note.detail)}")
    unfilled = sum(o.unfilled for o in run.outcomes)
    refused = sum(not o.accepted and not o.unfilled for o in run.outcomes)
    conflicts = sum(len(o.conflicts) for o in run.outcomes)
    folder = run.receipt_paths[0].parent if run.receipt_paths else None
    print(f"共 {len(run.outcomes)} 个文件:接收 {len(run.outcomes) - refused - unfilled} 个,"
          f"拒收 {refused} 个" + (f",未填写 {unfilled} 个" if unfilled else "")
          + f";冲突 {conflicts} 处" + (f";回执已写入“{folder}”。" if folder else "。"))
    return EXIT_PROBLEMS if refused or unfilled or conflicts else EXIT_OK


# --- status --------------------------------------------------------------------------

def run_status(args: argparse.Namespace) -> int:
    master = load_master(args.workbook)
    wanted = resolve_period(master, args.period) if args.period else None
    table = status.rows(master, send.SendLog(master.path), wanted)
    print(status.render(table))
    return EXIT_OK
