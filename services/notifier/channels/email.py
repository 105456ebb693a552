"""Email channel over SMTP (aiosmtplib): one message per alert or digest and recipient, on one connection.

Each recipient gets a message of their own (only their address in ``To``), so that each can carry its
own unsubscribe link; each one sent is recorded, so a retry after a failure part-way mails only the rest. The bytes are made here (:func:`..mail.mail_bytes`), not by aiosmtplib, whose
serialiser would re-fold the headers with the plain ``email.policy.SMTP``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.headerregistry import Address

import aiosmtplib

from ..addresses import parse_address, sendable_address
from ..config import NotifierConfig
from ..mail import build_email, digest_listing, mail_bytes, needs_smtputf8
from ..messages import Message, message_id
from ..release_pages import release_pages
from ..unsubscribe import UnsubscribeLinks
from .base import DeliveryResult
from .recipients_missed import told


# SMTP exchanges of one send, each given PLEDGEWATCH_SMTP_TIMEOUT: the greeting, EHLO, STARTTLS and EHLO again,
# AUTH (a method or two) and QUIT; then MAIL, RCPT, DATA, the message and an RSET after a refusal, per recipient
SETUP_EXCHANGES, RECIPIENT_EXCHANGES = 8, 5
CLOSING = 421  # RFC 5321 4.2.2: the server is closing the session (aiosmtplib closes it after one at MAIL or RCPT)
SMTPUTF8 = "SMTPUTF8"  # RFC 6531: the MAIL parameter of a message whose addresses are not all ASCII
NO_SMTPUTF8 = "the server does not offer SMTPUTF8 (RFC 6531), which an address not in ASCII before the @ needs"


def _refusal(exc: aiosmtplib.SMTPRecipientsRefused | aiosmtplib.SMTPResponseException) -> tuple[list[int], str]:
    """The reply codes of a refusal of one message, and the server's answer as told on the audit event."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return [r.code for r in exc.recipients], "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
    return [exc.code], f"{exc.code} {exc.message}"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


async def _nobody(key: str) -> set[str]:
    return set()


async def _forget(message_id: str, address: str) -> None:
    return None


async def _first(subscription_id: str) -> int:
    return 0


@dataclass(frozen=True)
class EmailSupport:
    """What the email channel uses beside SMTP: ``links`` (None: no server secret, so no unsubscribe
    links), ``unsubscribed`` (subscription id -> the lower-cased addresses that have unsubscribed), and
    the record of who was sent a message already (``mailed``: message id -> addresses; ``mark_mailed``), and
    ``generation`` (subscription id -> which subscription of that id is the current one, for its links), and
    ``dashboard``, the dashboard's address, under which an alert or digest links to each release's page (None: no link)."""

    links: UnsubscribeLinks | None = None
    unsubscribed: Callable[[str], Awaitable[set[str]]] = _nobody
    mailed: Callable[[str], Awaitable[set[str]]] = _nobody
    mark_mailed: Callable[[str, str], Awaitable[None]] = _forget
    generation: Callable[[str], Awaitable[int]] = _first
    dashboard: str | None = None


class EmailSender:
    name = "email"

    def __init__(self, to: list[str], config: NotifierConfig, *, support: EmailSupport = EmailSupport(),
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.to = [sendable_address(t) for t in to]
        self.config, self.clock, self.support = config, clock, support
        self.sender = parse_address(config.smtp_from, dotted_domain=False)
        self.destination = f"smtp://{config.smtp_host}:{config.smtp_port}"
        # a slow relay answering each exchange in time gets to mail everyone: no send cut mid-message, mailed again
        self.time_limit = config.smtp_timeout * (SETUP_EXCHANGES + RECIPIENT_EXCHANGES * len(self.to))

    async def send(self, message: Message) -> DeliveryResult:
        """Mail ``message`` to each recipient who has not unsubscribed; the result names those who have."""
        gone = await self.support.unsubscribed(message.subscription_id)
        wanted = [r for r in self.to if r.addr_spec.lower() not in gone]
        left_out = tuple(r.addr_spec.lower() for r in self.to if r.addr_spec.lower() in gone)
        if not wanted:  # nothing to retry, nobody to tell: done, with the reason on the audit event
            return DeliveryResult(ok=True, error="not sent: every recipient has unsubscribed", unsubscribed=left_out)
        result = await self._mail(message, wanted)
        return replace(result, unsubscribed=left_out) if left_out else result

    async def _mail(self, message: Message, wanted: list[Address]) -> DeliveryResult:
        c, now, support, mid = self.config, self.clock(), self.support, message_id(message)
        done = await support.mailed(mid)
        recipients = [r for r in wanted if r.addr_spec.lower() not in done]
        if not recipients:  # every one mailed by an earlier attempt that failed after (at QUIT, say)
            return DeliveryResult.delivered()
        client = aiosmtplib.SMTP(hostname=c.smtp_host, port=c.smtp_port, username=c.smtp_username,
                                 password=c.smtp_password.get_secret_value() if c.smtp_password else None, start_tls=c.smtp_starttls, use_tls=c.smtp_tls,
                                 timeout=c.smtp_timeout, local_hostname=c.smtp_helo_name)
        generation = await support.generation(message.subscription_id) if support.links else 0
        pages = release_pages(support.dashboard)
        urls = [support.links.url(message.subscription_id, r.addr_spec, generation) if support.links else None
                for r in recipients]
        listed = digest_listing(message, unsubscribe_urls=urls, release_page=pages)  # a digest measured once
        refused: list[str] = []
        deferred: list[str] = []
        reasons: list[str] = []  # why an address was refused without asking the server
        reply = answer = ""
        sender_refused: aiosmtplib.SMTPSenderRefused | None = None
        try:
            async with client:
                for number, (recipient, url) in enumerate(zip(recipients, urls)):
                    address = recipient.addr_spec
                    mail = build_email(message, sender=self.sender, recipient=recipient, now=now, unsubscribe_url=url,
                                       release_page=pages, listed=listed)
                    utf8 = needs_smtputf8(recipient)
                    try:
                        _, reply = await client.sendmail(self.sender.addr_spec, [address], mail_bytes(mail, utf8=utf8),
                                                         mail_options=[SMTPUTF8] if utf8 else None)
                    except aiosmtplib.SMTPNotSupported:  # raised after EHLO, before MAIL: nothing of it was sent
                        if not utf8:
                            raise
                        refused.append(address)  # for good: a server does not learn SMTPUTF8 between two attempts
                        reasons.append(f"{address}: {NO_SMTPUTF8}")
                        continue
                    except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
                        codes, answer = _refusal(exc)
                        if CLOSING in codes:  # the server ends the session: everyone left is for a later attempt
                            deferred.extend(r.addr_spec for r in recipients[number:])
                            break
                        if isinstance(exc, aiosmtplib.SMTPSenderRefused):  # the From (or the login): so for every one
                            sender_refused = exc
                            break
                        # 4xx (greylisting, a full mailbox): later; 5xx (no such mailbox, a policy at DATA): never
                        (deferred if min(codes) < 500 else refused).append(address)
                        continue
                    await support.mark_mailed(mid, address)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")
        if sender_refused is not None:  # what to fix is the From address or the login, not a recipient
            said = " ".join(f"{sender_refused.code} {sender_refused.message}".split())
            return DeliveryResult.failed(f"sender refused: {self.sender.addr_spec}; the server answered {said}",
                                         retryable=sender_refused.code < 500)
        reached = len(wanted) - len(refused) - len(deferred)
        missed = told(deferred=deferred, refused=refused, reached=reached, total=len(wanted), answer=answer,
                      reasons=reasons)
        if deferred:  # a retry mails only these (and the refused, once more)
            return DeliveryResult.failed(missed)
        if refused:  # retrying cannot help; the others got theirs
            return DeliveryResult.failed(missed, retryable=False)
        return DeliveryResult.delivered(f"SMTP 250 {reply}")  # 250: the only reply that accepts a message
