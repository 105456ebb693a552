"""What a channel sends: an alert or a digest, and its JSON form on the wire."""

from __future__ import annotations

import json
from typing import Union

from schemas.alerts import Alert, AlertEvent

from .digest import Digest
from .probe import TEST_TYPE, TestNotification, test_subject, test_text
from .rendering import render_digest_subject, render_digest_text, render_text, subject

SOURCE = "/pledgewatch/notifier"
DIGEST_TYPE = "pledgewatch.digest"

Message = Union[Alert, Digest, TestNotification]


def alert_event(alert: Alert) -> AlertEvent:
    """The alert as the CloudEvent published to the alerts stream and POSTed to webhooks."""
    return AlertEvent.wrap(alert, id=alert.alert_id, source=SOURCE, time=alert.created_at,
                           subject=alert.release.release_id)  # type: ignore[return-value]


def message_id(message: Message) -> str:
    if isinstance(message, TestNotification):
        return message.notification_id
    return message.alert_id if isinstance(message, Alert) else message.digest_id


def message_json(message: Message) -> bytes:
    """Webhook body: the AlertEvent, or for a digest a CloudEvent-shaped object of type
    ``pledgewatch.digest`` whose data lists the alerts (``pledgewatch.test`` for a test notification)."""
    if isinstance(message, Alert):
        return alert_event(message).to_json()
    kind = TEST_TYPE if isinstance(message, TestNotification) else DIGEST_TYPE
    body = {"specversion": "1.0", "id": message_id(message), "source": SOURCE, "type": kind,
            "schemaversion": 1, "time": message.created_at.isoformat(), "subject": message.subscription_id,
            "datacontenttype": "application/json", "data": message.model_dump(mode="json")}
    return json.dumps(body).encode()


def message_text(message: Message) -> tuple[str, str]:
    """(subject, plain text)."""
    if isinstance(message, Alert):
        return subject(message), render_text(message)
    if isinstance(message, TestNotification):
        return test_subject(message), test_text(message)
    return render_digest_subject(message), render_digest_text(message)
