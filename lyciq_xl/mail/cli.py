"""`distribute`, `collect`, `status`: files in, files out, Chinese messages."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from lyciq_xl.contract import ParamKey, Params, ReceiptBook
from lyciq_xl.errors import InputError, UntrustedFileError
from lyciq_xl.mail import message, receipts, send, split, status
from lyciq_xl.mail.collect import check_secret, collect_run
from lyciq_xl.mail.integrity import new_secret
from lyciq_xl.mail.master import Master, load_master, resolve_period, resolve_sections
from lyciq_xl.mail.untrusted import (DEFAULT_LIMITS, attachments, is_draft, message_date, refuse,
                                     safe_name)

EXIT_OK, EXIT_PROBLEMS = 0, 1
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".xltm", ".xlam", ".eml")


def _writer():
    from lyciq_xl.xlsxio import writer
    return writer


# --- distribute ------------------------------------------------------------------

def ensure_secret(master: Master) -> str:
    """The master's 分发密钥; on first distribution generate one and add it
    to 参数 (the only master change distribute makes)."""
    secret = master.settings.secret
    if secret:
        if len(secret) < 16:
            raise InputError(f"参数“{ParamKey.SECRET}”太短(至少16个字符),请删除该行让程序自动生成,"
                             f"或填写更长的随机字符串。")
        return secret
    writer = _writer()
    writer.check_not_locked(master.path)
    secret = new_secret()
    row = max([r.number for r in master.params.rows], default=1) + 1
    cols = master.params.columns
    patch = {(row, cols[Params.KEY]): ParamKey.SECRET, (row, cols[Params.VALUE]): secret}
    if Params.NOTE in cols:
        patch[(row, cols[Params.NOTE])] = "校验分发工作簿用,请勿修改、勿外传"
    writer.write_workbook(master.path, patches={Params.SHEET: patch})
    print(f"已在“{Params.SHEET}”表第{row}行生成参数“{ParamKey.SECRET}”(原文件已备份)。")
    return secret


def run_distribute(args: argparse.Namespace) -> int:
    master = load_master(args.workbook)
    period = resolve_period(master, args.period)
    sections = resolve_sections(master, args.dept)
    config = send.SmtpConfig.from_args(args) if args.send else None
    secret = ensure_secret(master)
    out_dir = Path(args.out)
    log = send.SendLog(master.path)
    jobs, problems = [], 0
    for section in sections:
        plan = split.plan_section(master, section, period)
        path = split.write_section_book(plan, split.sign_plan(plan, secret),
                                        out_dir / split.file_name(section, period))
        print(f"已生成:{path}")
        if section.email and not message.valid_address(section.email):
            print(f"  {section.name}:科室表中的电子邮箱“{section.email}”格式不正确"
                  f"(第{section.row}行),未生成邮件;请改正后重新运行。")
            log.record(str(period), section.code, send.NO_ADDRESS, "", path.name)
            problems += 1
            continue
        if not section.email:
            print(f"  {section.name}:科室表中没有电子邮箱,未生成邮件,请手工发送上述文件。")
            log.record(str(period), section.code, send.NO_ADDRESS, "", path.name)
            problems += 1
            continue
        sender = config.sender if config else args.sender   # a draft may leave From to Outlook
        jobs.append((section, message.build(section, period, master.settings.org_name, path,
                                            sender), path.name))
    if config is None:
        for section, msg, file in jobs:
            eml = send.write_eml(msg, out_dir / (split.file_name(section, period, "邮件")[:-5] + ".eml"))
            log.record(str(period), section.code, send.DRAFTED, section.email, file)
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

def _inputs(paths: list[Path]) -> list[tuple[str, bytes, dt.datetime]]:
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
                print(f"跳过:{path.name} 是分发时生成的未发送邮件草稿,不是科室的回复。")
                continue
            sent = message_date(data)
            when = sent.astimezone().replace(tzinfo=None) if sent else now
            try:
                found += [(safe_name(name), blob, when)
                          for name, blob in attachments(path.name, data)]
            except UntrustedFileError as exc:
                found.append((path.name, exc, when))
        else:
            found.append((path.name, data, now))
    return found


def run_collect(args: argparse.Namespace) -> int:
    master = load_master(args.workbook)
    check_secret(master)
    writer = _writer()
    writer.check_not_locked(master.path)
    period = resolve_period(master, args.period) if getattr(args, "period", None) else None
    run = collect_run(master, _inputs(list(args.files)), period)
    outcomes = run.outcomes
    if run.changes_master:
        writer.write_workbook(master.path, owned=run.owned, patches=run.patches)
    folder = Path(args.receipts) if args.receipts else master.path.with_name(
        f"{master.path.stem}_回执")
    taken: set[str] = set()
    for o in outcomes:
        path = receipts.write_receipt(o, folder, taken)
        if o.accepted:
            extra = "(此前已汇总,未改动)" if o.duplicate else f",更新 {len(o.changes)} 处"
            print(f"{ReceiptBook.ACCEPTED}:{o.file}{extra};回执 {path.name}")
        else:
            print(f"{ReceiptBook.REFUSED}:{o.file}")
            for note in o.notes:
                where = f"[{note.sheet} {note.cell}] " if note.sheet else ""
                print(f"  {where}{note.detail}")
    refused = sum(not o.accepted for o in outcomes)
    print(f"共 {len(outcomes)} 个文件:接收 {len(outcomes) - refused} 个,拒收 {refused} 个;"
          f"回执已写入“{folder}”。")
    return EXIT_PROBLEMS if refused else EXIT_OK


# --- status --------------------------------------------------------------------------

def run_status(args: argparse.Namespace) -> int:
    master = load_master(args.workbook)
    wanted = resolve_period(master, args.period) if args.period else None
    table = status.rows(master, send.SendLog(master.path), wanted)
    print(status.render(table))
    return EXIT_OK
