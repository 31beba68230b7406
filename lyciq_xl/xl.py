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

from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.errors import LyciqError
from lyciq_xl.port.base import WorkbookPort
from lyciq_xl.port.excel import FILL_MACRO, ExcelPort

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


@ribbon_action
def personal_archive(port: WorkbookPort) -> Outcome:
    """个人档案: one 个人考核档案 per person (SPEC 8), .xlsx, in 个人考核档案 next
    to the workbook. PDF stays on the command line (it needs LibreOffice)."""
    from lyciq_xl.commands import archive
    return archive.archive(port)


@ribbon_action
def distribute(port: WorkbookPort) -> Outcome:
    """分发工作簿: one workbook per section for the year, plus an e-mail draft
    (.eml, opened and sent from Outlook), in <工作簿名>_分发 next to the master.
    Sending by SMTP stays on the command line (it needs server settings)."""
    from lyciq_xl.commands import distribute as command
    return command.distribute(port)


@ribbon_action
def distribute_assessors(port: WorkbookPort) -> Outcome:
    """分发考核表: one 考核填报 workbook per assessing department for the year,
    plus an e-mail draft each, in <工作簿名>_考核分发 next to the master (SPEC 9)."""
    from lyciq_xl.commands import assessors
    return assessors.distribute_assessors(port)


@ribbon_action
def collect(port: WorkbookPort) -> Outcome:
    """汇总回收: merge the returned workbooks (or .eml) the clerk saved in
    <工作簿名>_回收 next to the master into the open workbook; write
    回收记录/回收变更 and one 回执 per file."""
    from lyciq_xl.commands import collect as command
    return command.collect(port)


@ribbon_action
def feedback(port: WorkbookPort) -> Outcome:
    """反馈单: one 考核结果反馈单 per section for the latest period, with an
    e-mail draft each (.eml), in <工作簿名>_反馈 next to the master; recorded
    in 反馈记录. Sending by SMTP stays on the command line (server settings,
    and 结果审定 = 是)."""
    from lyciq_xl.commands import feedback as command
    return command.feedback(port, drafts=True)


__all__ = ["recalculate", "validate", "generate_annex2", "generate_annex3",
           "personal_archive", "distribute", "distribute_assessors", "collect", "feedback",
           "FILL_MACRO"]
