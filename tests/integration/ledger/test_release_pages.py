"""Releases a page at a time on a real Redis holding 120 of them: every one once, the latest first, while more
arrive between pages; searched by words and by days; a cursor Redis cannot compare refused, not a 500."""

from __future__ import annotations

from datetime import date, datetime, timezone

import aiohttp
import pytest

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.ledger.core.cursors import encode_cursor
from services.ledger.release_search import ReleaseQuery, releases_page
from services.ledger.service import LedgerService
from tests.unit.notifier.samples import numbered_release

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)
FIRST = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
RELEASES = 120


def numbered(n: int, *, published_at: datetime | None = None):
    return numbered_release(n, first=FIRST, published_at=published_at)


@pytest.fixture
async def ledger(settings):
    service = LedgerService(settings, clock=lambda: NOW)
    await service.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_routes(service.routes())
    await http.start()
    for n in range(RELEASES):
        await service.store.apply(numbered(n), now=NOW)
    yield service, f"http://127.0.0.1:{http.port}"
    await http.stop()
    await service.stop()


async def _get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status, await answer.json()


def _expected_order() -> list[str]:
    placed = [(numbered(n).published_at.timestamp(), f"gov-uk/r{n:03d}") for n in range(RELEASES)]
    return [release_id for _, release_id in sorted(placed, reverse=True)]


async def test_every_release_once_the_latest_first_while_one_more_arrives_between_pages(ledger):
    service, url = ledger
    seen, cursor, pages = [], "", 0
    while True:
        status, page = await _get(f"{url}/ledger/releases?limit=25{cursor}")
        assert status == 200, page
        seen += [r["release_id"] for r in page["releases"]]
        pages += 1
        if pages == 2:  # the latest of all arrives after the first pages were read: it is on none of the later
            await service.store.apply(numbered(RELEASES, published_at=NOW), now=NOW)
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == _expected_order()
    assert pages == 5


async def test_a_search_pages_through_the_releases_its_words_select(ledger):
    service, _ = ledger
    pages = [await releases_page(service.store, ReleaseQuery(limit=5, words=("borders",)))]
    while pages[-1].next_cursor:
        pages.append(await releases_page(service.store, ReleaseQuery(limit=5, words=("borders",),
                                                                     cursor=pages[-1].next_cursor)))
    assert [r.release_id for p in pages for r in p.releases] == [
        r for r in _expected_order() if int(r[-3:]) % 10 == 0]
    assert len(pages) == 3 and [r.commitments for r in pages[0].releases[:2]] == [3, 2]  # r110, r100


async def test_a_range_of_days_takes_both_its_ends(ledger):
    service, _ = ledger
    found = await releases_page(service.store, ReleaseQuery(published_from=date(2026, 1, 3),
                                                            published_to=date(2026, 1, 5)))
    assert [r.release_id for r in found.releases] == ["gov-uk/r004", "gov-uk/r003", "gov-uk/r002"]


async def test_a_search_reading_too_many_releases_stops_with_a_cursor_where_it_stopped(ledger, monkeypatch):
    service, _ = ledger
    monkeypatch.setattr("services.ledger.release_search.SEARCHED_PER_PAGE", 30)
    monkeypatch.setattr("services.ledger.release_search.BATCH", 30)
    first = await releases_page(service.store, ReleaseQuery(limit=5, words=("nowhere",)))
    assert first.releases == [] and first.stopped_early and first.next_cursor
    rest = await releases_page(service.store, ReleaseQuery(limit=5, words=("089",), cursor=first.next_cursor))
    assert [r.release_id for r in rest.releases] == ["gov-uk/r089"]  # the 31st latest: just past where it stopped


async def test_a_cursor_with_a_timestamp_redis_cannot_compare_is_a_422(ledger):
    """Before: NaN went to Redis as a score, which refused it, and the answer was a 500."""
    _, url = ledger
    status, answer = await _get(f"{url}/ledger/releases?cursor={encode_cursor('releases', float('nan'), 'gov-uk/r001')}")
    assert status == 422, answer
    assert answer["errors"] == [{"field": "cursor", "message": "not one this server gave (ask again without it)"}]


async def test_the_json_read_searches_by_words_and_days_of_publication(ledger):
    _, url = ledger
    status, page = await _get(f"{url}/ledger/releases?q=BORDERS&published_after=2026-01-01"
                              "&published_before=2026-02-15")
    assert status == 200, page
    assert [r["release_id"] for r in page["releases"]] == [f"gov-uk/r{n:03d}" for n in (40, 30, 20, 10, 0)]
    status, answer = await _get(f"{url}/ledger/releases?published_after=2026-02-15&published_before=2026-01-01")
    assert (status, answer["errors"]) == (422, [{"field": "published_before", "message": "is before published_after"}])
