"""The ledger in a real Redis: versions, re-announcements, deadlines, idempotence, the XACK with the write."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import pytest
import redis.asyncio as aioredis

from schemas.classified import Money
from services.common.streams import Entry
from services.ledger.core.entries import EntryState
from services.ledger.store import LedgerStore
from tests.unit.notifier.samples import BORDERS, FUNDING, PUBLISHED, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
FUNDING_8M = FUNDING.model_copy(update={
    "id": "c-funding-8m", "text": FUNDING.text.replace("£10m", "£8m"),
    "money": Money(amount=8_000_000, currency="GBP", text="£8m", span=(120, 123))})
AGAIN = FUNDING.model_copy(update={
    "id": "c-again", "actor": "The UK Government",
    "text": "The UK Government is investing £10m to strengthen Iraq's counter-terrorism forces."})


@pytest.fixture
async def store(redis_url, key_prefix):
    client = aioredis.Redis.from_url(redis_url)
    yield LedgerStore(client, lambda name: f"{key_prefix}{name}")
    await client.aclose()


async def test_a_release_and_its_edit(store):
    await store.apply(release(FUNDING, BORDERS), now=NOW)
    update = await store.apply(release(FUNDING_8M, BORDERS, version=2), now=NOW)
    assert [c.words() for c in update.changed["c-funding"]] == ["money £10m \u2192 £8m"]
    entries = {e.key: e for e in await store.release_entries("gov-uk/iraq-2017")}
    assert entries["c-funding"].state is EntryState.CHANGED
    assert entries["c-funding"].commitment.money.text == "£8m"
    assert entries["c-borders"].versions == [1, 2]


async def test_a_version_read_twice_or_late_changes_nothing(store):
    await store.apply(release(FUNDING, version=2), now=NOW)
    assert (await store.apply(release(FUNDING_8M, version=1), now=NOW)).stale
    assert (await store.apply(release(FUNDING, version=2), now=NOW)).stale
    assert (await store.entry("c-funding")).versions == [2]


async def test_two_readers_of_one_version_record_it_once(store):
    updates = await asyncio.gather(*(store.apply(release(FUNDING, BORDERS), now=NOW) for _ in range(5)))
    assert sum(not u.stale for u in updates) == 1
    assert (await store.entry("c-funding")).versions == [1]


async def test_the_same_money_announced_again_by_another_release_joins_its_chain(store):
    await store.apply(release(FUNDING), now=NOW)
    later = PUBLISHED + timedelta(days=100)
    await store.apply(release(AGAIN, release_id="gov-uk/iraq-2018", published_at=later), now=NOW)
    again = await store.entry("c-again")
    assert again.chain == "c-funding"
    assert [e.key for e in await store.chain("c-funding")] == ["c-funding", "c-again"]


async def test_an_unrelated_commitment_starts_no_chain(store):
    await store.apply(release(FUNDING), now=NOW)
    await store.apply(release(BORDERS, release_id="gov-uk/other", published_at=PUBLISHED + timedelta(days=1)), now=NOW)
    assert (await store.entry("c-borders")).chain is None


async def test_deadlines_falling_due_in_a_window_and_not_once_removed(store):
    await store.apply(release(FUNDING, BORDERS), now=NOW)
    due = await store.deadlines_between(date(2020, 11, 1), date(2020, 12, 31))
    assert [(e.key, i) for e, i in due] == [("c-funding", 0)]
    await store.apply(release(BORDERS, version=2), now=NOW)
    assert await store.deadlines_between(date(2020, 11, 1), date(2020, 12, 31)) == []
    assert (await store.entry("c-funding")).state is EntryState.REMOVED


async def test_the_event_is_acknowledged_with_the_write(store, key_prefix):
    client = store.client
    stream = f"{key_prefix}classified"
    await client.xgroup_create(stream, "ledger", id="0", mkstream=True)
    entry_id = (await client.xadd(stream, {"x": "1"})).decode()
    await client.xreadgroup("ledger", "reader", {stream: ">"})
    await store.apply(release(FUNDING), now=NOW, ack=Entry(stream=stream, group="ledger", entry_id=entry_id, fields={}))
    assert (await client.xpending(stream, "ledger"))["pending"] == 0


async def test_while_a_rebuild_runs_other_writers_wait_and_write_nothing(store, key_prefix):
    from services.ledger.store import REBUILDING, LedgerPaused, LedgerStore

    await store.client.set(f"{key_prefix}{REBUILDING}", "1", ex=60)
    with pytest.raises(LedgerPaused):
        await store.apply(release(FUNDING), now=NOW)
    assert await store.entry("c-funding") is None
    rebuilding = LedgerStore(store.client, store.key, rebuilding=True)
    assert not (await rebuilding.apply(release(FUNDING), now=NOW)).stale
    await store.client.delete(f"{key_prefix}{REBUILDING}")
    assert (await store.apply(release(FUNDING), now=NOW)).stale


async def test_cards_written_before_they_knew_of_money_are_written_again_once(store):
    """A card stored before ``pledges_money`` existed reads as naming no money, so ``category=funding`` would
    miss its commitment's £10m; the ledger writes such cards again from their entries when it starts."""
    import json

    await store.apply(release(FUNDING, BORDERS), now=NOW)
    cards_key = store.key("ledger:cards")
    for key, raw in (await store.client.hgetall(cards_key)).items():  # as an earlier version wrote them
        old = json.loads(raw)
        del old["pledges_money"]
        await store.client.hset(cards_key, key, json.dumps(old))
    assert await store.upgrade_cards() == 2
    cards = {k.decode(): json.loads(v) for k, v in (await store.client.hgetall(cards_key)).items()}
    assert (cards["c-funding"]["pledges_money"], cards["c-borders"]["pledges_money"]) == (True, False)
    assert await store.upgrade_cards() == 0


async def test_cards_written_before_they_kept_their_amount_are_written_again_once(store):
    """A card stored before ``amount`` and ``currency`` existed would match no amount searched (``q=£10m``) nor any
    range of amounts; the ledger writes such cards again from their entries when it starts."""
    import json

    await store.apply(release(FUNDING, BORDERS), now=NOW)
    cards_key = store.key("ledger:cards")
    for key, raw in (await store.client.hgetall(cards_key)).items():  # as an earlier version wrote them
        old = json.loads(raw)
        del old["amount"], old["currency"]
        await store.client.hset(cards_key, key, json.dumps(old))
    assert await store.upgrade_cards() == 2
    cards = {k.decode(): json.loads(v) for k, v in (await store.client.hgetall(cards_key)).items()}
    assert (cards["c-funding"]["amount"], cards["c-funding"]["currency"]) == (10_000_000, "GBP")
    assert (cards["c-borders"]["amount"], cards["c-borders"]["currency"]) == (None, None)
    assert await store.upgrade_cards() == 0


async def test_a_rebuild_gives_each_deadline_the_number_live_handling_gave_it(store):
    """Decision 0021: numbers are carried from version to version, so a rebuild, which reads the classified
    stream in the order it was handled (a version older than one read is skipped alike), numbers alike: the same
    calendar UIDs and deadlines index; a release withdrawn and published again keeps its entry, restored, alike."""
    from schemas import ReleaseClassifiedEvent
    from schemas.classified import DateDeadline
    from schemas.streams import CLASSIFIED, EVENT_FIELD
    from services.ledger.rebuild import rebuild

    def by(*days, cid="c-funding", words=""):
        return FUNDING.model_copy(update={"id": cid, "text": FUNDING.text + words, "deadlines": [
            DateDeadline(due=date(2026, 10, d), text=f"by {d} October 2026", span=(0, 10)) for d in days]})

    versions = [release(by(25)), release(by(1, 25), version=2), release(by(25), version=4),
                release(by(1, 25), version=3),  # out of order: older than the one read, skipped
                release(by(9, 1, 25, cid="c-edited", words=" In full."), version=5), release(by(9, 25), version=6),
                release(by(9, 25), version=7).model_copy(update={"withdrawn": True, "commitments": []}),
                release(by(9, 25), version=8)]  # withdrawn, then published again: the same entry, restored
    for r in versions:
        await store.apply(r, now=NOW)
        event = ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test", time=NOW,
                                            subject=r.release_id)
        await store.client.xadd(store.key(CLASSIFIED), {EVENT_FIELD: event.to_json()})

    async def numbered():
        (entry,) = await store.release_entries("gov-uk/iraq-2017")
        members = await store.client.zrange(store.key("ledger:deadlines"), 0, -1, withscores=True)
        return entry.numbers(), sorted((m.decode(), s) for m, s in members), entry.model_dump(mode="json")

    live = await numbered()
    assert live[0] == [1, 0]  # 25 October its first number across the edit; 9 October the one 1 October left
    assert (live[2]["state"], live[2]["versions"], len(live[1])) == ("changed", [1, 2, 4, 5, 6, 8], 2)
    await rebuild(store.client, store.key)
    assert await numbered() == live


async def test_a_rebuild_never_gives_a_calendar_event_a_lower_sequence_than_calendars_were_given(store):
    """An entry stored before ``sequence`` was kept showed its versions less one; counted again by revisions
    alone, a rebuild would lower it (RFC 5545: SEQUENCE never goes down), as a stream trimmed since would."""
    import json

    from schemas import ReleaseClassifiedEvent
    from schemas.streams import CLASSIFIED, EVENT_FIELD
    from services.ledger.rebuild import rebuild

    for r in (release(FUNDING), release(FUNDING, version=2), release(FUNDING, version=3)):
        await store.apply(r, now=NOW)
        event = ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test", time=NOW,
                                            subject=r.release_id)
        await store.client.xadd(store.key(CLASSIFIED), {EVENT_FIELD: event.to_json()})
    assert (await store.entry("c-funding")).calendar_sequence() == 0
    stored = (await store.entry("c-funding")).model_dump(mode="json")
    del stored["sequence"], stored["revised_at"]  # as an earlier ledger wrote it: SEQUENCE 2 in every calendar
    await store.client.set(store.key("ledger:entry:c-funding"), json.dumps(stored))
    assert (await store.entry("c-funding")).calendar_sequence() == 2
    await rebuild(store.client, store.key)
    assert (await store.entry("c-funding")).calendar_sequence() == 2


async def test_a_rebuild_that_died_after_dropping_the_ledger_keeps_the_sequences_at_the_next(store, monkeypatch):
    """The sequences read before the ledger is dropped outlive a rebuild that dies: run again, it does not count
    them from what the first left behind (a ledger it rebuilt in part, its sequences lowered)."""
    import json

    from schemas import ReleaseClassifiedEvent
    from schemas.streams import CLASSIFIED, EVENT_FIELD
    from services.ledger import rebuild as rebuilding

    for r in (release(FUNDING), release(FUNDING, version=2), release(FUNDING, version=3), release(BORDERS)):
        await store.apply(r, now=NOW)
        event = ReleaseClassifiedEvent.wrap(r, id=f"{r.release_id}/v{r.version}", source="/test", time=NOW,
                                            subject=r.release_id)
        await store.client.xadd(store.key(CLASSIFIED), {EVENT_FIELD: event.to_json()})
    stored = (await store.entry("c-funding")).model_dump(mode="json")
    del stored["sequence"], stored["revised_at"]  # as an earlier ledger wrote it: SEQUENCE 2 in every calendar
    await store.client.set(store.key("ledger:entry:c-funding"), json.dumps(stored))

    def dies(_counts):
        raise RuntimeError("the rebuild's process was stopped")

    monkeypatch.setattr(rebuilding, "PAGE", 1)
    with pytest.raises(RuntimeError):
        await rebuilding.rebuild(store.client, store.key, progress=dies)
    assert (await store.entry("c-funding")).calendar_sequence() == 0  # rebuilt in part: counted from the stream
    await rebuilding.rebuild(store.client, store.key)
    assert (await store.entry("c-funding")).calendar_sequence() == 2
