"""Fixtures of the common tier: the test's streams on a real Redis."""

import pytest
import redis.asyncio as aioredis

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.common.streams import Streams

STREAM_CAP = 10  # small, so that trimming shows


@pytest.fixture
async def streams(settings):
    """The test's streams (its own key prefix), capped at :data:`STREAM_CAP` entries when trimmed."""
    client = aioredis.Redis.from_url(settings.redis_url)
    yield Streams(client, prefix=settings.prefix, maxlen=STREAM_CAP, source="/test")
    await client.aclose()


@pytest.fixture
async def whole_api(settings):
    """The address of an HttpServer serving the routes of ingest, the notifier and the ledger, as `pledgewatch run`
    serves them."""
    from services.ingest.service import IngestService
    from services.ledger.service import LedgerService
    from services.notifier.service import NotifierService

    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    services = [IngestService(settings, watch=[], sources=[]), NotifierService(settings), LedgerService(settings)]
    for service in services:
        await service.start()
        http.add_routes(service.routes())
    await http.start()
    yield f"http://127.0.0.1:{http.port}"
    await http.stop()
    for service in services:
        await service.stop()
