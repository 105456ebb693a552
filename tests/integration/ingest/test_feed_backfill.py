"""Backfill of paged and archived feeds (RFC 5005) against a real loopback server: every page read once, with
the limits and rules of a poll's fetches; polling itself still reads the first page only."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from services.ingest.config import SourceConfig
from services.ingest.errors import FetchError
from services.ingest.feed_backfill import FeedBackfill
from services.ingest.polling import SourcePoller
from services.ingest.source_state import SourceState

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[3]
ATOM = "application/atom+xml"


def atom(base: str, ids: range, **links: str) -> str:
    """An Atom document of entries ``ids`` (their full text in the feed) linking ``rel=href`` for each of
    ``links`` (``prev_archive`` for ``prev-archive``)."""
    link_tags = "".join(f'<link rel="{rel.replace("_", "-")}" href="{href}"/>' for rel, href in links.items())
    entries = "".join(
        f"<entry><id>urn:release:{i}</id><title>Release {i}</title><link href=\"{base}/news/{i}\"/>"
        f"<updated>2023-05-{i % 28 + 1:02d}T08:00:00Z</updated><content type=\"html\">&lt;p&gt;The department "
        f"will deliver item {i} by 2030. {'Words of the full release. ' * 30}&lt;/p&gt;</content></entry>"
        for i in ids)
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:feed</id>{link_tags}{entries}</feed>'


def poller(govuk, reader, streams) -> SourcePoller:
    config = SourceConfig(name="ministry", url=govuk.base + "/feed.atom", interval=1, follow="none")
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


async def test_an_archived_feed_is_read_back_to_its_oldest_archive(govuk, reader, streams, published):
    govuk.put("/feed.atom", atom(govuk.base, range(5, 7), prev_archive="/archive/2.atom"), ATOM)
    govuk.put("/archive/2.atom", atom(govuk.base, range(3, 5), prev_archive="/archive/1.atom"), ATOM)
    govuk.put("/archive/1.atom", atom(govuk.base, range(1, 3)), ATOM)
    source = poller(govuk, reader, streams)
    report = await FeedBackfill(source, max_pages=10).run(now=NOW)
    assert (report.pages, report.published, report.stopped) == (3, 6, None)
    assert sorted(r.title for r in await published()) == [f"Release {i}" for i in range(1, 7)]
    assert (await source.poll(now=NOW, clock=10.0)).published == 0  # polled after: nothing new


async def test_a_paged_feed_is_read_by_its_next_links(govuk, reader, streams, published):
    govuk.put("/feed.atom", atom(govuk.base, range(3, 5), next=govuk.base + "/feed/page/2.atom"), ATOM)
    govuk.put("/feed/page/2.atom", atom(govuk.base, range(1, 3)), ATOM)
    report = await FeedBackfill(poller(govuk, reader, streams), max_pages=10).run(now=NOW)
    assert (report.pages, report.published) == (2, 4)


async def test_polling_reads_the_first_page_only(govuk, reader, streams, published):
    govuk.put("/feed.atom", atom(govuk.base, range(3, 5), prev_archive="/archive/1.atom"), ATOM)
    govuk.put("/archive/1.atom", atom(govuk.base, range(1, 3)), ATOM)
    assert (await poller(govuk, reader, streams).poll(now=NOW, clock=0.0)).published == 2
    assert govuk.hits["/archive/1.atom"] == 0


async def test_pages_that_lead_back_are_read_once(govuk, reader, streams, published):
    govuk.put("/feed.atom", atom(govuk.base, range(3, 5), prev_archive="/archive/1.atom"), ATOM)
    govuk.put("/archive/1.atom", atom(govuk.base, range(1, 3), prev_archive="/feed.atom"), ATOM)
    report = await FeedBackfill(poller(govuk, reader, streams), max_pages=10).run(now=NOW)
    assert (report.pages, report.published) == (2, 4)
    assert report.stopped == f"{govuk.base}/feed.atom was read already: the feed's pages lead back to it"
    assert govuk.hits["/feed.atom"] == 1


async def test_no_more_than_max_pages_are_read(govuk, reader, streams, published):
    for page in range(1, 6):
        older = {"prev_archive": f"/archive/{page - 1}.atom"} if page > 1 else {}
        govuk.put(f"/archive/{page}.atom", atom(govuk.base, range(page * 10, page * 10 + 1), **older), ATOM)
    govuk.put("/feed.atom", atom(govuk.base, range(100, 101), prev_archive="/archive/5.atom"), ATOM)
    report = await FeedBackfill(poller(govuk, reader, streams), max_pages=3).run(now=NOW)
    assert (report.pages, report.published) == (3, 3)
    assert report.stopped == f"{govuk.base}/archive/3.atom and older pages left unread: more than 3 pages"
    assert govuk.hits["/archive/3.atom"] == 0


async def test_an_older_page_on_an_internal_address_is_refused(govuk, reader, streams, published):
    internal = type(govuk)(items=0)
    await internal.start()
    try:
        internal.put("/archive.atom", atom(internal.base, range(1, 2)), ATOM)
        govuk.put("/feed.atom", atom(govuk.base, range(3, 4), prev_archive=internal.base + "/archive.atom"), ATOM)
        with pytest.raises(FetchError, match="is a loopback address"):
            await FeedBackfill(poller(govuk, reader, streams), max_pages=10).run(now=NOW)
        assert internal.hits["/archive.atom"] == 0
    finally:
        await internal.stop()
    assert [r.title for r in await published()] == ["Release 3"]  # the pages before it are ingested


async def _pledgewatch(settings, *args: str) -> tuple[int, str, str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")},
           "REDIS_URL": settings.redis_url, "PLEDGEWATCH_PREFIX": settings.prefix,
           "PLEDGEWATCH_HOME": str(settings.data_dir)}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "pledgewatch.cli", *args, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_the_command_backfills_a_feed_of_the_sources_file(govuk, settings, published, tmp_path):
    govuk.put("/feed.atom", atom(govuk.base, range(3, 5), prev_archive="/archive/1.atom"), ATOM)
    govuk.put("/archive/1.atom", atom(govuk.base, range(1, 3)), ATOM)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: ministry\n    url: {govuk.base}/feed.atom\n    follow: none\n")
    code, out, err = await _pledgewatch(settings, "ingest", "--backfill", "--feed", "ministry", "--sources",
                                        str(sources))
    assert (code, err) == (0, "")
    assert out == "backfill ministry: 2 pages, 4 published, 0 unchanged, 0 failed\n"
    assert sorted(r.title for r in await published()) == [f"Release {i}" for i in range(1, 5)]
    code, out, err = await _pledgewatch(settings, "ingest", "--backfill", "--feed", "nowhere", "--sources",
                                        str(sources))
    assert (code, err) == (1, f"error: backfill: no source named 'nowhere' in {sources}; its feeds: ministry\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--backfill", "--feed", "ministry", "--organisation", "home-office"],
     "--organisation is an option of the GOV.UK backfill; --feed ministry reads that feed's pages (leave one of "
     "them out)"),
    (["--backfill", "--max-pages", "3"], "--max-pages is an option of --backfill --feed NAME; add --feed"),
    (["--max-pages", "3"], "--max-pages is an option of --backfill; add --backfill (and no PATH) to backfill, or "
                           "leave it out (see `pledgewatch ingest --help`)"),
], ids=["govuk-option", "feed-option-without-feed", "without-backfill"])
async def test_options_that_do_not_go_together_are_usage_errors(settings, args, message):
    code, _, err = await _pledgewatch(settings, "ingest", *args)
    assert (code, err) == (2, f"error: pledgewatch ingest: {message}\n")


async def test_a_backfill_longer_than_the_entries_a_poll_keeps_leaves_the_first_page_seen(govuk, reader, streams,
                                                                                         published):
    """A poll keeps what it saw of the entries its feed lists, and of so many others (500; 2 here). Before: each
    older page's record of what it saw dropped the first page's, so the next poll read every entry of the feed
    again (fetching each one a feed links to, its text republished where a page changes at each fetch)."""
    govuk.put("/feed.atom", atom(govuk.base, range(7, 9), prev_archive="/archive/3.atom"), ATOM)
    for page in range(3, 0, -1):
        older = {"prev_archive": f"/archive/{page - 1}.atom"} if page > 1 else {}
        govuk.put(f"/archive/{page}.atom", atom(govuk.base, range(page * 2 - 1, page * 2 + 1), **older), ATOM)
    for i in range(1, 9):
        govuk.put(f"/news/{i}", f"<html><head><title>Release {i}</title></head><body><main><h1>Release {i}</h1>"
                                f"<p>The department will deliver item {i} by 2030.</p></main></body></html>",
                  "text/html; charset=utf-8")
    config = SourceConfig(name="ministry", url=govuk.base + "/feed.atom", interval=1, follow="page")
    source = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    source.state = SourceState(streams, "ministry", absent_kept=2)
    report = await FeedBackfill(source, max_pages=10).run(now=NOW)
    assert (report.pages, report.published) == (4, 8)
    await source.poll(now=NOW, clock=10.0)
    assert (govuk.hits["/news/7"], govuk.hits["/news/8"]) == (1, 1), "the first page's entries were read again"
