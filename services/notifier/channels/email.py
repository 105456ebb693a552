"""Email channel over SMTP (aiosmtplib): one message per alert or digest, text and HTML."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from ..config import NotifierConfig
from ..messages import Message, message_id, message_text
from ..rendering import render_html
from .base import DeliveryResult


def build_email(message: Message, *, sender: str, to: list[str]) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative. Pure."""
    subject, text = message_text(message)
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=message_id(message), domain="pledgewatch")
    mail["X-Pledgewatch-Alert-Id"] = message_id(message)
    mail.set_content(text)
    mail.add_alternative(render_html(text), subtype="html")
    return mail


class EmailSender:
    name = "email"

    def __init__(self, to: list[str], config: NotifierConfig) -> None:
        self.to, self.config = to, config
        self.destination = f"smtp://{config.smtp_host}:{config.smtp_port}"

    async def send(self, message: Message) -> DeliveryResult:
        c = self.config
        mail = build_email(message, sender=c.smtp_from, to=self.to)
        try:
            _, reply = await aiosmtplib.send(mail, hostname=c.smtp_host, port=c.smtp_port,
                                             username=c.smtp_username, password=c.smtp_password,
                                             start_tls=c.smtp_starttls, use_tls=c.smtp_tls, timeout=c.smtp_timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return DeliveryResult.failed(f"recipients refused: {exc}", retryable=False)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")
        return DeliveryResult.delivered(f"SMTP 250 {reply}")  # 250: the only reply that accepts a message
