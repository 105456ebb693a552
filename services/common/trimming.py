"""Keeps every pledgewatch stream near its cap without dropping unread entries, and the dead letters within
their own cap (``dead_letter_cap``), warning before they reach it; and takes out of the streams' groups the
consumers of processes killed without leaving them (``consumer_names.retire_stale_consumers``)."""

from __future__ import annotations

import asyncio
import logging
import time

from schemas.streams import ALL, DEAD_LETTERS

from .consumer_names import retire_stale_consumers
from .dead_letter_cap import dropped_text, near_cap, near_cap_text
from .dead_letter_counts import LetterDeleter, count_letters_without_origin
from .metrics import DEAD_LETTERS_TRIMMED
from .outages import OutageNotices
from .runtime import Runtime
from .tasks import cancel_and_wait
from .versions import KEY as VERSIONS, LIVE_SECONDS

log = logging.getLogger(__name__)

NEAR_CAP_WARNING_EVERY_SECONDS = 3600.0  # while the dead letters stay near their cap, it is said again this often
# A consumer idle this long, holding nothing and with no live version record, is a killed process's; ten claim
# idle times when that is longer, so that the others have long reclaimed what it held.
STALE_CONSUMER_MS = 3_600_000


def stale_consumer_ms(claim_idle_ms: int) -> int:
    """How long a consumer holding nothing is idle before it is taken out of its group."""
    return max(STALE_CONSUMER_MS, 10 * claim_idle_ms)


class StreamTrimmer:
    """Every ``interval`` seconds, :meth:`Streams.trim_consumed` on each stream; the dead letters only past
    their own cap; and the groups' consumers idle past ``consumer_idle_ms`` (default: :func:`stale_consumer_ms`)
    holding nothing taken out."""

    def __init__(self, runtime: Runtime, *, interval: float = 60.0, consumer_idle_ms: int | None = None) -> None:
        self.runtime, self.interval = runtime, interval
        self.consumer_idle_ms = consumer_idle_ms or stale_consumer_ms(runtime.settings.claim_idle_ms)
        self._outage = OutageNotices("stream trimming")
        self._task: asyncio.Task[None] | None = None
        self._warned_near_cap: float | None = None  # when (monotonic) the dead letters were last said to be near it

    async def trim_once(self) -> int:
        streams = self.runtime.streams
        removed = 0
        for name in ALL:
            if name == DEAD_LETTERS:
                removed += await self._trim_dead_letters()
            else:
                removed += await streams.trim_consumed(streams.key(name))
        if removed:
            log.info("trimmed %d consumed stream entries", removed)
        read = [streams.key(name) for name in ALL if name != DEAD_LETTERS]  # no group reads the dead letters
        retired = await retire_stale_consumers(streams.client, read, versions=streams.key(VERSIONS),
                                               idle_ms=self.consumer_idle_ms, live_seconds=LIVE_SECONDS)
        if retired:
            log.info("%d consumer(s) of stopped processes, idle for %d s and holding nothing, taken out of their "
                     "groups", retired, self.consumer_idle_ms // 1000)
        return removed

    async def _trim_dead_letters(self) -> int:
        """Never cut to the streams' cap: past their own, the oldest go, with an ERROR; near it, a WARNING at
        the first round that finds them there and once an hour while they stay."""
        streams, cap = self.runtime.streams, self.runtime.settings.dead_letters_maxlen
        key = streams.key(DEAD_LETTERS)
        # Every round, not only when the counts' sum falls short of the length: counts of letters a previous
        # version deleted make up for as many it wrote without an origin, and would hide them for ever.
        await count_letters_without_origin(streams.client, key)
        if cap <= 0:
            return 0
        dropped = await LetterDeleter(streams.client, key).trim(cap)
        if dropped:
            DEAD_LETTERS_TRIMMED.inc(dropped)
            log.error("%s", dropped_text(dropped, cap))
        count = await streams.client.xlen(key)
        if not near_cap(count, cap):
            self._warned_near_cap = None
        elif not dropped and (self._warned_near_cap is None
                              or time.monotonic() - self._warned_near_cap >= NEAR_CAP_WARNING_EVERY_SECONDS):
            self._warned_near_cap = time.monotonic()
            log.warning("%s", near_cap_text(count, cap))
        return dropped

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.trim_once()
            except Exception as exc:  # Redis restarting: try again next round
                self._outage.report(exc, log, "stream trimming failed")
            else:
                self._outage.recovered()

    async def start(self) -> None:
        await self.runtime.open()
        self._task = asyncio.create_task(self._run(), name="stream-trimmer")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task], what="the stream trimmer")
        await self.runtime.close()
