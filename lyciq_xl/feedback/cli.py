"""`lyciq-xl feedback` and `lyciq-xl history` on files: read, run the
workflow, write. Every check runs before the first file is written (exit 2
means nothing was written)."""
from __future__ import annotations

import argparse
from pathlib import Path

from lyciq_xl.annex import pdf
from lyciq_xl.annex.layout import render_workbook
from lyciq_xl.contract import FeedbackLetter, FeedbackLog, FeedbackParam
from lyciq_xl.errors import InputError
from lyciq_xl.feedback import workflow
from lyciq_xl.feedback.letter import date_text
from lyciq_xl.mail import message, send
from lyciq_xl.xlsxio import safefile

EXIT_OK, EXIT_PROBLEMS = 0, 1
LOG_SUFFIX = "反馈发送记录"     # the SMTP log beside the master (distribute keeps its own)


def _message(plan: workflow.Plan, item: workflow.Letter, files: list[Path], sender: str | None):
    a = plan.assessment
    context = dict(org=a.settings.org_name, period=item.period, section=item.section,
                   files=[f.name for f in files], total=f"{item.total:.2f}", rank=item.rank,
                   grade=item.grade, deadline=date_text(plan.deadline),
                   days=plan.settings.appeal_days, today=date_text(plan.today))
    subject = " ".join(message.render("feedback_subject.j2", context).split())
    return message.compose(item.section, subject, message.render("feedback_body.j2", context),
                           files, sender)


def _address_problem(item: workflow.Letter) -> str | None:
    s = item.section
    if not s.email:
        return f"{s.name}:科室表中没有电子邮箱,未生成邮件,请手工送达反馈单。"
    if not message.valid_address(s.email):
        return f"{s.name}:科室表中的电子邮箱“{s.email}”格式不正确(第{s.row}行),未生成邮件。"
    return None


def run_feedback(args: argparse.Namespace, today=None) -> int:
    from lyciq_xl.xlsxio.lock import master_lock
    if not (args.send or args.eml):          # the master is only read
        return _feedback(args, today)
    with master_lock(args.workbook):         # read, check, write 反馈记录 as one run
        return _feedback(args, today)


def _feedback(args: argparse.Namespace, today=None) -> int:
    from lyciq_xl.xlsxio.reader import read_tables
    from lyciq_xl.xlsxio.writer import check_not_locked, write_workbook
    path = Path(args.workbook)
    if args.pdf:
        pdf.soffice()
    tables = read_tables(path, optional=workflow.READ_ALSO)
    plan = workflow.plan(tables, args.period, today)
    if args.send and not plan.settings.approved:
        raise InputError(f"参数“{FeedbackParam.APPROVED}”不是“是”:考核结果经局绩效管理领导小组审定后,"
                         f"才能正式发送反馈单。可先用 --eml 生成邮件草稿核对。")
    config = send.SmtpConfig.from_args(args) if args.send else None
    out = Path(args.out)
    for item in plan.letters:
        safefile.check_not_locked(out / f"{item.stem}.xlsx")
    if args.send or args.eml:
        check_not_locked(path)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for item in plan.letters:
        target = out / f"{item.stem}.xlsx"
        safefile.save_workbook(render_workbook(item.doc), target)
        written[item.section.code] = [target]
        print(f"已生成:{target}")
    if args.pdf:   # one LibreOffice run for every letter
        for item, made in zip(plan.letters, pdf.convert([written[i.section.code][0] for i in plan.letters], out)):
            written[item.section.code].append(made)
            print(f"已生成:{made}")
    if not (args.send or args.eml):
        print(f"未发送(加 --eml 生成邮件草稿,或在参数“{FeedbackParam.APPROVED}”为“是”后加 --send 发送);"
              f"未记入“{FeedbackLog.SHEET}”。")
        return EXIT_OK
    return _deliver(args, plan, written, config, path, tables, write_workbook)


def _deliver(args, plan: workflow.Plan, written: dict, config, path: Path, tables, write_workbook) -> int:
    out = Path(args.out)
    problems, jobs = 0, []
    for item in plan.letters:
        problem = _address_problem(item)
        if problem:
            print(f"  {problem}")
            problems += 1
            continue
        jobs.append((item, _message(plan, item, written[item.section.code],
                                    config.sender if config else args.sender)))
    went = []
    if config is None:
        for item, msg in jobs:
            eml = send.write_eml(msg, out / f"{item.stem}.eml")
            print(f"已生成邮件:{eml}(可在Outlook中打开后发送)")
            went.append(item)
    else:
        log = send.SendLog(path, LOG_SUFFIX)
        key = f"{plan.period}@{plan.today.isoformat()}"    # a later day's letter is a new letter
        results = send.send_all([(i.section.code, m, written[i.section.code][0].name) for i, m in jobs],
                                config, log, key)
        for item, _ in jobs:
            status = results.get(item.section.code, "")
            print(f"  {item.section.name}({item.section.email}):{status}")
            if status == send.SENT:
                went.append(item)
            elif status.startswith(send.FAILED):
                problems += 1
    if went:
        entries = [(i.section, i.period, plan.today, written[i.section.code][0].name) for i in went]
        write_workbook(path, owned=[workflow.log_sheet(tables, entries)])
        print(f"已在主工作簿“{FeedbackLog.SHEET}”中登记 {len(went)} 份反馈单(原文件已备份)。")
    return EXIT_PROBLEMS if problems else EXIT_OK


# --- history -----------------------------------------------------------------------

def run_history(args: argparse.Namespace) -> int:
    from lyciq_xl.feedback import history
    from lyciq_xl.xlsxio.reader import read_tables
    if args.pdf:
        pdf.soffice()
    years = []
    for path in map(Path, args.workbooks):
        try:
            years.append(history.load_year(read_tables(path, optional=workflow.READ_ALSO), path.name))
        except InputError as exc:
            raise InputError(f"“{path.name}”不能作为主工作簿使用:{exc}") from exc
    doc = history.build(years)
    out = Path(args.out)
    target = out / f"{FeedbackLetter.HISTORY_FILE}.xlsx"
    safefile.check_not_locked(target)
    out.mkdir(parents=True, exist_ok=True)
    safefile.save_workbook(render_workbook(doc), target)
    print(f"已生成:{target}")
    if args.pdf:
        for made in pdf.convert([target], out):
            print(f"已生成:{made}")
    for note in doc.notes:
        print(f"注意:{note}")
    return EXIT_OK
