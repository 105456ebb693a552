"""A date alone as ``published_at``, in a ``.json`` release file or ``POST /releases``: midnight UTC, as front
matter takes it; the event carries the full timestamp. A time without its zone is still refused: it says no
moment."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import aiohttp
import pytest

from services.ingest.files import ReleaseFileError, load_release

pytestmark = pytest.mark.integration

RELEASE = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
           "published_at": "2026-12-06", "body": "The UK will invest £24m."}
MIDNIGHT = datetime(2026, 12, 6, tzinfo=timezone.utc)


async def test_a_posted_date_alone_is_midnight_utc(http_service, published, api_headers):
    """Before: 422 "published_at: Input should have timezone info"."""
    _, url = http_service
    async with aiohttp.ClientSession(headers=api_headers) as session:
        async with session.post(url, data=json.dumps(RELEASE), headers={"Content-Type": "application/json"}) as resp:
            assert resp.status == 202, await resp.text()
    [release] = await published()
    assert release.published_at == MIDNIGHT and release.published_at.utcoffset().total_seconds() == 0


def test_a_json_files_date_alone_is_midnight_utc_as_front_matters_is(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps(RELEASE))
    (tmp_path / "r.md").write_text("---\ndate: 2026-12-06\n---\nPort security fund\n\nThe UK will invest £24m.\n")
    assert load_release(tmp_path / "r.json").published_at == load_release(tmp_path / "r.md").published_at == MIDNIGHT


@pytest.mark.parametrize("value", ["2026-12-06T10:00:00", "2026-12-6", "06/12/2026"])
def test_a_json_files_time_without_zone_or_other_date_is_still_refused(tmp_path, value):
    (tmp_path / "r.json").write_text(json.dumps({**RELEASE, "published_at": value}))
    with pytest.raises(ReleaseFileError, match="published_at"):
        load_release(tmp_path / "r.json")


def test_a_json_files_time_without_zone_says_what_to_write_as_front_matter_does(tmp_path):
    """Before: `published_at: Input should have timezone info`, which did not say what to write."""
    (tmp_path / "r.json").write_text(json.dumps({**RELEASE, "published_at": "2026-12-06T10:00:00"}))
    with pytest.raises(ReleaseFileError) as refused:
        load_release(tmp_path / "r.json")
    assert str(refused.value) == (f"{tmp_path}/r.json: published_at: '2026-12-06T10:00:00' is a time without its zone; "
                                  "write it with one (2026-12-06T10:00:00+00:00, or Z for UTC), or the date alone")
