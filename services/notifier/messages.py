"""What a channel sends: an alert or a digest, and its JSON form on the wire."""

from __future__ import annotations

from typing import Any, Union

from schemas import CloudEvent
from schemas.alerts import Alert, AlertEvent
from schemas.digest import DigestEvent

from .digest import Digest
from .rendering import render_digest_subject, render_digest_text, render_text, subject

SOURCE = "/pledgewatch/notifier"

Message = Union[Alert, Digest]


def alert_event(alert: Alert) -> AlertEvent:
    """The alert as the CloudEvent published to the alerts stream and POSTed to webhooks."""
    return AlertEvent.wrap(alert, id=alert.alert_id, source=SOURCE, time=alert.created_at,
                           subject=alert.release.release_id)  # type: ignore[return-value]


def message_id(message: Message) -> str:
    return message.alert_id if isinstance(message, Alert) else message.digest_id


def message_event(message: Message) -> CloudEvent[Any]:
    """The CloudEvent a webhook receives: the AlertEvent, or a DigestEvent listing the alerts."""
    if isinstance(message, Alert):
        return alert_event(message)
    return DigestEvent.wrap(message, id=message.digest_id, source=SOURCE, time=message.created_at,
                            subject=message.subscription_id)


def message_json(message: Message) -> bytes:
    """The message's CloudEvent in structured-mode JSON."""
    return message_event(message).to_json()


def message_text(message: Message) -> tuple[str, str]:
    """(subject, plain text)."""
    if isinstance(message, Alert):
        return subject(message), render_text(message)
    return render_digest_subject(message), render_digest_text(message)
