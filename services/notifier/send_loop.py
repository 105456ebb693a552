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
Stopping refuses further offers at once (from the stopping thread, under the worker's lock), then stops the
worker on its loop (its sends cancelled, its records written or failed, its connections closed), all within one
patience, then the loop, then joins the thread. A stop while the thread still connects cancels the connection
attempt: start() fails and the thread ends, without a worker. The health check asks the worker's loop to answer
(:meth:`SendLoop.ping`): a loop held by a bug fails it, though the thread runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable

from services.common.runtime import Runtime
from services.common.settings import Settings
from services.common.streams import Streams
from services.common.tasks import RECANCEL_SECONDS, STOP_PATIENCE_SECONDS, cancel_and_wait, patience_left

from .delivery import DeliveryWorker
from .messages import SOURCE

log = logging.getLogger(__name__)

CLOSING_SECONDS = 8.0  # the webhook session's and the Redis connections' close, the loop's own shutdown
# The thread's stop: its sends, its records' writer and its polling loop within one patience (the last two given
# one recancel's interval each when the sends took it all), then the closes. The join waits longer than that, so
# that a thread reported left behind is one that did not keep to its bounds.
JOIN_SECONDS = STOP_PATIENCE_SECONDS + 2 * RECANCEL_SECONDS + CLOSING_SECONDS
STARTING_JOIN_SECONDS = 5.0  # a stop while the thread connects: its connection attempt cancelled, then closed
ANSWER_SECONDS = 1.0  # the health check's wait for the worker's loop (within the HTTP check's 2 s)


class StoppedWhileStarting(RuntimeError):
    """The delivery thread was stopped before its worker was ready."""


class SendLoop:
    def __init__(self, settings: Settings, build: Callable[[Streams], DeliveryWorker]) -> None:
        """``build``: the worker, made on the thread's loop from the thread's own Redis connection."""
        self.settings, self._build = settings, build
        self._thread: threading.Thread | None = None
        self._ready: concurrent.futures.Future[DeliveryWorker] | None = None
        self._stop_asked = threading.Event()  # stop() called (or start() given up): the thread ends without serving
        self._opening: tuple[asyncio.AbstractEventLoop, asyncio.Future[Streams]] | None = None  # while it connects
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None  # of the thread's loop
        self._running: asyncio.Task[None] | None = None  # the worker's run, on the thread's loop
        self.worker: DeliveryWorker | None = None

    async def start(self) -> DeliveryWorker:
        """Start the thread, connect and build the worker there; the worker (its errors raised here;
        :class:`StoppedWhileStarting` when :meth:`stop` came first)."""
        ready = self._ready = concurrent.futures.Future()
        self._stop_asked = threading.Event()
        self._thread = threading.Thread(target=self._main, args=(ready,), name="notifier-delivery", daemon=True)
        self._thread.start()
        try:
            self.worker = await asyncio.wrap_future(ready)
        except BaseException:  # failed, stopped, or this start cancelled: the thread closes what it opened and ends
            self._stop_asked.set()
            self._cancel_opening()
            raise
        return self.worker

    def _main(self, ready: concurrent.futures.Future[DeliveryWorker]) -> None:
        try:
            asyncio.run(self._serve(ready))
        except BaseException as exc:
            try:
                ready.set_exception(exc)
            except concurrent.futures.InvalidStateError:  # started (or stopped) before
                if not self._stop_asked.is_set():
                    log.exception("the delivery thread stopped")

    async def _serve(self, ready: concurrent.futures.Future[DeliveryWorker]) -> None:
        loop = asyncio.get_running_loop()
        runtime = Runtime(self.settings, source=SOURCE)
        try:
            opening = asyncio.ensure_future(runtime.open())
            self._opening = (loop, opening)
            if self._stop_asked.is_set():  # asked before the stop could see the attempt to cancel
                opening.cancel()
            streams = await opening
            self._opening = None
            if self._stop_asked.is_set():  # asked while connecting, the attempt not cancelled in time
                return
            worker = self._build(streams)
            worker.on_own_loop(loop)
            self._loop, self._stop = loop, asyncio.Event()
            try:
                ready.set_result(worker)  # InvalidStateError: stopped (or start cancelled) meanwhile; never run
                await self._stop.wait()
            finally:
                deadline = loop.time() + STOP_PATIENCE_SECONDS
                await worker.stop(patience=STOP_PATIENCE_SECONDS)
                if self._running is not None:
                    await cancel_and_wait([self._running], what="the delivery worker",
                                          patience=patience_left(deadline))
        finally:
            self._opening = None
            await runtime.close()

    def _cancel_opening(self) -> None:
        """Cancel the thread's connection attempt, if one is under way."""
        opening = self._opening
        if opening is not None:
            loop, task = opening
            with contextlib.suppress(RuntimeError):  # the loop has closed already
                loop.call_soon_threadsafe(task.cancel)

    async def run(self) -> None:
        """The worker's polling loop on the thread's loop, until it ends (as :meth:`.DeliveryWorker.run`); a
        cancellation here cancels it there."""
        assert self._loop is not None and self.worker is not None
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._run(), self._loop))

    async def _run(self) -> None:
        assert self.worker is not None
        self._running = asyncio.current_task()
        await self.worker.run()

    async def ping(self) -> None:
        """Raises (RuntimeError, saying why) unless the thread runs and its loop answers within
        :data:`ANSWER_SECONDS`."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None or not thread.is_alive():
            raise RuntimeError("notifier: the delivery thread is not running")
        answered: concurrent.futures.Future[None] = concurrent.futures.Future()

        def answer() -> None:
            with contextlib.suppress(concurrent.futures.InvalidStateError):  # the check gave up meanwhile
                answered.set_result(None)

        try:
            loop.call_soon_threadsafe(answer)
        except RuntimeError:
            raise RuntimeError("notifier: the delivery loop has closed") from None
        try:
            await asyncio.wait_for(asyncio.wrap_future(answered), ANSWER_SECONDS)
        except asyncio.TimeoutError:
            raise RuntimeError(f"notifier: the delivery loop did not answer within {ANSWER_SECONDS:g} s "
                               "(held by code that blocks it)") from None

    async def stop(self) -> None:
        """Stop the worker (see :meth:`.DeliveryWorker.stop`) and the thread; nothing is offered from the call on.
        While the thread still connects, its attempt is cancelled and start() fails."""
        thread, ready = self._thread, self._ready
        if thread is None or ready is None:
            return
        self._stop_asked.set()
        try:
            ready.set_exception(StoppedWhileStarting("notifier: the delivery thread was stopped while it started"))
        except concurrent.futures.InvalidStateError:  # started, failed, or its start cancelled
            pass
        worker = ready.result() if not ready.cancelled() and ready.exception() is None else None
        if worker is not None:
            worker.stop_offering()  # now, under its lock: a commit from here on is offered nothing
            loop, stop = self._loop, self._stop
            assert loop is not None and stop is not None  # set before the worker was ready
            with contextlib.suppress(RuntimeError):  # the loop has closed already
                loop.call_soon_threadsafe(stop.set)
            bound = JOIN_SECONDS
        else:
            self._cancel_opening()
            bound = STARTING_JOIN_SECONDS
        await asyncio.to_thread(thread.join, bound)
        if thread.is_alive():
            log.warning("the delivery thread did not stop within %.0f s: left behind", bound)
        self._thread = None
