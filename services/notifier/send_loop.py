"""The delivery worker on an event loop of its own, in a thread of the notifier's process.

The notifier's consumer and its delivery worker share one event loop by default. A read of many releases then
holds that loop for as long as its handler runs between two awaits (tens of milliseconds in a backlog), and every
send waits for it: a send needs the loop two or three times (the request written, the answer read, the attempt
recorded). On a loop of its own, in a thread, a send waits at most the interpreter's switch interval (5 ms) for
the GIL, not for the whole read; the two threads still share one core's worth of Python.

The thread opens its own Redis connections (a redis-py asyncio client belongs to the loop it runs on) and builds
the worker there, with everything the worker awaits (its outbox, the email channels' records). The consumer's
thread offers a commit's jobs to the worker (:meth:`.DeliveryWorker.offer`, under the worker's lock) and hands
them over once written (:meth:`.DeliveryWorker.take`, which crosses to the worker's loop), as on one loop.
Stopping stops the worker on its loop (its sends cancelled, its records written or failed, its connections
closed), then the loop, then joins the thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable

from services.common.runtime import Runtime
from services.common.settings import Settings
from services.common.streams import Streams
from services.common.tasks import cancel_and_wait

from .delivery import DeliveryWorker
from .messages import SOURCE

log = logging.getLogger(__name__)

JOIN_SECONDS = 30.0  # the worker's stop is bounded by cancel_and_wait's patience; then the thread is left


class SendLoop:
    def __init__(self, settings: Settings, build: Callable[[Streams], DeliveryWorker]) -> None:
        """``build``: the worker, made on the thread's loop from the thread's own Redis connection."""
        self.settings, self._build = settings, build
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None  # of the thread's loop
        self._running: asyncio.Task[None] | None = None  # the worker's run, on the thread's loop
        self.worker: DeliveryWorker | None = None

    async def start(self) -> DeliveryWorker:
        """Start the thread, connect and build the worker there; the worker (its errors raised here)."""
        ready: concurrent.futures.Future[DeliveryWorker] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._main, args=(ready,), name="notifier-delivery", daemon=True)
        self._thread.start()
        self.worker = await asyncio.wrap_future(ready)
        return self.worker

    def _main(self, ready: concurrent.futures.Future[DeliveryWorker]) -> None:
        try:
            asyncio.run(self._serve(ready))
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            else:
                log.exception("the delivery thread stopped")

    async def _serve(self, ready: concurrent.futures.Future[DeliveryWorker]) -> None:
        runtime = Runtime(self.settings, source=SOURCE)
        streams = await runtime.open()
        try:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            worker = self._build(streams)
            worker.on_own_loop(self._loop)
            ready.set_result(worker)
            try:
                await self._stop.wait()
            finally:
                await worker.stop()
                if self._running is not None:
                    await cancel_and_wait([self._running], what="the delivery worker")
        finally:
            await runtime.close()

    async def run(self) -> None:
        """The worker's polling loop on the thread's loop, until it ends (as :meth:`.DeliveryWorker.run`); a
        cancellation here cancels it there."""
        assert self._loop is not None and self.worker is not None
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._run(), self._loop))

    async def _run(self) -> None:
        assert self.worker is not None
        self._running = asyncio.current_task()
        await self.worker.run()

    async def stop(self) -> None:
        """Stop the worker (see :meth:`.DeliveryWorker.stop`) and the thread."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None:
            return
        if loop is not None and stop is not None:
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:  # the loop has closed already
                pass
        await asyncio.to_thread(thread.join, JOIN_SECONDS)
        if thread.is_alive():
            log.warning("the delivery thread did not stop within %.0f s: left behind", JOIN_SECONDS)
        self._thread = None
