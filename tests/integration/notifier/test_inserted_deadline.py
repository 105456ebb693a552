"""A new version of a release writes another deadline before one its commitment had ("by 25 October" becomes "by
1 October and by 25 October"): the deadline it had keeps its reminders (same ids, same times, none sent twice),
its calendar event and what was told of it as past; the new one is planned and told of on its own. Also across
the upgrade from records that name a deadline by its place in its commitment. Real Redis, a loopback webhook."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest

from schemas.classified import DateDeadline
from services.ledger.core.calendar_feed import deadlines_calendar
from services.ledger.store import LedgerStore
from services.notifier.reminders import reminder_id

from notifier_harness import handled, scheduled, wait_for
from samples import BORDERS, dated, release

pytestmark = pytest.mark.integration

DESK = """
subscriptions:
  - id: desk
    reminders: [P30D, P7D]
    channels: [{{webhook: {{url: "{url}"}}}}]
"""


def _by(*days: date):
    """Commitment ``c-two`` due on each of ``days``, in order (its id stays: the same words, read again)."""
    return dated("c-two", days[-1]).model_copy(update={"deadlines": [
        DateDeadline(due=d, text=f"by {d:%-d %B %Y}", span=(20 + 10 * i, 30 + 10 * i)) for i, d in enumerate(days)]})


async def _desk(notifier, write_yaml, receiver):
    return await notifier(subscriptions=write_yaml(DESK.format(url=receiver.url("hook"))), run_scheduler=False)


async def _handle(n, publish_classified, r):
    last = await publish_classified(n.service, r, event_id=f"{r.release_id}/v{r.version}")
    await wait_for(lambda: handled(n.service, last), what=f"version {r.version} handled")


async def _fire_everything_planned(n) -> int:
    store, far = n.service.reminders, (datetime.now(timezone.utc) + timedelta(days=400)).timestamp()
    sent = 0
    while claimed := await store.claim(until=far, lease_seconds=60, limit=250):
        sent += await n.service.firing.fire(claimed)
    return sent


def _alerts(receiver, kind):
    return [a for a in (json.loads(body)["data"] for _, _, body, _ in receiver.hits("hook")) if a["kind"] == kind]


async def _reminded(receiver, count):
    def pairs():
        return sorted((a["reminder"]["due"], a["reminder"]["offset"]) for a in _alerts(receiver, "reminder"))
    await wait_for(lambda: len(pairs()) >= count, what=f"{count} reminder(s)")
    await asyncio.sleep(0.3)  # a moment for any more
    return pairs()


def _today():
    return datetime.now(timezone.utc).date()


async def test_a_deadline_written_before_another_leaves_the_other_s_reminders_as_planned(
        notifier, receiver, write_yaml, publish_classified):
    later, earlier = _today() + timedelta(days=40), _today() + timedelta(days=20)
    n = await _desk(notifier, write_yaml, receiver)
    await _handle(n, publish_classified, release(_by(later)))
    before = await scheduled(n.service)
    assert sorted(at.date() for at in before.values()) == [later - timedelta(days=30), later - timedelta(days=7)]

    await _handle(n, publish_classified, release(_by(earlier, later), version=2))
    after = await scheduled(n.service)
    assert {rid: after.get(rid) for rid in before} == before  # the same reminders, at the same times
    assert sorted(at.date() for rid, at in after.items() if rid not in before) == [earlier - timedelta(days=7)]

    sent = await _fire_everything_planned(n)
    assert await _reminded(receiver, sent) == sorted([
        (later.isoformat(), "P30D"), (later.isoformat(), "P7D"), (earlier.isoformat(), "P7D")])
    assert sent == 3


async def test_a_reminder_sent_before_the_deadline_was_written_after_another_is_not_sent_again(
        notifier, receiver, write_yaml, publish_classified):
    later, earlier = _today() + timedelta(days=40), _today() + timedelta(days=20)
    n = await _desk(notifier, write_yaml, receiver)
    await _handle(n, publish_classified, release(_by(later)))
    assert await _fire_everything_planned(n) == 2  # both reminders of "later" sent

    await _handle(n, publish_classified, release(_by(earlier, later), version=2))
    sent = await _fire_everything_planned(n)
    assert sent == 1
    assert await _reminded(receiver, 3) == sorted([
        (later.isoformat(), "P30D"), (later.isoformat(), "P7D"), (earlier.isoformat(), "P7D")])


async def test_a_deadline_told_past_is_not_told_again_when_another_is_written_before_it(
        notifier, receiver, write_yaml, publish_classified):
    passed, passed_before = _today() - timedelta(days=10), _today() - timedelta(days=20)
    n = await _desk(notifier, write_yaml, receiver)
    await _handle(n, publish_classified, release(_by(passed)))
    await wait_for(lambda: _alerts(receiver, "new"), what="the new alert")
    assert _alerts(receiver, "new")[0]["elapsed"] == ["c-two:0"]

    await _handle(n, publish_classified, release(_by(passed_before, passed), version=2))
    (changed,) = await wait_for(lambda: _alerts(receiver, "changed"), what="the changed alert")
    assert changed["elapsed"] == ["c-two:0"]  # the deadline written before, at its place in this version's commitment


@pytest.mark.parametrize("inserted", [False, True], ids=["same-deadlines", "deadline-inserted"])
async def test_records_of_a_first_version_are_those_earlier_releases_wrote_and_keep_working(
        notifier, receiver, write_yaml, publish_classified, inserted):
    """A first version numbers deadlines by place, as earlier releases of the notifier named them (reminder ids,
    the record of what was told past, the release's last version): what they stored is read as this one would
    have written it. Then a version 2: nothing is sent twice, nothing lost."""
    later, earlier, passed = _today() + timedelta(days=40), _today() + timedelta(days=20), _today() - timedelta(days=5)
    n = await _desk(notifier, write_yaml, receiver)
    streams = n.service.runtime.streams
    await _handle(n, publish_classified, release(_by(passed, later)))
    (new,) = await wait_for(lambda: _alerts(receiver, "new"), what="the new alert")
    assert new["elapsed"] == ["c-two:0"]
    assert await streams.client.smembers(streams.key("notifier:elapsed:desk")) == {b"c-two:0"}
    planned = await scheduled(n.service)
    assert set(planned) == {reminder_id("desk", "c-two", 1, o) for o in ("P30D", "P7D")}
    stored = json.loads(await streams.client.get(streams.key("notifier:release:gov-uk/iraq-2017")))
    assert set(stored) == {"version", "commitments"}
    first = min(planned.values()).timestamp()
    await n.service.firing.fire(await n.service.reminders.claim(until=first, lease_seconds=60, limit=250))
    await _reminded(receiver, 1)  # ("later", P30D)

    v2 = _by(passed, earlier, later) if inserted else _by(passed, later).model_copy(update={"confidence": 0.8})
    await _handle(n, publish_classified, release(v2, version=2))
    if inserted:
        (changed,) = await wait_for(lambda: _alerts(receiver, "changed"), what="the changed alert")
        assert changed["elapsed"] == []  # the past deadline was told of with version 1
        stored = json.loads(await streams.client.get(streams.key("notifier:release:gov-uk/iraq-2017")))
        assert stored["deadline_numbers"] == {"c-two": [0, 2, 1]}
    sent = await _fire_everything_planned(n)
    expected = [(later.isoformat(), "P30D"), (later.isoformat(), "P7D"), *[(earlier.isoformat(), "P7D")] * inserted]
    assert await _reminded(receiver, len(expected)) == sorted(expected)
    assert sent == len(expected) - 1


async def test_the_calendar_event_of_a_deadline_keeps_its_uid_when_another_is_written_before_it(notifier, write_yaml):
    n = await notifier(subscriptions=write_yaml("subscriptions: []\n"), run_scheduler=False)
    streams = n.service.runtime.streams
    store = LedgerStore(streams.client, streams.key)
    now = datetime(2026, 9, 1, tzinfo=timezone.utc)
    await store.apply(release(_by(date(2026, 10, 25))), now=now)
    await store.apply(release(_by(date(2026, 10, 1), date(2026, 10, 25)), version=2), now=now)
    (entry,) = await store.entries(["c-two"])

    events = icalendar.Calendar.from_ical(deadlines_calendar(
        [entry], name="desk", offsets=["P1D"], remind_at=time(9, tzinfo=timezone.utc))).walk("VEVENT")
    assert sorted((e.decoded("dtstart"), str(e["uid"])) for e in events) == [
        (date(2026, 10, 1), "c-two-1@pledgewatch"), (date(2026, 10, 25), "c-two-0@pledgewatch")]
    assert [(e.key, e.commitment.deadlines[i].due) for e, i in await store.deadlines_between(
        date(2026, 10, 1), date(2026, 10, 31))] == [("c-two", date(2026, 10, 1)), ("c-two", date(2026, 10, 25))]
    assert [c.words() for c in entry.history[-1].changes] == ["deadlines 25 Oct 2026 \u2192 1 Oct 2026, 25 Oct 2026"]


def _edited(c, cid: str, words: str):
    """``c`` with its sentence edited (so a new id), the same deadlines."""
    return c.model_copy(update={"id": cid, "text": c.text.replace("will deliver", f"will {words} deliver")})


async def test_a_deadline_told_past_is_not_told_again_when_its_commitment_is_edited_a_second_time(
        notifier, receiver, write_yaml, publish_classified):
    """Before: the second edit looked for the record under the first edit's id, where none was written, and the
    deadline was told past again."""
    passed = _today() - timedelta(days=10)
    n = await _desk(notifier, write_yaml, receiver)
    v1 = _by(passed)
    v2 = _edited(v1, "c-two-b", "fully")
    v3 = _edited(v2, "c-two-c", "surely")
    for version, c in enumerate([v1, v2, v3], start=1):
        await _handle(n, publish_classified, release(c, version=version))
        await wait_for(lambda: len(_alerts(receiver, "new") + _alerts(receiver, "changed")) == version,
                       what=f"version {version}'s alert")
    assert [(a["kind"], a["commitments"][0]["id"], a["elapsed"])
            for a in _alerts(receiver, "new") + _alerts(receiver, "changed")] == [
        ("new", "c-two", ["c-two:0"]), ("changed", "c-two-b", []), ("changed", "c-two-c", [])]


async def test_a_deadline_told_past_then_dropped_is_not_told_again_when_written_again_before_another(
        notifier, receiver, write_yaml, publish_classified):
    """Before: written again, it took a number above the one kept, and was told past again."""
    passed, later = _today() - timedelta(days=10), _today() + timedelta(days=40)
    n = await _desk(notifier, write_yaml, receiver)
    for version, c in enumerate([_by(passed, later), _by(later), _by(passed, later)], start=1):
        await _handle(n, publish_classified, release(c, version=version))
        await wait_for(lambda: len(_alerts(receiver, "new") + _alerts(receiver, "changed")) == version,
                       what=f"version {version}'s alert")
    assert [a["elapsed"] for a in _alerts(receiver, "new") + _alerts(receiver, "changed")] == [["c-two:0"], [], []]
    assert set(await scheduled(n.service)) == {reminder_id("desk", "c-two", 1, o) for o in ("P30D", "P7D")}


@pytest.mark.parametrize("gone", ["removed", "withdrawn"])
async def test_a_deadline_told_past_is_not_told_again_when_its_commitment_is_removed_then_restored(
        notifier, receiver, write_yaml, publish_classified, gone):
    """Before: the release's last version kept nothing of a commitment it removed (or of a release withdrawn with
    another body), so the version restoring it numbered its deadlines by place: the one told past under number 1
    (written before the other) was told past again, and the other's reminders were planned again under other
    ids."""
    passed, later = _today() - timedelta(days=10), _today() + timedelta(days=40)
    n = await _desk(notifier, write_yaml, receiver)
    streams = n.service.runtime.streams
    third = (release(BORDERS, version=3) if gone == "removed" else
             release(BORDERS, version=3).model_copy(update={"withdrawn": True, "commitments": []}))
    versions = [release(_by(later), BORDERS), release(_by(passed, later), BORDERS, version=2), third,
                release(_by(passed, later), BORDERS, version=4)]
    for version, r in enumerate(versions, start=1):
        await _handle(n, publish_classified, r)
        await wait_for(lambda: len(_told(receiver)) == version, what=f"version {version}'s alert")
        if version == 3:
            stored = json.loads(await streams.client.get(streams.key("notifier:release:gov-uk/iraq-2017")))
            assert [(r["id"], r["numbers"]) for r in stored["removed"]] == [("c-two", [1, 0])]
    alerts = _told(receiver)
    assert [(a["kind"], a["elapsed"]) for a in alerts] == [
        ("new", []), ("changed", ["c-two:0"]), ("changed" if gone == "removed" else "withdrawn", []), ("changed", [])]
    assert [ch["changes"][0]["words"] for ch in alerts[3]["changes"]] == ["restored"] * (1 + (gone == "withdrawn"))
    assert await streams.client.smembers(streams.key("notifier:elapsed:desk")) == {b"c-two:1"}
    assert set(await scheduled(n.service)) == {reminder_id("desk", "c-two", 0, o) for o in ("P30D", "P7D")}


def _told(receiver):
    return [a for a in (json.loads(body)["data"] for _, _, body, _ in receiver.hits("hook")) if a["kind"] != "reminder"]
