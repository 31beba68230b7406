"""分发工作簿 / `lyciq-xl distribute`: one signed workbook per section,
then an e-mail draft (.eml) each, or sending by SMTP (command line only:
it needs server settings)."""
from __future__ import annotations

from pathlib import Path

from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.commands.status import read_master
from lyciq_xl.contract import ParamKey, Params, Sections
from lyciq_xl.errors import ExitCode
from lyciq_xl.mail import folders, outbox, send, split
from lyciq_xl.mail.master import Master, resolve_period, resolve_sections
from lyciq_xl.port.base import WorkbookPort


def out_folder(port: WorkbookPort) -> Path:
    """Where the ribbon puts them: <工作簿名>_分发 beside the master."""
    return port.folder() / f"{port.path.stem}_分发"


def distribute(port: WorkbookPort, out: Path | None = None, period: str | None = None,
               dept: str | None = None, config: send.SmtpConfig | None = None,
               sender: str | None = None) -> Outcome:
    """Section workbooks for `period` (default: the 年度) into `out`; e-mail
    drafts beside them, or (with `config`) sent. The only change to the
    master is a new 分发密钥 row in 参数 on the first distribution."""
    lines: list[str] = []
    with port.hold():                 # it may add 参数 and writes the send log
        master = read_master(port)
        wanted = resolve_period(master, period)
        sections = resolve_sections(master, dept)
        out_dir = out if out is not None else out_folder(port)
        # a section workbook still open in Excel: write nothing
        port.check_outputs_writable(out_dir / split.file_name(s, wanted) for s in sections)
        folders.check_folder(out_dir, "--out")     # before the secret goes into the master
        secret = ensure_secret(port, master, lines)
        folders.make_folder(out_dir, "--out")
        log = send.SendLog(master.path)
        items: list[outbox.Outgoing] = []
        for done, section in enumerate(sections, 1):
            items += outbox.prepare(master, [section], wanted, secret, out_dir,
                                    sender=config.sender if config else sender)
            port.progress("生成科室工作簿", done, len(sections))
        outbox.record_unaddressed(items, log, wanted)
    for item in items:
        lines.append(f"已生成:{item.workbook}")
        if item.problem:
            lines.append(f"  {item.problem}")
    without = [item.section.name for item in items if item.message is None]
    if config is None:
        drafts = outbox.write_drafts(items, out_dir, wanted, log)
        lines += [f"已生成邮件:{eml}(可在Outlook中打开后发送)" for eml in drafts]
        alert = (f"已生成 {len(items)} 个科室的{wanted}填报工作簿和 {len(drafts)} 封邮件草稿,"
                 f"保存在“{out_dir}”;双击 .eml 文件在 Outlook 中打开后发送。")
        if without:
            alert += (f"{'、'.join(without)}没有有效的电子邮箱(见“{Sections.SHEET}”表),"
                      f"请手工发送其工作簿。")
        return Outcome(lines, alert, ExitCode.FINDINGS if without else ExitCode.OK)
    jobs = [(item.section, item.message, item.workbook.name) for item in items if item.message]
    results = send.send_all([(s.code, m, f) for s, m, f in jobs], config, log, str(wanted))
    went = [s for s, _, _ in jobs if results.get(s.code) == send.SENT]
    failed = [s for s, _, _ in jobs if results.get(s.code, "").startswith(send.FAILED)]
    lines += [f"  {s.name}({s.email}):{results.get(s.code)}" for s, _, _ in jobs]
    summary = (f"本次发送成功 {len(went)} 封,失败 {len(failed)} 封。"
               + ("失败的邮件可稍后重新运行本命令补发(已发送的不会重复发送)。" if failed else ""))
    lines.append(summary)
    return Outcome(lines, summary, ExitCode.FINDINGS if failed or without else ExitCode.OK)


def ensure_secret(port: WorkbookPort, master: Master, lines: list[str]) -> str:
    """The master's 分发密钥, generated and written into 参数 on the first
    distribution (section or assessor workbooks alike); `lines` says so."""
    secret, patch = outbox.secret_and_patch(master)
    if patch:
        port.check_writable()
        port.write(patches=patch)
        lines.append(f"已在“{Params.SHEET}”表生成参数“{ParamKey.SECRET}”(原文件已备份)。")
    return secret
