"""A feed whose URL carries a key (``?api_key=…``, ``user:password@``) links its entries to pages that need the key
too. What ingest says of an entry (its WARNINGs, a refused entry's dead letter, an error naming the entry's link)
names it by its link without the key, as its release is published; a feed's backfill names the feed's URLs by
their host; a key in ``PLEDGEWATCH_GOVUK_URL`` reaches neither a GOV.UK release's url nor what a backfill says.
Against a real loopback server that serves the feed only with its key, and the real dead-letter stream."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from pledgewatch.dead_letters import read_letter, why_not_replayable
from schemas.streams import DEAD_LETTERS
from services.ingest.backfill import Backfill
from services.ingest.config import SourceConfig
from services.ingest.errors import SourceError
from services.ingest.polling import SourcePoller
from services.ingest.readers import Reader
from services.ingest.search import SearchQuery

from .test_feed_backfill import _pledgewatch

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
KEY = "K3y0fTheFeed2026"
SECRETS = (KEY, "pa55word")
TEXT = "The Home Office will invest £21m by 31 August 2028 to counter terrorism at stadiums."
PAGE = f"<html><head><title>Stadium security</title></head><body><main><p>{TEXT}</p></main></body></html>"
DATED = "Sun, 06 Dec 2026 08:00:00 GMT"


def site(govuk) -> str:
    return govuk.base.replace("127.0.0.1", "localhost")  # not the GOV.UK host: its links are read as pages


def item(base: str, slug: str, *, guid: bool = True, text: str = "", date: str = DATED) -> str:
    return (f"<item><title>Release {slug}</title><link>{base}/press/{slug}?lang=en&amp;api_key={KEY}</link>"
            + (f"<guid isPermaLink=\"false\">urn:release:{slug}</guid>" if guid else "")
            + f"<pubDate>{date}</pubDate>" + (f"<description>{text}</description>" if text else "") + "</item>")


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://example.org/</link><description>d</description>{''.join(items)}</channel></rss>").encode()


def ahead() -> str:
    return format_datetime(datetime.now(timezone.utc) + timedelta(days=10), usegmt=True)


# (how the entry is served, its entry_attempts): each makes ingest say something of the entry, naming its link
CASES = {
    "failed": (lambda b: (item(b, "a"), {"/press/a": 500}), 8),
    "refused": (lambda b: (item(b, "a", guid=False), {"/press/a": 500}), 1),
    "feed-text-instead": (lambda b: (item(b, "a", text="Stadium security funding."), {"/press/a": 404}), 1),
    "unread-date": (lambda b: (item(b, "a", date="the sixth of December"), {"/press/a": 200}), 8),
    "dated-ahead": (lambda b: (item(b, "a", date=ahead()), {}), 8),
    "listed-twice": (lambda b: (item(b, "a") + item(b, "a", guid=False), {"/press/a": 200}), 8),
}


def poller(govuk, reader, streams, *, attempts: int = 8) -> SourcePoller:
    feed = f"{site(govuk).replace('//', '//reader:pa55word@')}/feed.rss?api_key={KEY}"
    return SourcePoller(SourceConfig(name="ministry", url=feed, interval=1), reader=reader, streams=streams,
                        interval=1, max_backoff=8, entry_attempts=attempts)


def serve(govuk, feed: bytes, pages: dict[str, int]) -> None:
    govuk.put(f"/feed.rss?api_key={KEY}", feed, content_type="application/rss+xml")
    for path, status in pages.items():
        govuk.put(f"{path}?lang=en&api_key={KEY}", PAGE, content_type="text/html", status=status)


async def letters(streams) -> list:
    return [read_letter(entry_id.decode(), fields).letter
            for entry_id, fields in await streams.client.xrange(streams.key(DEAD_LETTERS))]


@pytest.mark.parametrize("case", CASES)
async def test_what_ingest_says_of_an_entry_names_its_link_without_the_feeds_key(govuk, reader, streams, caplog,
                                                                                 case):
    make, attempts = CASES[case]
    feed, pages = make(site(govuk))
    serve(govuk, rss(feed), pages)
    with caplog.at_level(logging.INFO, logger="services.ingest"):
        assert await poller(govuk, reader, streams, attempts=attempts).run(now=NOW, clock=100.0) is not None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    said = json.dumps([warnings, [letter.model_dump(mode="json") for letter in await letters(streams)]])
    assert warnings and [secret for secret in SECRETS if secret in said] == [], said
    assert f"{site(govuk)}/press/a?lang=en" in said  # enough of the link to find the entry


async def test_a_refused_entry_is_read_again_with_the_key_once_the_feed_changes_it(govuk, reader, streams,
                                                                                   published):
    base = site(govuk)
    serve(govuk, rss(item(base, "a", guid=False)), {"/press/a": 500})
    source = poller(govuk, reader, streams, attempts=1)
    assert (await source.run(now=NOW, clock=100.0)).rejected == 1
    [letter] = await letters(streams)
    assert letter.payload == {"source": "ministry", "feed": f"{base.replace('//', '//***@')}/***",
                              "entry": f"{base}/press/a?lang=en", "link": f"{base}/press/a?lang=en"}
    assert letter.reason.startswith(f"{base}/press/a?lang=en: HTTP 500 Internal Server Error; "), letter.reason
    assert "read again when the source changes it" in why_not_replayable(letter)  # never re-sent from its link
    serve(govuk, rss(item(base, "a", guid=False, text="Stadium security funding.")), {"/press/a": 200})
    assert (await source.poll(now=NOW, clock=200.0)).published == 1  # fetched with the key the source holds
    [release] = await published()
    assert (release.url, release.body) == (f"{base}/press/a?lang=en", TEXT)


async def test_a_feeds_backfill_names_its_feed_by_its_host(govuk, settings, tmp_path):
    base = site(govuk)
    older = f"{base}/feed.rss?page=2&amp;api_key={KEY}"
    channel = (f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="next" href="{older}"/>')
    feed = rss(item(base, "a", text=TEXT * 8)).replace(b"<title>t</title>", f"<title>t</title>{channel}".encode())
    govuk.put(f"/feed.rss?api_key={KEY}", feed, content_type="application/rss+xml")
    govuk.put(f"/feed.rss?page=2&api_key={KEY}", "gone", status=500)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: ministry\n    url: {base.replace('//', '//reader:pa55word@')}"
                       f"/feed.rss?api_key={KEY}\n    follow: none\n")
    code, out, err = await _pledgewatch(settings, "ingest", "--backfill", "--feed", "ministry", "--sources",
                                        str(sources))
    assert code == 1 and "HTTP 500" in err, (out, err)
    assert [secret for secret in SECRETS if secret in out + err] == [], (out, err)
    assert f"{base}/***" in err
    govuk.put(f"/feed.rss?page=2&api_key={KEY}", feed, content_type="application/rss+xml")  # leads back
    code, out, err = await _pledgewatch(settings, "ingest", "--backfill", "--feed", "ministry", "--sources",
                                        str(sources))
    assert code == 0 and "was read already" in out, (out, err)
    assert [secret for secret in SECRETS if secret in out + err] == [], (out, err)


async def test_a_key_in_the_govuk_url_reaches_no_release_url_nor_what_a_backfill_says(govuk, fetcher, streams,
                                                                                      published, caplog):
    govuk.load_items(3)
    keyed = govuk.base.replace("//", "//reader:pa55word@")
    paths = [path for path in govuk._by_path]
    govuk.put(f"/api/content{paths[0]}", {"error": "broken"}, status=500)
    job = Backfill(streams, Reader(fetcher, govuk_url=keyed), SearchQuery(page_size=40), source="s",
                   page_retries=0)
    with caplog.at_level(logging.WARNING, logger="services.ingest"):
        report = await job.run()
    assert (report.published, report.failed) == (2, 1)
    urls = [release.url for release in await published()]
    assert sorted(urls) == sorted(govuk.base + path for path in paths[1:]), urls
    assert f"{govuk.base}/api/content{paths[0]}" in caplog.text
    govuk.put("/api/search.json", {"results": "none"})
    job = Backfill(streams, Reader(fetcher, govuk_url=keyed), SearchQuery(page_size=40), source="t",
                   page_retries=0)
    with pytest.raises(SourceError) as stopped:
        await job.run()
    words = job.stopped_text(stopped.value)
    assert f"{govuk.base}/api/search.json?" in words, words
    said = json.dumps([urls, caplog.text, words])
    assert [secret for secret in SECRETS if secret in said] == [], said


async def test_a_backfill_stopped_by_endless_redirects_names_the_govuk_url_without_its_key(govuk, fetcher, streams,
                                                                                          caplog):
    keyed = govuk.base.replace("//", "//reader:pa55word@")
    govuk.put("/api/search.json", b"", status=302, headers={"Location": "/api/search.json"})
    job = Backfill(streams, Reader(fetcher, govuk_url=keyed), SearchQuery(page_size=40), source="s",
                   page_retries=1)
    with caplog.at_level(logging.WARNING, logger="services.ingest"), pytest.raises(SourceError) as stopped:
        await job.run()
    words = job.stopped_text(stopped.value)
    assert "redirects" in words and f"{govuk.base}/api/search.json" in words, words
    said = json.dumps([caplog.text, words])
    assert [secret for secret in SECRETS if secret in said] == [], said
