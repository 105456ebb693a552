"""Test notifications: one message sent at once through every channel of a subscription, to check them.

Nothing is queued, retried, recorded as sent or dead-lettered: the operator asked, and gets each
channel's result (delivered with the HTTP status or SMTP reply, or the error) in the answer.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError, ResponseError

from schemas.probe import TestNotification
from services.common.errors import failure_text

from .redaction import scrub, sent_to
from .subscriptions import Subscription

if TYPE_CHECKING:
    from .channels import Channel  # whose messages include this one

@dataclass(frozen=True)
class ChannelOutcome:
    channel: str
    destination: str
    delivered: bool
    detail: str | None = None  # delivered: the HTTP status, the SMTP reply, ...
    error: str | None = None
    unsubscribed: list[str] | None = None  # email: the recipients not sent to as they unsubscribed

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


NOT_TRIED = "not tried: "  # an error that begins so: nothing was sent to the channel's service


def outcome_text(delivered: bool, detail: str | None, error: str | None) -> str:
    """A channel's outcome in words: ``delivered (HTTP 200 OK)``, ``failed: …``, or ``not tried: …``."""
    if delivered:
        return f"delivered ({detail})" if detail else "delivered"
    return error if error and error.startswith(NOT_TRIED) else f"failed: {error}"


def test_notification(subscription_id: str, *, now: datetime) -> TestNotification:
    return TestNotification(notification_id=f"test-{subscription_id}-{uuid.uuid4().hex[:12]}",
                            subscription_id=subscription_id, created_at=now)


def test_subject(message: TestNotification) -> str:
    return f"[pledgewatch] [TEST] Test notification for subscription {message.subscription_id}"


def test_text(message: TestNotification) -> str:
    return (f"[TEST] This is a test notification for subscription {message.subscription_id!r}, "
            f"sent {message.created_at:%-d %B %Y %H:%M:%S} UTC by `pledgewatch subscriptions test`.\n"
            "No release or commitment is behind it: nothing needs doing. Alerts for this subscription "
            "come the same way.")


async def send_test(sub: Subscription, build: Callable[[Any], Channel], *, now: datetime,
                    timeout: float) -> list[ChannelOutcome]:
    """Send a test notification through each channel of ``sub`` at once (each within ``timeout`` seconds),
    paused or not; one outcome per channel, in order, secrets left out."""
    message = test_notification(sub.id, now=now)

    async def one(spec: Any) -> ChannelOutcome:
        raw = spec.model_dump(mode="json")
        where = sent_to(raw)
        try:
            channel = build(spec)
            where = channel.destination
            result = await asyncio.wait_for(channel.send(message), timeout=timeout)
        except asyncio.TimeoutError:
            return ChannelOutcome(spec.type, where, False, error=f"timed out after {timeout:g}s")
        except RedisError as exc:  # what the channel reads first (who unsubscribed), not the service it sends to
            how = "refused a command" if isinstance(exc, ResponseError) else "did not answer"
            return ChannelOutcome(spec.type, where, False, error=f"{NOT_TRIED}Redis {how} ({failure_text(exc)})")
        except Exception as exc:  # a bad channel or a channel bug: this channel's outcome, not the request's
            return ChannelOutcome(spec.type, where, False, error=scrub(failure_text(exc), raw))
        gone = list(result.unsubscribed) or None
        if result.ok and result.error is None:
            return ChannelOutcome(spec.type, channel.destination, True, detail=result.detail, unsubscribed=gone)
        if result.ok:  # done without sending ("every recipient has unsubscribed"): right for an alert, not a test
            return ChannelOutcome(spec.type, channel.destination, False, error=result.error, unsubscribed=gone)
        return ChannelOutcome(spec.type, channel.destination, False, error=scrub(result.error or "failed", raw),
                              unsubscribed=gone)

    return list(await asyncio.gather(*(one(spec) for spec in sub.channels)))
