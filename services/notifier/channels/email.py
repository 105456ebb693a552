"""Email channel over SMTP (aiosmtplib): one message per alert or digest and recipient, on one connection.

Each recipient gets a message of their own (only their address in ``To``), so that each can carry its
own unsubscribe link. The bytes are made here (:func:`..mail.mail_bytes`), not by aiosmtplib, whose
serialiser would re-fold the headers with the plain ``email.policy.SMTP``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import aiosmtplib

from ..addresses import parse_address
from ..config import NotifierConfig
from ..mail import build_email, mail_bytes
from ..messages import Message
from .base import DeliveryResult


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class EmailSender:
    name = "email"

    def __init__(self, to: list[str], config: NotifierConfig, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.to = [parse_address(t) for t in to]
        self.config, self.clock = config, clock
        self.sender = parse_address(config.smtp_from, dotted_domain=False)
        self.destination = f"smtp://{config.smtp_host}:{config.smtp_port}"

    async def send(self, message: Message) -> DeliveryResult:
        c, now = self.config, self.clock()
        client = aiosmtplib.SMTP(hostname=c.smtp_host, port=c.smtp_port, username=c.smtp_username,
                                 password=c.smtp_password, start_tls=c.smtp_starttls, use_tls=c.smtp_tls,
                                 timeout=c.smtp_timeout)
        refused: list[str] = []
        try:
            async with client:
                for recipient in self.to:
                    mail = build_email(message, sender=self.sender, recipient=recipient, now=now)
                    try:
                        await client.sendmail(self.sender.addr_spec, [recipient.addr_spec], mail_bytes(mail))
                    except aiosmtplib.SMTPRecipientsRefused:
                        refused.append(recipient.addr_spec)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")
        if refused:  # retrying cannot help; the others got theirs
            return DeliveryResult.failed(f"recipients refused: {', '.join(refused)}", retryable=False)
        return DeliveryResult.delivered()
