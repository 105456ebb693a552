"""A withdrawn release is told as such by ``/ledger/releases``: ``withdrawn`` and the publisher's notice on each
release, ``?withdrawn=true|false`` to select by it, and a ledger written before it knew either kept working."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from redis.asyncio import Redis

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.ledger import withdrawals
from services.ledger.service import LedgerService
from tests.unit.notifier.samples import BORDERS, FUNDING, PUBLISHED, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
NOTICE = "This fund has been replaced by the Ports Security Programme."


def _at(release_id: str, days: int, *commitments, version: int = 1, withdrawn: bool = False,
        notice: str | None = None):
    commitments = tuple(c.model_copy(update={"id": f"{release_id}:{c.id}"}) for c in commitments)  # ids are global
    return release(*commitments, release_id=release_id, version=version,
                   published_at=PUBLISHED + timedelta(days=days)).model_copy(
        update={"withdrawn": withdrawn, "withdrawn_notice": notice, **({} if commitments else {"commitments": []})})


@pytest.fixture
async def served(settings):
    """A started ledger with its HTTP routes: ``(service, base URL)``; ``served.start()`` starts another."""
    started: list[tuple[LedgerService, HttpServer]] = []

    async def start() -> tuple[LedgerService, str]:
        service = LedgerService(settings, clock=lambda: NOW)
        await service.start()
        http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
        http.add_routes(service.routes())
        await http.start()
        started.append((service, http))
        return service, f"http://127.0.0.1:{http.port}"

    yield start
    for service, http in reversed(started):
        await http.stop()
        await service.stop()


async def _releases(url: str, query: str = "") -> list[tuple[str, bool, str | None]]:
    """Every release the list gives, page after page, as (id, withdrawn, notice)."""
    shown, cursor = [], None
    async with aiohttp.ClientSession() as session:
        while True:
            params = query + (f"&cursor={cursor}" if cursor else "")
            async with session.get(f"{url}/ledger/releases?limit=2{params}") as resp:
                page = await resp.json()
                assert resp.status == 200, page
            shown += [(r["release_id"], r["withdrawn"], r["withdrawn_notice"]) for r in page["releases"]]
            if (cursor := page["next_cursor"]) is None:
                return shown


async def _one(url: str, release_id: str) -> dict:
    async with aiohttp.ClientSession() as session, session.get(f"{url}/ledger/releases/{release_id}") as resp:
        assert resp.status == 200
        return await resp.json()


async def _ledger_of_five(service: LedgerService) -> None:
    """Five releases, the latest first: e (withdrawn, no notice), d, c (withdrawn with its notice), b (withdrawn,
    then published again), a (withdrawn, no commitment ever)."""
    for update in (_at("r-a", 1), _at("r-a", 1, version=2, withdrawn=True, notice=NOTICE),
                   _at("r-b", 2, FUNDING), _at("r-b", 2, version=2, withdrawn=True, notice=NOTICE),
                   _at("r-b", 2, FUNDING, version=3),
                   _at("r-c", 3, FUNDING, BORDERS), _at("r-c", 3, version=2, withdrawn=True, notice=NOTICE),
                   _at("r-d", 4, BORDERS),
                   _at("r-e", 5, FUNDING), _at("r-e", 5, FUNDING, version=2, withdrawn=True)):
        await service.store.apply(update, now=NOW)


async def _as_written_before_withdrawals_were_kept(service: LedgerService, key_prefix: str) -> None:
    """The five releases' records as an earlier ledger wrote them: no withdrawn field, no withdrawn list."""
    client = service.store.client
    for release_id in ("r-a", "r-b", "r-c", "r-d", "r-e"):
        await client.hdel(f"{key_prefix}ledger:release:{release_id}", "withdrawn", "withdrawn_notice")
    await client.delete(*await client.keys(f"{key_prefix}ledger:releases:*"))


async def test_each_release_says_whether_it_is_withdrawn_and_with_what_notice(served):
    """Before: no release said it was withdrawn; only its commitments' state did, and a release with none
    showed nothing of it."""
    service, url = await served()
    await _ledger_of_five(service)
    assert await _releases(url) == [("r-e", True, None), ("r-d", False, None), ("r-c", True, NOTICE),
                                    ("r-b", False, None), ("r-a", True, NOTICE)]
    one = await _one(url, "r-c")
    assert (one["withdrawn"], one["withdrawn_notice"], one["version"]) == (True, NOTICE, 2)
    assert {e["state"] for e in one["entries"]} == {"withdrawn"}


@pytest.mark.parametrize(("query", "shown"), [
    pytest.param("&withdrawn=true", ["r-e", "r-c", "r-a"], id="withdrawn"),
    pytest.param("&withdrawn=false", ["r-d", "r-b"], id="not-withdrawn"),
    pytest.param("", ["r-e", "r-d", "r-c", "r-b", "r-a"], id="all"),
])
async def test_releases_are_selected_by_withdrawn_page_by_page(served, query, shown):
    service, url = await served()
    await _ledger_of_five(service)
    assert [release_id for release_id, _, _ in await _releases(url, query)] == shown


@pytest.mark.parametrize("query", ["?withdrawn=", "?withdrawn=perhaps"])
async def test_a_withdrawn_filter_of_no_boolean_is_a_422_naming_it(served, query):
    _, url = await served()
    async with aiohttp.ClientSession() as session, session.get(f"{url}/ledger/releases{query}") as resp:
        answer = await resp.json()
    assert resp.status == 422 and [e["field"] for e in answer["errors"]] == ["withdrawn"], answer


async def test_a_ledger_written_before_it_kept_withdrawals_tells_them_from_its_commitments(served, key_prefix):
    """A record without ``withdrawn`` is told withdrawn when every commitment of it is (the notice is not
    known), once the ledger starts; ``pledgewatch ledger rebuild`` reads the notices again from the stream."""
    service, url = await served()
    await _ledger_of_five(service)
    await _as_written_before_withdrawals_were_kept(service, key_prefix)
    _, url = await served()
    assert await _releases(url) == [("r-e", True, None), ("r-d", False, None), ("r-c", True, None),
                                    ("r-b", False, None), ("r-a", False, None)]
    assert [r for r, _, _ in await _releases(url, "&withdrawn=true")] == ["r-e", "r-c"]
    assert [r for r, _, _ in await _releases(url, "&withdrawn=false")] == ["r-d", "r-b", "r-a"]


async def test_a_rebuild_reads_the_withdrawals_and_their_notices_again_from_the_stream(served, key_prefix):
    from schemas import ReleaseClassifiedEvent
    from schemas.streams import CLASSIFIED, EVENT_FIELD
    from services.ledger.rebuild import rebuild

    service, url = await served()
    client = service.store.client
    for r in (_at("r-c", 3, FUNDING), _at("r-c", 3, version=2, withdrawn=True, notice=NOTICE), _at("r-d", 4)):
        event = ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test", time=NOW,
                                            subject=r.release_id)
        await client.xadd(f"{key_prefix}{CLASSIFIED}", {EVENT_FIELD: event.to_json()})
    await rebuild(client, service.settings.key)
    assert await _releases(url) == [("r-d", False, None), ("r-c", True, NOTICE)]
    assert [r for r, _, _ in await _releases(url, "&withdrawn=true")] == ["r-c"]


class _WriterBetweenPages:
    """The ledger's client, a writer recording a new version between the first page of ``ledger:releases`` the
    walk reads (by rank or by scan) and the next."""

    def __init__(self, client, write) -> None:  # type: ignore[no-untyped-def]
        self._client, self._write, self.pages = client, write, 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._client, name)

    async def _page(self, read, *args, **kwargs):  # type: ignore[no-untyped-def]
        page = await read(*args, **kwargs)
        self.pages += 1
        if self.pages == 1:
            await self._write()
        return page

    async def zrange(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return await self._page(self._client.zrange, *args, **kwargs)

    async def zscan(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return await self._page(self._client.zscan, *args, **kwargs)


async def test_a_release_moved_by_a_new_version_while_earlier_withdrawals_are_told_skips_no_other(
        served, key_prefix, monkeypatch):
    """Before: read page by page by rank; r-a, on the first page, published again later moved to the end, every
    rank after it one back, and r-c, first on the second page, was never told: not withdrawn for good."""
    service, url = await served()
    await _ledger_of_five(service)
    await _as_written_before_withdrawals_were_kept(service, key_prefix)
    monkeypatch.setattr(withdrawals, "BATCH", 2)
    published_again_later = _at("r-a", 6, FUNDING, version=3)  # its score moves past r-e's
    moving = _WriterBetweenPages(service.store.client, lambda: service.store.apply(published_again_later, now=NOW))
    assert await withdrawals.tell_earlier_withdrawals(moving, service.settings.key) == 2
    assert [r for r, _, _ in await _releases(url, "&withdrawn=true")] == ["r-e", "r-c"]
    assert [r for r, _, _ in await _releases(url, "&withdrawn=false")] == ["r-a", "r-d", "r-b"]


async def test_every_earlier_record_is_told_over_many_scan_pages_while_writers_move_scores(redis_url, key_prefix,
                                                                                           settings, monkeypatch):
    """Past a few hundred releases the walk takes many pages; a writer moving every score between two of them
    leaves no record untold."""
    ids = [f"r-{n:03}" for n in range(300)]
    async with Redis.from_url(redis_url) as client:
        for n, release_id in enumerate(ids):  # as an earlier ledger wrote them: no withdrawn field
            await client.hset(f"{key_prefix}ledger:release:{release_id}", mapping={"keys": "[]", "version": 1})
            await client.zadd(f"{key_prefix}ledger:releases", {release_id: n})

        async def move_every_score() -> None:
            await client.zadd(f"{key_prefix}ledger:releases", {r: 1000 - n for n, r in enumerate(ids)})

        monkeypatch.setattr(withdrawals, "BATCH", 10)
        moving = _WriterBetweenPages(client, move_every_score)
        assert await withdrawals.tell_earlier_withdrawals(moving, settings.key) == 0
        said = [await client.hget(f"{key_prefix}ledger:release:{r}", "withdrawn") for r in ids]
    assert moving.pages > 1 and said == [b""] * len(ids)
