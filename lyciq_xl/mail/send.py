"""Send the section e-mails over SMTP, or write .eml files to send by hand.

The password comes only from the environment (LYCIQ_SMTP_PASSWORD) - never
from options or the workbook. A send log beside the master records, per
period and section, what went; a re-run sends only what did not.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio import safefile

PASSWORD_ENV = "LYCIQ_SMTP_PASSWORD"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
SENT, FAILED, DRAFTED, NO_ADDRESS = "已发送", "发送失败", "已生成邮件", "缺少电子邮箱"


@dataclass
class SmtpConfig:
    host: str
    port: int
    security: str            # none / starttls / ssl
    user: str | None
    sender: str
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None    # a private CA for an internal mail server

    @classmethod
    def from_args(cls, args) -> "SmtpConfig":
        env = os.environ.get
        host = args.smtp_host or env("LYCIQ_SMTP_HOST")
        security = (args.smtp_security or env("LYCIQ_SMTP_SECURITY") or "starttls").lower()
        port = args.smtp_port or int(env("LYCIQ_SMTP_PORT") or
                                     {"ssl": 465, "starttls": 587}.get(security, 25))
        user = args.smtp_user or env("LYCIQ_SMTP_USER")
        sender = args.sender or env("LYCIQ_SMTP_SENDER") or user
        if not host:
            raise InputError("发送邮件需要SMTP服务器:请用 --smtp-host 指定,或设置环境变量 LYCIQ_SMTP_HOST。")
        if not sender:
            raise InputError("请用 --sender 指定发件人邮箱(或设置环境变量 LYCIQ_SMTP_SENDER)。")
        if security not in ("none", "starttls", "ssl"):
            raise InputError("--smtp-security 只能是 none、starttls 或 ssl。")
        password = env(PASSWORD_ENV)
        if user and not password:
            raise InputError(f"已指定SMTP用户“{user}”,请在环境变量 {PASSWORD_ENV} 中提供密码"
                             f"(出于安全考虑,密码不能写在命令行或工作簿中)。")
        if password and security == "none" and host not in LOCAL_HOSTS:
            raise InputError("不能在未加密的连接上发送密码:请使用 --smtp-security starttls 或 ssl。")
        cafile = env("LYCIQ_SMTP_CAFILE")
        if cafile and not Path(cafile).is_file():
            raise InputError(f"环境变量 LYCIQ_SMTP_CAFILE 指向的证书文件“{cafile}”不存在。")
        return cls(host, port, security, user, sender, password, cafile)


class SendLog:
    """JSON beside the master: {period: {code: {status, to, file, time, error}}}."""

    def __init__(self, master: Path, suffix: str = "发送记录"):
        master = Path(master)       # feedback letters keep their own log (suffix)
        self.path = master.with_name(f"{master.stem}_{suffix}.json")
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.data = {}
        except (ValueError, OSError) as exc:
            raise InputError(f"发送记录“{self.path.name}”已损坏({exc}),请检查或删除后重试。") from exc

    def get(self, period: str, code: str) -> dict | None:
        return self.data.get(period, {}).get(code)

    def periods(self) -> list[str]:
        return sorted(self.data)

    def record(self, period: str, code: str, status: str, to: str, file: str, *,
               error: str | None = None) -> None:
        self.data.setdefault(period, {})[code] = {
            "status": status, "to": to, "file": file, "error": error,
            "time": dt.datetime.now().isoformat(timespec="seconds")}
        safefile.write_atomically(
            self.path, json.dumps(self.data, ensure_ascii=False, indent=1).encode("utf-8"))


def write_eml(message: EmailMessage, path: Path) -> Path:
    """A draft Outlook opens ready to send (X-Unsent)."""
    message["X-Unsent"] = "1"
    safefile.write_atomically(path, bytes(message))
    return path


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    # certificate and host name are always verified; never an unverified context
    context = ssl.create_default_context(cafile=config.cafile)
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=30)
        if config.security == "starttls":
            smtp.starttls(context=context)
    if config.user:
        smtp.login(config.user, config.password or "")
    return smtp


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{r}: {c} {m.decode(errors='replace') if isinstance(m, bytes) else m}"
                 for r, (c, m) in exc.recipients.items()]
        return "收件人被服务器拒收(" + ";".join(parts) + ")"
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"服务器拒绝({exc.smtp_code} {msg})"
    return f"{type(exc).__name__}: {exc}"


def send_all(jobs: list[tuple[str, EmailMessage, str]], config: SmtpConfig, log: SendLog,
             period: str) -> dict[str, str]:
    """jobs: (section code, message, attachment name). Returns code -> status
    text for this run; sections already sent in the log are skipped."""
    results, pending = {}, []
    for code, message, file in jobs:
        entry = log.get(period, code)
        if entry and entry.get("status") == SENT:
            results[code] = f"此前已发送({entry.get('time')}),本次跳过"
        else:
            pending.append((code, message, file))
    if not pending:
        return results
    try:
        smtp = _connect(config)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        for code, message, file in pending:
            log.record(period, code, FAILED, message["To"], file,
                       error=f"无法连接邮件服务器:{_reason(exc)}")
            results[code] = f"{FAILED}:无法连接邮件服务器({_reason(exc)})"
        return results
    try:
        for index, (code, message, file) in enumerate(pending):
            try:
                smtp.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError) as exc:
                log.record(period, code, FAILED, message["To"], file, error=_reason(exc))
                results[code] = f"{FAILED}:{_reason(exc)}"
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # the connection is gone: this and the rest did not go
                for c, m, f in pending[index:]:
                    log.record(period, c, FAILED, m["To"], f, error=_reason(exc))
                    results[c] = f"{FAILED}:{_reason(exc)}"
                return results
            log.record(period, code, SENT, message["To"], file)
            results[code] = SENT
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return results
