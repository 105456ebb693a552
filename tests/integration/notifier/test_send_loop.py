"""The delivery worker on an event loop of its own (``PLEDGEWATCH_DELIVERY_THREAD``, on by default): a send is not
held by the consumer's loop while a read holds it, and every guarantee of the worker stays. Real Redis; the
webhook's receiver answers from a thread of its own, so that a loop held by the test does not hold it."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samples import BORDERS, release
from services.notifier.service import NotifierService

from notifier_harness import fast_config, handled, wait_for

pytestmark = pytest.mark.integration

HELD_SECONDS = 1.5


class ThreadReceiver:
    """Answers 204 to each POST, noting when it came (``time.monotonic()``)."""

    def __init__(self) -> None:
        arrived = self.arrived = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived.append(time.monotonic())
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
    handle = NotifierService.on_classified_batch
    held: list[tuple[float, float]] = []

    async def then_holds_the_loop(self, items):  # type: ignore[no-untyped-def]
        await handle(self, items)  # the alert committed, its job handed to the worker
        start = time.monotonic()
        time.sleep(HELD_SECONDS)  # the work of a long read, with no await
        held.append((start, time.monotonic()))

    monkeypatch.setattr(NotifierService, "on_classified_batch", then_holds_the_loop)
    with ThreadReceiver() as receiver:
        path = write_yaml(f'subscriptions: [{{id: desk, reminders: [], channels: [{{webhook: {{url: "{receiver.url}"}}}}]}}]')
        n = await notifier(config=fast_config(delivery_thread=own_loop), subscriptions=path)
        assert (n.service.send_loop is not None) is own_loop
        entry = await publish_classified(n.service, release(BORDERS))
        await wait_for(lambda: receiver.arrived and held, timeout=10, what="the alert, and the loop free again")
        (start, end), (arrived,) = held[0], receiver.arrived
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
    assert await redis_client.zcard(zset) == 1
