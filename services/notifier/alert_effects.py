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


def alert_effects(sub: Subscription, alert: Alert, *, digest_key: str, feed_key: str) -> AlertEffects:
    """The effects of ``alert`` for ``sub``; ``digest_key`` is ``sub``'s digest buffer, ``feed_key`` its feed."""
    if sub.mode == "digest":
        return AlertEffects(alert_event(alert), [], (digest_key, alert.model_dump_json()), feed_key)
    return AlertEffects(alert_event(alert), jobs_for(sub, alert), None, feed_key)
