"""考核结果反馈单 (`lyciq-xl feedback`; the ribbon's 反馈单) and `lyciq-xl
history`: the letters written once against the workbook port; every check
runs before the first file is written (exit 2 means nothing was written)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from lyciq_xl.annex import pdf
from lyciq_xl.annex.layout import render_workbook
from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.contract import FeedbackLetter, FeedbackLog, FeedbackParam, Sections
from lyciq_xl.errors import ExitCode, InputError, PdfError
from lyciq_xl.feedback import workflow
from lyciq_xl.feedback.letter import date_text
from lyciq_xl.mail import folders, message, send
from lyciq_xl.port.base import WorkbookPort
from lyciq_xl.xlsxio import safefile

LOG_SUFFIX = "反馈发送记录"     # the SMTP log beside the master (distribute keeps its own)


def out_folder(port: WorkbookPort) -> Path:
    """Where the ribbon puts them: <工作簿名>_反馈 beside the master."""
    return port.folder() / f"{port.path.stem}_反馈"


def _message(plan: workflow.Plan, item: workflow.Letter, files: list[Path], sender: str | None):
    context = dict(org=plan.assessment.settings.org_name, period=item.period, section=item.section,
                   files=[f.name for f in files], total=f"{item.total:.2f}", rank=item.rank,
                   grade=item.grade, deadline=date_text(plan.deadline),
                   days=plan.settings.appeal_days, today=date_text(plan.today))
    subject = " ".join(message.render("feedback_subject.j2", context).split())
    return message.compose(item.section, subject, message.render("feedback_body.j2", context),
                           files, sender)


def _address_problem(item: workflow.Letter) -> str | None:
    s = item.section
    if not s.email:
        return f"{s.name}:“{Sections.SHEET}”表中没有电子邮箱,未生成邮件,请手工送达反馈单。"
    if not message.valid_address(s.email):
        return f"{s.name}:“{Sections.SHEET}”表中的电子邮箱“{s.email}”格式不正确(第{s.row}行),未生成邮件。"
    return None


def feedback(port: WorkbookPort, out: Path | None = None, period: str | None = None, *,
             as_pdf: bool = False, drafts: bool = False, config: send.SmtpConfig | None = None,
             sender: str | None = None, today: dt.date | None = None) -> Outcome:
    """One letter per section into `out` (default: beside the workbook);
    with `drafts` an .eml each, with `config` sent by SMTP; what went out is
    recorded in 反馈记录 (the only change to the workbook)."""
    if as_pdf:
        pdf.soffice()                       # fail before writing anything
    if not (drafts or config):
        return _letters(port, out, period, as_pdf, today)[0]
    with port.hold():                       # read, check, write 反馈记录 as one run
        port.check_writable()
        outcome, plan, written, tables = _letters(port, out, period, as_pdf, today, config)
        return _deliver(port, outcome, plan, written, tables, config, sender)


def _letters(port: WorkbookPort, out: Path | None, period: str | None, as_pdf: bool,
             today: dt.date | None, config: send.SmtpConfig | None = None):
    tables = port.read_tables(optional=workflow.READ_ALSO)
    plan = workflow.plan(tables, period, today)
    if config is not None and not plan.settings.approved:
        raise InputError(f"参数“{FeedbackParam.APPROVED}”不是“是”:考核结果经局绩效管理领导小组审定后,"
                         f"才能正式发送反馈单。可先生成邮件草稿核对;本次未写入任何内容。")
    folder = out if out is not None else out_folder(port)
    port.check_outputs_writable(folder / f"{item.stem}.xlsx" for item in plan.letters)
    folders.check_folder(folder, "--out")
    folders.make_folder(folder, "--out")
    written: dict[str, list[Path]] = {}
    lines: list[str] = []
    for done, item in enumerate(plan.letters, 1):
        target = folder / f"{item.stem}.xlsx"
        safefile.save_workbook(render_workbook(item.doc), target)
        written[item.section.code] = [target]
        lines.append(f"已生成:{target}")
        port.progress("生成反馈单", done, len(plan.letters))
    errors: list[str] = []
    if as_pdf:   # one LibreOffice run for every letter
        try:
            made = pdf.convert([written[i.section.code][0] for i in plan.letters], folder)
        except PdfError as exc:            # the .xlsx are written: not an exit 2
            errors.append(str(exc))
            made = []
        for item, path in zip(plan.letters, made):
            written[item.section.code].append(path)
            lines.append(f"已生成:{path}")
    alert = f"已生成 {len(plan.letters)} 个科室的{plan.period}考核结果反馈单,保存在“{folder}”。"
    lines.append(f"未发送(加 --eml 生成邮件草稿,或在参数“{FeedbackParam.APPROVED}”为“是”后加 --send 发送);"
                 f"未记入“{FeedbackLog.SHEET}”。")
    outcome = Outcome(lines, alert, ExitCode.PARTIAL if errors else ExitCode.OK, errors)
    outcome.result = plan
    return outcome, plan, written, tables


def _deliver(port: WorkbookPort, outcome: Outcome, plan: workflow.Plan, written: dict, tables,
             config: send.SmtpConfig | None, sender: str | None) -> Outcome:
    lines = outcome.lines[:-1]            # drop "未发送"
    folder = written[plan.letters[0].section.code][0].parent
    problems, jobs = [], []
    for item in plan.letters:
        problem = _address_problem(item)
        if problem:
            lines.append(f"  {problem}")
            problems.append(item.section.name)
            continue
        jobs.append((item, _message(plan, item, written[item.section.code],
                                    config.sender if config else sender)))
    went = []
    if config is None:
        for item, msg in jobs:
            eml = send.write_eml(msg, folder / f"{item.stem}.eml")
            lines.append(f"已生成邮件:{eml}(可在Outlook中打开后发送)")
            went.append(item)
        alert = (f"已生成 {len(plan.letters)} 份{plan.period}考核结果反馈单和 {len(went)} 封邮件草稿,"
                 f"保存在“{folder}”;双击 .eml 文件在 Outlook 中打开后发送。")
    else:
        log = send.SendLog(port.path, LOG_SUFFIX)
        key = f"{plan.period}@{plan.today.isoformat()}"    # a later day's letter is a new letter
        results = send.send_all([(i.section.code, m, written[i.section.code][0].name) for i, m in jobs],
                                config, log, key)
        for item, _ in jobs:
            status = results.get(item.section.code, "")
            lines.append(f"  {item.section.name}({item.section.email}):{status}")
            if status == send.SENT:
                went.append(item)
            elif status.startswith(send.FAILED):
                problems.append(item.section.name)
        alert = f"反馈单发送成功 {len(went)} 封" + (f",未发出:{'、'.join(problems)}" if problems else "") + "。"
    if went:
        entries = [(i.section, i.period, plan.today, written[i.section.code][0].name) for i in went]
        port.write(owned=[workflow.log_sheet(tables, entries)])
        lines.append(f"已在主工作簿“{FeedbackLog.SHEET}”中登记 {len(went)} 份反馈单(原文件已备份)。")
    code = ExitCode.PARTIAL if outcome.errors else ExitCode.FINDINGS if problems else ExitCode.OK
    return Outcome(lines, alert, code, outcome.errors, result=plan)


# --- history -----------------------------------------------------------------------

def history(ports: Iterable[WorkbookPort], out: Path, *, as_pdf: bool = False) -> Outcome:
    """Several years' masters side by side (read only, never written)."""
    from lyciq_xl.feedback import history as build
    if as_pdf:
        pdf.soffice()
    years = []
    for port in ports:
        try:
            years.append(build.load_year(port.read_tables(optional=workflow.READ_ALSO), port.name))
        except InputError as exc:
            raise InputError(f"“{port.name}”不能作为主工作簿使用:{exc}") from exc
    doc = build.build(years)
    target = Path(out) / f"{FeedbackLetter.HISTORY_FILE}.xlsx"
    safefile.check_not_locked(target)
    folders.check_folder(Path(out), "--out")
    folders.make_folder(Path(out), "--out")
    safefile.save_workbook(render_workbook(doc), target)
    lines, errors = [f"已生成:{target}"], []
    if as_pdf:
        try:
            lines += [f"已生成:{p}" for p in pdf.convert([target], Path(out))]
        except PdfError as exc:
            errors.append(str(exc))
    lines += [f"注意:{note}" for note in doc.notes]
    return Outcome(lines, f"已生成:{target}", ExitCode.PARTIAL if errors else ExitCode.OK, errors)
