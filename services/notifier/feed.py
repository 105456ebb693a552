"""Each subscriber's record of what it was sent, newest first, for its Atom feed.

``<prefix>notifier:feed:<subscription id>`` is a list of the messages' CloudEvents (an alert as published on
the alerts stream, a weekly "falls due this week" message as its webhook receives it), pushed at the head in
the same transaction as the message's other effects and trimmed to the newest :data:`FEED_SIZE`. Dropped with
the subscription, with ``<prefix>notifier:feed-since:<subscription id>``, when the feed was first read (the
``updated`` time of the feed while it has no entry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from schemas.alerts import AlertEvent
from schemas.due_week import DueThisWeekEvent
from schemas.envelope import CloudEvent, EventError, decode_event
from services.common.streams import as_text

log = logging.getLogger(__name__)

FEED_SIZE = 100  # entries kept per subscriber: a feed reader polls, it does not page back
FEED_EVENTS = (AlertEvent, DueThisWeekEvent)


def feed_key(key: Callable[[str], str], subscription_id: str) -> str:
    return key(f"notifier:feed:{subscription_id}")


def feed_served_key(key: Callable[[str], str], subscription_id: str) -> str:
    """The feed's answer last served, and since when (:mod:`services.common.representation_times`)."""
    return key(f"notifier:feed-served:{subscription_id}")


def feed_since_key(key: Callable[[str], str], subscription_id: str) -> str:
    return key(f"notifier:feed-since:{subscription_id}")


async def feed_since(client: Any, since_key: str, *, now: datetime) -> datetime:
    """When the feed at ``since_key`` was first read: ``now`` on the first read (recorded then), so an empty
    feed is the same document on every read, and says when it began rather than nothing. Written only when it is
    not yet: a feed read before is read while Redis refuses writes (full, read-only)."""
    if (stored := await client.get(since_key)) is not None:
        return datetime.fromisoformat(as_text(stored))
    async with client.pipeline(transaction=True) as pipe:
        pipe.set(since_key, now.astimezone(timezone.utc).isoformat(), nx=True)
        pipe.get(since_key)
        _, stored = await pipe.execute()
    return datetime.fromisoformat(as_text(stored))


def record_in_feed(pipe: Any, feed: str, event: bytes) -> None:
    """Queue on ``pipe`` (a transaction) ``event`` at the head of the list ``feed``, trimmed to its size."""
    pipe.lpush(feed, event)
    pipe.ltrim(feed, 0, FEED_SIZE - 1)


async def feed_events(client: Any, feed: str) -> list[CloudEvent[Any]]:
    """The events of ``feed``, newest first; one that cannot be read (written by a newer version) is left
    out and logged."""
    events = []
    for raw in await client.lrange(feed, 0, FEED_SIZE - 1):
        try:
            events.append(decode_event(raw, expect=FEED_EVENTS))
        except EventError as exc:
            log.warning("%s: an entry left out of the feed: %s", feed, exc)
    return events
