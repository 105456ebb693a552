"""A consumer's reads end before its subscribers' stop returns. The broker closes its connection pool once every
subscriber has stopped: a read still under way then (cancelled, not yet ended) could open a connection of that
pool again, one nothing closes (seen as a connected redis-py ``Connection`` garbage-collected later)."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from faststream.redis import RedisBroker

from schemas import ReleasePublishedEvent
from schemas.streams import RELEASES
from services.common.consumer import StreamConsumer
from services.common.streams import Streams
from services.common.wire import CloudEventJSONFormat

pytestmark = pytest.mark.integration

GROUP = "test-group"


async def _nothing_to_do(event, entry):
    pass


@pytest.mark.parametrize("read_ahead", [False, True], ids=["reads", "reads-ahead"])
async def test_no_read_of_a_consumer_outlives_its_subscribers_stop(settings, read_ahead):
    client = aioredis.Redis.from_url(settings.redis_url)
    streams = Streams(client, prefix=settings.prefix, maxlen=1000, source="/test")
    stream = streams.key(RELEASES)
    await streams.ensure_group(stream, GROUP)
    broker = RedisBroker(settings.redis_url, message_format=CloudEventJSONFormat)
    StreamConsumer(streams=lambda: streams, stream=stream, group=GROUP, consumer="c1", expect=(ReleasePublishedEvent,),
                   handler=_nothing_to_do, claim_idle_ms=1000, max_deliveries=settings.max_deliveries,
                   read_ahead=read_ahead).attach(broker, title="test")
    await broker.start()
    try:
        await asyncio.sleep(0.3)  # both readers in their reads (XREADGROUP blocking, XAUTOCLAIM polling)
        reads = [task for subscriber in broker.subscribers for task in subscriber.tasks]
        assert reads and not any(task.done() for task in reads)
        for subscriber in broker.subscribers:
            await subscriber.stop()
        assert [task for task in reads if not task.done()] == []
    finally:
        await broker.stop()
        await client.aclose()
