"""Email channel over SMTP (aiosmtplib): one message per alert or digest and recipient, on one connection.

Each recipient gets a message of their own (only their address in ``To``), so that each can carry its
own unsubscribe link. The bytes are made here (:func:`..mail.mail_bytes`), not by aiosmtplib, whose
serialiser would re-fold the headers with the plain ``email.policy.SMTP``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import aiosmtplib

from ..addresses import parse_address
from ..config import NotifierConfig
from ..mail import build_email, mail_bytes
from ..messages import Message
from ..unsubscribe import UnsubscribeLinks
from .base import DeliveryResult


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


async def _nobody(subscription_id: str) -> set[str]:
    return set()


@dataclass(frozen=True)
class Unsubscribing:
    """How emails offer and honour unsubscribing: ``links`` (None: no server secret, so no links) and
    ``unsubscribed`` (subscription id -> the lower-cased addresses that have unsubscribed)."""

    links: UnsubscribeLinks | None = None
    unsubscribed: Callable[[str], Awaitable[set[str]]] = _nobody


class EmailSender:
    name = "email"

    def __init__(self, to: list[str], config: NotifierConfig, *, unsubscribing: Unsubscribing = Unsubscribing(),
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.to = [parse_address(t) for t in to]
        self.config, self.clock, self.unsubscribing = config, clock, unsubscribing
        self.sender = parse_address(config.smtp_from, dotted_domain=False)
        self.destination = f"smtp://{config.smtp_host}:{config.smtp_port}"

    async def send(self, message: Message) -> DeliveryResult:
        c, now, links = self.config, self.clock(), self.unsubscribing.links
        gone = await self.unsubscribing.unsubscribed(message.subscription_id)
        recipients = [r for r in self.to if r.addr_spec.lower() not in gone]
        if not recipients:  # nothing to retry, nobody to tell: done, with the reason on the audit event
            return DeliveryResult(ok=True, error="not sent: every recipient has unsubscribed")
        client = aiosmtplib.SMTP(hostname=c.smtp_host, port=c.smtp_port, username=c.smtp_username,
                                 password=c.smtp_password, start_tls=c.smtp_starttls, use_tls=c.smtp_tls,
                                 timeout=c.smtp_timeout)
        refused: list[str] = []
        try:
            async with client:
                for recipient in recipients:
                    url = links.url(message.subscription_id, recipient.addr_spec) if links else None
                    mail = build_email(message, sender=self.sender, recipient=recipient, now=now, unsubscribe_url=url)
                    try:
                        await client.sendmail(self.sender.addr_spec, [recipient.addr_spec], mail_bytes(mail))
                    except aiosmtplib.SMTPRecipientsRefused:
                        refused.append(recipient.addr_spec)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")
        if refused:  # retrying cannot help; the others got theirs
            return DeliveryResult.failed(f"recipients refused: {', '.join(refused)}", retryable=False)
        return DeliveryResult.delivered()
