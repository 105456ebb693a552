"""The HTTP client's limits, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest

from services.ingest.settings import DEFAULT_USER_AGENT
from services.ingest.errors import ContentError, FetchError
from services.ingest.fetch import NotModified

pytestmark = pytest.mark.integration


async def test_etag_revalidation_answers_not_modified_on_304(govuk, fetcher):
    govuk.put("/feed.atom", govuk.fixture("feeds/news.atom"), "application/atom+xml", etag='"v1"')
    first = await fetcher.get(govuk.base + "/feed.atom")
    assert first is not None and first.etag == '"v1"' and b"<feed" in first.body
    assert await fetcher.get(govuk.base + "/feed.atom", etag=first.etag) == NotModified()


async def test_last_modified_revalidation_answers_not_modified_on_304(govuk, fetcher):
    stamp = "Tue, 14 Mar 2023 09:30:00 GMT"
    govuk.put("/page.html", "<p>x</p>", "text/html", last_modified=stamp)
    first = await fetcher.get(govuk.base + "/page.html")
    assert first is not None and first.last_modified == stamp
    assert await fetcher.get(govuk.base + "/page.html", last_modified=stamp) == NotModified()


async def test_requests_carry_the_polite_user_agent(govuk, fetcher):
    govuk.put("/x", "ok")
    await fetcher.get(govuk.base + "/x")
    assert govuk.user_agents == {DEFAULT_USER_AGENT}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_oversized_body_is_refused_naming_the_setting_to_raise(govuk, fetcher, chunked):
    """Before: "… is over the 200000-byte limit", naming no setting, where a release file too large names
    PLEDGEWATCH_MAX_RELEASE_BYTES; a feed grown past the limit failed at every poll with no word of what to raise."""
    govuk.put("/big", b"x" * 300_000, chunked=chunked)
    with pytest.raises(ContentError, match=r"over the 200000-byte limit \(PLEDGEWATCH_MAX_FETCH_BYTES: raise it "
                       r"to admit larger answers\)$"):
        await fetcher.get(govuk.base + "/big")


async def test_slow_response_times_out(govuk, fetcher):
    """The answer is held until the fetch has given up: one that waited for it would not end."""
    answered = asyncio.Event()
    govuk.put("/slow", "late", held=answered)
    try:
        with pytest.raises(FetchError, match="no complete answer within 1 s"):
            await asyncio.wait_for(fetcher.get(govuk.base + "/slow"), 30)
    finally:
        answered.set()


async def test_redirects_are_followed_up_to_the_limit(govuk, fetcher):
    govuk.put("/a", "", status=301, headers={"Location": "/b"})
    govuk.put("/b", "", status=302, headers={"Location": "/c"})
    govuk.put("/c", "landed")
    fetched = await fetcher.get(govuk.base + "/a")
    assert fetched is not None and fetched.body == b"landed" and fetched.url == govuk.base + "/c"
    govuk.put("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="more than 2 redirects"):
        await fetcher.get(govuk.base + "/loop")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x"])
async def test_only_http_and_https_are_fetched(fetcher, url):
    with pytest.raises(FetchError, match="only http"):
        await fetcher.get(url)


async def test_redirect_to_another_scheme_is_refused(govuk, fetcher):
    govuk.put("/to-file", "", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="only http"):
        await fetcher.get(govuk.base + "/to-file")


async def test_http_error_status_is_a_fetch_error(govuk, fetcher):
    govuk.put("/gone", "gone", status=410)
    with pytest.raises(FetchError, match="HTTP 410"):
        await fetcher.get(govuk.base + "/gone")


async def test_declared_charset_decodes_and_undeclared_non_utf8_is_refused(govuk, fetcher):
    latin1 = govuk.fixture("pages/latin1.html")
    govuk.put("/declared", latin1, "text/html")  # <meta charset="iso-8859-1"> in the page
    fetched = await fetcher.get(govuk.base + "/declared")
    assert "Sécurité des ports" in fetched.text(html=True)
    govuk.put("/undeclared", "Sécurité".encode("iso-8859-1"), "text/plain")
    fetched = await fetcher.get(govuk.base + "/undeclared")
    with pytest.raises(ContentError, match=r"/undeclared: not UTF-8 \(byte 1: b'\\xe9'\)"):
        fetched.text()


async def test_a_304_to_a_request_without_validators_is_a_fetch_error_not_an_unchanged_answer(govuk, fetcher):
    """Nothing was asked to be revalidated, so a 304 says nothing is there to read: a failure, retried."""
    govuk.put("/cached", "", status=304)
    with pytest.raises(FetchError, match=r"/cached: HTTP 304 Not Modified to a request without ETag or "
                                         r"Last-Modified"):
        await fetcher.get(govuk.base + "/cached")


@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
async def test_a_redirect_without_a_location_is_a_fetch_error_not_the_page(govuk, fetcher, status):
    govuk.put("/moved", "<html><body><p>This page has moved.</p></body></html>", "text/html", status=status)
    with pytest.raises(FetchError, match=rf"/moved: HTTP {status} .*without a Location to follow") as raised:
        await fetcher.get(govuk.base + "/moved")
    assert raised.value.status == status
