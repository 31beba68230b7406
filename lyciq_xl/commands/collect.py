"""汇总回收 / `lyciq-xl collect`: verify the returned section workbooks,
merge them three-way into the master (lyciq_xl/mail/collect.py), write the
master once and one 回执 per file. Every check that can stop the run comes
before the master is written."""
from __future__ import annotations

import re
from pathlib import Path

from lyciq_xl.commands.outcome import Outcome, Steps
from lyciq_xl.commands.status import read_master
from lyciq_xl.contract import ReceiptBook
from lyciq_xl.errors import ExitCode
from lyciq_xl.mail import collect as merging
from lyciq_xl.mail import folders, inbox, receipts
from lyciq_xl.mail.master import resolve_period
from lyciq_xl.mail.outcome import Outcome as Return
from lyciq_xl.port.base import WorkbookPort

# file names, properties and cell text in messages come from returned files:
# a newline or escape sequence in them must not forge console lines
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    return _CONTROL.sub("?", text)


def inbox_folder(port: WorkbookPort) -> Path:
    """Where the ribbon looks for returns: <工作簿名>_回收 beside the master."""
    return port.folder() / f"{port.path.stem}_回收"


def _line(o: Return, receipt: Path) -> list[str]:
    if o.unfilled:
        return [f"{ReceiptBook.UNFILLED}:{plain(o.file)}({merging.UNFILLED_TEXT});回执 {receipt.name}"]
    if o.accepted:
        extra = "(此前已汇总,未改动)" if o.duplicate else f",更新 {len(o.changes)} 处"
        if o.conflicts:
            extra += f",冲突 {len(o.conflicts)} 处(保留主工作簿的值)"
        if o.superseded_by is not None:
            extra += ",已被同批较新的文件取代"
        return [f"{ReceiptBook.ACCEPTED}:{plain(o.file)}{extra};回执 {receipt.name}"]
    lines = [f"{ReceiptBook.REFUSED}:{plain(o.file)};回执 {receipt.name}"]
    for note in o.notes:
        where = f"[{note.sheet} {note.cell}] " if note.sheet else ""
        lines.append(f"  {plain(where + note.detail)}")
    return lines


def collect(port: WorkbookPort, files: list[Path] | None = None, receipts_dir: Path | None = None,
            period: str | None = None) -> Outcome:
    """Merge `files` (workbooks, .eml or folders; default: the inbox folder
    beside the master) into the master; receipts into `receipts_dir`
    (default: <工作簿名>_回执 beside the master)."""
    if files is None:
        folder = inbox_folder(port)
        if not folder.is_dir() or not any(folder.iterdir()):
            folder.mkdir(exist_ok=True)
            text = f"请把各科室交回的工作簿(或邮件 .eml)保存到文件夹“{folder}”,再点“汇总回收”。"
            return Outcome([text], text)
        files = [folder]
    step = Steps(port, "汇总回收", 3)
    notes: list[str] = []
    with port.hold():                     # the whole read–merge–write
        master = read_master(port)
        merging.check_secret(master)
        port.check_writable()
        wanted = resolve_period(master, period) if period else None
        folder = receipts_dir or port.folder() / f"{port.path.stem}_回执"
        folders.check_folder(folder)
        step()
        run = merging.collect_run(master, inbox.gather(list(files), notes.append), wanted)
        paths = receipts.plan_paths(run.outcomes, folder)
        folders.make_folder(folder)
        step()
        if run.changes_master:
            port.write(run.owned, run.patches)
        for outcome, path in zip(run.outcomes, paths):
            receipts.write_receipt(outcome, path)
        step()
    lines = [plain(n) for n in notes]
    for outcome, path in zip(run.outcomes, paths):
        lines += _line(outcome, path)
    total = len(run.outcomes)
    unfilled = sum(o.unfilled for o in run.outcomes)
    refused = sum(not o.accepted and not o.unfilled for o in run.outcomes)
    conflicts = sum(len(o.conflicts) for o in run.outcomes)
    # rows and cells of accepted files not imported: the section head must resend them
    rows = sum(o.skipped for o in run.outcomes if o.accepted)
    counts = (f"接收 {total - refused - unfilled} 个,拒收 {refused} 个"
              + (f",未填写 {unfilled} 个" if unfilled else "") + f";冲突 {conflicts} 处"
              + (f";未导入 {rows} 处(见回执)" if rows else "")
              + (f";回执已写入“{folder}”。" if paths else "。"))
    lines.append(f"共 {total} 个文件:{counts}")
    alert = (f"汇总回收完成:共 {total} 个文件,{counts}"
             + ("请再点“重新计算”更新得分。" if run.changes_master else ""))
    code = ExitCode.FINDINGS if refused or unfilled or conflicts or rows else ExitCode.OK
    return Outcome(lines, alert, code, result=run)
