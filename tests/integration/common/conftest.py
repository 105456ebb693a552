"""Fixtures of the common tier: the test's streams on a real Redis."""

import pytest
import redis.asyncio as aioredis

from services.common.streams import Streams

STREAM_CAP = 10  # small, so that trimming shows


@pytest.fixture
async def streams(settings):
    """The test's streams (its own key prefix), capped at :data:`STREAM_CAP` entries when trimmed."""
    client = aioredis.Redis.from_url(settings.redis_url)
    yield Streams(client, prefix=settings.prefix, maxlen=STREAM_CAP, source="/test")
    await client.aclose()
