"""The outbox's leases and due times are on Redis's clock, which every host reads alike: a delivery worker on a host
whose wall clock is a minute ahead does not take a job another worker leased and is still sending (a second send,
a duplicate alert), and one on a host a minute behind claims a dead worker's job once its lease ends on Redis's
clock, not a minute later. Before: each host's wall clock, in the claim, the lease written and its renewal."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis

from pledgewatch import status
from pledgewatch.status import _deliveries
from services.common.redis_clock import redis_now
from services.common.runtime import Runtime
from services.notifier.channels import DeliveryResult
from services.notifier.delivery import DeliveryWorker
from services.notifier.outbox import Attempt, DeliveryJob, Outbox
from services.notifier import outbox_metrics
from services.notifier.outbox_metrics import OUTBOX, OutboxCollector, OutboxFigures
from tests.integration.skewed_time import SkewedTime

from notifier_harness import fast_config

pytestmark = pytest.mark.integration

SKEW = 60.0  # a minute off
LEASE = 1.0  # shorter than the skew: a host a minute ahead sees it ended at once


def _job() -> DeliveryJob:
    return DeliveryJob(job_id="job-1", subscription_id="desk",
                       channel={"type": "webhook", "url": "https://example.org/h"}, kind="alert",
                       message={"alert_id": "a1"})


class Sends:
    """Sends that hang until released, counted per worker."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.released = asyncio.Event()

    def of(self, worker: DeliveryWorker, name: str) -> DeliveryWorker:
        async def send(channel, job):  # type: ignore[no-untyped-def]
            self.count[name] = self.count.get(name, 0) + 1
            await self.released.wait()
            return DeliveryResult.delivered()

        worker._send = send  # type: ignore[method-assign]
        return worker


@pytest.fixture
async def outbox(settings):
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    box = Outbox(streams.client, streams.key)
    async with streams.client.pipeline(transaction=True) as pipe:
        box.enqueue(pipe, _job())
        await pipe.execute()
    workers: list[DeliveryWorker] = []

    def worker(skew: float) -> DeliveryWorker:
        made = DeliveryWorker(streams, box, fast_config(delivery_lease_seconds=LEASE), webhook_timeout=1.0,
                              clock=lambda: time.time() + skew)
        workers.append(made)
        return made

    yield box, worker
    for made in workers:
        await made.stop()
    await runtime.close()


async def test_a_worker_whose_clock_is_a_minute_ahead_does_not_take_a_job_another_is_sending(outbox):
    box, worker = outbox
    sends = Sends()
    sending, ahead = sends.of(worker(0.0), "sending"), sends.of(worker(SKEW), "ahead")
    await sending.poll_once()
    await asyncio.sleep(0.05)
    assert sends.count == {"sending": 1}
    await ahead.poll_once()
    await asyncio.sleep(0.05)
    assert sends.count == {"sending": 1}  # the lease runs on Redis's clock: the job is not due again


async def test_a_lease_renewed_by_a_worker_whose_clock_is_a_minute_behind_still_holds_its_job(outbox):
    box, worker = outbox
    sends = Sends()
    behind, ahead = sends.of(worker(-SKEW), "behind"), sends.of(worker(SKEW), "ahead")
    await behind.poll_once()
    await asyncio.sleep(LEASE * 0.6)  # past half its lease: the next poll renews it
    await behind.poll_once()
    (until,) = [score for _, score in await box.client.zrange(box.zset, 0, -1, withscores=True)]
    assert until > await redis_now(box.client)  # renewed from Redis's now, not a minute before it
    await ahead.poll_once()
    await asyncio.sleep(0.05)
    assert sends.count == {"behind": 1}


async def test_a_worker_whose_clock_is_a_minute_behind_claims_a_dead_workers_job_once_its_lease_ends(outbox):
    box, worker = outbox
    sends = Sends()
    dead, behind = sends.of(worker(0.0), "dead"), sends.of(worker(-SKEW), "behind")
    await dead.poll_once()
    dead._inflight.clear()  # killed mid-send: nothing renews its lease
    await asyncio.sleep(LEASE + 0.2)  # its lease ended on Redis's clock
    await behind.poll_once()
    await asyncio.sleep(0.05)
    assert sends.count == {"dead": 1, "behind": 1}


async def test_a_retry_is_due_its_backoff_after_redis_now_whatever_the_hosts_clock(outbox):
    box, worker = outbox
    [(_, _, job)] = await box.claim(lease=LEASE, limit=1, idle_slots=1)
    behind = worker(-SKEW)
    job.attempts += 1
    await box.record([Attempt(job, delivered=False, final=False, event=_event(behind, job), retry_in=0.5)],
                     deliveries=behind.streams.key("deliveries"), dead_letters=behind.streams.key("dead-letters"))
    (due,) = [score for _, score in await box.client.zrange(box.zset, 0, -1, withscores=True)]
    now = await redis_now(box.client)
    assert now < due <= now + 0.5


def _event(worker: DeliveryWorker, job: DeliveryJob):  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    from schemas.alerts import AlertFailedEvent, DeliveryAttempt
    attempt = DeliveryAttempt(alert_id="a1", subscription_id="desk", channel="webhook", destination="example.org",
                              attempt=1, outcome="failed", final=False, error="503",
                              at=datetime.now(timezone.utc))
    return AlertFailedEvent.wrap(attempt, id=job.attempt_id, source="/test", time=attempt.at, subject="desk")


@pytest.fixture
async def due_and_later(settings):
    """An outbox of two jobs: one due ten seconds ago and one due in thirty, on Redis's clock."""
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    now = await redis_now(streams.client)
    await streams.client.zadd(streams.key(OUTBOX), {"job-due": now - 10, "job-later": now + 30})
    yield streams
    await runtime.close()


async def test_the_outbox_figures_of_a_reader_whose_clock_is_a_minute_ahead_are_on_redis_clock(due_and_later, settings,
                                                                                              monkeypatch):
    """``/metrics``, the leader's warning of deliveries waiting and ``pledgewatch status`` count what is due, and
    how long the oldest has waited, at Redis's now: a job due in thirty seconds is not due yet, the one due ten
    seconds ago has waited ten, not seventy."""
    for module in (outbox_metrics, status):  # the readers' host a minute ahead: none of them reads it
        monkeypatch.setattr(module, "time", SkewedTime(SKEW), raising=False)
    collector = OutboxCollector(due_and_later)
    await collector.refresh()
    client = redis.Redis.from_url(settings.redis_url)
    try:
        deliveries = _deliveries(client, settings, 5.0)
    finally:
        client.close()
    for figures in (collector.figures, OutboxFigures(**{k: deliveries[k] for k in ("queued", "due",
                                                                                  "oldest_due_seconds")})):
        assert (figures.queued, figures.due) == (2, 1)
        assert 10 <= figures.oldest_due_seconds <= 12
