"""A refused release file's dead letter says which folder it came from: its absolute path, however typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.streams import DEAD_LETTERS
from services.ingest.service import FileRefused

pytestmark = pytest.mark.integration


async def test_a_file_given_by_a_relative_path_is_dead_lettered_by_its_absolute_path(http_service, streams, tmp_path,
                                                                                     monkeypatch):
    service, _ = http_service
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "2020-01-01-empty.txt").write_bytes(b"")
    assert isinstance(await service.ingest_file(Path("inbox/2020-01-01-empty.txt")), FileRefused)
    ((_, fields),) = await streams.client.xrange(streams.key(DEAD_LETTERS))
    letter = fields[b"__data__"].decode()
    where = str(tmp_path / "inbox" / "2020-01-01-empty.txt")
    assert f'"stream":"file:{where}"' in letter and f'"path":"{where}"' in letter
    assert f'"reason":"{where}: empty file"' in letter


async def test_a_json_file_giving_a_key_twice_is_dead_lettered_naming_the_key(http_service, streams, tmp_path):
    """Before: ``{"title": "A", …, "title": "B"}`` was published as "B" without a word."""
    service, _ = http_service
    path = tmp_path / "twice.json"
    path.write_text('{"title": "A", "published_at": "2020-01-01", "body": "The UK will invest.", "title": "B"}')
    assert isinstance(await service.ingest_file(path), FileRefused)
    ((_, fields),) = await streams.client.xrange(streams.key(DEAD_LETTERS))
    assert f"\"reason\":\"{path}: title: key 'title' given twice in one object: give each key once\"" in (
        fields[b"__data__"].decode())
