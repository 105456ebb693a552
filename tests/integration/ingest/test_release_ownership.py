"""A release named by its ``id`` (``POST /releases``, a ``.json`` file) belongs to the source that first
published it: a new version under that id comes only from the same way in (a POST, a file) and the same
source name; any other is refused (409 naming the owner, a dead letter) and the release is left as it was."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import aiohttp
import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD
from services.ingest.config import SourceConfig
from services.ingest.polling import SourcePoller
from services.ingest.service import FileRefused

pytestmark = pytest.mark.integration

RELEASE = {"title": "Hijack", "published_at": "2026-11-25T09:00:00Z", "body": "Nothing to see here at all."}


async def _post(url: str, body: dict, auth: dict[str, str]) -> tuple[int, dict]:
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}) as resp:
            return resp.status, await resp.json()


async def dead_letters(streams) -> list:
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [DeadLetterEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


async def _watched_file(service, tmp_path) -> str:
    path = tmp_path / "2026-11-24-ports.txt"
    path.write_text("Port security\n\nThe Home Office will invest £24m by 31 March 2027 in port security.\n")
    result = await service.ingest_file(path)
    assert result is not None and result.published
    return result.release_id


async def test_a_post_naming_a_watched_files_release_is_refused_with_409_naming_its_owner(
        http_service, streams, published, api_headers, tmp_path):
    service, url = http_service
    release_id = await _watched_file(service, tmp_path)
    status, answer = await _post(url, {**RELEASE, "id": release_id}, api_headers)
    assert status == 409, answer
    [error] = answer["errors"]
    assert error["field"] == "id" and release_id in error["message"] and "'folder'" in error["message"], error
    assert [r.version for r in await published()] == [1]  # nothing published over the file's release
    [letter] = await dead_letters(streams)
    assert release_id in letter.reason and "'folder'" in letter.reason
    # posting as the owner's source name does not help: the file is not a POST's
    status, answer = await _post(url, {**RELEASE, "id": release_id, "source": "folder"}, api_headers)
    assert status == 409, answer


async def test_a_post_naming_a_feeds_release_is_refused(http_service, govuk, reader, streams, published,
                                                        api_headers):
    _, url = http_service
    govuk.put("/press.atom", ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id>'
                              '<updated>2026-11-02T08:00:00Z</updated><entry><id>e1</id><title>Ports plan</title>'
                              '<link href="https://example.org/ports"/><published>2026-11-02T08:00:00Z</published>'
                              '<content type="html">The ministry will act by 2027.</content></entry></feed>'),
              "application/atom+xml")
    config = SourceConfig(name="ministry", url=govuk.base + "/press.atom", interval=1, follow="none")
    poller = SourcePoller(config, reader=reader, streams=streams, interval=1, max_backoff=8)
    assert (await poller.run(now=datetime(2026, 11, 3, tzinfo=timezone.utc), clock=0)).published == 1
    [release] = await published()
    status, answer = await _post(url, {**RELEASE, "id": release.release_id}, api_headers)
    assert status == 409 and "'ministry'" in answer["errors"][0]["message"], answer


async def test_a_posted_release_takes_new_versions_from_its_own_source_only(http_service, published,
                                                                             api_headers, tmp_path):
    service, url = http_service
    first = {**RELEASE, "id": "press-1", "source": "press-office"}
    assert await _post(url, first, api_headers) == (202, {"release_id": "press-1", "version": 1,
                                                          "published": True})
    status, answer = await _post(url, {**first, "body": "Now a new text."}, api_headers)
    assert (status, answer["version"]) == (202, 2)
    status, answer = await _post(url, {**first, "body": "Another source.", "source": "other"}, api_headers)
    assert status == 409 and "'press-office'" in answer["errors"][0]["message"], answer
    path = tmp_path / "press.json"  # nor may a watched file take it over
    path.write_text(json.dumps({**first, "body": "From a file."}))
    refused = await service.ingest_file(path)
    assert isinstance(refused, FileRefused) and "'press-office'" in refused.reason
    assert [r.version for r in await published()] == [1, 2]


async def test_a_release_recorded_before_owners_were_kept_is_judged_by_its_url(http_service, streams, published,
                                                                               api_headers, tmp_path):
    service, url = http_service
    release_id = await _watched_file(service, tmp_path)
    assert await _post(url, {**RELEASE, "id": "press-2"}, api_headers) == (202, {"release_id": "press-2",
                                                                                "version": 1, "published": True})
    for old in (release_id, "press-2"):  # as written before: no owner in the record
        await streams.client.hdel(streams.key(f"ingest:release:{old}"), "source", "kind")
    status, answer = await _post(url, {**RELEASE, "id": release_id}, api_headers)
    assert status == 409 and "a watched file" in answer["errors"][0]["message"], answer  # a file:// url: a watched file's
    status, answer = await _post(url, {**RELEASE, "id": "press-2", "body": "Version two."}, api_headers)
    assert (status, answer["version"]) == (202, 2)  # a urn:pledgewatch: url: a POST's
