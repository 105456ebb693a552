"""What a channel sends: an alert or a digest, and its JSON form on the wire."""

from __future__ import annotations

from typing import Any, Union

from schemas import CloudEvent
from services.common.bidi import without_scoped_controls
from schemas.alerts import Alert, AlertEvent
from schemas.digest import DigestEvent
from schemas.due_week import DueThisWeek, DueThisWeekEvent
from schemas.probe import TestNotification, TestNotificationEvent

from .digest import Digest
from .due_week_rendering import render_due_week_subject, render_due_week_text
from .probe import test_subject, test_text
from .release_pages import ReleasePage
from .rendering import render_digest_subject, render_digest_text, render_text, subject

SOURCE = "/pledgewatch/notifier"

Message = Union[Alert, Digest, DueThisWeek, TestNotification]


def alert_event(alert: Alert) -> AlertEvent:
    """The alert as the CloudEvent published to the alerts stream and POSTed to webhooks."""
    return AlertEvent.wrap(alert, id=alert.alert_id, source=SOURCE, time=alert.created_at,
                           subject=alert.release.release_id)  # type: ignore[return-value]


def message_id(message: Message) -> str:
    if isinstance(message, TestNotification):
        return message.notification_id
    return message.alert_id if isinstance(message, Alert) else message.digest_id  # a digest, daily or weekly


def message_event(message: Message) -> CloudEvent[Any]:
    """The CloudEvent a webhook receives: the AlertEvent, a DigestEvent listing the alerts, the week's
    DueThisWeekEvent, or a test."""
    if isinstance(message, Alert):
        return alert_event(message)
    if isinstance(message, TestNotification):
        return TestNotificationEvent.wrap(message, id=message.notification_id, source=SOURCE,
                                          time=message.created_at, subject=message.subscription_id)
    if isinstance(message, DueThisWeek):
        return DueThisWeekEvent.wrap(message, id=message.digest_id, source=SOURCE, time=message.created_at,
                                     subject=message.subscription_id)
    return DigestEvent.wrap(message, id=message.digest_id, source=SOURCE, time=message.created_at,
                            subject=message.subscription_id)


def message_json(message: Message) -> bytes:
    """The message's CloudEvent in structured-mode JSON."""
    return message_event(message).to_json()


def message_text(message: Message, *, release_page: ReleasePage | None = None,
                 underline: bool = True, shown: int | None = None) -> tuple[str, str]:
    """(subject, plain text); an alert or digest links each release's page when ``release_page`` is given.
    ``underline=False``: headings without setext underlines, for chat services, which show them as they are.
    ``shown``: a digest listing only its first commitments (:mod:`.digest_cut`).
    No bidi embedding, override or isolate from a release is kept: plain text cannot isolate one."""
    subject, text = _message_text(message, release_page=release_page, underline=underline, shown=shown)
    return without_scoped_controls(subject), without_scoped_controls(text)


def _message_text(message: Message, *, release_page: ReleasePage | None, underline: bool,
                  shown: int | None) -> tuple[str, str]:
    if isinstance(message, Alert):
        return subject(message), render_text(message, release_page=release_page, underline=underline)
    if isinstance(message, TestNotification):
        return test_subject(message), test_text(message)
    if isinstance(message, DueThisWeek):
        return render_due_week_subject(message), render_due_week_text(message, underline=underline)
    return render_digest_subject(message), render_digest_text(message, release_page=release_page,
                                                              underline=underline, shown=shown)


def chat_text(message: Message, *, release_page: ReleasePage | None = None,
              underline: bool = False) -> tuple[str, str]:
    """(title, text) for a chat service: the plain text without setext underlines (with them when ``underline``,
    for a service whose markup shows headings otherwise: :mod:`.channels.chat_structure`), linking each release's
    page when ``release_page`` is given, as an email does."""
    return message_text(message, release_page=release_page, underline=underline)
