"""How a consumer's reads outlive Redis trouble.

FastStream stops a stream subscriber for good when its consumer group is gone (a Redis restarted without
persistence, a FLUSHALL, a failover to an empty replica), and logs every failed read with a traceback. Each
read of a :class:`~services.common.consumer.StreamConsumer` goes through :func:`keep_reading` instead: a lost
group is created again as at startup, from the start of the stream, so nothing published since is missed
(one WARNING); a Redis that does not answer is one WARNING per consumer every :data:`NOTICE_EVERY_SECONDS`,
naming the stream, the group and the reason (the traceback once, at DEBUG), and one line when reads succeed
again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import BusyLoadingError, ConnectionError, ResponseError, TimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (ConnectionError, TimeoutError, BusyLoadingError, OSError)  # down, frozen, or loading its data
NOTICE_EVERY_SECONDS = 10.0
RETRY_SECONDS = 1.0


class OutageNotices:
    """The lines one consumer writes while its reads fail: the first failure at once, then one every
    :data:`NOTICE_EVERY_SECONDS` at most, and one when a read succeeds again."""

    def __init__(self, what: str, *, every: float = NOTICE_EVERY_SECONDS) -> None:
        self.what, self.every = what, every
        self._since: float | None = None
        self._said = 0.0

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'}"
        if self._since is None:
            self._since = self._said = now
            log.warning("%s: Redis unavailable (%s); retrying every %g s", self.what, reason, RETRY_SECONDS)
            log.debug("%s: the first failed read", self.what, exc_info=exc)
        elif now - self._said >= self.every:
            self._said = now
            log.warning("%s: Redis still unavailable after %.0f s (%s)", self.what, now - self._since, reason)

    def recovered(self) -> None:
        if self._since is not None:
            log.warning("%s: reading again after %.0f s", self.what, time.monotonic() - self._since)
            self._since = None


def keep_reading(subscriber: Any, *, notices: OutageNotices, recreate_group: Callable[[], Awaitable[None]]) -> None:
    """Route each read of FastStream's stream ``subscriber`` through the handling above."""
    read = subscriber._get_msgs  # one read, and the handling of what it brought

    async def guarded(*args: Any) -> None:
        try:
            try:
                await read(*args)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                await recreate_group()
        except UNREACHABLE as exc:
            notices.failed(exc)
            await asyncio.sleep(RETRY_SECONDS)
        else:
            notices.recovered()

    subscriber._get_msgs = guarded
