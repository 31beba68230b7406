"""`distribute --assessors`: the file runner around mail/assessor_book.py.

A thin adapter: read the master once, resolve who assesses what (pure,
engine/assessors.py), write one signed workbook per assessing department and
mail it (SMTP) or write .eml drafts. The send log keys each department's entry
with its return kind (考核填报:<代码>), beside the sections' own entries.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from lyciq_xl.engine.assessors import Assignment, assignments, d12_unknown_assessors
from lyciq_xl.engine.records import load_inputs
from lyciq_xl.errors import InputError
from lyciq_xl.mail import assessor_book, send
from lyciq_xl.mail.assessor_book import AssessorMail
from lyciq_xl.mail.master import master_from_tables, resolve_period
from lyciq_xl.model import Period
from lyciq_xl.table import Table
from lyciq_xl.xlsxio import safefile
from lyciq_xl.xlsxio.reader import read_tables

EXIT_OK, EXIT_PROBLEMS = 0, 1


def chosen(tables: dict[str, Table], dept: str | None) -> tuple[object, dict[str, Assignment], list[str]]:
    """(Inputs, the departments to write for, D12 warnings as text)."""
    inp = load_inputs(tables)
    found = assignments(inp)
    warnings = [f"{f.sheet}!{f.cell}:{f.message}" for f in d12_unknown_assessors(inp)]
    if dept:
        section = inp.sections.resolve(dept)
        if section is None:
            raise InputError(f"部门“{dept}”不在“科室”表中,请填写科室名称或科室代码。")
        if section.code not in found:
            raise InputError(f"{section.name}不是任何指标的考核责任部门,没有考核填报表可生成。"
                             f"请先在指标框架、履职管理指标或重点指标的“考核责任部门”列中指定。")
        found = {section.code: found[section.code]}
    if not found:
        raise InputError("没有考核责任部门:指标框架、履职管理指标和重点指标的“考核责任部门”列中"
                         "没有一个是“科室”表中的科室,请先填写。")
    return inp, found, warnings


def run(args: argparse.Namespace, ensure_secret) -> int:
    """The body of `distribute --assessors` (the caller holds the master lock).
    `ensure_secret(master)` is the section distribution's: it may add 参数 分发密钥."""
    path = Path(args.workbook)
    tables = read_tables(path)
    master = master_from_tables(path, tables)
    period = resolve_period(master, args.period)
    inp, found, warnings = chosen(tables, args.dept)
    config = send.SmtpConfig.from_args(args) if args.send else None
    out_dir = Path(args.out)
    for a in found.values():     # a workbook still open in Excel: write nothing
        safefile.check_not_locked(out_dir / assessor_book.file_name(a.dept, period))
    for line in warnings:
        print(f"警告 {line}")
    secret = ensure_secret(master)
    log = send.SendLog(master.path)
    sender = config.sender if config else args.sender
    items = assessor_book.prepare(inp, found, period, secret, out_dir, sender)
    for item in items:
        print(f"已生成:{item.workbook}")
        if item.problem:
            print(f"  {item.problem}")
            log.record(str(period), assessor_book.log_key(item.dept), send.NO_ADDRESS, "", item.workbook.name)
    problems = sum(item.message is None for item in items)
    if config is None:
        for item in items:
            if item.message is not None:
                eml = send.write_eml(item.message, out_dir / assessor_book.draft_name(item.dept, period))
                log.record(str(period), assessor_book.log_key(item.dept), send.DRAFTED, item.dept.email,
                           item.workbook.name)
                print(f"已生成邮件:{eml}(可在Outlook中打开后发送)")
        return EXIT_PROBLEMS if problems else EXIT_OK
    return _send(items, config, log, period, problems)


def _send(items: list[AssessorMail], config, log, period: Period, problems: int) -> int:
    jobs = [(assessor_book.log_key(i.dept), i.message, i.workbook.name) for i in items if i.message]
    results = send.send_all(jobs, config, log, str(period))
    failed = 0
    for item in items:
        if item.message is not None:
            result = results.get(assessor_book.log_key(item.dept), "")
            failed += result.startswith(send.FAILED)
            print(f"  {item.dept.name}({item.dept.email}):{result}")
    print(f"本次发送成功 {sum(r == send.SENT for r in results.values())} 封,失败 {failed} 封。"
          + ("失败的邮件可稍后重新运行本命令补发(已发送的不会重复发送)。" if failed else ""))
    return EXIT_PROBLEMS if failed or problems else EXIT_OK
