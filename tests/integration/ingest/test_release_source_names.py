"""A release's ``source`` given in ``POST /releases`` or in a release file (JSON ``source``, front matter
``source:``) is kept as written, a name (``dft.gov.uk``) or words (``canada.ca (via newswire.ca)``): it travels
with the event, filters and the ledger compare and show it, and no Redis key, URL or metric label is made of it
(those of the sources file and ``--source`` are, and stay source names). Only text that names nothing is
refused: blank, past 200 characters, or with a control character (a line break, a tab)."""

from __future__ import annotations

import json

import aiohttp
import pytest

from schemas.streams import DEAD_LETTERS
from services.ingest.service import FileRefused

pytestmark = pytest.mark.integration

RELEASE = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
           "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m."}
RULE = "not a release's source; use 1 to 200 characters on one line, not all blank"
REFUSED = ["", " ", "x" * 201, "gov.uk\nsecond line", "gov\tuk", "gov\x00uk"]
TAKEN = ["dft.gov.uk", "gov.uk", "press.un.org", "feeds_2", "a", "GOV.UK", "canada.ca (via newswire.ca)",
         "un.org/press", "-dash-first", "x" * 65, "x" * 200, "Bad Name!", "pm.gov.au / attorneygeneral.gov.au"]


async def _post(url: str, body: dict, auth: dict[str, str]) -> tuple[int, dict]:
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}) as resp:
            return resp.status, await resp.json()


@pytest.mark.parametrize("source", REFUSED)
async def test_a_posted_source_that_is_no_source_name_is_refused_naming_the_field(http_service, streams, published,
                                                                                  source, api_headers):
    _, url = http_service
    status, answer = await _post(url, {**RELEASE, "source": source}, api_headers)
    assert (status, answer) == (422, {"errors": [{"field": "source", "message": f"{source.strip()[:80]!r}: {RULE}"}]})
    assert await published() == []
    assert await streams.client.xlen(streams.key(DEAD_LETTERS)) == 1


@pytest.mark.parametrize("source", TAKEN)
async def test_a_posted_source_is_taken_as_written(http_service, published, source, api_headers):
    _, url = http_service
    status, answer = await _post(url, {**RELEASE, "source": source}, api_headers)
    assert status == 202, answer
    assert [release.source for release in await published()] == [source]


LONG = "x" * 201


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("r.json", json.dumps({**RELEASE, "source": LONG}), id="json"),
    pytest.param("2023-03-14-r.md", f"---\nsource: {LONG}\n---\nPort security fund\n\nWe will act.\n",
                 id="front-matter"),
])
async def test_a_file_whose_source_names_nothing_is_dead_lettered(http_service, streams, published, tmp_path,
                                                                  name, text):
    service, _ = http_service
    path = tmp_path / name
    path.write_text(text)
    refused = await service.ingest_file(path)
    assert refused == FileRefused(f"{path}: source: {LONG[:80]!r}: {RULE}")
    letters = await streams.client.xrange(streams.key(DEAD_LETTERS))
    assert len(letters) == 1 and b"not a release's source" in letters[0][1][b"__data__"]
    assert await published() == []


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("r.json", json.dumps({**RELEASE, "source": "g7 (via mofa.go.jp)"}), id="json"),
    pytest.param("2023-03-14-r.md", "---\nsource: g7 (via mofa.go.jp)\n---\nPort security fund\n\nWe will act.\n",
                 id="front-matter"),
])
async def test_a_file_whose_source_is_words_is_published_under_them_as_written(http_service, published, tmp_path,
                                                                                name, text):
    """Before: dead-lettered ("not a source name"), while `pledgewatch classify` read it, and 12 files of the
    project's own training corpus (``tests/data/releases``) would have been refused the same way."""
    service, _ = http_service
    path = tmp_path / name
    path.write_text(text)
    await service.ingest_file(path)
    assert [release.source for release in await published()] == ["g7 (via mofa.go.jp)"]


async def test_a_file_with_a_source_name_is_published_under_it(http_service, published, tmp_path):
    service, _ = http_service
    path = tmp_path / "2023-03-14-r.md"
    path.write_text("---\nsource: dft.gov.uk\n---\nPort security fund\n\nWe will act.\n")
    await service.ingest_file(path)
    assert [release.source for release in await published()] == ["dft.gov.uk"]
