"""Keeps every pledgewatch stream near its cap without dropping unread entries."""

from __future__ import annotations

import asyncio
import logging

from schemas.streams import ALL

from .outages import OutageNotices
from .runtime import Runtime

log = logging.getLogger(__name__)


class StreamTrimmer:
    """Every ``interval`` seconds, :meth:`Streams.trim_consumed` on each stream."""

    def __init__(self, runtime: Runtime, *, interval: float = 60.0) -> None:
        self.runtime, self.interval = runtime, interval
        self._outage = OutageNotices("stream trimming")
        self._task: asyncio.Task[None] | None = None

    async def trim_once(self) -> int:
        streams = self.runtime.streams
        removed = 0
        for name in ALL:
            removed += await streams.trim_consumed(streams.key(name))
        if removed:
            log.info("trimmed %d consumed stream entries", removed)
        return removed

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
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.runtime.close()
