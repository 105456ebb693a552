"""A feed entry's own text is used when it is the full release, or when its link still fails after the last try:
an entry is published or dead-lettered, never retried forever, and never published twice (across restarts
too)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from html import escape

import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
FULL_TEXT = [
    "The Home Secretary today announced that the government will provide an extra £25 million for Prevent "
    "next year, to stop people being drawn into terrorism.",
    "The money will pay for 120 more Prevent officers in the areas of greatest need, and for training for "
    "teachers, nurses and youth workers in recognising the signs of radicalisation.",
    "Local authorities will be able to bid for the funding from April, and the first grants will be paid by "
    "the end of September.",
    "The Home Secretary said: 'Prevent protects vulnerable people. This funding means that more of them will "
    "get help before it is too late.'",
]
PAGE = ("<html><head><title>Prevent funding</title></head><body><main><h1>Prevent funding</h1><p>The page's "
        "own text.</p></main></body></html>")


def rss(description: str | None, *, link: str) -> str:
    text = f"<description>{escape(description)}</description>" if description is not None else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><item>'
            f"<title>Prevent funding</title><link>{link}</link><guid>prevent-1</guid>"
            f"<pubDate>Tue, 02 May 2023 08:00:00 GMT</pubDate>{text}</item></channel></rss>")


@pytest.fixture
async def ministry(govuk):
    """A ministry's site with a feed, on another loopback port than GOV.UK (so its links are pages)."""
    server = type(govuk)(items=0)
    await server.start()
    yield server
    await server.stop()


def poller(ministry, reader, streams, *, follow="auto", attempts=3) -> SourcePoller:
    config = SourceConfig(name="ministry", url=ministry.base + "/press.rss", interval=1, follow=follow)
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8, entry_attempts=attempts)


async def dead_letters(streams) -> list:
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [DeadLetterEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


async def test_full_text_in_the_description_is_published_from_the_feed_without_following_the_link(
        ministry, reader, streams, published):
    html = "".join(f"<p>{paragraph}</p>" for paragraph in FULL_TEXT)
    ministry.put("/press.rss", rss(html, link=ministry.base + "/press/prevent"), "application/rss+xml")
    report = await poller(ministry, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 0)
    [release] = await published()
    assert release.body == "\n\n".join(FULL_TEXT)
    assert ministry.hits["/press/prevent"] == 0


async def test_an_entry_with_no_text_whose_link_is_gone_is_dead_lettered_once_with_the_reason(
        ministry, reader, streams, published):
    link = ministry.base + "/press/prevent"
    ministry.put("/press.rss", rss(None, link=link), "application/rss+xml")
    source = poller(ministry, reader, streams, attempts=3)
    report = await source.poll(now=NOW, clock=0)  # a page a feed announces may not be served yet: tried again
    assert (report.published, report.rejected) == (0, 0)
    report = await source.poll(now=NOW, clock=1)  # a second 404 is the answer
    assert (report.published, report.failed, report.rejected) == (0, 1, 1)
    [letter] = await dead_letters(streams)
    assert letter.reason == (f"{link}: HTTP 404 Not Found; the feed entry has no text of its own to publish "
                             "instead")
    for clock in (4, 8, 20):  # read again only when the feed's view of it changes
        report = await source.poll(now=NOW, clock=clock)
        assert (report.published, report.failed) == (0, 0)
    assert ministry.hits["/press/prevent"] == 2 and len(await dead_letters(streams)) == 1
    assert await published() == []


@pytest.mark.parametrize("status", [503, 429, 408, 403])
@pytest.mark.parametrize("follow", ["auto", "page"])
async def test_a_link_failing_for_a_while_is_retried_then_the_feed_text_is_published(
        ministry, reader, streams, published, caplog, status, follow):
    link = ministry.base + "/press/prevent"
    ministry.put("/press/prevent", "busy", "text/plain", status=status)
    ministry.put("/press.rss", rss(FULL_TEXT[0], link=link), "application/rss+xml")
    source = poller(ministry, reader, streams, follow=follow, attempts=3)
    caplog.set_level(logging.WARNING)
    outcomes = []
    for clock in (0, 0.5, 1, 2, 3):  # tries at 0, 1 (after 1 s) and 3 (after 2 s more): the third is the last
        report = await source.poll(now=NOW, clock=clock)
        outcomes.append((report.published, report.failed, report.waiting))
    assert outcomes == [(0, 1, 0), (0, 0, 1), (0, 1, 0), (0, 0, 1), (1, 0, 0)]
    assert ministry.hits["/press/prevent"] == 3
    [release] = await published()
    assert (release.title, release.body, release.url) == ("Prevent funding", FULL_TEXT[0], link)
    assert f"source ministry: entry {link}: {link}: HTTP {status}" in caplog.text
    assert "after 3 tries); published from the feed's own text instead" in caplog.text


@pytest.mark.parametrize("status", [404, 410])
async def test_a_link_not_found_is_tried_once_more_then_the_feed_text_is_published(
        ministry, reader, streams, published, caplog, status):
    """Not at the first 404 (the page a feed announces is often served a little later, and a teaser published
    then would stand for the release for good), but not after all 8 tries either: 404 and 410 are the server's
    answer, not a failure that passes, and 8 tries with an interval of 30 s waited about 64 minutes."""
    link = ministry.base + "/press/prevent"
    ministry.put("/press/prevent", "gone", "text/plain", status=status)
    ministry.put("/press.rss", rss(FULL_TEXT[0], link=link), "application/rss+xml")
    source = poller(ministry, reader, streams, attempts=8)
    caplog.set_level(logging.WARNING)
    outcomes = []
    for clock in (0, 0.5, 1):  # tries at 0 and 1 (after 1 s): the second is the last
        report = await source.poll(now=NOW, clock=clock)
        outcomes.append((report.published, report.failed, report.waiting))
    assert outcomes == [(0, 1, 0), (0, 0, 1), (1, 0, 0)]
    assert ministry.hits["/press/prevent"] == 2
    [release] = await published()
    assert (release.body, release.url) == (FULL_TEXT[0], link)
    assert f"{link}: HTTP {status}" in caplog.text
    assert "(after 2 tries); published from the feed's own text" in caplog.text


async def test_an_entry_published_from_its_feed_text_is_not_published_again_after_a_restart(
        ministry, reader, streams, published):
    link = ministry.base + "/press/prevent"
    ministry.put("/press.rss", rss(FULL_TEXT[0], link=link), "application/rss+xml")
    source = poller(ministry, reader, streams, attempts=2)
    assert [(await source.poll(now=NOW, clock=clock)).published for clock in (0, 1)] == [0, 1]
    ministry.put("/press/prevent", PAGE, "text/html; charset=utf-8")  # the page is back
    restarted = poller(ministry, reader, streams)
    report = await restarted.poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (0, 0)
    assert ministry.hits["/press/prevent"] == 2 and len(await published()) == 1
