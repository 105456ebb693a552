"""The ingest service as a user runs it: sources from YAML polled on schedule, POST /releases."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from schemas.streams import DEAD_LETTERS
from services.ingest.config import IngestSettings, load_sources
from services.ingest.service import IngestService

pytestmark = pytest.mark.integration


async def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_feed_in_the_sources_file_publishes_its_new_items(govuk, settings, ingest_settings, tmp_path,
                                                                 streams, published):
    govuk.put("/search/news-and-communications.atom", govuk.fixture("feeds/news.atom"), "application/atom+xml",
              etag='"n1"')
    govuk.put_item("press_release")
    govuk.put_item("history_mode")
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - name: govuk-home-office\n"
                      f"    url: {govuk.base}/search/news-and-communications.atom\n    interval: 0.2\n")
    ingest = IngestSettings.model_validate({**ingest_settings.model_dump(), "sources": config})
    service = IngestService(settings, watch=[], ingest=ingest, sources=load_sources(ingest))
    await service.start()
    await service.started()
    try:
        async def two() -> bool:
            return len(await published()) == 2
        await wait_for(two)
        # A new item appears in the feed: it is picked up on a later poll.
        feed = govuk.fixture("feeds/news.atom").replace(b"</feed>", b"""<entry>
            <id>%s/government/news/new-entry#2023-03-20</id><updated>2023-03-20T10:00:00+00:00</updated>
            <link rel="alternate" type="text/html" href="%s/government/news/new-fund-to-harden-regional-ports-against-terrorist-threats.cy"/>
            <title>Cronfa newydd</title></entry></feed>""" % (govuk.base.encode(), govuk.base.encode()))
        govuk.put("/search/news-and-communications.atom", feed, "application/atom+xml", etag='"n2"')
        govuk.put_item("translated_welsh")

        async def three() -> bool:
            return len(await published()) == 3
        await wait_for(three)
    finally:
        await service.stop()
    releases = await published()
    assert {r.source for r in releases} == {"govuk-home-office"}
    assert releases[-1].locale == "cy"


async def test_a_broken_source_does_not_stop_the_others(govuk, settings, ingest_settings, streams, published):
    from services.ingest.config import SourceConfig

    govuk.put("/bomb.atom", govuk.fixture("feeds/entity_bomb.atom"), "application/atom+xml")
    govuk.put("/page", govuk.fixture("pages/article.html"), "text/html")
    sources = [SourceConfig(name="bomb", url=govuk.base + "/bomb.atom", interval=0.1),
               SourceConfig(name="page", type="page", url=govuk.base + "/page", interval=0.1)]
    service = IngestService(settings, watch=[], ingest=ingest_settings, sources=sources)
    await service.start()
    await service.started()
    try:
        async def page_published() -> bool:
            return len(await published()) == 1
        await wait_for(page_published)
        await asyncio.sleep(0.3)
    finally:
        await service.stop()
    assert 1 <= govuk.hits["/bomb.atom"] <= 3  # retried, but backing off


async def test_post_releases_answers_202_with_id_and_version(http_service, published, api_headers):
    _, url = http_service
    release = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
               "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m.",
               "source": "press-office", "locale": "cy"}
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, json=release) as resp:
            first = (resp.status, await resp.json())
        async with session.post(url, json={**release, "body": "The UK will invest   £24m.\n"}) as resp:
            again = (resp.status, await resp.json())
        async with session.post(url, json={**release, "body": "The UK will invest £30m."}) as resp:
            changed = (resp.status, await resp.json())
    assert first[0] == 202 and first[1]["version"] == 1 and first[1]["published"] is True
    assert again == (202, {**first[1], "published": False})
    assert changed[1]["version"] == 2 and changed[1]["release_id"] == first[1]["release_id"]
    events = await published()
    assert [e.version for e in events] == [1, 2] and events[0].source == "press-office" and events[0].locale == "cy"


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [pytest.param(b'{"title": "T", "body": "B", "url": "https://x"}', 422, "published_at: Field required",
                  id="missing"),
     pytest.param(b'{"title": "T", "body": "B", "url": "https://x", "published_at": "2023-01-01T00:00:00"}', 422,
                  "is a time without its zone", id="naive-time"),
     pytest.param(b"not json", 400, "request body: not JSON", id="not-json"),
     pytest.param(b'{"title": "T", "body": "B", "published_at": "2023-01-01T00:00:00Z"}', 422, "url or an id",
                  id="no-url")],
)
async def test_post_releases_answers_422_naming_the_field_400_for_a_body_not_json_and_dead_letters(
        http_service, streams, body, status, error, api_headers):
    _, url = http_service
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
            answered, answer = resp.status, await resp.json()
    assert answered == status and any(error in line for line in [f"{e['field']}: {e['message']}" for e in answer["errors"]]), answer
    letters = await streams.client.xrange(streams.key(DEAD_LETTERS))
    assert len(letters) == 1 and error.encode() in letters[0][1][b"__data__"]


async def test_post_releases_refuses_an_oversized_body(http_service, api_headers):
    service, url = http_service
    service.settings = service.settings.model_copy(update={"max_release_bytes": 1000})
    body = json.dumps({"title": "T", "body": "x" * 1001, "url": "https://x",
                       "published_at": "2023-01-01T00:00:00Z"})
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, data=body) as resp:
            assert resp.status == 413
            [error] = (await resp.json())["errors"]
            assert error["field"] == "request body" and error["message"].endswith("over the 1000-byte limit")


async def test_post_releases_names_a_missing_url_beside_every_other_field_at_fault(http_service, api_headers):
    """Before: a body with neither `url` nor `id` was told so only once every other field was right, and as an error
    of the whole body (`request body: a release needs a url or an id`): a client fixed its release one 422 at a
    time."""
    _, url = http_service
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, json={"title": "T", "body": "B"}) as resp:
            first = (resp.status, (await resp.json())["errors"])
        async with session.post(url, json={"title": "T", "body": "B", "published_at": "2023-01-01"}) as resp:
            second = (resp.status, (await resp.json())["errors"])
    assert first == (422, [{"field": "published_at", "message": "Field required"},
                           {"field": "url", "message": "a release needs a url or an id"}])
    assert second == (422, [{"field": "url", "message": "a release needs a url or an id"}])
