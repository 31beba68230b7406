"""What the buttons of the 绩效考核 ribbon run, on the workbook the clerk has open.

Each button builds an ExcelPort on the calling workbook (`xw.Book.caller()`:
the workbook that was active when the button was clicked, see
lyciq_xl/port/excel.py), runs the same command as the command line
(lyciq_xl/commands/) and ends with one Chinese message box. Nothing is
computed here.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.errors import LyciqError
from lyciq_xl.port.base import WorkbookPort
from lyciq_xl.port.excel import FILL_MACRO, ExcelPort, apply_patches, write_owned

TITLE = "绩效考核"


def ribbon_action(command: Callable[[WorkbookPort], Outcome]) -> Callable[[], None]:
    """Run a command on the calling workbook; show its message, or the
    clerk-facing Chinese message of a LyciqError (nothing written then)."""
    @functools.wraps(command)
    def run() -> None:
        port = ExcelPort.caller()
        try:
            with port:
                outcome = command(port)
        except LyciqError as exc:
            port.alert(f"未完成:{exc}", TITLE, critical=True)
            return
        text = "\n".join([outcome.alert, *(f"错误:{e}" for e in outcome.errors)])
        port.alert(text, TITLE, critical=bool(outcome.errors))
    return run


# --- the buttons --------------------------------------------------------------------

@ribbon_action
def recalculate(port: WorkbookPort) -> Outcome:
    """重新计算: validate and score; write 考核结果, 服务评价明细, 校验结果; mark cells."""
    from lyciq_xl.commands import recalc
    return recalc.recalc(port)


@ribbon_action
def validate(port: WorkbookPort) -> Outcome:
    """校验: the same checks, writing only 校验结果 (and the cell marks)."""
    from lyciq_xl.commands import recalc
    return recalc.validate(port)


@ribbon_action
def generate_annex2(port: WorkbookPort) -> Outcome:
    """生成附件2: the 履职/管理 indicator table, saved next to the workbook."""
    from lyciq_xl.annex import indicators
    from lyciq_xl.commands import annex
    return annex.annex(port, stems=(indicators.FILE_NAME,))


@ribbon_action
def generate_annex3(port: WorkbookPort) -> Outcome:
    """生成附件3: the key indicator table, saved next to the workbook."""
    from lyciq_xl.annex import key_tasks
    from lyciq_xl.commands import annex
    return annex.annex(port, stems=(key_tasks.FILE_NAME,))


# --- distribution (lyciq_xl.mail): to move into lyciq_xl/commands/ -------------------

def _mail_master(port: WorkbookPort):
    from lyciq_xl.commands.status import read_master
    return read_master(port)


@ribbon_action
def distribute(port: WorkbookPort) -> Outcome:
    """分发工作簿: one workbook per section for the year, plus an e-mail draft
    (.eml, opened and sent from Outlook), in <工作簿名>_分发 next to the master.
    Sending by SMTP stays on the command line (it needs server settings)."""
    from lyciq_xl.mail import outbox, send
    from lyciq_xl.mail.master import resolve_period
    folder = port.folder()
    master = _mail_master(port)
    period = resolve_period(master, None)
    secret, patch = outbox.secret_and_patch(master)
    if patch:
        port.write(patches=patch)
    out_dir = folder / f"{master.path.stem}_分发"
    out_dir.mkdir(exist_ok=True)
    log = send.SendLog(master.path)
    items = outbox.prepare(master, master.sections, period, secret, out_dir)
    outbox.record_unaddressed(items, log, period)
    drafted = len(outbox.write_drafts(items, out_dir, period, log))
    without = [item.section.name for item in items if item.message is None]
    text = (f"已生成 {len(master.sections)} 个科室的{period}填报工作簿和 {drafted} 封邮件草稿,"
            f"保存在“{out_dir}”;双击 .eml 文件在 Outlook 中打开后发送。")
    if without:
        text += f"{'、'.join(without)}没有有效的电子邮箱(见“科室”表),请手工发送其工作簿。"
    return Outcome([text], text)


@ribbon_action
def collect(port: WorkbookPort) -> Outcome:
    """汇总回收: read the returned workbooks (or .eml) the clerk saved in
    <工作簿名>_回收 next to the master, merge them into the open workbook,
    write 回收记录/回收变更 and one 回执 per file."""
    from lyciq_xl.mail import inbox, receipts
    from lyciq_xl.mail.collect import collect_run
    folder = port.folder()
    stem = Path(port.path).stem
    inbox_dir = folder / f"{stem}_回收"
    if not inbox_dir.is_dir() or not any(inbox_dir.iterdir()):
        inbox_dir.mkdir(exist_ok=True)
        text = f"请把各科室交回的工作簿(或邮件 .eml)保存到文件夹“{inbox_dir}”,再点“汇总回收”。"
        return Outcome([text], text)
    master = _mail_master(port)
    run = collect_run(master, inbox.gather([inbox_dir]), None)
    if run.changes_master:
        port.write(run.owned, run.patches)
    receipt_dir = folder / f"{stem}_回执"
    taken: set[str] = set()
    for outcome in run.outcomes:
        receipts.write_receipt(outcome, receipt_dir, taken)
    refused = sum(not o.accepted for o in run.outcomes)
    text = (f"汇总回收完成:共 {len(run.outcomes)} 个文件,接收 {len(run.outcomes) - refused} 个,"
            f"拒收 {refused} 个;回执已写入“{receipt_dir}”。请再点“重新计算”更新得分。")
    return Outcome([text], text)


__all__ = ["recalculate", "validate", "generate_annex2", "generate_annex3",
           "distribute", "collect", "FILL_MACRO", "apply_patches", "write_owned"]
