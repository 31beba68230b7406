"""The e-mail that carries a section workbook (subject/body from jinja2)."""
from __future__ import annotations

import datetime as dt
import email.utils
import re
from email.message import EmailMessage
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from lyciq_xl.contract import Deductions, Indicators, KeyTasks, Results, SectionBook
from lyciq_xl.model import Period, Section
from lyciq_xl.resources import TEMPLATES

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PDF_TYPE = ("application", "pdf")


def _env() -> Environment:
    # Plain-text mail: no HTML autoescaping, but undefined names are errors.
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False,
                       undefined=StrictUndefined, keep_trailing_newline=True)


_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def valid_address(text: str) -> bool:
    """One plain address: no display name, no list, no line breaks (header injection)."""
    return bool(_ADDRESS.fullmatch(text or ""))


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build(section: Section, period: Period, org: str, attachment: Path, *,
          sender: str | None = None, today: dt.date | None = None) -> EmailMessage:
    today = today or dt.date.today()
    context = dict(section=section, period=str(period), org=org, filename=attachment.name,
                   deadline_text=date_text(period.deadline), today=date_text(today),
                   sheets=dict(indicators=Indicators.SHEET, key_tasks=KeyTasks.SHEET,
                               deductions=Deductions.SHEET, results=Results.SHEET),
                   inputs=dict(indicators=SectionBook.INDICATOR_INPUTS,
                               key_tasks=SectionBook.KEY_TASK_INPUTS,
                               reapprove=SectionBook.REAPPROVE))
    env = _env()
    subject = " ".join(env.get_template("mail_subject.j2").render(context).split())
    body = env.get_template("mail_body.j2").render(context)
    return compose(section, subject, body, [attachment], sender)


def render(template: str, context: dict) -> str:
    """A plain-text template of templates/ (undefined names are errors)."""
    return _env().get_template(template).render(context)


def compose(section: Section, subject: str, body: str, attachments: list[Path],
            sender: str | None) -> EmailMessage:
    """A message to the section's 电子邮箱 alone, with files attached."""
    msg = EmailMessage()
    msg["Subject"] = subject
    if sender:
        msg["From"] = sender
    msg["To"] = section.email or ""
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(
        domain=(sender or "").rpartition("@")[2] or "lyciq-xl.invalid")
    msg.set_content(body, charset="utf-8")
    for attachment in attachments:
        kind = PDF_TYPE if attachment.suffix.lower() == ".pdf" else XLSX_TYPE
        msg.add_attachment(attachment.read_bytes(), maintype=kind[0], subtype=kind[1],
                           filename=attachment.name)
    return msg
