"""A Redis outage is told, not shouted: one WARNING per consumer naming its stream, group and the reason, no
traceback each round, a line when Redis answers again; and consuming goes on after it."""

import asyncio
import logging

import pytest
import redis.asyncio as aioredis
from faststream.redis import RedisBroker

from schemas import ReleasePublishedEvent
from schemas.streams import EVENT_FIELD, RELEASES
from services.common.consumer import StreamConsumer
from services.common.embedded_redis import EmbeddedRedis, free_port
from services.common.streams import Streams
from services.common.wire import CloudEventJSONFormat

from .test_stream_consumer import _release_json, _true, _wait_for

pytestmark = pytest.mark.integration

GROUP = "outage-group"


async def test_an_outage_is_one_warning_per_consumer_without_tracebacks_and_consuming_resumes(
        settings, tmp_path, caplog):
    port = free_port()
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False, port=port)
    await server.start_from_loop()
    url = f"redis://127.0.0.1:{port}/0"
    client = aioredis.Redis.from_url(url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    handled = []

    async def handler(event, entry):
        handled.append(event.data.release_id)
        await streams.commit(entry)

    broker = RedisBroker(url, message_format=CloudEventJSONFormat, logger=logging.getLogger("test.faststream"))
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1",
                   expect=(ReleasePublishedEvent,), handler=handler,
                   claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries).attach(broker, title="t")
    await broker.start()
    try:
        caplog.set_level(logging.INFO)
        caplog.clear()
        await asyncio.to_thread(server.kill)
        await asyncio.sleep(3.5)  # several rounds of failed reads
        during = list(caplog.records)
        await server.start_from_loop()
        await client.xgroup_create(stream, GROUP, id="0", mkstream=True)  # no AOF: as it was, empty
        await client.xadd(stream, {EVENT_FIELD: _release_json("after")})
        await _wait_for(lambda: _true(handled == ["after"]), timeout=20)
        await _wait_for(lambda: _true(any("answers again" in r.getMessage() for r in caplog.records)), timeout=20)
    finally:
        await broker.stop()
        await client.aclose()
        server.stop()

    warnings = [r for r in during if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].levelname == "WARNING"
    assert stream in warnings[0].getMessage() and GROUP in warnings[0].getMessage()
    assert "Redis unavailable" in warnings[0].getMessage()
    assert not [r for r in during if r.exc_info and r.levelno >= logging.INFO]


async def test_the_scheduler_lease_tells_an_outage_once_not_at_every_renewal(tmp_path, caplog):
    from services.notifier.leader import LeaderLock

    server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    client = aioredis.Redis.from_url(await server.start_from_loop())
    lock = LeaderLock(client, "outage-test:leader", ttl=0.6)

    async def nothing() -> None:
        pass

    leading = asyncio.create_task(lock.run(on_elected=nothing, on_deposed=nothing, on_tick=nothing))
    try:
        await _wait_for(lambda: _true(lock.is_leader))
        caplog.set_level(logging.INFO)
        caplog.clear()
        await asyncio.to_thread(server.kill)
        await asyncio.sleep(2.0)  # ten renewals
    finally:
        leading.cancel()
        await asyncio.gather(leading, return_exceptions=True)
        await client.aclose()
        server.stop()
    about_the_lease = [r for r in caplog.records if "leader lock" in r.getMessage()]
    assert len(about_the_lease) == 1 and "Redis unavailable" in about_the_lease[0].getMessage(), \
        [r.getMessage() for r in about_the_lease]
