"""Pages, links and feeds served with no Content-Type: read for what their first bytes are, as browsers do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest

from services.ingest.config import SourceConfig
from services.ingest.errors import ContentError
from services.ingest.feeds import FeedEntry
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
PAGE = (b"<!DOCTYPE html><html><head><title>Rail plan</title></head><body><main><h1>Rail plan</h1>"
        b"<p>The department will open the line by 2027.</p></main></body></html>")


class UntypedSite:
    """An HTTP/1.1 server on 127.0.0.1 whose answers carry no Content-Type header (aiohttp's server always
    adds one): ``pages`` maps a path to its body; any other path is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.base = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._answer, "127.0.0.1", 0)
        self.base = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = await reader.readline()
        while (await reader.readline()).strip():
            pass  # the request's headers
        body = self.pages.get(request_line.split()[1].decode())
        status = "200 OK" if body is not None else "404 Not Found"
        body = body if body is not None else b"not found"
        writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                     + body)
        await writer.drain()
        writer.close()


@pytest.fixture
async def untyped() -> AsyncIterator[UntypedSite]:
    site = UntypedSite()
    await site.start()
    yield site
    await site.stop()


async def test_a_fetched_answer_with_no_content_type_is_typed_by_its_first_bytes(untyped, fetcher):
    untyped.pages["/page"] = PAGE
    fetched = await fetcher.get(untyped.base + "/page")
    assert fetched is not None and fetched.content_type == "text/html" and fetched.type_sniffed


@pytest.mark.parametrize("body", [PAGE, b"\n<html><body><p>The department will open the line by 2027.</p></body>"
                                  b"</html>"], ids=["doctype", "html"])
async def test_a_page_source_with_no_content_type_is_read_when_it_is_html(untyped, reader, streams, published, body):
    untyped.pages["/rail"] = body
    config = SourceConfig(name="transport", url=untyped.base + "/rail", interval=1, type="page")
    poller = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    report = await poller.poll(now=NOW, clock=0.0)
    assert report.published == 1
    [release] = await published()
    assert "open the line by 2027" in release.body and release.url == untyped.base + "/rail"


async def test_an_xhtml_page_with_an_xml_declaration_and_no_content_type_is_read(untyped, reader):
    """Before: refused, "its first bytes are not an HTML page (they read as text/xml)"."""
    untyped.pages["/rail"] = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML '
                              b'1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
                              b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>Rail plan</title>'
                              b"</head><body><main><h1>Rail plan</h1><p>The department will open the line by 2027 "
                              b"\xe2\x80\x94 at \xc2\xa3120m.</p></main></body></html>")
    draft = await reader.page(untyped.base + "/rail", source="transport", now=NOW)
    assert "open the line by 2027 — at £120m" in draft.release.body


@pytest.mark.parametrize(("body", "read_as"), [
    (b"\x00\x01\x02\x03\xff\xfe binary", "application/octet-stream"),
    (b"%PDF-1.7\n1 0 obj", "application/pdf"),
    (b"Just words, no markup.", "text/plain"),
    (b'<?xml version="1.0"?><html><body><p>No XHTML namespace.</p></body></html>', "text/xml"),
], ids=["binary", "pdf", "plain-text", "xml-with-an-html-root-outside-the-xhtml-namespace"])
async def test_a_page_with_no_content_type_that_is_not_html_is_refused_saying_so(untyped, reader, body, read_as):
    untyped.pages["/file"] = body
    with pytest.raises(ContentError) as refused:
        await reader.page(untyped.base + "/file", source="transport", now=NOW)
    assert str(refused.value) == (f"{untyped.base}/file: no Content-Type given, and its first bytes are not an "
                                  f"HTML page (they read as {read_as})")


async def test_a_feed_entry_linking_a_page_with_no_content_type_is_read_from_the_page(untyped, reader):
    untyped.pages["/rail"] = PAGE
    entry = FeedEntry(key="rail", link=untyped.base + "/rail", title="Rail plan", published=NOW, updated=None,
                      summary_html="Short.", content_html="", fingerprint="f")
    draft = await reader.entry(entry, source="transport", follow="page", now=NOW, feed_url=untyped.base + "/feed")
    assert "open the line by 2027" in draft.release.body


async def test_a_feed_with_no_content_type_is_polled(untyped, reader, streams, published):
    untyped.pages["/feed"] = (b'<rss version="2.0"><channel><title>t</title><item><title>Rail plan</title>'
                              b"<link>http://example.org/rail</link><guid>rail-1</guid><pubDate>Tue, 02 May 2023 "
                              b"08:00:00 GMT</pubDate><description>The department will open the line by 2027."
                              b"</description></item></channel></rss>")
    config = SourceConfig(name="transport", url=untyped.base + "/feed", interval=1, follow="none")
    poller = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    report = await poller.poll(now=NOW, clock=0.0)
    assert report.published == 1
    [release] = await published()
    assert "open the line by 2027" in release.body
