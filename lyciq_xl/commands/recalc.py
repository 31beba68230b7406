"""重新计算 / `lyciq-xl recalc`, 校验 / `lyciq-xl validate`, and `explain`:
read the input sheets once, evaluate, write the owned sheets once."""
from __future__ import annotations

from pathlib import Path

from lyciq_xl import contract
from lyciq_xl.commands.outcome import Outcome, Steps
from lyciq_xl.contract import Findings
from lyciq_xl.engine import Assessment, evaluate, owned_sheets, to_json
from lyciq_xl.errors import ExitCode, InputError
from lyciq_xl.port.base import WorkbookPort
from lyciq_xl.summary import marks_note, message_box_text, summary_text
from lyciq_xl.table import bulk_allocation


def recalc(port: WorkbookPort) -> Outcome:
    """Validate and score; write 考核结果, 服务评价明细, 校验结果 (and, in
    the open workbook, mark the offending cells)."""
    with port.hold():                 # no collect may merge between our read and write
        port.check_writable()
        step = Steps(port, "重新计算", 3)
        tables = port.read_tables()
        step()
        assessment = evaluate(tables)
        step()
        # 个人考核结果 alone is ~26,000 rows at province scale; and with the GC
        # on, writing them would rescan every object the run still holds
        # (1 s of a province run with 2,000 people)
        with bulk_allocation():
            owned = owned_sheets(assessment)
            port.write(owned)
        marked = port.mark(assessment.findings)
        step()
    lines = summary_text(assessment).split("\n")
    alert = message_box_text(assessment) + marks_note(marked)
    return Outcome(lines, alert, ExitCode.FINDINGS if assessment.has_errors else ExitCode.OK,
                   json=lambda: to_json(assessment), result=assessment)


def validate(port: WorkbookPort) -> Outcome:
    """The same checks, writing only 校验结果 (and the cell marks)."""
    with port.hold():
        port.check_writable()
        assessment = evaluate(port.read_tables())
        port.write([s for s in owned_sheets(assessment) if s.name == Findings.SHEET])
        marked = port.mark(assessment.findings)
    errors, warnings = assessment.error_count, assessment.warning_count
    if not errors and not warnings:
        text = "校验完成:未发现问题。"
    else:
        text = (f"校验完成:错误 {errors} 条,警告 {warnings} 条,"
                f"详见“{Findings.SHEET}”。" + marks_note(marked))
    return Outcome([text], text, ExitCode.FINDINGS if errors else ExitCode.OK,
                   json=lambda: to_json(assessment), result=assessment)


def explain(port: WorkbookPort, dept: str, period: str | None) -> Outcome:
    """How one section's score came about, item by item; or one person's,
    month by month (writes nothing)."""
    assessment = evaluate(port.read_tables())
    if assessment.sections.resolve(dept) is None:
        if assessment.individual is not None:     # a person (SPEC 8): 人员编号 or unique 姓名
            from lyciq_xl.engine.individual.explain import explain_person
            text = explain_person(assessment.individual, dept)
            return Outcome(text.split("\n"), text)
        raise InputError(f"工作表“{contract.Sections.SHEET}”中没有科室“{dept}”,"
                         f"请填写科室名称或科室代码。")
    text = assessment.explain(dept, period).text()
    return Outcome(text.split("\n"), text)


def recalc_file(path: Path) -> Assessment:
    """`recalc` on a workbook file, for Python callers and tests: the Assessment."""
    from lyciq_xl.port.file import FilePort
    with FilePort(path) as port:
        result: Assessment = recalc(port).result
    return result
