"""A release's url and id as ingest admits them, whichever source gives them: whitespace at either end
stripped, line breaks (with the whitespace around them) dropped, other whitespace one ``%20``; a url
with no scheme or an id outside the safe pattern refused with the reason (a dead letter)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import aiohttp
import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.ingest.config import SourceConfig
from services.ingest.identity import release_id_for
from services.ingest.polling import SourcePoller
from services.ingest.service import FileRefused

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 3, tzinfo=timezone.utc)
NOT_IN_A_URI = re.compile(r"[\s\x00-\x1f\x7f]")


def atom(*entries: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<id>f</id><updated>2026-12-02T11:00:00Z</updated>{"".join(entries)}</feed>').encode()


def entry(head: str, words: str) -> str:
    return (f'<entry><title>{words}</title>{head}<published>2026-12-02T11:00:00Z</published>'
            f'<content type="html">&lt;p&gt;The Cabinet Office will invest £613m by 30 April 2029 to counter '
            f'terrorism in {words}.&lt;/p&gt;</content></entry>')


async def dead_letters(streams) -> list:
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [DeadLetterEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


async def test_a_feed_entry_id_with_a_line_break_gives_a_url_without_one(govuk, reader, streams, published):
    govuk.put("/rel.atom", atom(entry("<id>urn:a\nb c</id>", "harbours"),
                                entry('<id>urn:x</id><link href="https://example.org/a/&#10;   b c"/>', "ports"),
                                entry("<id> \n </id>", "docks")), "application/atom+xml")
    config = SourceConfig(name="atomrel", url=govuk.base + "/rel.atom", interval=1, follow="none")
    report = await SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8).run(now=NOW,
                                                                                                     clock=0)
    assert report is not None and report.published == 2
    releases = {r.title: r for r in await published()}
    assert releases["harbours"].url == "urn:ab%20c"
    assert releases["ports"].url == "https://example.org/a/b%20c"
    for release in releases.values():
        assert not NOT_IN_A_URI.search(release.url) and release.release_id == release_id_for(release.url)
    assert "docks" not in releases  # no link and a blank id: nothing to name it by


async def _post(url: str, body: dict, auth: dict[str, str]) -> tuple[int, dict]:
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}) as resp:
            return resp.status, await resp.json()


RELEASE = {"title": "Harbours", "published_at": "2026-11-25T09:00:00Z",
           "body": "The Cabinet Office will invest £613m by 30 April 2029 to counter terrorism in harbours."}


async def test_a_posted_url_with_a_line_break_is_published_without_it(http_service, published, api_headers):
    _, url = http_service
    status, answer = await _post(url, {**RELEASE, "url": " https://www.gov.uk/government/news/\r\n  harbours "},
                                 api_headers)
    assert status == 202, answer
    [release] = await published()
    assert release.url == "https://www.gov.uk/government/news/harbours"


@pytest.mark.parametrize("bad", ["../../x y\nz", "x" * 201, "x" * 5000, "-lead", "a/b", "rel 1", ""])
async def test_a_posted_id_outside_the_safe_pattern_is_refused_naming_the_rule(http_service, streams, published,
                                                                               api_headers, bad):
    _, url = http_service
    status, answer = await _post(url, {**RELEASE, "id": bad}, api_headers)
    assert status == 422, answer
    assert any(e["field"] == "id" and "letters, digits" in e["message"] for e in answer["errors"]), answer
    assert await published() == []
    [letter] = await dead_letters(streams)
    assert "letters, digits" in letter.reason


async def test_a_json_file_with_a_bad_id_is_refused_with_the_reason(http_service, streams, published, tmp_path):
    service, _ = http_service
    path = tmp_path / "harbours.json"
    path.write_text(json.dumps({**RELEASE, "id": "x y\nz"}))
    assert isinstance(await service.ingest_file(path), FileRefused)
    [letter] = await dead_letters(streams)
    assert "harbours.json" in letter.reason and "letters, digits" in letter.reason
    assert await published() == []
