"""Feed entries whose links lead somewhere they should not, or to text that cannot be read."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from services.ingest.config import IngestSettings, SourceConfig
from services.ingest.fetch import Fetcher
from services.ingest.polling import SourcePoller
from services.ingest.readers import Reader

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
PAGE = ("<html><head><title>{0}</title></head><body><main><h1>{0}</h1><p>The ministry will act by 2025.</p>"
        "</main></body></html>")


def rss(*links: str) -> str:
    items = "".join(f"<item><title>Entry {i}</title><link>{link}</link><pubDate>Tue, 02 May 2023 08:00:00 GMT"
                    f"</pubDate><description>Summary {i}</description></item>" for i, link in enumerate(links))
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


@pytest.fixture
async def internal(govuk):
    """A second server on another loopback port: an internal service a feed should not reach."""
    server = type(govuk)(items=0)
    await server.start()
    server.put("/admin", PAGE.format("Internal admin page"), "text/html; charset=utf-8")
    yield server
    await server.stop()


def feed_poller(govuk, reader, streams, *, follow="page") -> SourcePoller:
    config = SourceConfig(name="ministry", url=govuk.base + "/press.rss", interval=1, follow=follow)
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


@pytest.mark.parametrize("via", ["link", "redirect"])
async def test_entry_link_to_another_loopback_port_is_refused_and_the_other_entries_published(
        govuk, internal, reader, streams, published, caplog, via):
    govuk.put("/press/ok", PAGE.format("Ports plan"), "text/html; charset=utf-8")
    govuk.put("/press/moved", "", status=302, headers={"Location": internal.base + "/admin"})
    bad = internal.base + "/admin" if via == "link" else govuk.base + "/press/moved"
    govuk.put("/press.rss", rss(bad, govuk.base + "/press/ok"), "application/rss+xml")
    with caplog.at_level(logging.WARNING):
        report = await feed_poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 1)
    assert [r.title for r in await published()] == ["Entry 1"]
    assert internal.hits["/admin"] == 0
    port = internal.base.rsplit(":", 1)[1]
    assert (f"source ministry: entry {bad} failed (retry in 1 s): http://127.0.0.1:{port}/admin: refused: "
            f"127.0.0.1 is a loopback address (127.0.0.1); links from feed content may only go to public "
            f"addresses (PLEDGEWATCH_ALLOW_PRIVATE_LINKS)") in caplog.text


async def test_allow_private_links_lets_a_self_hosted_setup_follow_them(govuk, internal, ingest_settings,
                                                                      streams, published):
    govuk.put("/press.rss", rss(internal.base + "/admin"), "application/rss+xml")
    settings = IngestSettings.model_validate({**ingest_settings.model_dump(), "allow_private_links": True})
    async with Fetcher.from_settings(settings) as fetcher:
        reader = Reader(fetcher, govuk_url=settings.govuk_url)
        report = await feed_poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert report.published == 1 and internal.hits["/admin"] == 1


@pytest.mark.parametrize("charset", ["base64", "rot13"])
async def test_linked_page_in_a_charset_that_is_not_text_fails_alone(govuk, reader, streams, published, caplog,
                                                                   charset):
    govuk.put("/press/odd", PAGE.format("Odd"), f"text/html; charset={charset}")
    govuk.put("/press/ok", PAGE.format("Ports plan"), "text/html; charset=utf-8")
    govuk.put("/press.rss", rss(govuk.base + "/press/odd", govuk.base + "/press/ok"), "application/rss+xml")
    with caplog.at_level(logging.WARNING):
        report = await feed_poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 1)
    assert f"{govuk.base}/press/odd: charset '{charset}' is not a text encoding" in caplog.text


async def test_a_link_on_another_port_of_the_govuk_host_is_read_as_a_page_not_through_the_content_api(
        govuk, internal, reader, streams, published):
    # GOV.UK (PLEDGEWATCH_GOVUK_URL) is on one loopback port, a ministry's feed and its pages on another.
    internal.put("/press/ports", PAGE.format("Ports plan"), "text/html; charset=utf-8")
    internal.put("/press.rss", rss(internal.base + "/press/ports"), "application/rss+xml")
    config = SourceConfig(name="ministry", url=internal.base + "/press.rss", interval=1)
    report = await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).poll(
        now=NOW, clock=0)
    assert (report.published, report.failed) == (1, 0)
    assert internal.hits["/press/ports"] == 1 and govuk.hits["/api/content/press/ports"] == 0
    [release] = await published()
    assert release.body == "Ports plan\n\nThe ministry will act by 2025."


@pytest.mark.parametrize("kind", ["feed", "page"])
async def test_a_source_redirected_to_another_loopback_port_is_refused(govuk, internal, reader, streams,
                                                                        published, kind):
    """The configured source's own address may be private (the operator chose it); where its server redirects
    to is not, or a source could have ingest read an internal service and publish what it says."""
    internal.put("/press.rss", rss(govuk.base + "/press/ok"), "application/rss+xml")
    govuk.put("/press/ok", PAGE.format("Ports plan"), "text/html; charset=utf-8")
    govuk.put("/moved", "", status=302, headers={"Location": internal.base + ("/press.rss" if kind == "feed" else "/admin")})
    config = SourceConfig(name="ministry", url=govuk.base + "/moved", interval=1, type=kind)
    poller = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    port = internal.base.rsplit(":", 1)[1]
    with pytest.raises(Exception, match=f"http://127.0.0.1:{port}/.*: refused: 127.0.0.1 is a loopback address "
                                        r"\(127.0.0.1\); a configured source's redirects to another host"):
        await poller.poll(now=NOW, clock=0)
    assert internal.hits["/admin"] == internal.hits["/press.rss"] == 0
    assert await published() == []


async def test_allow_private_links_lets_a_source_redirect_to_another_internal_host(govuk, internal, ingest_settings,
                                                                                   streams, published):
    govuk.put("/moved", "", status=302, headers={"Location": internal.base + "/admin"})
    settings = IngestSettings.model_validate({**ingest_settings.model_dump(), "allow_private_links": True})
    async with Fetcher.from_settings(settings) as fetcher:
        reader = Reader(fetcher, govuk_url=settings.govuk_url)
        config = SourceConfig(name="statement", url=govuk.base + "/moved", interval=1, type="page")
        report = await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).poll(
            now=NOW, clock=0)
    assert report.published == 1 and internal.hits["/admin"] == 1


async def test_a_link_whose_name_resolves_otherwise_at_connection_is_refused_there(govuk, internal, reader, streams,
                                                                                   published, monkeypatch, caplog):
    """DNS rebinding: the name resolves to a public address when checked, to a loopback one when connected."""
    from services.ingest import fetch

    async def public(host, port):
        return ["93.184.216.34"]

    monkeypatch.setattr(fetch, "resolve_addresses", public)
    rebound = internal.base.replace("127.0.0.1", "localhost") + "/admin"
    govuk.put("/press.rss", rss(rebound), "application/rss+xml")
    with caplog.at_level(logging.WARNING):
        report = await feed_poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert (report.published, report.failed) == (0, 1)
    assert internal.hits["/admin"] == 0
    assert f"{rebound}: refused: localhost is a loopback address (" in caplog.text


async def test_pages_whose_canonical_link_is_the_home_page_are_each_their_own_release(govuk, reader, streams,
                                                                                     published):
    """Before: one release, its url the home page, each page a new version of the one before."""
    links = [f"{govuk.base}/press/{slug}" for slug in ("ports", "rail", "airports")]
    for link in links:
        page = PAGE.format(link.rsplit("/", 1)[1]).replace("<head>", '<head><link rel="canonical" href="/">')
        govuk.put(link.removeprefix(govuk.base), page, "text/html; charset=utf-8")
    govuk.put("/press.rss", rss(*links), "application/rss+xml")
    report = await feed_poller(govuk, reader, streams).poll(now=NOW, clock=0)
    assert report.published == 3
    assert sorted((r.url, r.version) for r in await published()) == sorted((link, 1) for link in links)
