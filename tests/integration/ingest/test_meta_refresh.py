"""Pages that move by ``<meta http-equiv="refresh">`` are followed as an HTTP redirect is, with its limits."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.ingest.config import SourceConfig
from services.ingest.errors import FetchError
from services.ingest.fetch import origin
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
HTML = "text/html; charset=utf-8"
ARTICLE = ("<html><head><title>Flood defences</title></head><body><main><h1>Flood defences</h1>"
           "<p>The agency will finish the walls by 2026.</p></main></body></html>")


def moved(to: str, delay: int = 0) -> str:
    return (f'<html><head><meta http-equiv="refresh" content="{delay}; url={to}"></head>'
            f'<body><p>This page has moved. <a href="{to}">Continue</a>.</p></body></html>')


@pytest.fixture
async def internal(govuk):
    """A second server on another loopback port: a service a page should not redirect ingest to."""
    server = type(govuk)(items=0)
    await server.start()
    server.put("/admin", ARTICLE.replace("Flood defences", "Internal admin"), HTML)
    yield server
    await server.stop()


def page_poller(govuk, reader, streams, path: str) -> SourcePoller:
    config = SourceConfig(name="agency", url=govuk.base + path, interval=1, type="page")
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


async def test_a_page_source_that_moved_by_meta_refresh_is_read_at_its_target(govuk, reader, streams, published):
    govuk.put("/old", moved("/news/flood-defences"), HTML)
    govuk.put("/news/flood-defences", ARTICLE, HTML)
    report = await page_poller(govuk, reader, streams, "/old").poll(now=NOW, clock=0.0)
    assert report.published == 1
    [release] = await published()
    assert release.url == govuk.base + "/news/flood-defences" and "finish the walls by 2026" in release.body


async def test_a_followed_link_that_moved_by_meta_refresh_is_read_at_its_target(govuk, reader):
    govuk.put("/old", moved(govuk.base + "/new"), HTML)
    govuk.put("/new", ARTICLE, HTML)
    draft = await reader.page(govuk.base + "/old", source="agency", now=NOW,
                              trusted_origins=frozenset({origin(govuk.base)}))
    assert draft.release.url == govuk.base + "/new" and "finish the walls by 2026" in draft.release.body


async def test_a_notice_shown_longer_than_a_few_seconds_is_read_as_the_page_itself(govuk, reader):
    govuk.put("/notice", moved("/new", delay=30).replace("This page has moved.", ARTICLE), HTML)
    govuk.put("/new", "<html><body><p>Elsewhere.</p></body></html>", HTML)
    draft = await reader.page(govuk.base + "/notice", source="agency", now=NOW)
    assert draft.release.url == govuk.base + "/notice"


async def test_meta_refreshes_and_http_redirects_share_the_redirect_limit(govuk, fetcher):
    govuk.put("/a", "", status=301, headers={"Location": "/b"})
    govuk.put("/b", moved("/c"), HTML)
    govuk.put("/c", ARTICLE, HTML)
    fetched = await fetcher.get(govuk.base + "/a", follow_refresh=True)
    assert fetched is not None and fetched.url == govuk.base + "/c"
    govuk.put("/c", moved("/d"), HTML)  # a third hop: over the limit of 2
    govuk.put("/d", ARTICLE, HTML)
    with pytest.raises(FetchError, match="more than 2 redirects"):
        await fetcher.get(govuk.base + "/a", follow_refresh=True)


async def test_a_meta_refresh_loop_is_refused(govuk, fetcher):
    govuk.put("/ping", moved("/pong"), HTML)
    govuk.put("/pong", moved("/ping"), HTML)
    with pytest.raises(FetchError, match="more than 2 redirects"):
        await fetcher.get(govuk.base + "/ping", follow_refresh=True)


async def test_a_meta_refresh_is_left_alone_unless_asked_for(govuk, fetcher):
    govuk.put("/old", moved("/new"), HTML)
    fetched = await fetcher.get(govuk.base + "/old")
    assert fetched is not None and fetched.url == govuk.base + "/old"


async def test_a_meta_refresh_to_another_scheme_is_refused(govuk, reader):
    govuk.put("/old", moved("ftp://files.example.gov/release.txt"), HTML)
    with pytest.raises(FetchError, match="only http:// and https:// URLs are fetched"):
        await reader.page(govuk.base + "/old", source="agency", now=NOW)


async def test_a_page_source_refreshing_to_an_internal_address_is_refused(govuk, internal, reader, streams,
                                                                          published):
    govuk.put("/old", moved(internal.base + "/admin"), HTML)
    with pytest.raises(FetchError, match="is a loopback address"):
        await page_poller(govuk, reader, streams, "/old").poll(now=NOW, clock=0.0)
    assert internal.hits["/admin"] == 0 and await published() == []


async def test_a_followed_link_refreshing_to_an_internal_address_is_refused(govuk, internal, reader):
    govuk.put("/old", moved(internal.base + "/admin"), HTML)
    with pytest.raises(FetchError, match="links from feed content may only go to public addresses"):
        await reader.page(govuk.base + "/old", source="agency", now=NOW,
                          trusted_origins=frozenset({origin(govuk.base)}))
    assert internal.hits["/admin"] == 0


@pytest.mark.parametrize("to", ["http://[127.0.0.1/admin", "http://127.0.0.1:99999/admin", "http://127.0.0.1:8x/admin"],
                         ids=["unclosed-ipv6-host", "port-out-of-range", "port-not-a-number"])
async def test_a_redirect_to_an_address_that_does_not_parse_is_a_fetch_error(govuk, reader, to):
    """Before: a ValueError out of the fetcher, which a poll logs as a bug, with its traceback, at every poll."""
    govuk.put("/moved", "", status=302, headers={"Location": to})
    with pytest.raises(FetchError, match="not a URL that can be fetched"):
        await reader.fetcher.get(govuk.base + "/moved")


@pytest.mark.parametrize("to", ["http://[127.0.0.1/admin", "http://127.0.0.1:99999/admin"],
                         ids=["unclosed-ipv6-host", "port-out-of-range"])
async def test_a_refresh_to_an_address_that_does_not_parse_leaves_the_page_as_it_is(govuk, reader, to):
    govuk.put("/moved", moved(to), HTML)
    fetched = await reader.fetcher.get(govuk.base + "/moved", follow_refresh=True)
    assert fetched is not None and fetched.url == govuk.base + "/moved"
