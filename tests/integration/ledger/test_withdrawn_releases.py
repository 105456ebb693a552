"""A withdrawn release is told as such by ``/ledger/releases``: ``withdrawn`` and the publisher's notice on each
release, ``?withdrawn=true|false`` to select by it, and a ledger written before it knew either kept working."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from services.common.auth import ApiAuth
from services.common.http import HttpServer
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
    client = service.store.client
    for release_id in ("r-a", "r-b", "r-c", "r-d", "r-e"):  # as an earlier ledger wrote them
        await client.hdel(f"{key_prefix}ledger:release:{release_id}", "withdrawn", "withdrawn_notice")
    await client.delete(*await client.keys(f"{key_prefix}ledger:releases:*"))
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
        event = ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test", time=NOW)
        await client.xadd(f"{key_prefix}{CLASSIFIED}", {EVENT_FIELD: event.to_json()})
    await rebuild(client, service.settings.key)
    assert await _releases(url) == [("r-d", False, None), ("r-c", True, NOTICE)]
    assert [r for r, _, _ in await _releases(url, "&withdrawn=true")] == ["r-c"]
