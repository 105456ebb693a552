"""Consumers of stopped processes leave the groups, and what they held is reclaimable at once where no other
process reads (the embedded Redis before its run starts)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from services.classifier.service import ClassifierService
from services.common.consumer_names import (hand_over_pending, leave_groups, retire_idle_consumers,
                                            retire_stale_consumers)
from services.common.embedded_redis import EmbeddedRedis
from services.common.runtime import Runtime
from services.common.service import build_app
from services.common.tidying import TIDY_SECONDS
from services.common.trimming import StreamTrimmer

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(redis_url):
    c = aioredis.Redis.from_url(redis_url, decode_responses=True)
    yield c
    await c.aclose()


async def _stream_read_by(client, stream: str, readers: dict[str, int]) -> list[str]:
    """``stream`` with one group whose consumers each read (and leave pending) the given number of entries."""
    ids = [await client.xadd(stream, {"n": str(i)}) for i in range(sum(readers.values()))]
    await client.xgroup_create(stream, "g", id="0")
    for name, count in readers.items():
        if count:
            await client.xreadgroup("g", name, {stream: ">"}, count=count)
        else:
            await client.xgroup_createconsumer(stream, "g", name)
    return ids


async def _consumers(client, stream: str) -> dict[str, int]:
    return {c["name"]: c["pending"] for c in await client.xinfo_consumers(stream, "g")}


async def test_idle_consumers_leave_the_group_and_one_holding_entries_stays(client, key_prefix):
    stream = f"{key_prefix}s"
    await _stream_read_by(client, stream, {"stopped-1": 0, "stopped-2": 0, "busy": 2, "other": 0})
    assert await retire_idle_consumers(client, [stream, f"{key_prefix}no-such-stream"],
                                       only={"stopped-1", "stopped-2", "busy"}) == 2
    assert await _consumers(client, stream) == {"busy": 2, "other": 0}  # holding entries, or not named
    assert await retire_idle_consumers(client, [stream]) == 1
    assert await _consumers(client, stream) == {"busy": 2}


async def test_entries_a_stopped_run_held_are_reclaimable_at_once_and_nothing_is_dropped(client, key_prefix):
    """Before: a run stopped with entries read and not acknowledged; the next run's reclaim took them only
    after claim_idle_ms (30 s by default), so some alerts arrived that much later."""
    stream = f"{key_prefix}s"
    ids = await _stream_read_by(client, stream, {"old-run": 3, "older-run": 1204})
    assert await hand_over_pending(client, [stream], idle_ms=30_000) == 1207
    claimed, cursor = [], "0-0"
    while True:  # what the new run's reclaim (XAUTOCLAIM, min idle 30 s) gets right away
        cursor, page, *_ = await client.xautoclaim(stream, "g", "new-run", min_idle_time=30_000,
                                                   start_id=cursor, count=500)
        claimed += [entry_id for entry_id, _ in page]
        if cursor == "0-0":
            break
    assert sorted(claimed) == sorted(ids)
    assert await _consumers(client, stream) == {"old-run": 0, "older-run": 0, "new-run": 1207}


async def test_the_consumers_of_a_killed_run_leave_the_groups_once_what_they_held_is_handed_over(client, key_prefix):
    """Before: what a killed run held stayed with its consumers, so they were not retired at the next start and
    `pledgewatch status` counted them among the live ones for as long as that run lasted."""
    stream = f"{key_prefix}s"
    ids = await _stream_read_by(client, stream, {"killed-run": 3, "killed-run-w2": 2})
    assert await hand_over_pending(client, [stream], idle_ms=30_000, to="new-run") == 5
    assert await retire_idle_consumers(client, [stream]) == 2
    assert await _consumers(client, stream) == {"new-run": 5}  # nothing dropped from the group
    cursor, page, *_ = await client.xautoclaim(stream, "g", "new-run-w2", min_idle_time=30_000, start_id="0-0")
    assert sorted(entry_id for entry_id, _ in page) == sorted(ids)  # and reclaimable at once, by any consumer


async def test_a_service_started_alone_takes_its_consumer_out_of_its_group_when_it_stops_cleanly(client, settings):
    """Before: only `pledgewatch run` tidied the groups, so each replica of a separate service (a container
    recreated, scaled down) stayed listed in its group and `pledgewatch status` counted it as a consumer."""
    stream = settings.key("releases")
    app = build_app([ClassifierService(settings)], settings, title="pledgewatch classifier")
    await app.start()
    try:
        for _ in range(200):  # until its first read has made it a consumer of the group
            if settings.consumer in {c["name"] for c in await _group_consumers(client, stream, "classifier")}:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the classifier never read")
    finally:
        await app.stop()
    assert settings.consumer not in {c["name"] for c in await _group_consumers(client, stream, "classifier")}


async def _group_consumers(client, stream: str, group: str) -> list[dict]:
    try:
        return await client.xinfo_consumers(stream, group)
    except ResponseError:  # no stream or group yet
        return []


async def test_a_stopping_process_leaves_only_the_groups_it_was_given(client, key_prefix):
    stream = f"{key_prefix}s"
    await _stream_read_by(client, stream, {"me": 0, "other": 1})
    await client.xgroup_create(stream, "g2", id="0")
    await client.xgroup_createconsumer(stream, "g2", "me")  # the same name in a group another service reads
    assert await leave_groups(client, [(stream, "g"), (f"{key_prefix}no-such-stream", "g")], "me") == 1
    assert await _consumers(client, stream) == {"other": 1}
    assert [c["name"] for c in await client.xinfo_consumers(stream, "g2")] == ["me"]


@pytest.mark.parametrize(("held", "told"), [(1, "1 entry a stopped run had read but not finished: handed over"),
                                            (3, "3 entries a stopped run had read but not finished: handed over")])
async def test_what_is_handed_over_is_told_in_one_line_in_good_grammar(client, key_prefix, caplog, held, told):
    """Before: "1 entries a stopped run had read"."""
    stream = f"{key_prefix}s"
    await _stream_read_by(client, stream, {"old-run": held})
    with caplog.at_level(logging.INFO, logger="services.common.consumer_names"):
        await hand_over_pending(client, [stream], idle_ms=30_000)
    assert [r.getMessage() for r in caplog.records] == [f"{told} to this run"]


@pytest.mark.parametrize("starting", [True, False])
async def test_a_run_on_its_embedded_redis_leaves_the_groups_of_other_services_alone(client, settings, starting):
    """Before: a run starting (or stopping) on its embedded Redis took every group's pending entries and idle
    consumers, a consumer's own group included (docs/CONTRACTS.md: "your own group"): its entries read and not
    yet acknowledged went to the run's consumer, so it never read them again with `0`, and they held back trimming
    for good."""
    from pledgewatch.runner import _tidy_groups
    from pledgewatch.workers import worker_consumer
    from schemas.streams import ALERTS, CLASSIFIER_GROUP, RELEASES

    releases, alerts = settings.key(RELEASES), settings.key(ALERTS)
    await client.xadd(releases, {"n": "1"})
    await client.xgroup_create(releases, CLASSIFIER_GROUP, id="0")
    await client.xreadgroup(CLASSIFIER_GROUP, "stopped-run", {releases: ">"})
    for stream in (releases, alerts):  # another service's group, on a stream pledgewatch reads and on one it does not
        await client.xadd(stream, {"n": "2"})
        await client.xgroup_create(stream, "theirs", id="0")
        await client.xreadgroup("theirs", "their-reader", {stream: ">"}, count=1)
        await client.xgroup_createconsumer(stream, "theirs", "their-idle-reader")

    await _tidy_groups(settings, starting=starting, embedded=True)

    for stream in (releases, alerts):
        assert {c["name"]: c["pending"] for c in await client.xinfo_consumers(stream, "theirs")} == {
            "their-reader": 1, "their-idle-reader": 0}
    ours = {c["name"]: c["pending"] for c in await client.xinfo_consumers(releases, CLASSIFIER_GROUP)}
    assert ours == ({worker_consumer(settings.consumer, 1): 1} if starting else {"stopped-run": 1})


async def test_a_stop_on_a_redis_that_answers_nothing_gives_up_its_tidying_at_its_bound(settings, tmp_path, caplog):
    """Before: taking the consumer out of its groups and the version record out each waited out the command
    timeout (5 s) on a frozen Redis, so a notifier took 15 s to stop and `docker compose stop` (10 s) killed it."""
    frozen = EmbeddedRedis(tmp_path / "frozen")
    url = frozen.start()
    try:
        app = build_app([ClassifierService(settings.model_copy(update={"redis_url": url}))],
                        settings.model_copy(update={"redis_url": url}), title="test")
        await app.start()
        os.kill(frozen.pid, signal.SIGSTOP)
        try:
            with caplog.at_level(logging.WARNING):
                await app.stop()
        finally:
            os.kill(frozen.pid, signal.SIGCONT)
    finally:
        frozen.stop()
    told = [r.getMessage() for r in caplog.records if "could not" in r.getMessage()]
    assert any(m.startswith(f"could not take consumer {settings.consumer} out of the groups: Redis did not answer "
                            f"within {TIDY_SECONDS:g} s") for m in told), told
    assert any(m.startswith(f"could not take the version record of {settings.consumer} out: Redis did not answer "
                            f"within {TIDY_SECONDS:g} s") for m in told), told


async def test_consumers_idle_past_the_bound_and_holding_nothing_are_retired_and_the_live_ones_kept(
        client, key_prefix):
    """Before: a process killed (kill -9) left its consumer name in every group it read; its pending entries were
    reclaimed by the others, but the name stayed for ever, and each crash added one. A live process is told by its
    version record (written every 15 s on Redis's clock), not by the group's idle time: Redis before 7.2 counts a
    consumer idle from the last entry it was given, however often it reads an empty stream."""
    stream, other, versions = f"{key_prefix}s", f"{key_prefix}t", f"{key_prefix}versions"
    await _stream_read_by(client, stream, {"killed": 0, "holding": 1, "alive": 0, "reading": 0})
    await client.xack(other, "g", *await _stream_read_by(client, other, {"killed": 1}))  # it finished its read
    (now, _) = await client.time()
    await client.hset(versions, mapping={
        "killed": json.dumps({"release": "0.1.0", "schema": 2, "pid": 1, "at": now - 120}),  # its last, 2 min ago
        "alive": json.dumps({"release": "0.1.0", "schema": 2, "pid": 2, "at": now - 5})})
    await asyncio.sleep(0.3)
    await client.xadd(stream, {"n": "new"})
    await client.xreadgroup("g", "reading", {stream: ">"}, count=1)  # given an entry just now
    await client.xack(stream, "g", *[p["message_id"] for p in await client.xpending_range(
        stream, "g", "-", "+", 10, consumername="reading")])
    streams = [stream, other, f"{key_prefix}no-such-stream"]
    assert await retire_stale_consumers(client, streams, versions=versions, idle_ms=200) == 2
    assert await _consumers(client, stream) == {"holding": 1, "alive": 0, "reading": 0}
    assert await _consumers(client, other) == {}
    assert await retire_stale_consumers(client, [stream], versions=versions, idle_ms=60_000) == 0


async def test_the_trimmer_retires_a_killed_processs_consumer_once_its_entries_are_reclaimed(settings, key_prefix,
                                                                                          client):
    stream = settings.key("releases")
    await _stream_read_by(client, stream, {"killed": 1, "alive": 0})
    await asyncio.sleep(0.3)
    (entry,) = [p["message_id"] for p in await client.xpending_range(stream, "g", "-", "+", 10)]
    await client.xclaim(stream, "g", "alive", min_idle_time=0, message_ids=[entry])  # as XAUTOCLAIM takes it
    trimmer = StreamTrimmer(Runtime(settings, source="/test/trimmer"), consumer_idle_ms=200)
    await trimmer.runtime.open()
    try:
        await trimmer.trim_once()
    finally:
        await trimmer.runtime.close()
    assert await _consumers(client, stream) == {"alive": 1}
