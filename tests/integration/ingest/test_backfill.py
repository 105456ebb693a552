"""Backfill from the fixture Search API: every result once, resumable, no duplicates."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from services.ingest.backfill import Backfill
from services.ingest.errors import SourceError
from services.ingest.search import SearchQuery

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
ITEMS = 250
PRESS_RELEASES = ITEMS - ITEMS // 10  # every 10th generated item is a news story


@pytest.fixture
async def govuk_items(govuk):
    """The fixture GOV.UK with ``ITEMS`` generated releases behind its Search and Content APIs."""
    govuk.load_items(ITEMS)
    return govuk


async def test_backfill_ingests_every_result_with_progress(govuk_items, reader, streams, published):
    seen: list[tuple[int, int]] = []
    job = Backfill(streams, reader, SearchQuery(page_size=40), source="govuk-backfill", concurrency=8)
    report = await job.run(lambda done, total: seen.append((done, total)))
    assert (report.published, report.unchanged, report.failed, report.total) == (PRESS_RELEASES, 0, 0, PRESS_RELEASES)
    releases = await published()
    assert len(releases) == PRESS_RELEASES == len({r.release_id for r in releases})
    assert {r.document_type for r in releases} == {"press_release"} and {r.source for r in releases} == {"govuk-backfill"}
    assert seen[-1] == (PRESS_RELEASES, PRESS_RELEASES)
    again = await Backfill(streams, reader, SearchQuery(page_size=40), source="govuk-backfill").run()
    assert again.items == 0 and again.resumed_at == PRESS_RELEASES  # already done: nothing re-read


async def test_stopped_backfill_resumes_without_duplicates(govuk_items, reader, streams, published):
    query = SearchQuery(page_size=30)
    job = Backfill(streams, reader, query, source="govuk-backfill", concurrency=4)
    stop_after = asyncio.Event()

    def progress(done: int, total: int) -> None:
        if done >= 100:
            stop_after.set()

    task = asyncio.create_task(job.run(progress))
    await stop_after.wait()
    task.cancel()  # Ctrl+C in the middle of a page
    await asyncio.gather(task, return_exceptions=True)
    before = len(await published())
    assert 90 <= before < PRESS_RELEASES
    report = await Backfill(streams, reader, query, source="govuk-backfill").run()
    assert report.resumed_at == 90 and report.published == PRESS_RELEASES - before
    releases = await published()
    assert len(releases) == PRESS_RELEASES == len({r.release_id for r in releases})


async def test_filters_reach_the_search_api(govuk_items, reader, streams, published):
    query = SearchQuery(document_types=("news_story",), organisations=("home-office",), page_size=10)
    report = await Backfill(streams, reader, query, source="s").run()
    assert report.published == len([i for i in govuk_items.items if i["document_type"] == "news_story"
                                    and i["links"]["organisations"][0]["title"] == "Home Office"])


async def test_failed_items_are_retried_when_the_backfill_runs_again(govuk_items, reader, streams, published):
    broken = govuk_items.items[3]["base_path"]
    govuk_items.put("/api/content" + broken, "oops", status=500)
    query = SearchQuery(page_size=50)
    first = await Backfill(streams, reader, query, source="s").run()
    assert first.failed == 1
    del govuk_items.routes["/api/content" + broken]
    second = await Backfill(streams, reader, query, source="s").run()
    assert (second.published, second.failed) == (1, 0)
    assert len(await published()) == PRESS_RELEASES


async def test_a_backfill_of_another_site_does_not_resume_at_the_first_sites_position(govuk_items, fetcher, streams):
    """Before: the position was saved under the query alone, so the same query against another --govuk-url
    resumed at the first site's page (here: at its end, reading nothing)."""
    from services.ingest.readers import Reader

    query = SearchQuery(page_size=100)
    first = await Backfill(streams, Reader(fetcher, govuk_url=govuk_items.base), query, source="s").run()
    assert first.items == first.total == PRESS_RELEASES
    other = type(govuk_items)(items=0)
    other.load_items(ITEMS // 2)
    await other.start()
    try:
        second = await Backfill(streams, Reader(fetcher, govuk_url=other.base), query, source="s").run()
    finally:
        await other.stop()
    assert second.resumed_at == 0 and second.items == second.total > 0
    again = await Backfill(streams, Reader(fetcher, govuk_url=govuk_items.base), query, source="s").run()
    assert again.resumed_at == PRESS_RELEASES and again.items == 0  # the first site's position is its own still


async def test_backfill_command_prints_its_rate(govuk_items, settings):
    env = {**os.environ, "REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix,
           "PLEDGEWATCH_GOVUK_URL": govuk_items.base, "PLEDGEWATCH_HOME": str(settings.data_dir)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pledgewatch.backfill_cli", "--no-progress", "--page-size", "100", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert f"{PRESS_RELEASES} published, 0 unchanged, 0 failed of {PRESS_RELEASES} results" in out.decode()
    assert "items/s" in out.decode()


async def test_a_failing_search_page_is_retried_with_doubling_delays_then_reported(govuk_items, reader, streams,
                                                                                    caplog):
    govuk_items.put("/api/search.json", {"error": "busy"}, status=503)
    job = Backfill(streams, reader, SearchQuery(page_size=40), source="govuk-backfill", page_retries=2,
                   retry_delay=0.05)
    began = time.monotonic()
    with pytest.raises(SourceError, match="503"):
        await job.run()
    assert govuk_items.hits["/api/search.json"] == 3
    assert time.monotonic() - began >= 0.05 + 0.1  # waited, doubling, between the three attempts
    assert len([r for r in caplog.records if "page at 0 failed (retry in" in r.getMessage()]) == 2
