"""A delivery process's liveness is judged on Redis's clock, which every host reads alike: one on a host whose
wall clock is behind is live, and a reader (the notifier's leader, its `/metrics`, `pledgewatch status`, a
notifier taking out the heartbeats of those gone) on a host whose clock is ahead does not take it for gone.
Before: each host's wall clock, so that ten minutes of skew either way told a live delivery process dead."""

from __future__ import annotations

import logging
import time

import pytest
import redis

from pledgewatch import status
from pledgewatch.status import _deliveries
from services.common.runtime import Runtime
from services.notifier import delivery_beats, delivery_watch, outbox_metrics
from services.notifier.delivery_beats import DeliveryBeat, forget_gone
from services.notifier.delivery_presence import KEY
from services.notifier.delivery_watch import DeliveryWatch
from services.notifier.outbox_metrics import OUTBOX, OutboxCollector
from tests.integration.skewed_time import SkewedTime

pytestmark = pytest.mark.integration

EVERY = 5.0  # a beat every 5 s: gone past 20 s without one
SKEW = 600.0  # the hosts' clocks ten minutes apart


@pytest.fixture
async def beat_behind(settings, monkeypatch):
    """A delivery process that has just beaten from a host whose wall clock is ten minutes behind; its streams."""
    monkeypatch.setattr(delivery_beats, "time", SkewedTime(-SKEW), raising=False)
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    await DeliveryBeat(streams, "slow-host", every=EVERY).beat()
    await streams.client.zadd(streams.key(OUTBOX), {"job-a": time.time() - 600})  # due ten minutes
    yield streams
    await runtime.close()


@pytest.fixture
def reader_ahead(monkeypatch):
    """The readers on a host whose wall clock is ten minutes ahead (they read Redis's, so none should matter)."""
    for module in (outbox_metrics, delivery_watch, status):
        monkeypatch.setattr(module, "time", SkewedTime(SKEW), raising=False)


async def test_the_metrics_of_a_reader_whose_clock_is_ahead_count_a_delivery_process_whose_clock_is_behind(
        beat_behind, reader_ahead):
    collector = OutboxCollector(beat_behind, delivery_beat_limit=4 * EVERY)
    await collector.refresh()
    assert collector.delivery_processes == 1


async def test_the_leader_whose_clock_is_ahead_does_not_warn_of_a_delivery_process_whose_clock_is_behind(
        beat_behind, reader_ahead, caplog):
    watch = DeliveryWatch(beat_behind, heartbeat_seconds=EVERY)
    with caplog.at_level(logging.WARNING, logger="services.notifier.service"):
        await watch.tick()
    assert "no delivery process has written a heartbeat" not in caplog.text


async def test_a_notifier_whose_clock_is_ahead_leaves_the_heartbeat_of_a_delivery_process_live(beat_behind):
    key = beat_behind.key(KEY)
    assert await forget_gone(beat_behind.client, key, limit=4 * EVERY) == []
    assert await beat_behind.client.hexists(key, "slow-host")


async def test_status_on_a_host_whose_clock_is_ahead_sees_the_delivery_process_live(beat_behind, reader_ahead,
                                                                                      settings):
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        deliveries = _deliveries(client, settings, EVERY)
    finally:
        client.close()
    assert deliveries["delivery_processes"] == {"live": ["slow-host"], "warning": None}


def _counting_time(client) -> list[int]:
    """Counts the ``TIME`` commands ``client`` sends, alone or in a pipeline; returns the count, kept up to date."""
    count = [0]
    execute, pipeline = client.execute_command, client.pipeline

    async def executed(*args, **kwargs):  # type: ignore[no-untyped-def]
        count[0] += args[0] == "TIME"
        return await execute(*args, **kwargs)

    def piped(*args, **kwargs):  # type: ignore[no-untyped-def]
        pipe = pipeline(*args, **kwargs)
        queue = pipe.execute_command

        def queued(*command, **options):  # type: ignore[no-untyped-def]
            count[0] += command[0] == "TIME"
            return queue(*command, **options)

        pipe.execute_command = queued
        return pipe

    client.execute_command, client.pipeline = executed, piped
    return count


async def test_the_leaders_tick_and_the_metrics_read_redis_clock_once(beat_behind):
    """The outbox's due jobs and the delivery processes' heartbeats judged at one ``TIME``: it was read twice."""
    count = _counting_time(beat_behind.client)
    await DeliveryWatch(beat_behind, heartbeat_seconds=EVERY).tick()
    assert count == [1]
    collector = OutboxCollector(beat_behind, delivery_beat_limit=4 * EVERY)
    await collector.refresh()
    assert (count, collector.delivery_processes) == ([2], 1)
