"""Ingest against real parts: the session's Redis and a fixture GOV.UK on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from schemas import ReleasePublishedEvent
from schemas.streams import EVENT_FIELD, RELEASES
from services.common.service import Runtime
from services.common.settings import Settings
from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.common.streams import Streams
from services.ingest.config import IngestSettings
from services.ingest.fetch import Fetcher
from services.ingest.service import IngestService
from services.ingest.readers import Reader


@pytest.fixture
def ingest_settings(govuk) -> IngestSettings:
    return IngestSettings(govuk_url=govuk.base, fetch_timeout=1.0, max_fetch_bytes=200_000, max_redirects=2,
                          feed_interval=0.2, max_backoff=2.0, sources=None, feeds=[])


@pytest.fixture
async def streams(settings: Settings) -> AsyncIterator[Streams]:
    runtime = Runtime(settings, source="/test")
    yield await runtime.open()
    await runtime.close()


@pytest.fixture
async def fetcher(ingest_settings: IngestSettings) -> AsyncIterator[Fetcher]:
    async with Fetcher.from_settings(ingest_settings) as client:
        yield client


@pytest.fixture
def reader(fetcher: Fetcher, ingest_settings: IngestSettings) -> Reader:
    return Reader(fetcher, govuk_url=ingest_settings.govuk_url)


@pytest.fixture
def published(streams: Streams):
    """``await published()``: every release.published on the stream, oldest first."""

    async def read() -> list:
        entries = await streams.client.xrange(streams.key(RELEASES))
        return [ReleasePublishedEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data
                for _, fields in entries]

    return read


@pytest.fixture
async def http_service(settings: Settings, ingest_settings: IngestSettings):
    """An IngestService with its HTTP routes on a free loopback port: ``(service, POST /releases URL)``."""
    service = IngestService(settings, watch=[], ingest=ingest_settings, sources=[])
    await service.start()
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(service.routes())
    await server.start()
    yield service, f"http://127.0.0.1:{server.port}/releases"
    await server.stop()
    await service.stop()


@pytest.fixture
def watch(settings, ingest_settings):
    """``await watch(*folders)``: the ingest service watching ``folders`` until every file in them is read (the
    walk at its start), then stopped, as one `pledgewatch run` after another would."""

    async def run(*folders: Path) -> None:
        service = IngestService(settings, watch=list(folders), ingest=ingest_settings, sources=[])
        await service.start()
        await service.started()
        try:
            await asyncio.wait_for(_walked(service), timeout=10)
            await asyncio.sleep(0.3)  # the files of that walk ingested
        finally:
            await service.stop()

    return run


async def _walked(service: IngestService) -> None:
    while not service.scanner.seen:
        await asyncio.sleep(0.05)
