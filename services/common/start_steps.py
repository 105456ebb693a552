"""An app's start beside its stop. FastStream runs its stop hooks while its start still runs (a stop asked for
during the start), and cancels the start only once they are done: a service stopped meanwhile was then read by
the rest of the start ("not started"), or one started after the stop was left running."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from .tasks import cancel_and_wait

Step = Callable[[], Awaitable[None]]


class StartSteps:
    """The two start hooks, before the broker starts (:meth:`before_broker`) and after (:meth:`after_broker`).
    :meth:`stop`, first in the stop, cancels the one under way (or waits for the broker's start) and waits for
    it; from then on the start goes no further, and waits there to be cancelled with the rest: the stop undoes
    exactly what was started, and the broker is not started after it stopped."""

    def __init__(self) -> None:
        self.stopping = False
        self._step: asyncio.Task[None] | None = None
        self._broker_starting: asyncio.Event | None = None
        self._starter: asyncio.Task[object] | None = None  # the task the start runs in

    async def before_broker(self, step: Step) -> None:
        self._starter = asyncio.current_task()
        await self._run(step)
        self._broker_starting = asyncio.Event()

    async def after_broker(self, step: Step) -> None:
        if self._broker_starting is not None:
            self._broker_starting.set()
        await self._run(step)

    async def stop(self) -> None:
        self.stopping = True
        if self._step is not None:
            await cancel_and_wait([self._step], what="the start")
        elif self._broker_starting is not None and self._starter not in (None, asyncio.current_task()):
            # till the broker has started (then stopped with the rest), or its start failed
            started = asyncio.ensure_future(self._broker_starting.wait())
            await asyncio.wait([started, self._starter], return_when=asyncio.FIRST_COMPLETED)
            started.cancel()

    async def _run(self, step: Step) -> None:
        if not self.stopping:
            task = self._step = asyncio.ensure_future(step())
            try:
                await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if not (self.stopping and task.cancelled()) or (current is not None and current.cancelling()):
                    raise
            finally:
                self._step = None
        if self.stopping:  # since the step, or before it: the stop undoes what has started, and nothing more starts
            await _until_cancelled()


async def _until_cancelled() -> None:
    await asyncio.Event().wait()
