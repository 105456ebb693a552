"""What recording one alert writes. Pure.

Its event on the alerts stream, the same event at the head of the subscriber's feed, and then either its
delivery jobs (one per channel of an immediate subscriber, due at once) or, for a digest subscriber, the
alert appended to the subscriber's digest buffer.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.alerts import Alert, AlertEvent

from .messages import alert_event
from .outbox import DeliveryJob, jobs_for
from .subscriptions import Subscription


@dataclass(frozen=True)
class AlertEffects:
    event: AlertEvent
    jobs: list[DeliveryJob]
    digest: tuple[str, str] | None  # (digest buffer key, alert JSON) for a digest subscriber
    feed: str  # the subscriber's feed key (:mod:`.feed`), where ``event`` is recorded too
    event_json: bytes  # ``event`` rendered (structured-mode JSON), once: also the body its webhooks are sent


def alert_effects(sub: Subscription, alert: Alert, *, digest_key: str, feed_key: str) -> AlertEffects:
    """The effects of ``alert`` for ``sub``; ``digest_key`` is ``sub``'s digest buffer, ``feed_key`` its feed."""
    event = alert_event(alert)
    event_json = event.to_json()
    if sub.mode == "digest":
        return AlertEffects(event, [], (digest_key, alert.model_dump_json()), feed_key, event_json)
    return AlertEffects(event, jobs_for(sub, alert, event_json=event_json), None, feed_key, event_json)
