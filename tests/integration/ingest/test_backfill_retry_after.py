"""A backfill's search page answered 429 or 503 with Retry-After waits as long as asked before it asks again,
within PLEDGEWATCH_MAX_BACKOFF; asked for longer, it stops at once saying when to resume. Real loopback server."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from services.ingest.backfill import Backfill
from services.ingest.errors import FetchError
from services.ingest.readers import Reader
from services.ingest.search import SearchQuery

pytestmark = pytest.mark.integration

SEARCH = "/api/search.json"


def backfill(govuk, fetcher, streams, *, max_wait: float = 60.0) -> Backfill:
    return Backfill(streams, Reader(fetcher, govuk_url=govuk.base), SearchQuery(page_size=40), source="s",
                    page_retries=2, retry_delay=0.01, max_wait=max_wait)


@pytest.mark.parametrize("status", [429, 503])
async def test_a_search_page_asking_to_retry_after_a_while_is_asked_again_only_then(govuk, fetcher, streams, caplog,
                                                                                     status):
    govuk.load_items(3)
    govuk.put(SEARCH, {"error": "slow down"}, status=status, headers={"Retry-After": "1"}, times=1)
    job = backfill(govuk, fetcher, streams)
    loop = asyncio.get_running_loop()
    began = loop.time()
    with caplog.at_level(logging.WARNING, logger="services.ingest.backfill"):
        report = await job.run()
    assert loop.time() - began >= 1.0  # the retry's own delay is 0.01 s
    assert report.published == 3 and govuk.hits[SEARCH] == 2
    [line] = [r.getMessage() for r in caplog.records if "page at 0 failed" in r.getMessage()]
    assert "retry in 1 s, as its Retry-After asks" in line


async def test_a_retry_after_date_is_waited_for_too(govuk, fetcher, streams, caplog):
    govuk.load_items(1)
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=2), usegmt=True)
    govuk.put(SEARCH, {"error": "slow down"}, status=429, headers={"Retry-After": when}, times=1)
    with caplog.at_level(logging.WARNING, logger="services.ingest.backfill"):
        report = await backfill(govuk, fetcher, streams).run()
    assert report.published == 1
    [line] = [r.getMessage() for r in caplog.records if "page at 0 failed" in r.getMessage()]
    assert "as its Retry-After asks" in line and "retry in 0 s" not in line


async def test_a_backfill_asked_to_wait_longer_than_it_may_stops_at_once_saying_when_to_resume(govuk, fetcher,
                                                                                              streams):
    govuk.load_items(3)
    govuk.put(SEARCH, {"error": "come back tomorrow"}, status=429, headers={"Retry-After": "7200"})
    job = backfill(govuk, fetcher, streams, max_wait=60.0)
    with pytest.raises(FetchError) as failure:
        await job.run()
    assert govuk.hits[SEARCH] == 1  # not asked again before its time
    assert job.stopped_text(failure.value) == (
        "backfill: 127.0.0.1 answered HTTP 429 Too Many Requests and asks for no request for 7200 s, longer than "
        "a backfill waits (PLEDGEWATCH_MAX_BACKOFF, 60 s): nothing was ingested yet; run the same command again "
        "after that to resume")
