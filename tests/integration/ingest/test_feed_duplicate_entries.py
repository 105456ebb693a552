"""A feed that lists one entry twice (one guid or Atom id, or one link) is read as one entry per poll:
the copy updated last (else the last in the feed) wins, a warning names the duplicate once, and an
unchanged feed publishes nothing, however often it is polled."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
            f'<link>https://example.org/</link><description>d</description>{"".join(items)}</channel></rss>').encode()


def item(guid: str, link: str, text: str, *, date: str = "Tue, 01 Dec 2026 08:00:00 GMT") -> str:
    return (f'<item><title>Stadium security</title><guid isPermaLink="false">{guid}</guid><link>{link}</link>'
            f'<pubDate>{date}</pubDate><content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>')


def atom(*entries: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<id>f</id><updated>2026-12-01T08:00:00Z</updated>{"".join(entries)}</feed>').encode()


def entry(id_: str, text: str, *, updated: str) -> str:
    return (f'<entry><id>{id_}</id><title>Stadium security</title><link href="https://example.org/twin"/>'
            f'<published>2026-11-30T08:00:00Z</published><updated>{updated}</updated>'
            f'<content type="html">&lt;p&gt;{text}&lt;/p&gt;</content></entry>')


def money(amount: int) -> str:
    return f"The Home Office will invest £{amount}m by 31 August 2028 to counter terrorism at stadiums."


def feed_poller(govuk, reader, streams, path: str) -> SourcePoller:
    config = SourceConfig(name="ministry", url=govuk.base + path, interval=1, follow="auto")
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


async def poll_three_times(govuk, reader, streams, path: str, feed: bytes) -> list:
    # A plain server (no ETag, no Last-Modified): every poll reads the whole feed again.
    govuk.put(path, feed, "application/atom+xml" if path.endswith(".atom") else "application/rss+xml")
    source = feed_poller(govuk, reader, streams, path)
    return [await source.poll(now=NOW, clock=clock) for clock in range(3)]


async def test_one_guid_listed_twice_publishes_once_and_never_again(govuk, reader, streams, published, caplog):
    feed = rss(item("twin-1", "https://example.org/twin", money(21)),
               item("twin-1", "https://example.org/twin", money(22)))
    with caplog.at_level(logging.WARNING):
        reports = await poll_three_times(govuk, reader, streams, "/press.rss", feed)
    assert [(r.published, r.unchanged) for r in reports] == [(1, 0), (0, 1), (0, 1)]  # then listed as it was
    [release] = await published()
    assert release.version == 1 and "£22m" in release.body  # the last in the feed (both equally dated)
    warnings = [r.getMessage() for r in caplog.records if "more than once" in r.getMessage()]
    assert warnings == ["source ministry: feed lists entry twin-1 more than once; read only the one updated last "
                        "(else the last in the feed), not entry twin-1 (https://example.org/twin)"]


async def test_one_atom_id_listed_twice_takes_the_copy_updated_last(govuk, reader, streams, published):
    feed = atom(entry("urn:twin", money(31), updated="2026-11-30T10:00:00Z"),
                entry("urn:twin", money(32), updated="2026-11-30T09:00:00Z"))
    reports = await poll_three_times(govuk, reader, streams, "/press.atom", feed)
    assert [r.published for r in reports] == [1, 0, 0]
    [release] = await published()
    assert "£31m" in release.body  # updated later, though listed first


async def test_two_entries_with_one_link_are_one_release_read_once(govuk, reader, streams, published, caplog):
    feed = rss(item("a", "https://example.org/twin#top", money(41)), item("b", "https://example.org/twin", money(42)))
    with caplog.at_level(logging.WARNING):
        reports = await poll_three_times(govuk, reader, streams, "/press.rss", feed)
    assert [r.published for r in reports] == [1, 0, 0]
    [release] = await published()
    assert "£42m" in release.body
    assert ("feed lists link https://example.org/twin more than once; read only the one updated last (else the "
            "last in the feed), not entry a (https://example.org/twin)") in caplog.text


async def test_poll_counts_are_never_negative(govuk, reader, streams, published):
    """The first poll after one entry changed, beside a twin pair and an unchanged entry."""
    plain = item("plain", "https://example.org/plain", money(5))
    changing = item("forty", "https://example.org/forty", money(40))
    twins = [item("twin-1", "https://example.org/twin", money(21)),
             item("twin-1", "https://example.org/twin", money(22))]
    govuk.put("/press.rss", rss(plain, changing), "application/rss+xml")
    source = feed_poller(govuk, reader, streams, "/press.rss")
    await source.poll(now=NOW, clock=0)
    govuk.put("/press.rss", rss(plain, changing.replace("£40m", "£45m"), *twins), "application/rss+xml")
    report = await source.poll(now=NOW, clock=1)
    assert (report.published, report.unchanged, report.failed) == (2, 1, 0)  # plain: listed as it was
    # The entry changes in the feed, its text only by a space: read, unchanged.
    govuk.put("/press.rss", rss(plain, changing.replace("£40m", "£45m").replace("</p>", " </p>"), *twins),
              "application/rss+xml")
    report = await source.poll(now=NOW, clock=2)
    assert (report.published, report.unchanged, report.failed) == (0, 3, 0)  # one read again to the same text
