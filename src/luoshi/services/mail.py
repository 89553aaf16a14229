"""Email through the SMTP server the settings name (smtp_host, smtp_port, smtp_tls, smtp_sender,
smtp_user; the password from the environment variable smtp_password_env names, never stored).
The stdlib's smtplib and email.message do the work; this module turns their failures into refusals."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from luoshi.domain.problems import Refusal

TIMEOUT = 20  # seconds: a scheduler's run must not hang on a silent server


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    tls: str
    sender: str
    user: str
    password_env: str

    @classmethod
    def of(cls, setting) -> "MailSettings | None":
        """The workspace's mail settings (``setting``: Workspace.setting), or None when no host is set."""
        host = str(setting("smtp_host")).strip()
        if not host:
            return None
        return cls(host, int(setting("smtp_port")), setting("smtp_tls"), str(setting("smtp_sender")).strip()
                   or f"luoshi@{host}", str(setting("smtp_user")).strip(), setting("smtp_password_env"))


def message(cfg: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = cfg.sender, to, subject
    msg["Date"], msg["Message-ID"] = formatdate(localtime=True), make_msgid(domain="luoshi")
    msg.set_content(body)  # UTF-8; the Subject is RFC 2047 encoded when it is not ASCII
    return msg


class Mailer:
    """One SMTP session: ``with Mailer(cfg) as m: m.send(msg)``.  Entering it connects, upgrades
    and logs in; a server that cannot be reached is the refusal smtp-unreachable, one that refuses
    the login or the upgrade smtp-refused."""

    def __init__(self, cfg: MailSettings):
        self.cfg = cfg
        self.smtp: smtplib.SMTP | None = None

    def _refused(self, code: str, exc: Exception) -> Refusal:
        detail = str(exc) or type(exc).__name__
        status = 503 if code == "smtp-unreachable" else 502
        return Refusal(code, status, host=self.cfg.host, port=self.cfg.port, detail=detail, env=self.cfg.password_env)

    def __enter__(self) -> "Mailer":
        cfg = self.cfg
        try:
            if cfg.tls == "ssl":
                self.smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._refused("smtp-unreachable", exc) from None
        try:
            if cfg.tls == "starttls":
                self.smtp.starttls(context=ssl.create_default_context())
            if cfg.user:
                password = os.environ.get(cfg.password_env)
                if password is None:
                    raise smtplib.SMTPException(f"the environment variable {cfg.password_env} is not set")
                self.smtp.login(cfg.user, password)
        except (OSError, smtplib.SMTPException) as exc:
            self.__exit__(None, None, None)
            raise self._refused("smtp-refused", exc) from None
        return self

    def send(self, msg: EmailMessage) -> None:
        """Send one message; smtplib's errors pass (the caller decides what a failed one means)."""
        assert self.smtp is not None
        self.smtp.send_message(msg)

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None
