"""Control characters (NUL and the other C0 controls but tab and newline) and lone surrogates never
reach a release.published event, whichever source the release came from."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import aiohttp
import pytest

from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller

pytestmark = pytest.mark.integration

NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")


def assert_clean(release, *words: str) -> None:
    for field in (release.title, release.body):
        assert not FORBIDDEN.search(field), repr(field)
    for word in words:
        assert word in release.title + "\n" + release.body, (word, release.title, release.body)


def poller(govuk, reader, streams, path: str, *, kind: str = "feed", follow: str = "none") -> SourcePoller:
    followed = {"follow": follow} if kind == "feed" else {}  # a page takes no follow
    config = SourceConfig(name="ministry", type=kind, url=govuk.base + path, interval=1, **followed)
    return SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)


async def test_folder_file(http_service, tmp_path, published):
    service, _ = http_service
    path = tmp_path / "2023-05-02-ports.txt"
    path.write_bytes(b"Ports\x00 plan\x1b[31m\n\nThe ministry\x07 will act\x0c by 2025.\r\n\tTabs stay.\n")
    result = await service.ingest_file(path)
    assert result is not None and result.published
    [release] = await published()
    assert_clean(release, "Ports plan[31m", "The ministry will act by 2025.", "\tTabs stay.")


async def test_post_releases(http_service, published, api_headers):
    _, url = http_service
    body = {"url": "https://www.gov.uk/government/news/x", "title": "Port\u0000 security\u0001 fund",
            "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will\u0000 invest \u001f£24m.\nMore."}
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, data=json.dumps(body)) as resp:
            assert resp.status == 202, await resp.text()
    [release] = await published()
    assert_clean(release, "Port security fund", "The UK will invest £24m.\nMore.")


async def test_feed_entry(govuk, reader, streams, published):
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id>'
            '<updated>2023-05-02T08:00:00Z</updated><entry><id>e1</id><title>Ports&#xD800; plan</title>'
            '<link href="https://example.org/ports"/><published>2023-05-02T08:00:00Z</published>'
            '<content type="html">&lt;p&gt;The ministry&amp;#1; will act&amp;#x1b; by 2025.&lt;/p&gt;</content>'
            '</entry></feed>')
    govuk.put("/press.atom", feed, "application/atom+xml")
    report = await poller(govuk, reader, streams, "/press.atom").run(now=NOW, clock=0)
    assert report is not None and report.published == 1
    [release] = await published()
    assert_clean(release, "Ports plan", "The ministry will act by 2025.")


async def test_page(govuk, reader, streams, published):
    govuk.put("/press/ports", "<html><head><title>Ports&#1; plan</title></head><body><main><h1>Ports plan</h1>"
              "<p>The ministry&#2; will act&#x1b; by 2025.</p></main></body></html>", "text/html; charset=utf-8")
    report = await poller(govuk, reader, streams, "/press/ports", kind="page").run(now=NOW, clock=0)
    assert report is not None and report.published == 1
    [release] = await published()
    assert_clean(release, "Ports plan", "The ministry will act by 2025.")


async def test_govuk_content_api_item(govuk, reader, streams, published):
    item = json.loads(govuk.fixture("content-api/press_release.json"))
    item["title"] = "New fund\u0000 for ports\u0008"
    item["details"]["body"] = "<p>A fund\u0003 for\u0000 ports.</p>" + item["details"]["body"]
    govuk.put("/api/content" + item["base_path"], item)
    draft = await reader.govuk_item(item["base_path"], source="govuk")
    from services.ingest.state import publish_if_changed
    assert (await publish_if_changed(streams, draft.release, kind="feed", dated=draft.dated)).published
    [release] = await published()
    assert_clean(release, "New fund for ports", "A fund for ports.")
