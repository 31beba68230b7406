"""What `distribute` prepares for each section, shared by the command line
and the ribbon: the signed section workbook, and the e-mail that carries it
(or, when the 科室 sheet has no usable address, the reason in Chinese)."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Iterable

from lyciq_xl.contract import ParamKey, Params
from lyciq_xl.errors import InputError
from lyciq_xl.mail import message, send, split
from lyciq_xl.mail.integrity import new_secret
from lyciq_xl.mail.master import Master
from lyciq_xl.model import Period, Section


@dataclass
class Outgoing:
    section: Section
    workbook: Path
    message: EmailMessage | None     # None: no usable address
    problem: str | None = None       # why there is no message


def prepare(master: Master, sections: Iterable[Section], period: Period, secret: str,
            out_dir: Path, *, sender: str | None = None) -> list[Outgoing]:
    """Write each section's signed workbook into `out_dir`; build its e-mail."""
    out = []
    for section in sections:
        plan = split.plan_section(master, section, period)
        path = split.write_section_book(plan, split.sign_plan(plan, secret),
                                        out_dir / split.file_name(section, period))
        if not section.email:
            out.append(Outgoing(section, path, None,
                                f"{section.name}:科室表中没有电子邮箱,未生成邮件,请手工发送其工作簿。"))
        elif not message.valid_address(section.email):
            out.append(Outgoing(section, path, None,
                                f"{section.name}:科室表中的电子邮箱“{section.email}”格式不正确"
                                f"(第{section.row}行),未生成邮件;请改正后重新运行。"))
        else:
            out.append(Outgoing(section, path, message.build(
                section, period, master.settings.org_name, path, sender=sender)))
    return out


def draft_path(out_dir: Path, section: Section, period: Period) -> Path:
    return out_dir / (split.file_name(section, period, "邮件")[:-5] + ".eml")


def record_unaddressed(items: Iterable[Outgoing], log: send.SendLog, period: Period) -> None:
    for item in items:
        if item.message is None:
            log.record(str(period), item.section.code, send.NO_ADDRESS, "", item.workbook.name)


def write_drafts(items: Iterable[Outgoing], out_dir: Path, period: Period,
                 log: send.SendLog) -> list[Path]:
    """.eml drafts (opened and sent from Outlook) for the items with a message."""
    written = []
    for item in items:
        if item.message is not None:
            written.append(send.write_eml(item.message, draft_path(out_dir, item.section, period)))
            log.record(str(period), item.section.code, send.DRAFTED, item.section.email,
                       item.workbook.name)
    return written


def secret_and_patch(master: Master) -> tuple[str, dict[str, dict] | None]:
    """The master's 分发密钥, or a new one with the 参数 patch that stores it as
    the next row (the only change distribution makes to the master)."""
    secret = master.settings.secret
    if secret:
        if len(secret) < 16:
            raise InputError(f"参数“{ParamKey.SECRET}”太短(至少16个字符),请删除该行让程序自动生成,"
                             f"或填写更长的随机字符串。")
        return secret, None
    secret = new_secret()
    row = max([r.number for r in master.params.rows], default=1) + 1
    cols = master.params.columns
    patch = {(row, cols[Params.KEY]): ParamKey.SECRET, (row, cols[Params.VALUE]): secret}
    if Params.NOTE in cols:
        patch[(row, cols[Params.NOTE])] = "校验分发工作簿用,请勿修改、勿外传"
    return secret, {Params.SHEET: patch}
