"""A burst of concurrent Redis work (a thousand reminders due at one second) waits for a free connection
instead of failing with "too many connections"."""

import asyncio

import pytest

from services.common.runtime import Runtime

pytestmark = pytest.mark.integration


async def test_more_concurrent_commands_than_connections_wait_their_turn(settings):
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    try:
        key = settings.key("pool-test")
        burst = 3 * settings.redis_max_connections
        # Each BLPOP holds its connection for 0.2 s: the burst needs three rounds of the pool's connections.
        results = await asyncio.wait_for(
            asyncio.gather(*(streams.client.blpop([key], timeout=0.2) for _ in range(burst))), timeout=20)
        assert results == [None] * burst
        assert len(streams.client.connection_pool._in_use_connections) == 0
    finally:
        await runtime.close()
