"""A large feed or page is read in a worker thread, so the event loop the other services share goes on
meanwhile; a small one is read in place."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timezone

import pytest

from services.ingest import feeds, readers
from services.ingest.config import SourceConfig
from services.ingest.fetch import Fetcher
from services.ingest.off_loop import INLINE_SIZE
from services.ingest.polling import SourcePoller
from services.ingest.readers import Reader

pytestmark = pytest.mark.integration

NOW = datetime(2023, 3, 20, 12, 0, tzinfo=timezone.utc)
PARAGRAPH = "<p>The department will publish its plan for the coast by the end of the year.</p>"


def rss(name: str, items: int, *, big_text: int = 0) -> bytes:
    """A valid RSS feed of ``items`` entries carrying their own full text; the first one's text is at least
    ``big_text`` characters."""
    entries = []
    for n in range(items):
        paragraphs = PARAGRAPH * (max(big_text // len(PARAGRAPH) + 1, 50) if n == 0 else 50)
        entries.append(
            f"<item><title>Release {n}</title><link>https://example.org/{name}/{n}</link>"
            f"<guid>https://example.org/{name}/{n}</guid><pubDate>Mon, 13 Mar 2023 09:00:00 GMT</pubDate>"
            f"<description><![CDATA[{paragraphs}]]></description></item>")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Releases</title>"
            f"<link>https://example.org/</link><description>All releases</description>{''.join(entries)}"
            "</channel></rss>").encode()


def page(paragraphs: int) -> bytes:
    return (f"<html><head><title>A long release</title></head><body><main><h1>A long release</h1>"
            f"{PARAGRAPH * paragraphs}</main></body></html>").encode()


class Watch:
    """Wraps ``module.name`` to note, per call, the size of its first argument, whether it ran off the loop's
    thread, and whether the loop's heartbeat ticked while it ran there."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
        self.calls: list[tuple[int, bool, bool]] = []
        self.loop_thread = threading.get_ident()
        self.ticked = threading.Event()
        real = getattr(module, name)

        def watched(first, *args, **kwargs):
            off_loop = threading.get_ident() != self.loop_thread
            self.ticked.clear()
            # Off the loop, the loop's heartbeat ticks while this runs; on it, it cannot (so no wait).
            ticked = off_loop and self.ticked.wait(timeout=30)
            size = first.getbuffer().nbytes if hasattr(first, "getbuffer") else len(first)
            self.calls.append((size, off_loop, ticked))
            return real(first, *args, **kwargs)

        monkeypatch.setattr(module, name, watched)



@pytest.fixture
async def big_reader(ingest_settings):
    settings = ingest_settings.model_copy(update={"max_fetch_bytes": 8_000_000})
    async with Fetcher.from_settings(settings) as fetcher:
        yield Reader(fetcher, govuk_url=settings.govuk_url)


async def poll_with_heartbeat(poller: SourcePoller, *watches: Watch):
    async def heartbeat() -> None:
        while True:
            for watch in watches:
                watch.ticked.set()
            await asyncio.sleep(0.001)

    beat = asyncio.create_task(heartbeat())
    try:
        return await poller.poll(now=NOW, clock=0)
    finally:
        beat.cancel()


async def test_a_large_feed_and_entry_are_read_off_the_loop_and_small_ones_in_place(
        govuk, big_reader, streams, published, monkeypatch):
    parsed = Watch(monkeypatch, feeds.feedparser, "parse")
    converted = Watch(monkeypatch, feeds, "html_to_text")
    govuk.put("/big.rss", rss("big", 500, big_text=INLINE_SIZE * 2), "application/rss+xml")
    govuk.put("/small.rss", rss("small", 3), "application/rss+xml")
    for path in ("/big.rss", "/small.rss"):
        config = SourceConfig(name=path.strip("/").replace(".", "-"), type="feed", url=govuk.base + path,
                              interval=1, follow="none")
        poller = SourcePoller(config, reader=big_reader, streams=streams, interval=1, max_backoff=8)
        assert (await poll_with_heartbeat(poller, parsed, converted)).published == (500 if path == "/big.rss" else 3)
    [big_feed, small_feed] = parsed.calls
    assert big_feed[0] > 2_000_000 and big_feed[1:] == (True, True)  # the loop went on while it was parsed
    assert small_feed[0] < INLINE_SIZE and small_feed[1:] == (False, False)
    big_entries = [call for call in converted.calls if call[0] > INLINE_SIZE]
    assert len(big_entries) == 1 and big_entries[0][1:] == (True, True)
    assert len(converted.calls) == 503 and not any(off for size, off, _ in converted.calls if size <= INLINE_SIZE)
    assert len(await published()) == 503


async def test_a_large_page_is_read_off_the_loop_and_a_small_one_in_place(
        govuk, big_reader, streams, published, monkeypatch):
    read = Watch(monkeypatch, readers, "release_from_page")
    govuk.put("/big.html", page(2000), "text/html; charset=utf-8")
    govuk.put("/small.html", page(10), "text/html; charset=utf-8")
    for path in ("/big.html", "/small.html"):
        config = SourceConfig(name=path.strip("/").replace(".", "-"), type="page", url=govuk.base + path,
                              interval=1)
        poller = SourcePoller(config, reader=big_reader, streams=streams, interval=1, max_backoff=8)
        assert (await poll_with_heartbeat(poller, read)).published == 1
    [big, small] = read.calls
    assert big[0] > INLINE_SIZE and big[1:] == (True, True)
    assert small[0] < INLINE_SIZE and small[1:] == (False, False)
    assert len(await published()) == 2
