"""The delivery worker on an event loop of its own (``PLEDGEWATCH_DELIVERY_THREAD``, on by default): a send is not
held by the consumer's loop while a read holds it, and every guarantee of the worker stays. Real Redis; the
webhook's receiver answers from a thread of its own, so that a loop held by the test does not hold it."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samples import BORDERS, release
from services.common.batch_writer import BatchWriter
from services.common.http import HEALTH_CHECK_SECONDS
from services.common.runtime import RedisUnavailable
from services.notifier import send_loop
from services.notifier.delivery import DeliveryWorker
from services.notifier.send_loop import SendLoop
from services.notifier.service import NotifierService

from notifier_harness import fast_config, handled, wait_for

pytestmark = pytest.mark.integration

HELD_SECONDS = 1.5


class ThreadReceiver:
    """Answers 204 to each POST, noting when it came (``time.monotonic()``); ``came`` is set by the first."""

    def __init__(self) -> None:
        arrived = self.arrived = []
        came = self.came = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived.append(time.monotonic())
                came.set()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ThreadReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.mark.parametrize("own_loop", [True, False], ids=["its own loop", "the consumer's loop"])
async def test_a_send_is_not_held_by_a_read_that_holds_the_consumers_loop(notifier, write_yaml, publish_classified,
                                                                          monkeypatch, own_loop):
    """The consumer's loop is held, with no await, until the alert has arrived (on the worker's own loop, while
    it is held) or for HELD_SECONDS (on the consumer's loop, where it cannot arrive before the hold ends)."""
    handle = NotifierService.on_classified_batch
    held: list[tuple[float, float]] = []

    def then_holds_the_loop(receiver: ThreadReceiver):  # type: ignore[no-untyped-def]
        async def holding(self, items):  # type: ignore[no-untyped-def]
            await handle(self, items)  # the alert committed, its job handed to the worker
            start = time.monotonic()
            receiver.came.wait(30 if own_loop else HELD_SECONDS)  # the work of a long read, with no await
            held.append((start, time.monotonic()))
        return holding

    with ThreadReceiver() as receiver:
        monkeypatch.setattr(NotifierService, "on_classified_batch", then_holds_the_loop(receiver))
        path = write_yaml(f'subscriptions: [{{id: desk, reminders: [], channels: [{{webhook: {{url: "{receiver.url}"}}}}]}}]')
        n = await notifier(config=fast_config(delivery_thread=own_loop), subscriptions=path)
        assert (n.service.send_loop is not None) is own_loop
        entry = await publish_classified(n.service, release(BORDERS))
        await wait_for(lambda: receiver.arrived and held, timeout=60, what="the alert, and the loop free again")
        end, (arrived,) = held[0][1], receiver.arrived
        assert (arrived < end) is own_loop  # on its own loop, sent while the consumer's was held; else after
        await wait_for(lambda: handled(n.service, entry), what="the entry acknowledged")
        await n.service.worker.drain()
        assert await n.service.outbox.pending() == 0  # recorded: nothing left queued


async def test_stop_with_a_send_under_way_ends_the_thread_and_leaves_the_job_leased(
        notifier, receiver, write_yaml, publish_classified, redis_client):
    """Graceful shutdown: the hanging send is cancelled on the worker's loop and the thread ends; the job stays
    queued, leased, for a notifier to send once its lease ends (as after a kill)."""
    path = write_yaml(f'subscriptions: [{{id: desk, reminders: [], channels: [{{webhook: {{url: "{receiver.url("hang")}"}}}}]}}]')
    n = await notifier(config=fast_config(), subscriptions=path, webhook_timeout=30)
    await publish_classified(n.service, release(BORDERS))
    await wait_for(lambda: n.service.worker.inflight(), what="the send under way")
    thread, zset = n.service.send_loop._thread, n.service.outbox.zset
    assert thread is not None and thread.is_alive() and thread is not threading.current_thread()
    await asyncio.wait_for(n.stop(), timeout=15)
    assert not thread.is_alive()
    ((_, lease_ends),) = await redis_client.zrange(zset, 0, -1, withscores=True)
    assert lease_ends > time.time()  # still leased: claimed by no one before its lease ends


def a_job(job_id: str = "j1") -> types.SimpleNamespace:
    """What :meth:`.DeliveryWorker.offer` reads of a job."""
    return types.SimpleNamespace(job_id=job_id, destination="https://example.org/hook")


async def test_the_health_check_fails_while_the_delivery_loop_does_not_answer(notifier):
    """A delivery loop held (a send's code that blocks, a bug) makes the notifier unhealthy, with the reason,
    within the health check's bound (2 s): while the loop is still held; healthy again once the loop runs."""
    assert send_loop.ANSWER_SECONDS < HEALTH_CHECK_SECONDS
    n = await notifier(config=fast_config())
    await n.service.ping()
    loop, released = n.service.send_loop._loop, threading.Event()
    loop.call_soon_threadsafe(released.wait, 60)  # holds the worker's loop, as code that blocks it would
    try:
        with pytest.raises(RuntimeError, match="delivery loop did not answer"):
            await asyncio.wait_for(n.service.ping(), 30)
    finally:
        released.set()
    await wait_for(lambda: _healthy(n.service), timeout=30, what="healthy again")


async def _healthy(service) -> bool:
    try:
        await service.ping()
    except RuntimeError:
        return False
    return True


async def test_nothing_is_offered_once_a_stop_is_asked(notifier):
    """A commit that comes after the stop was asked, while the worker's loop has not yet begun to stop, offers
    the worker nothing: its jobs are queued due, for a notifier still running to claim."""
    n = await notifier(config=fast_config())
    send, worker = n.service.send_loop, n.service.worker
    send._loop.call_soon_threadsafe(time.sleep, 0.5)  # the worker's loop busy: the stop crosses later
    stopping = asyncio.create_task(send.stop())
    await asyncio.sleep(0)  # the stop asked
    job = a_job()
    offered, until = worker.offer([job])
    assert offered == set()
    worker.take([job], offered, {job.job_id}, lease_until=until)
    await asyncio.wait_for(stopping, timeout=15)
    assert not worker.inflight() and not worker._inflight


class FakeRuntime:
    """The thread's Redis connection, without Redis: ``open`` as the test makes it."""

    opens: list[FakeRuntime] = []

    def __init__(self, settings: object, *, source: str) -> None:
        self.opening, self.closed_at = threading.Event(), None
        FakeRuntime.opens.append(self)

    async def open(self) -> object:
        self.opening.set()
        return await self.opened()

    async def opened(self) -> object:
        return object()

    async def close(self) -> None:
        self.closed_at = time.monotonic()


@pytest.fixture
def fake_runtime(monkeypatch):
    FakeRuntime.opens = []
    monkeypatch.setattr(send_loop, "Runtime", FakeRuntime)
    return FakeRuntime


def a_worker(streams: object) -> DeliveryWorker:
    return DeliveryWorker(streams, None, fast_config(), webhook_timeout=1.0)  # type: ignore[arg-type]


async def _ended(thread: threading.Thread) -> bool:
    return not thread.is_alive()


@pytest.mark.parametrize("absorbs", [False, True], ids=["an open cancelled", "an open that absorbs its cancellation"])
async def test_a_stop_while_the_thread_connects_ends_it_and_start_fails(fake_runtime, monkeypatch, absorbs):
    """Stopped while the thread still waits for Redis: the stop does not wait for the thread's whole patience,
    start() fails, and the thread ends without building a worker, its connections closed. The patience is two
    minutes here, and Redis an hour away: a stop that waited for either would not end within the test's bounds."""
    monkeypatch.setattr(send_loop, "STARTING_JOIN_SECONDS", 120.0)

    async def slow(self: FakeRuntime) -> object:
        try:
            await asyncio.sleep(3600)  # Redis not up yet
        except asyncio.CancelledError:
            if not absorbs:
                raise
        return object()

    monkeypatch.setattr(FakeRuntime, "opened", slow)
    built: list[object] = []
    loop_ = SendLoop(None, lambda streams: built.append(streams) or a_worker(streams))  # type: ignore[arg-type]
    starting = asyncio.create_task(loop_.start())
    await wait_for(lambda: fake_runtime.opens and fake_runtime.opens[0].opening.is_set(), what="the open begun")
    thread = loop_._thread
    await asyncio.wait_for(loop_.stop(), timeout=30)
    with pytest.raises(RuntimeError, match="stopped"):
        await asyncio.wait_for(starting, timeout=30)
    await wait_for(lambda: _ended(thread), timeout=30, what="the thread ended")
    assert built == [] and fake_runtime.opens[0].closed_at is not None


@pytest.mark.parametrize("where", ["open", "build"])
async def test_a_failure_while_the_thread_starts_fails_start(fake_runtime, monkeypatch, where):
    """A start that fails in the thread (Redis not answering, a bad setting found building the worker) raises
    its error from start(), as on one loop; the thread ends, its connections closed, and a stop returns at once
    (within the test's bound, the stop's patience being two minutes here)."""
    monkeypatch.setattr(send_loop, "STARTING_JOIN_SECONDS", 120.0)
    monkeypatch.setattr(send_loop, "JOIN_SECONDS", 120.0)
    async def unavailable(self: FakeRuntime) -> object:
        raise RedisUnavailable("/pledgewatch/notifier: Redis at localhost:1 did not answer within 0 s")

    def bad_build(streams: object) -> DeliveryWorker:
        raise ValueError("PLEDGEWATCH_SMTP_FROM: not an address")

    if where == "open":
        monkeypatch.setattr(FakeRuntime, "opened", unavailable)
    loop_ = SendLoop(None, bad_build if where == "build" else a_worker)  # type: ignore[arg-type]
    with pytest.raises(RedisUnavailable if where == "open" else ValueError):
        await asyncio.wait_for(loop_.start(), timeout=30)
    thread = loop_._thread
    await wait_for(lambda: _ended(thread), timeout=30, what="the thread ended")
    assert fake_runtime.opens[0].closed_at is not None
    await asyncio.wait_for(loop_.stop(), timeout=30)


async def test_a_hand_over_after_the_thread_ended_is_dropped(notifier, caplog):
    """After the stop, a commit's hand-over or a wake-up (a reminder firing late in the stop) finds the worker's
    loop closed: dropped, without an error; nothing is offered."""
    n = await notifier(config=fast_config())
    worker, thread = n.service.worker, n.service.send_loop._thread
    await n.stop()
    assert not thread.is_alive() and worker._loop.is_closed()
    job = a_job()
    assert worker.offer([job])[0] == set()
    with caplog.at_level(logging.WARNING):
        worker.take([job], {job.job_id}, {job.job_id}, lease_until=time.time() + 5)
        worker.wake()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


ABSORB_SECONDS = 2.0


async def _absorbing(*_: object) -> None:
    """A task that outlives its cancellations for ABSORB_SECONDS (as redis-py, cancelled mid-command, can)."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        pass
    end = time.monotonic() + ABSORB_SECONDS
    while (left := end - time.monotonic()) > 0:
        try:
            await asyncio.sleep(left)
        except asyncio.CancelledError:
            pass


async def test_the_threads_stop_keeps_to_one_patience_and_the_join_outlasts_it(fake_runtime, monkeypatch):
    """The thread's stop waits for its sends, its records' writer and its polling loop within one patience
    (not one each, in a row), and the join waits longer than that: the thread is not reported left behind while
    it still stops within its bound."""
    monkeypatch.setattr(send_loop, "STOP_PATIENCE_SECONDS", 0.5, raising=False)
    loop_ = SendLoop(None, a_worker)  # type: ignore[arg-type]
    worker = await loop_.start()
    worker.run = _absorbing  # type: ignore[method-assign]

    async def all_under_way() -> None:
        worker._inflight["j1"] = asyncio.create_task(_absorbing())
        worker._records = BatchWriter(_absorbing)
        asyncio.create_task(worker._records.submit(object()))
        await asyncio.sleep(0.05)

    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(all_under_way(), loop_._loop))
    running = asyncio.create_task(loop_.run())
    await wait_for(lambda: loop_._running is not None, what="the worker running")
    thread, start = loop_._thread, time.monotonic()
    await asyncio.wait_for(loop_.stop(), timeout=send_loop.JOIN_SECONDS + 5)
    closed = fake_runtime.opens[0].closed_at - start
    assert closed < 0.5 + 2 * 1.0 + 1.0  # the patience, and one recancel each for the writer and the loop
    assert not thread.is_alive()  # the absorbing tasks ended, then the thread: joined, not left behind
    assert send_loop.JOIN_SECONDS > send_loop.STOP_PATIENCE_SECONDS + 2 * 1.0
    await asyncio.wait_for(running, timeout=5)
