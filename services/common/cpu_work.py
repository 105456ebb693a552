"""CPU-heavy work of an HTTP request run in a worker thread, a bounded number at once.

Building a large calendar or parsing a subscription's every planned reminder takes seconds of CPU. Done on the
event loop it stalls everything else the loop serves: other requests, ``/healthz``, and under ``pledgewatch run``
every service's consumers. So a route reads what it needs from Redis on the loop and hands the pure part, which
reads its arguments and returns a new value, to :meth:`CpuWork.run`. The GIL is still shared, but a thread gives it
up every few milliseconds (``sys.getswitchinterval``), so the loop keeps answering.

At most ``at_once`` run together (the machines are small: a few cores); a request past that waits its turn,
nothing is refused or lost. A request whose client goes away while its work runs stops waiting at once; the work
runs to its end in its thread (a thread cannot be stopped) and holds its turn until then, so the bound holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

AT_ONCE = 2  # pieces of CPU-heavy work running in worker threads at once, per service

P = ParamSpec("P")
T = TypeVar("T")


class CpuWork:
    def __init__(self, at_once: int = AT_ONCE) -> None:
        if at_once < 1:
            raise ValueError(f"at_once must be at least 1, not {at_once}")
        self._turns = asyncio.Semaphore(at_once)

    async def run(self, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``func(*args, **kwargs)`` in a worker thread once a turn is free (``func`` must touch no shared mutable
        state); its errors are raised here."""
        await self._turns.acquire()
        try:
            work = asyncio.ensure_future(asyncio.to_thread(func, *args, **kwargs))
        except BaseException:
            self._turns.release()
            raise
        work.add_done_callback(self._ended)
        return await asyncio.shield(work)  # cancelled: the thread runs on, holding its turn until it ends

    def _ended(self, work: asyncio.Future[Any]) -> None:
        self._turns.release()
        if not work.cancelled():
            work.exception()  # retrieved: one whose request went away is not logged as never retrieved
