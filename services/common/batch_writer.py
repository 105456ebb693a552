"""Group commit: items submitted at about the same time are written by one call.

The first submitter starts a write after letting the event loop run once, so the others finishing at the
same moment join it; items submitted while a write is under way go in the next one. Each submitter waits
for the write that holds its item and gets its outcome: a write that fails raises in every one of them.
A burst of small writes (a thousand deliveries recorded as they finish) becomes a few large ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from .tasks import STOP_PATIENCE_SECONDS, cancel_and_wait

Item = TypeVar("Item")


class BatchWriter(Generic[Item]):
    def __init__(self, write: Callable[[list[Item]], Awaitable[None]], *, max_items: int = 500) -> None:
        self._write, self.max_items = write, max_items
        self._pending: list[tuple[Item, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> None:
        """Write ``item`` with whatever else is submitted meanwhile; returns once written."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.add_done_callback(lambda f: f.cancelled() or f.exception())  # read, even if its submitter is gone
        self._pending.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name="batch-writer")
        # A submitter cancelled while waiting cancels its future alone: its item stays in the batch and is written
        # (the writer sets the outcome of the futures still pending). No shield: one more future and two callbacks
        # an item, for every delivery attempt recorded.
        await done

    async def _write_pending(self) -> None:
        await asyncio.sleep(0)
        while self._pending:
            batch, self._pending = self._pending[:self.max_items], self._pending[self.max_items:]
            try:
                await self._write([item for item, _ in batch])
            except BaseException as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    self._fail_pending(exc)
                    raise
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    def _fail_pending(self, exc: BaseException) -> None:
        for _, done in self._pending:
            if not done.done():
                done.set_exception(exc)
        self._pending.clear()

    async def close(self, *, patience: float = STOP_PATIENCE_SECONDS) -> None:
        """Stop writing (the write under way given up to ``patience`` seconds to end once cancelled); what is
        still pending fails (cancelled)."""
        if self._writer is not None and not self._writer.done():
            await cancel_and_wait([self._writer], what="the batch writer", patience=patience)
        self._fail_pending(asyncio.CancelledError())
