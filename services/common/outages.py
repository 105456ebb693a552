"""What a service says while Redis does not answer, and how a consumer's reads outlive Redis trouble.

A loop that talks to Redis (a consumer's reads, the outbox's polls, the trimmer, the scheduler's leader, ingest's
source polls and quiet watch) tells an outage through :class:`OutageNotices` (ingest's folder watch too, an
unwatchable folder in its own words): one WARNING naming what failed and why, then one every
:data:`NOTICE_EVERY_SECONDS` while it lasts (the traceback once, at DEBUG), and one line when it ends; never a
traceback a round. Anything else that fails is logged with its traceback, as before.

FastStream stops a stream subscriber for good when its consumer group is gone (a Redis restarted without
persistence, a FLUSHALL, a failover to an empty replica), and logs every failed read with a traceback. Each
read of a :class:`~services.common.consumer.StreamConsumer` goes through :func:`keep_reading` instead: a lost
group is created again as at startup, from the start of the stream, so nothing published since is missed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import ResponseError

from .redis_refusals import UNREACHABLE_REDIS, redis_unavailable

log = logging.getLogger(__name__)

UNREACHABLE = (*UNREACHABLE_REDIS, OSError)  # down, frozen, or loading its data (BusyLoadingError), or a socket's
NOTICE_EVERY_SECONDS = 10.0
RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Wording:
    """How the lines of an outage name it: as it begins, while it lasts, as it ends."""

    down: str
    still: str
    back: str


def redis_outage(exc: BaseException) -> bool:
    """Whether ``exc`` is Redis away or refusing the work for now, which passes, rather than a command at fault
    (a DataError, LockError or InvalidResponse is a bug: an ERROR with its traceback)."""
    return isinstance(exc, UNREACHABLE) or (isinstance(exc, ResponseError) and redis_unavailable(exc))


REDIS_WORDING = Wording("Redis unavailable", "Redis still unavailable", "Redis answers again")


class OutageNotices:
    """The lines ``what`` writes while its rounds fail for want of Redis (or of what ``expected`` and
    ``wording`` name instead). Several readers may share it (a consumer's two subscribers): the outage lasts
    while any of them fails."""

    def __init__(self, what: str, *, every: float = NOTICE_EVERY_SECONDS,
                 expected: tuple[type[BaseException], ...] | None = None, wording: Wording = REDIS_WORDING) -> None:
        """``expected``: the errors that are an outage; None: Redis's, unreachable or refusing the work for now
        (full at its maxmemory, read-only, busy)."""
        self.what, self.every, self.expected, self.wording = what, every, expected, wording
        self._failing: set[object] = set()
        self._since = self._said = 0.0

    def failed(self, exc: BaseException, reader: object = None) -> None:
        now = time.monotonic()
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'}"
        if not self._failing:
            self._since = self._said = now
            log.warning("%s: %s (%s); retrying", self.what, self.wording.down, reason)
            log.debug("%s: the first failure", self.what, exc_info=exc)
        elif now - self._said >= self.every:
            self._said = now
            log.warning("%s: %s after %.0f s (%s)", self.what, self.wording.still, now - self._since, reason)
        self._failing.add(reader)

    def recovered(self, reader: object = None) -> None:
        if reader in self._failing:
            self._failing.discard(reader)
            if not self._failing:
                log.info("%s: %s after %.0f s", self.what, self.wording.back, time.monotonic() - self._since)

    def report(self, exc: Exception, logger: logging.Logger, message: str, *args: object,
               reader: object = None) -> None:
        """A failed round: an outage told as above, anything else logged at ERROR with its traceback."""
        if redis_outage(exc) if self.expected is None else isinstance(exc, self.expected):
            self.failed(exc, reader)
        else:
            logger.error(message, *args, exc_info=exc)


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
            if not subscriber.running:  # told to stop: the broker closed the connection under this read
                return
            notices.failed(exc, subscriber)
            await asyncio.sleep(RETRY_SECONDS)
        else:
            notices.recovered(subscriber)

    subscriber._get_msgs = guarded
