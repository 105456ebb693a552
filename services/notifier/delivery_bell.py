"""Delivery workers in processes of their own, woken through Redis (``PLEDGEWATCH_DELIVERY_PROCESS``).

Whatever queues jobs to the outbox while no worker runs in its process (the alerts' script, the reminders fired,
the digests and weekly messages) rings the bell: an entry added to a stream of one entry, in the alerts' script
itself (:class:`.Commit`'s ``bell``), else right after the jobs are written (:func:`ring`). Each delivery process
reads the stream blocking (:class:`BellListener`) and claims at once when it rings, so no poll stands between a
commit and its sends; every delivery process hears every ring, and their claims share the jobs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from services.common.outages import OutageNotices

log = logging.getLogger(__name__)

BELL = "notifier:outbox:bell"
LISTEN_BLOCK_MS = 2_000  # within the command client's answer timeout (5 s): a blocking read ends before it
AFTER_FAILURE_SECONDS = 1.0  # a read that failed (Redis away) is tried again after this; the worker polls meanwhile


async def ring(client: Any, key: str) -> None:
    """Wake every delivery process: jobs were queued."""
    await client.xadd(key, {"n": "1"}, maxlen=1, approximate=False)


class BellListener:
    """The bell at ``key``, read blocking: ``on_ring()`` once for every ring (or several rung together)."""

    def __init__(self, client: Any, key: str, on_ring: Callable[[], None]) -> None:
        self.client, self.key, self.on_ring = client, key, on_ring
        self._last = "0-0"
        self._outage = OutageNotices("the delivery worker listening for new jobs")

    async def mark(self) -> None:
        """Hear from now on only: before the worker's first claim, which takes whatever was queued until then."""
        last = await self.client.xrevrange(self.key, count=1)
        if last:
            self._last = _text(last[0][0])

    async def listen(self) -> None:
        """Until cancelled."""
        while True:
            try:
                answer = await self.client.xread({self.key: self._last}, count=1, block=LISTEN_BLOCK_MS)
            except RedisError as exc:
                self._outage.report(exc, log, "listening for new jobs failed; retrying")
                await asyncio.sleep(AFTER_FAILURE_SECONDS)
                continue
            self._outage.recovered()
            for _stream, entries in answer or ():
                if entries:
                    self._last = _text(entries[-1][0])
                    self.on_ring()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
