"""A source whose URL carries a key (``?api_key=…``, ``user:password@``) often repeats it in what it serves: a page
source's release is the page's own address, and a feed's entries link to pages that need the key too. The key is
fetched with but never published: the release's url (the event, so the ledger, the alerts and the log line)
holds none. The release id is still the one the address as fetched gives, so a release published before this
keeps its id and is not published again."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from schemas import ReleasePublished
from services.ingest.config import SourceConfig
from services.ingest.identity import content_hash, release_id_for
from services.ingest.polling import SourcePoller
from services.ingest.state import publish_if_changed

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
KEY = "K3y0fTheSource2026"
SECRETS = (KEY, "pa55word")
TEXT = "The Home Office will invest £21m by 31 August 2028 to counter terrorism at stadiums."
TEASER = "Stadium security funding."
PAGE = f"<html><head><title>Stadium security</title></head><body><main><p>{TEXT}</p></main></body></html>"


def rss(base: str) -> bytes:
    full = (f"<item><title>Stadium security</title><link>{base}/press/a?api_key={KEY}</link>"
            "<pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[<p>{TEXT}</p>]]></content:encoded></item>")
    teaser = (f"<item><title>Border security</title><link>{base}/press/b?lang=en&amp;api_key={KEY}</link>"
              f"<pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate><description>{TEASER}</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
            f"<link>{base}/</link><description>d</description>{full}{teaser}</channel></rss>").encode()


def site(govuk) -> str:
    return govuk.base.replace("127.0.0.1", "localhost")  # not the GOV.UK host: its links are read as pages


def serve_keyed(govuk) -> dict[str, str]:
    """The feed and pages, each served only with the key; what each release's url is, keyed and keyless."""
    base = site(govuk)
    govuk.put(f"/feed.rss?api_key={KEY}", rss(base), content_type="application/rss+xml")
    govuk.put(f"/press/b?lang=en&api_key={KEY}", PAGE, content_type="text/html")
    govuk.put(f"/statement?topic=borders&api_key={KEY}", PAGE, content_type="text/html")
    return {f"{base}/press/a?api_key={KEY}": f"{base}/press/a",
            f"{base}/press/b?lang=en&api_key={KEY}": f"{base}/press/b?lang=en",
            f"{signed_in(base)}/statement?topic=borders&api_key={KEY}": f"{base}/statement?topic=borders"}


def signed_in(base: str) -> str:
    return base.replace("//", "//reader:pa55word@")


def pollers(govuk, reader, streams) -> list[SourcePoller]:
    page = f"{signed_in(site(govuk))}/statement?topic=borders&api_key={KEY}"
    configs = [SourceConfig(name="ministry", url=f"{site(govuk)}/feed.rss?api_key={KEY}", interval=1),
               SourceConfig(name="statement", type="page", url=page, interval=1)]
    return [SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8) for config in configs]


async def test_a_release_url_holds_no_key_of_its_source_and_keeps_its_id(govuk, reader, streams, published,
                                                                         caplog):
    urls = serve_keyed(govuk)
    with caplog.at_level(logging.INFO, logger="services.ingest"):
        reports = [await poller.run(now=NOW, clock=100.0) for poller in pollers(govuk, reader, streams)]
    assert [report.published for report in reports if report] == [2, 1], reports
    releases = await published()
    by_url = {release.url: release for release in releases}
    assert sorted(by_url) == sorted(urls.values())
    for fetched, shown in urls.items():
        assert by_url[shown].release_id == release_id_for(fetched)  # the id the address as fetched gives
    said = "\n".join([caplog.text, *(release.model_dump_json() for release in releases)])
    assert [secret for secret in SECRETS if secret in said] == [], said
    assert all(f"({shown})" in caplog.text for shown in urls.values()), caplog.text


async def test_a_release_published_with_its_key_before_keeps_its_id_and_is_not_published_again(
        govuk, reader, streams, published):
    urls = serve_keyed(govuk)
    read_as = [("ministry", "feed", "Stadium security"), ("ministry", "feed", "Border security"),
               ("statement", "page", "Stadium security")]
    for fetched, (source, kind, title) in zip(urls, read_as):  # as an earlier version published them
        before = ReleasePublished(release_id=release_id_for(fetched), version=1, url=fetched, title=title,
                                  published_at=NOW, source=source, body=TEXT, content_hash=content_hash(title, TEXT))
        assert (await publish_if_changed(streams, before, kind=kind)).published
    reports = [await poller.run(now=NOW, clock=100.0) for poller in pollers(govuk, reader, streams)]
    assert [(report.published, report.unchanged) for report in reports if report] == [(0, 2), (0, 1)], reports
    assert len(await published()) == 3


async def test_an_entry_recorded_before_release_ids_were_kept_learns_its_release_published_without_the_key(
        govuk, reader, streams, published):
    base = site(govuk)
    feed = f"{base}/press.atom?api_key={KEY}"
    source = SourcePoller(SourceConfig(name="ministry", url=feed, interval=1), reader=reader, streams=streams,
                          interval=1, max_backoff=8)

    def atom(link: str, text: str) -> bytes:
        return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
                '<id>f</id><updated>2026-12-06T08:00:00Z</updated><entry><id>tag:example.org,2026:a</id>'
                f'<title>Stadium security</title><link href="{link}"/><published>2026-12-06T08:00:00Z</published>'
                f'<content type="html">&lt;p&gt;{text}&lt;/p&gt;</content></entry></feed>').encode()

    old, moved = f"{base}/press/a?api_key={KEY}", f"{base}/news/stadium-security?api_key={KEY}"
    govuk.put(f"/press.atom?api_key={KEY}", atom(old, TEXT), "application/atom+xml")
    await source.poll(now=NOW, clock=0)
    seen = streams.key("ingest:source:ministry:seen")
    [(guid, recorded)] = (await streams.client.hgetall(seen)).items()
    await streams.client.hset(seen, guid, recorded.decode().split(" ")[0])  # as an earlier release recorded it

    assert (await source.poll(now=NOW, clock=1)).published == 0  # listed as it was: its release is looked up
    govuk.put(f"/press.atom?api_key={KEY}", atom(moved, TEXT + " Updated."), "application/atom+xml")
    assert (await source.poll(now=NOW, clock=2)).published == 1
    assert [(r.release_id, r.version, r.url) for r in await published()] == [
        (release_id_for(old), 1, f"{base}/press/a"), (release_id_for(old), 2, f"{base}/news/stadium-security")]


async def test_a_page_source_filtered_by_a_taxon_is_published_with_its_filters(govuk, reader, streams, published):
    query = ("keywords=visa2026&level_one_taxon=e2ca2f1a-0ff3-43ce-b813-16645ff27904"
             "&organisations%5B%5D=home-office&order=updated-newest")
    govuk.put(f"/search/all?{query}", PAGE, content_type="text/html")
    page = f"{site(govuk)}/search/all?{query}"
    source = SourcePoller(SourceConfig(name="taxon", type="page", url=page, interval=1), reader=reader,
                          streams=streams, interval=1, max_backoff=8)
    assert (await source.poll(now=NOW, clock=0)).published == 1
    assert [release.url for release in await published()] == [page]
