"""分发考核表 / `lyciq-xl distribute --assessors`: one signed 考核填报 workbook
per assessing department (SPEC section 9), then an e-mail draft (.eml) each,
or sending by SMTP (command line only). Who assesses what is resolved in
engine/assessors.py; the workbook is built by mail/assessor_book.py. The send
log keys each department's entry with its return kind (考核填报:<代码>)."""
from __future__ import annotations

from pathlib import Path

from lyciq_xl import contract
from lyciq_xl.commands.distribute import ensure_secret
from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.engine.assessors import Assignment, assignments, d12_unknown_assessors
from lyciq_xl.engine.records import Inputs, load_inputs
from lyciq_xl.errors import ExitCode, InputError
from lyciq_xl.mail import assessor_book, folders, send
from lyciq_xl.mail.assessor_book import AssessorMail
from lyciq_xl.mail.master import SHEETS, master_from_tables, resolve_period
from lyciq_xl.model import Period
from lyciq_xl.port.base import WorkbookPort


def out_folder(port: WorkbookPort) -> Path:
    """Where the ribbon puts them: <工作簿名>_考核分发 beside the master."""
    return port.folder() / f"{port.path.stem}_考核分发"


def chosen(inp: Inputs, dept: str | None) -> dict[str, Assignment]:
    found = assignments(inp)
    if dept:
        section = inp.sections.resolve(dept)
        if section is None:
            raise InputError(f"部门“{dept}”不在“{contract.Sections.SHEET}”表中,请填写科室名称或科室代码。")
        if section.code not in found:
            raise InputError(f"{section.name}不是任何指标的考核责任部门,没有考核填报表可生成。"
                             f"请先在指标框架、履职管理指标或重点指标的“考核责任部门”列中指定。")
        found = {section.code: found[section.code]}
    if not found:
        raise InputError("没有考核责任部门:指标框架、履职管理指标和重点指标的“考核责任部门”列中"
                         "没有一个是“科室”表中的科室,请先填写。")
    return found


def distribute_assessors(port: WorkbookPort, out: Path | None = None, period: str | None = None,
                         dept: str | None = None, config: send.SmtpConfig | None = None,
                         sender: str | None = None) -> Outcome:
    """考核填报 workbooks for `period` (default: the 年度) into `out`; drafts
    beside them, or (with `config`) sent. The only change to the master is a
    new 分发密钥 row in 参数 on the first distribution."""
    lines: list[str] = []
    with port.hold():
        tables = port.read_tables(contract.INPUT_SHEETS,
                                  optional=[spec for spec, needed in SHEETS if not needed])
        master = master_from_tables(Path(port.path), tables)
        wanted = resolve_period(master, period)
        inp = load_inputs(tables)
        found = chosen(inp, dept)
        out_dir = out if out is not None else out_folder(port)
        port.check_outputs_writable(out_dir / assessor_book.file_name(a.dept, wanted)
                                    for a in found.values())
        folders.check_folder(out_dir, "--out")
        lines += [f"警告 {f.sheet}!{f.cell}:{f.message}" for f in d12_unknown_assessors(inp)]
        secret = ensure_secret(port, master, lines)
        folders.make_folder(out_dir, "--out")
        log = send.SendLog(master.path)
        items = assessor_book.prepare(inp, found, wanted, secret, out_dir,
                                      config.sender if config else sender)
        for item in items:
            if item.message is None:
                log.record(str(wanted), assessor_book.log_key(item.dept), send.NO_ADDRESS, "",
                           item.workbook.name)
    for item in items:
        lines.append(f"已生成:{item.workbook}")
        if item.problem:
            lines.append(f"  {item.problem}")
    without = [item.dept.name for item in items if item.message is None]
    if config is None:
        drafts = _drafts(items, out_dir, wanted, log)
        lines += [f"已生成邮件:{eml}(可在Outlook中打开后发送)" for eml in drafts]
        alert = (f"已生成 {len(items)} 个考核责任部门的{wanted}考核填报表和 {len(drafts)} 封邮件草稿,"
                 f"保存在“{out_dir}”;双击 .eml 文件在 Outlook 中打开后发送。")
        if without:
            alert += f"{'、'.join(without)}没有有效的电子邮箱(见“{contract.Sections.SHEET}”表),请手工发送。"
        return Outcome(lines, alert, ExitCode.FINDINGS if without else ExitCode.OK)
    return _send(items, config, log, wanted, lines, bool(without))


def _drafts(items: list[AssessorMail], out_dir: Path, period: Period, log: send.SendLog) -> list[Path]:
    written = []
    for item in items:
        if item.message is not None:
            written.append(send.write_eml(item.message,
                                          out_dir / assessor_book.draft_name(item.dept, period)))
            log.record(str(period), assessor_book.log_key(item.dept), send.DRAFTED, item.dept.email or "",
                       item.workbook.name)
    return written


def _send(items: list[AssessorMail], config: send.SmtpConfig, log: send.SendLog, period: Period,
          lines: list[str], problems: bool) -> Outcome:
    jobs = [(assessor_book.log_key(i.dept), i.message, i.workbook.name) for i in items if i.message]
    results = send.send_all(jobs, config, log, str(period))
    failed = 0
    for item in items:
        if item.message is not None:
            result = results.get(assessor_book.log_key(item.dept), "")
            failed += result.startswith(send.FAILED)
            lines.append(f"  {item.dept.name}({item.dept.email}):{result}")
    summary = (f"本次发送成功 {sum(r == send.SENT for r in results.values())} 封,失败 {failed} 封。"
               + ("失败的邮件可稍后重新运行本命令补发(已发送的不会重复发送)。" if failed else ""))
    lines.append(summary)
    return Outcome(lines, summary, ExitCode.FINDINGS if failed or problems else ExitCode.OK)
