"""A backfill that cannot read its search pages says, in words, which host failed how, what was done and what
to do: against real loopback servers, a closed port and a name that cannot resolve (``.invalid``, RFC 6761,
fails without any network)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from services.ingest.backfill import Backfill
from services.ingest.errors import SourceError
from services.ingest.readers import Reader
from services.ingest.search import SearchQuery

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def stopped_words(fetcher, streams, govuk_url: str) -> str:
    job = Backfill(streams, Reader(fetcher, govuk_url=govuk_url), SearchQuery(page_size=40), source="s",
                   page_retries=0)
    with pytest.raises(SourceError) as failure:
        await job.run()
    return job.stopped_text(failure.value)


async def test_a_refused_connection_is_named_with_its_host_and_port(fetcher, streams):
    port = closed_port()
    words = await stopped_words(fetcher, streams, f"http://127.0.0.1:{port}")
    assert words == (f"backfill: 127.0.0.1:{port} refused the connection (is the server running there?): "
                     "nothing was ingested yet; run the same command again to resume")


async def test_a_server_error_is_named_with_its_status(govuk, fetcher, streams):
    govuk.put("/api/search.json", {"error": "broken"}, status=500)
    words = await stopped_words(fetcher, streams, govuk.base)
    assert words.startswith("backfill: 127.0.0.1 answered HTTP 500 Internal Server Error: nothing was ingested yet")
    assert "search.json" not in words


async def test_a_host_that_does_not_resolve_is_told_as_such(fetcher, streams):
    words = await stopped_words(fetcher, streams, "http://govuk.invalid")
    assert words.startswith("backfill: cannot resolve govuk.invalid (no network or DNS?): ")


async def test_a_backfill_stopped_part_way_says_how_far_it_got(govuk, fetcher, streams):
    govuk.load_items(100)
    job = Backfill(streams, Reader(fetcher, govuk_url=govuk.base), SearchQuery(page_size=40), source="s",
                   page_retries=0)
    pages = 0
    original = job._page

    async def page_then_fail(start: int):
        nonlocal pages
        pages += 1
        if pages == 2:
            govuk.put("/api/search.json", {"error": "broken"}, status=503)
        return await original(start)

    job._page = page_then_fail
    with pytest.raises(SourceError) as failure:
        await job.run()
    words = job.stopped_text(failure.value)
    assert words == ("backfill: 127.0.0.1 answered HTTP 503 Service Unavailable: nothing was ingested after result "
                     "40 of 90 (this run: 40 published, 0 unchanged, 0 failed); run the same command again to resume")


async def test_the_command_without_network_names_the_host_and_what_to_do(settings):
    env = {**os.environ, "REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix,
           "PLEDGEWATCH_GOVUK_URL": "https://www.gov.invalid", "PLEDGEWATCH_HOME": str(settings.data_dir)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pledgewatch.cli", "ingest", "--backfill", "--no-progress", "--organisation",
        "home-office", "--from", "2026-12-01", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    *retries, last = err.decode().strip().splitlines()
    assert proc.returncode == 1
    assert retries[0].endswith("backfill govuk-backfill: page at 0 failed (retry in 1 s): cannot resolve "
                               "www.gov.invalid (no network or DNS?)")  # not the page's whole URL either
    assert last == ("error: backfill: cannot resolve www.gov.invalid (no network or DNS?): nothing was ingested "
                    "yet; run the same command again to resume")
