"""Reliable consumption against a real Redis: acks, reclaim, dead letters."""

import asyncio
import json
import logging

import pytest
import redis.asyncio as aioredis
from faststream.redis import RedisBroker

from schemas import ReleasePublishedEvent, decode_event
from schemas.streams import DEAD_LETTERS, EVENT_FIELD, RELEASES
from services.common.consumer import StreamConsumer, reclaim_poll_ms
from services.common.streams import Streams, as_text
from services.common.wire import CloudEventJSONFormat

pytestmark = pytest.mark.integration

GROUP = "test-group"


def _release_json(release_id="rel-1", schemaversion=1):
    return json.dumps({
        "specversion": "1.0", "id": f"{release_id}/v1", "source": "/test", "type": "pledgewatch.release.published",
        "schemaversion": schemaversion, "time": "2017-11-29T10:00:00Z",
        "data": {"release_id": release_id, "version": 1, "url": "https://example.org/r", "title": "T",
                 "published_at": "2017-11-29T00:00:00+00:00", "source": "test", "body": "We will act.",
                 "content_hash": "sha256:" + "0" * 64},
    })


async def _wait_for(predicate, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def harness(settings):
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    handled: list[str] = []
    failing: set[str] = set()

    async def handler(event, entry):
        if event.data.release_id in failing:
            raise RuntimeError(f"cannot handle {event.data.release_id}")
        handled.append(event.data.release_id)
        await streams.commit(entry)

    brokers = []

    async def start_consumer(name):
        broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
        StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer=name,
                       expect=(ReleasePublishedEvent,), handler=handler,
                       claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries,
                       ).attach(broker, title="test")
        await broker.start()
        brokers.append(broker)
        return broker

    yield streams, stream, handled, failing, start_consumer
    for broker in brokers:
        await broker.stop()
    await client.aclose()


async def _dead_letters(streams):
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [decode_event(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


async def test_valid_entry_is_handled_and_acknowledged(harness):
    streams, stream, handled, _, start = harness
    await start("c1")
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json()})

    async def acknowledged():  # the handler acknowledges after it records the entry: wait for both
        return (await streams.client.xpending(stream, GROUP))["pending"] == 0

    await _wait_for(lambda: _true(handled == ["rel-1"]))
    await _wait_for(acknowledged)
    assert handled == ["rel-1"]


async def _true(value):
    return value


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param({"other": "x"}, "no __data__ field (fields: other)", id="no-event-field"),
        pytest.param({EVENT_FIELD: "{oops"}, "not JSON", id="malformed-json"),
        pytest.param({EVENT_FIELD: _release_json(schemaversion=9)},
                     "unknown schema version 9 for pledgewatch.release.published", id="unknown-version"),
        pytest.param({EVENT_FIELD: b"\xff\xfe"}, "not JSON", id="not-utf8"),
    ],
)
async def test_bad_entry_goes_to_dead_letters_and_consumption_goes_on(harness, fields, reason):
    streams, stream, handled, _, start = harness
    await start("c1")
    bad_id = (await streams.client.xadd(stream, fields)).decode()
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-after")})
    await _wait_for(lambda: _true(handled == ["rel-after"]))
    letters = await _dead_letters(streams)
    assert len(letters) == 1
    assert letters[0].entry_id == bad_id and letters[0].group == GROUP and letters[0].stream == stream
    assert reason in letters[0].reason
    assert set(letters[0].payload) == {k.decode() if isinstance(k, bytes) else k for k in fields}
    assert (await streams.client.xpending(stream, GROUP))["pending"] == 0


async def test_entry_left_pending_by_a_dead_consumer_is_reclaimed(harness):
    streams, stream, handled, _, start = harness
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-orphan")})
    # A consumer that read the entry and died before acknowledging it.
    await streams.client.xreadgroup(GROUP, "dead-consumer", {stream: ">"}, count=1)
    await start("survivor")
    await _wait_for(lambda: _true(handled == ["rel-orphan"]))
    assert (await streams.client.xpending(stream, GROUP))["pending"] == 0


async def test_poison_entry_is_dead_lettered_after_max_deliveries_with_the_last_error(harness, settings):
    streams, stream, handled, failing, start = harness
    failing.add("rel-poison")
    await start("c1")
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-poison")})
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-fine")})

    async def dead_lettered():
        return len(await _dead_letters(streams)) == 1

    await _wait_for(dead_lettered, timeout=30)
    letter = (await _dead_letters(streams))[0]
    assert letter.deliveries == settings.max_deliveries + 1
    assert "last error: RuntimeError: cannot handle rel-poison" in letter.reason
    assert handled == ["rel-fine"]
    assert (await streams.client.xpending(stream, GROUP))["pending"] == 0


async def test_an_entry_redis_refuses_to_take_is_not_dead_lettered_and_goes_through_once_redis_has_room(settings):
    """Before: Redis at its maxmemory (noeviction) refuses the handler's writes but not reads nor XAUTOCLAIM, so each
    reclaim counted as a delivery and every entry in flight was dead-lettered once the refusal had lasted
    max_deliveries reclaims, to be replayed by hand."""
    from redis.exceptions import OutOfMemoryError

    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    full, calls, handled = True, [], []

    async def handler(event, entry):
        calls.append(event.data.release_id)
        if full:
            raise OutOfMemoryError("command not allowed when used memory > 'maxmemory'.")
        handled.append(event.data.release_id)
        await streams.commit(entry)

    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1", expect=(ReleasePublishedEvent,),
                   handler=handler, claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries,
                   ).attach(broker, title="test")
    await broker.start()
    try:
        await client.xadd(stream, {EVENT_FIELD: _release_json("rel-refused")})

        async def past_its_deliveries_or_dead_lettered():
            return len(calls) > settings.max_deliveries + 1 or bool(await _dead_letters(streams))

        await _wait_for(past_its_deliveries_or_dead_lettered, timeout=30)
        assert await _dead_letters(streams) == []
        full = False

        async def went_through():
            return handled == ["rel-refused"]

        await _wait_for(went_through, timeout=30)
        assert (await client.xpending(stream, GROUP))["pending"] == 0 and await _dead_letters(streams) == []
    finally:
        await broker.stop()
        await client.aclose()


async def test_a_consumer_takes_a_bounded_batch_of_a_backlog(settings):
    """A backlog is read in bounded batches: an entry never waits in this consumer's pending list long
    enough to be reclaimed while its first delivery is still queued behind thousands of others."""
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=10_000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    for n in range(300):
        last = await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})
    most_pending = 0

    async def handler(event, entry):
        nonlocal most_pending
        most_pending = max(most_pending, (await client.xpending(stream, GROUP))["pending"])
        await streams.commit(entry)

    await _read_to_the_end(settings, client, streams, stream, last, handler, claim_idle_ms=settings.claim_idle_ms)
    assert 0 < most_pending <= 64  # PLEDGEWATCH_READ_COUNT, the default



async def _read_to_the_end(settings, client, streams, stream, last_id, handler, *, claim_idle_ms):
    """One consumer "c1" of GROUP handles ``stream`` with ``handler`` until every entry up to ``last_id`` is read
    and acknowledged; the broker is stopped and ``client`` closed after."""
    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1", expect=(ReleasePublishedEvent,),
                   handler=handler, claim_idle_ms=claim_idle_ms, max_deliveries=settings.max_deliveries,
                   ).attach(broker, title="test")
    await broker.start()
    try:
        await _wait_for(lambda: _all_read_and_acknowledged(client, stream, last_id), timeout=30)
    finally:
        await broker.stop()
        await client.aclose()


async def _all_read_and_acknowledged(client, stream, last_id):
    [group] = await client.xinfo_groups(stream)
    return group["pending"] == 0 and group["last-delivered-id"] == last_id


async def test_a_batch_that_fails_is_handled_entry_by_entry_and_only_the_failing_one_stays_pending(settings):
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    batches, one_by_one = [], []

    async def handle_batch(items):
        batches.append([event.data.release_id for event, _ in items])
        raise RuntimeError("one of them cannot be handled")

    async def handle_one(event, entry):
        if event.data.release_id == "rel-bad":
            raise RuntimeError("cannot handle rel-bad")
        one_by_one.append(event.data.release_id)
        await streams.commit(entry)

    for release_id in ("rel-1", "rel-bad", "rel-2"):
        await client.xadd(stream, {EVENT_FIELD: _release_json(release_id)})
    await client.xadd(stream, {EVENT_FIELD: b"\xff not an event"})
    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1",
                   expect=(ReleasePublishedEvent,), handler=handle_one, batch_handler=handle_batch,
                   claim_idle_ms=60_000, max_deliveries=settings.max_deliveries).attach(broker, title="test")
    await broker.start()
    try:
        async def settled():
            return (await client.xpending(stream, GROUP))["pending"] == 1 and len(one_by_one) == 2
        await _wait_for(settled)
        assert batches == [["rel-1", "rel-bad", "rel-2"]]  # the undecodable entry never reached the handlers
        assert one_by_one == ["rel-1", "rel-2"]
        (letter,) = await _dead_letters(streams)
        assert letter.reason.startswith("not JSON")
        assert b"rel-bad" in await _the_one_pending_event(client, stream)
    finally:
        await broker.stop()
        await client.aclose()


async def _the_one_pending_event(client, stream):
    (pending,) = await client.xpending_range(stream, GROUP, min="-", max="+", count=10)
    fields = (await client.xrange(stream, pending["message_id"], pending["message_id"]))[0][1]
    return fields[EVENT_FIELD.encode()]


async def test_a_read_reaches_its_handler_without_a_hop_to_a_worker_thread(harness):
    """The framework resolves a handler's message parameter in a worker thread: the consumer's handlers take
    the read as their body instead, so a read costs no thread hop (no worker thread is ever started)."""
    import threading

    streams, stream, handled, _, start = harness
    await start("c1")
    before = {t.ident for t in threading.enumerate()}
    for n in range(3):
        await streams.client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})

    async def all_handled():
        return len(handled) == 3

    await _wait_for(all_handled)
    assert [t.name for t in threading.enumerate() if t.ident not in before] == []


async def test_a_group_that_disappears_is_recreated_with_one_warning_and_nothing_published_meanwhile_is_missed(
        harness, caplog):
    """A Redis restarted without persistence, a FLUSHALL or a failover to an empty replica loses the groups:
    the consumer creates its group again, from the start of the stream, and goes on."""
    streams, stream, handled, _, start = harness
    broker = await start("c1")
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-1")})
    await _wait_for(lambda: _true(handled == ["rel-1"]))
    caplog.clear()
    async with streams.client.pipeline(transaction=True) as pipe:  # the stream and its group gone, one entry since
        pipe.delete(stream)
        pipe.xadd(stream, {EVENT_FIELD: _release_json("rel-2")})
        await pipe.execute()

    await _wait_for(lambda: _true(handled == ["rel-1", "rel-2"]))
    await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-3")})
    await _wait_for(lambda: _true(handled == ["rel-1", "rel-2", "rel-3"]))
    assert all(subscriber.running for subscriber in broker.subscribers)
    recreated = [r for r in caplog.records if "recreated" in r.getMessage()]
    assert len(recreated) == 1 and recreated[0].levelname == "WARNING"
    assert GROUP in recreated[0].getMessage() and stream in recreated[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_read_does_not_copy_the_subscription_settings(harness, monkeypatch):
    """The framework asks for the stream's settings under its prefix at each read and log line, a deep copy
    each time: under no prefix (the stream's name holds ours), the consumer's settings are their own copy."""
    from faststream.redis.schemas import stream_sub

    copies = []
    deepcopy = stream_sub.deepcopy
    monkeypatch.setattr(stream_sub, "deepcopy", lambda x: copies.append(x) or deepcopy(x))
    streams, stream, handled, _, start = harness
    await start("c1")
    for n in range(3):
        await streams.client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})

    async def all_handled():
        return len(handled) == 3

    await _wait_for(all_handled)
    assert copies == []


async def test_a_reclaim_pass_is_told_in_one_warning_with_each_entry_at_debug(harness, caplog):
    """Before: one WARNING "reclaimed <stream> <id> (delivery 2)" per entry: 51 lines after one kill."""
    streams, stream, handled, _, start = harness
    ids = [as_text(await streams.client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})) for n in range(5)]
    await streams.client.xreadgroup(GROUP, "dead-consumer", {stream: ">"}, count=5)  # read, then died
    caplog.set_level(logging.DEBUG, logger="services.common.consumer")
    await start("survivor")

    def told() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "services.common.consumer" and r.levelno >= logging.WARNING]

    await _wait_for(lambda: _true(len(handled) == 5 and told()))
    assert [r.getMessage() for r in told()] == [
        f"reclaimed 5 entries of {stream} for {GROUP} ({ids[0]} to {ids[-1]}, delivery 2), left pending by a "
        "consumer that stopped or stalled"]
    each = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG and "reclaimed" in r.getMessage()]
    assert each == [f"reclaimed {stream} {entry_id} (delivery 2)" for entry_id in ids]


async def test_one_reclaimed_entry_is_told_as_one(harness, caplog):
    streams, stream, handled, _, start = harness
    entry_id = as_text(await streams.client.xadd(stream, {EVENT_FIELD: _release_json("rel-orphan")}))
    await streams.client.xreadgroup(GROUP, "dead-consumer", {stream: ">"}, count=1)
    caplog.set_level(logging.INFO, logger="services.common.consumer")
    await start("survivor")

    def told() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "services.common.consumer"]

    await _wait_for(lambda: _true(handled == ["rel-orphan"] and told()))
    assert told() == [
        f"reclaimed 1 entry of {stream} for {GROUP} ({entry_id}, delivery 2), left pending by a consumer that "
        "stopped or stalled"]


async def test_a_reclaim_pass_is_told_once_when_the_consumer_stops_before_the_quiet_spell_ends(settings, caplog):
    """Before: the WARNING waited for a quiet spell after the last reclaimed entry; a consumer stopped within
    it told nothing at all, and the entries' reclaim was only at DEBUG."""
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    ids = [as_text(await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})) for n in range(3)]
    await client.xreadgroup(GROUP, "dead-consumer", {stream: ">"}, count=3)  # read, then died long ago:
    await client.xclaim(stream, GROUP, "dead-consumer", 0, ids, idle=120_000, justid=True)  # idle, once delivered
    handled: list[str] = []

    async def handler(event, entry):
        handled.append(event.data.release_id)
        await streams.commit(entry)

    # An idle time of a minute: a quiet spell of a second (the longest) before the pass is told.
    caplog.set_level(logging.DEBUG, logger="services.common.consumer")
    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="survivor",
                   expect=(ReleasePublishedEvent,), handler=handler, claim_idle_ms=60_000,
                   max_deliveries=settings.max_deliveries).attach(broker, title="test")

    def told() -> list[str]:
        return [r.getMessage() for r in caplog.records
                if r.name == "services.common.consumer" and r.levelno >= logging.WARNING]

    await broker.start()
    try:
        await _wait_for(lambda: _true(len(handled) == 3))
        await _wait_for(lambda: _pending_is(client, stream, 0))
        assert told() == []  # the quiet spell has not ended
    finally:
        await broker.stop()
    try:
        warning = (f"reclaimed 3 entries of {stream} for {GROUP} ({ids[0]} to {ids[-1]}, delivery 2), left "
                   "pending by a consumer that stopped or stalled")
        assert told() == [warning]
        await asyncio.sleep(reclaim_poll_ms(60_000) / 1000 + 0.2)  # past the quiet spell: its timer is gone
        await broker.stop()
        assert told() == [warning]
    finally:
        await client.aclose()


async def _pending_is(client, stream, count):
    return (await client.xpending(stream, GROUP))["pending"] == count


async def test_entries_that_come_close_together_are_read_several_at_a_time_with_a_linger(settings):
    """A consumer that keeps up reads entries 2 ms apart one at a time; with a linger of 50 ms its reads hold
    several (here, even if a busy machine stretches the 2 ms to 20). An entry after a quiet spell is read at
    once, alone."""
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    reads: list[int] = []

    async def handle_batch(items):
        reads.append(len(items))
        for _, entry in items:
            await streams.commit(entry)

    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1",
                   expect=(ReleasePublishedEvent,), handler=_nothing_to_do, batch_handler=handle_batch,
                   claim_idle_ms=60_000, max_deliveries=settings.max_deliveries, read_linger_ms=50,
                   ).attach(broker, title="test")
    await broker.start()
    try:
        for n in range(100):
            await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})
            await asyncio.sleep(0.002)
        await _wait_for(lambda: _handled(reads, 100))
        assert len(reads) <= 100 / 2, reads
        await asyncio.sleep(0.2)
        del reads[:]
        await client.xadd(stream, {EVENT_FIELD: _release_json("rel-alone")})
        await _wait_for(lambda: _handled(reads, 1))
        assert reads == [1]
    finally:
        await broker.stop()
        await client.aclose()


async def _nothing_to_do(event, entry):
    raise AssertionError("the batch handler takes every read")


async def _handled(reads, count):
    return sum(reads) >= count


async def test_a_live_consumer_slower_than_the_claim_idle_time_keeps_its_read_and_handles_each_entry_once(settings):
    """A read whose handling outlasts ``claim_idle_ms`` is kept by the consumer working through it. Before: a
    single live notifier reading 80 long releases (300 commitments each) had 53 of them reclaimed by its own
    group's reclaim subscriber while its read was still being handled ("reclaimed 53 entries ... left pending
    by a consumer that stopped or stalled"), each handled twice and its delivery count raised: a few more
    such rounds and healthy entries were dead-lettered."""
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    for n in range(8):
        last = await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})
    handled = []

    async def handler(event, entry):
        await asyncio.sleep(0.25)  # 8 entries: 2 s, four times the idle time below
        handled.append(event.data.release_id)
        await streams.commit(entry)

    await _read_to_the_end(settings, client, streams, stream, last, handler, claim_idle_ms=500)
    assert sorted(handled) == [f"rel-{n}" for n in range(8)]  # each once, none reclaimed mid-read


def _read_ahead_consumer(settings, streams, stream, *, batch_handler=None, handler=_nothing_to_do, read_count=2):
    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1",
                   expect=(ReleasePublishedEvent,), handler=handler, batch_handler=batch_handler,
                   claim_idle_ms=60_000, max_deliveries=settings.max_deliveries, read_count=read_count,
                   read_ahead=True).attach(broker, title="test")
    return broker


async def _pending_of(client, stream, consumer="c1"):
    return {c["name"].decode(): c["pending"] for c in await client.xinfo_consumers(stream, GROUP)}.get(consumer, 0)


@pytest.mark.parametrize("batched", [True, False], ids=["batch-handler", "entry-handler"])
async def test_with_read_ahead_the_next_read_is_taken_while_one_is_handled_and_reads_are_handled_in_turn(
        settings, batched):
    """PLEDGEWATCH_READ_AHEAD: while a read is handled, the next is read (its entries pending for the consumer)
    and decoded (a bad entry of it dead-lettered), but handled only once the one before is: in stream order,
    one at a time, no third read taken meanwhile."""
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    released, handled, running = asyncio.Event(), [], []

    async def handle(release_ids, entries):
        running.append(1)
        assert len(running) == 1, "two reads handled at once"
        if not handled:
            await released.wait()
        handled.extend(release_ids)
        for entry in entries:
            await streams.commit(entry)
        running.pop()

    async def handle_batch(items):
        await handle([event.data.release_id for event, _ in items], [entry for _, entry in items])

    async def handle_one(event, entry):
        await handle([event.data.release_id], [entry])

    for n in range(3):
        await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})
    await client.xadd(stream, {EVENT_FIELD: b"\xff not an event"})
    for n in range(3, 6):
        await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})
    broker = _read_ahead_consumer(settings, streams, stream, batch_handler=handle_batch if batched else None,
                                  handler=handle_one)
    await broker.start()
    try:
        async def next_read_taken_and_decoded():  # the first read (2 entries) held, and the next
            return await _pending_of(client, stream) == 3 and len(await _dead_letters(streams)) == 1

        await _wait_for(next_read_taken_and_decoded)
        await asyncio.sleep(0.3)
        assert handled == [] and await _pending_of(client, stream) == 3  # the third read waits for the first
        released.set()
        await _wait_for(lambda: _true(len(handled) == 6))
        await _wait_for(lambda: _none_pending(client, stream))
        assert handled == [f"rel-{n}" for n in range(6)]
    finally:
        await broker.stop()
        await client.aclose()


async def _none_pending(client, stream):
    return (await client.xpending(stream, GROUP))["pending"] == 0


async def test_with_read_ahead_a_failing_read_leaves_its_failing_entry_pending_alone_and_later_reads_go_on(settings):
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    one_by_one = []

    async def handle_batch(items):
        if any(event.data.release_id == "rel-bad" for event, _ in items):
            raise RuntimeError("one of them cannot be handled")
        for event, entry in items:
            one_by_one.append(event.data.release_id)
            await streams.commit(entry)

    async def handle_one(event, entry):
        if event.data.release_id == "rel-bad":
            raise RuntimeError("cannot handle rel-bad")
        one_by_one.append(event.data.release_id)
        await streams.commit(entry)

    for release_id in ("rel-1", "rel-bad", "rel-2", "rel-3", "rel-4"):
        await client.xadd(stream, {EVENT_FIELD: _release_json(release_id)})
    broker = _read_ahead_consumer(settings, streams, stream, batch_handler=handle_batch, handler=handle_one)
    await broker.start()
    try:
        async def settled():
            return (await client.xpending(stream, GROUP))["pending"] == 1 and len(one_by_one) == 4
        await _wait_for(settled)
        assert one_by_one == ["rel-1", "rel-2", "rel-3", "rel-4"]
        assert b"rel-bad" in await _the_one_pending_event(client, stream)
    finally:
        await broker.stop()
        await client.aclose()


async def test_with_read_ahead_a_consumer_stopped_mid_read_ends_the_reads_it_holds_and_leaves_them_pending(settings):
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    started, ended = asyncio.Event(), []

    async def handle_batch(items):
        started.set()
        try:
            await asyncio.sleep(60)
        finally:
            ended.append(len(items))

    for n in range(4):
        await client.xadd(stream, {EVENT_FIELD: _release_json(f"rel-{n}")})
    broker = _read_ahead_consumer(settings, streams, stream, batch_handler=handle_batch)
    await broker.start()
    try:
        await asyncio.wait_for(started.wait(), 10)
        await _wait_for(lambda: _four_pending(client, stream))
        await broker.stop()
        assert ended == [2]  # the read handled was cancelled; the one waiting its turn never handled
        assert not [t for t in asyncio.all_tasks() if "handles a read" in t.get_name()]
        assert (await client.xpending(stream, GROUP))["pending"] == 4
    finally:
        await client.aclose()


async def _four_pending(client, stream):
    return await _pending_of(client, stream) == 4
