"""A release in UTF-16 or UTF-32 with its byte-order mark (or UTF-8 with one) is read by the folder watcher and
by POST /releases as its UTF-8 twin is; bytes with no mark that are not UTF-8 are still refused, with the byte."""

from __future__ import annotations

import asyncio
import codecs
import json

import aiohttp
import pytest

from schemas import DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD

pytestmark = pytest.mark.integration

MARKED = [pytest.param(codecs.BOM_UTF8, "utf-8", id="utf-8"),
          pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16-le"),
          pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", id="utf-16-be"),
          pytest.param(codecs.BOM_UTF32_LE, "utf-32-le", id="utf-32-le"),
          pytest.param(codecs.BOM_UTF32_BE, "utf-32-be", id="utf-32-be")]
TEXT = "Sécurité des ports\nThe UK will invest £5m in port security by 2027.\n"
RELEASE = {"url": "https://www.gov.uk/government/news/ports", "title": "Sécurité des ports",
           "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m."}


async def dead_letters(streams) -> list:
    entries = await streams.client.xrange(streams.key(DEAD_LETTERS))
    return [DeadLetterEvent.model_validate_json(fields[EVENT_FIELD.encode()]).data for _, fields in entries]


@pytest.fixture
async def watched(settings, ingest_settings, tmp_path):
    """A folder the ingest service watches, as ``pledgewatch run --watch`` does."""
    from services.ingest.service import IngestService

    folder = tmp_path / "releases"
    folder.mkdir()
    service = IngestService(settings, watch=[folder], ingest=ingest_settings, sources=[])
    await service.start()
    await service.started()
    yield folder
    await service.stop()


async def _until(predicate, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := await predicate()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)
    return found


async def _any(*lists) -> bool:
    return any([await found for found in lists])


@pytest.mark.parametrize(("bom", "encoding"), MARKED)
async def test_a_watched_file_with_a_byte_order_mark_is_published(watched, streams, published, bom, encoding):
    """Before: refused and dead-lettered as 'not UTF-8 (byte 0: b'\\xff')'."""
    (watched / "2023-03-14-ports.txt").write_bytes(bom + TEXT.encode(encoding))
    await _until(lambda: _any(published(), dead_letters(streams)))
    [release] = await published()
    assert (release.title, release.body) == ("Sécurité des ports", "The UK will invest £5m in port security by 2027.")
    assert await dead_letters(streams) == []


async def test_a_watched_file_in_latin1_is_still_refused_naming_the_byte(watched, streams, published):
    path = watched / "2023-03-14-ports.txt"
    path.write_bytes(TEXT.encode("latin-1"))
    [letter] = await _until(lambda: dead_letters(streams))
    assert letter.reason == f"{path}: not UTF-8 (byte 1: b'\\xe9')"
    assert await published() == []


async def _post(url: str, headers: dict, body: bytes) -> tuple[int, dict]:
    async with aiohttp.ClientSession(headers=headers) as session, \
            session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
        return resp.status, await resp.json()


@pytest.mark.parametrize(("bom", "encoding"), MARKED)
async def test_a_posted_body_with_a_byte_order_mark_is_published(http_service, api_headers, published, bom,
                                                                 encoding):
    """Before: 400 'not JSON: not UTF-8 (byte 0)', or for UTF-8's mark 'not JSON: expected value'."""
    _, url = http_service
    status, answer = await _post(url, api_headers, bom + json.dumps(RELEASE, ensure_ascii=False).encode(encoding))
    assert status == 202 and answer["published"], answer
    [release] = await published()
    assert (release.title, release.body) == (RELEASE["title"], RELEASE["body"])


@pytest.mark.parametrize(("body", "message"), [
    pytest.param(json.dumps(RELEASE, ensure_ascii=False).encode("latin-1"), "not JSON: not UTF-8 (byte 63: b'\\xe9')",
                 id="latin-1"),
    pytest.param(codecs.BOM_UTF16_LE + json.dumps(RELEASE).encode("utf-16-le")[:-1],
                 "not JSON: not UTF-16LE, as its byte-order mark says (byte 356: b'}')", id="utf-16-cut-short"),
])
async def test_a_posted_body_not_in_its_encoding_is_refused(http_service, api_headers, published, body, message):
    _, url = http_service
    assert await _post(url, api_headers, body) == (400, {"errors": [{"field": "request body", "message": message}]})
    assert await published() == []
