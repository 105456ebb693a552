"""A consumer's reads handled in turn while the next is read (``PLEDGEWATCH_READ_AHEAD``).

Each read is handled in a task of its own, so that the consumer's loop goes on to its next read (XREADGROUP)
and decodes it while this one waits on Redis for its scripts. A read's handling starts only once the read
before it is handled: reads are handled in stream order, one at a time, as without it; at most two are held
(one handled, the next decoded and waiting its turn).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from .tasks import cancel_and_wait

log = logging.getLogger(__name__)

Work = Callable[[Awaitable[None]], Coroutine[Any, Any, None]]


class ReadsInTurn:
    def __init__(self, name: str) -> None:
        self.name = name
        self._last: asyncio.Task[None] | None = None
        self._held: set[asyncio.Task[Any]] = set()

    async def hand(self, work: Work) -> None:
        """``work(turn)`` in a task of its own, which awaits ``turn`` (the read handed before it handled) before
        it handles its read. Returns once the read handed before is handled, so the caller reads again while
        this one is handled, and holds two reads at most."""
        before = self._last
        task = asyncio.create_task(work(_after(before)), name=self.name)
        self._last = task
        self._held.add(task)
        task.add_done_callback(self._ended)
        if before is not None:
            await asyncio.wait([before])  # not cancelled with the caller: stop() ends what is held

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._held.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("%s: handling a read failed; its entries not acknowledged stay pending", self.name,
                      exc_info=exc)

    async def stop(self) -> None:
        """Cancel the reads held, as the consumer's own read is when it stops: what they did not acknowledge
        stays pending, to be reclaimed."""
        await cancel_and_wait(list(self._held), what=self.name)
        self._last = None


async def _after(before: asyncio.Task[None] | None) -> None:
    if before is not None:
        await asyncio.wait([before])
