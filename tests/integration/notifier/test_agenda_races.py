"""Two handlers settling two versions of one release at once: what one cancels from a record read before the
other wrote a newer one must not take away a reminder the newer record still plans, nor move one the newer
version planned. Real Redis, the notifier's real agenda and reminder store."""

import json
import math
from datetime import datetime, time, timedelta, timezone

import pytest

from samples import FUNDING, release
from schemas.classified import DateDeadline
from services.notifier.planning import Plan
from services.notifier.reminder_records import Subject
from services.notifier.reminder_retime import retime_reminders
from services.notifier.reminders import PlannedReminders, fire_time
from services.notifier.subscriptions import Subscription

from notifier_harness import fast_config, handled, wait_for

pytestmark = pytest.mark.integration

DESK = """
subscriptions:
  - id: desk
    reminders: [P30D, P7D]
    channels: [console]
"""
BIG = 2**63 - 1  # the largest version a release may have: above 2**53, a double no longer tells it from its neighbours


def _version(n: int, due):
    commitment = FUNDING.model_copy(update={"deadlines": [DateDeadline(due=due, text=f"by {due:%-d %B %Y}",
                                                                       span=(0, 10))]})
    return release(commitment, version=n)


async def _first_handled(n, publish_classified, version: int = 1):
    """The release's first version, handled by the notifier, and what a handler of a later one reads then: the
    record's lookup, the records read, and its reminders r1 (the later) and r2, each with its time."""
    first = _version(version, datetime.now(timezone.utc).date() + timedelta(days=60))
    entry = await publish_classified(n.service, first)
    await wait_for(lambda: handled(n.service, entry), what="the first version handled")
    lookup = (n.service.agenda.key("desk"), first.release_id)
    read = {lookup: await n.service.runtime.streams.client.hget(*lookup)}
    planned = PlannedReminders.from_json(read[lookup])
    assert planned is not None and len(planned.jobs) == 2
    r1, r2 = sorted(planned.jobs.items(), key=lambda job: job[1], reverse=True)
    return first, lookup, read, r1, r2


async def _schedule(agenda, release_version, *, now, read):
    """What a handler of ``release_version`` schedules for ``desk`` from the records it ``read``: the planned
    reminders it then settles."""
    desk = Subscription.model_validate({"id": "desk", "channels": ["console"], "reminders": ["P30D", "P7D"]})
    ((planned, quarantined),) = await agenda.schedule(
        [(release_version, [(desk, Plan(matched=list(release_version.commitments)))])], now=now, read=read)
    assert not quarantined
    return planned


async def test_a_stale_version_settling_after_a_newer_one_was_recorded_cancels_none_of_its_reminders(
        notifier, write_yaml, publish_classified):
    """A settles v2 (planning only r1) from the v1 record it read ({r1, r2}); meanwhile B recorded v3, which
    plans r1 and r2 again. A's settling finds the record changed and v3 newer: r2 stays planned."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store, client = n.service.agenda, n.service.reminders, n.service.runtime.streams.client
    first, lookup, read_by_a, (r1, at1), (r2, at2) = await _first_handled(n, publish_classified)

    await client.hset(*lookup, PlannedReminders(3, {r1: at1, r2: at2}).to_json())  # B settles v3
    second = _version(2, first.commitments[0].deadlines[0].due)
    await agenda.settle([(second, [("desk", PlannedReminders(2, {r1: at1}))], None)],
                        now=datetime.now(timezone.utc), read=read_by_a)

    assert PlannedReminders.from_json(await client.hget(*lookup)).version == 3
    assert set(await client.hkeys(store.planned_key)) == {r1.encode(), r2.encode()}
    assert await client.zscore(store.due_key, r2) is not None


@pytest.mark.parametrize("v1, v2, v3", [(1, 2, 3), (8, 9, 10), (BIG - 2, BIG - 1, BIG)],
                         ids=["small", "one digit more", "above 2**53"])
async def test_a_stale_version_settling_before_a_newer_one_cancels_none_of_the_newer_ones_reminders(
        notifier, write_yaml, publish_classified, v1, v2, v3):
    """B settles v2 (planning only r1) and A v3 (planning r1 and r2 again), both from the v1 record ({r1, r2});
    A had scheduled r2 again before B settled. B cancels nothing A planned; A then records v3: r2 is still
    planned. Versions compare as the numbers they are, of any size."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store, client = n.service.agenda, n.service.reminders, n.service.runtime.streams.client
    first, lookup, read_by_both, (r1, at1), (r2, at2) = await _first_handled(n, publish_classified, v1)
    due, now = first.commitments[0].deadlines[0].due, datetime.now(timezone.utc)
    newer = _version(v3, due)
    planned_by_a = await _schedule(agenda, newer, now=now, read=read_by_both)
    assert planned_by_a == [("desk", PlannedReminders(v3, {r1: at1, r2: at2}))]

    await agenda.settle([(_version(v2, due), [("desk", PlannedReminders(v2, {r1: at1}))], None)], now=now,
                        read=read_by_both)
    await agenda.settle([(newer, planned_by_a, None)], now=now, read=read_by_both)

    assert PlannedReminders.from_json(await client.hget(*lookup)).version == v3
    assert set(await client.hkeys(store.planned_key)) == {r1.encode(), r2.encode()}
    assert await client.zscore(store.due_key, r2) is not None


async def test_a_stale_version_scheduling_after_a_newer_one_moves_none_of_its_reminders(
        notifier, write_yaml, publish_classified):
    """A schedules and settles v3, which moves the deadline a week on; B, from the v1 record it read before,
    then schedules and settles v2, whose deadline is v1's: the reminders stay at v3's times, reminding of v3."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store, client = n.service.agenda, n.service.reminders, n.service.runtime.streams.client
    first, lookup, read_by_both, _, _ = await _first_handled(n, publish_classified)
    due, now = first.commitments[0].deadlines[0].due, datetime.now(timezone.utc)

    for version, day in ((3, due + timedelta(days=7)), (2, due)):  # A, then B
        this = _version(version, day)
        await agenda.settle([(this, await _schedule(agenda, this, now=now, read=read_by_both), None)], now=now,
                            read=read_by_both)

    assert PlannedReminders.from_json(await client.hget(*lookup)).version == 3
    assert {at for _, at in await store.scheduled()} == {
        fire_time(due + timedelta(days=7), offset, remind_at=agenda.remind_at) for offset in ("P30D", "P7D")}
    subjects = (await client.hgetall(store.subjects_key)).values()
    assert {Subject.from_json(raw).release.version for raw in subjects} == {3}


async def test_reminders_stored_before_records_carried_their_version_are_kept_from_a_stale_one_and_settled(
        notifier, write_yaml, publish_classified):
    """r1 and r2 planned by v3 in the shape records had before they carried their version (their subject's
    release tells it), A about to settle v3: B settling v2 (only r1) from the v1 record cancels neither; v4 (only
    r1) then cancels r2."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store, client = n.service.agenda, n.service.reminders, n.service.runtime.streams.client
    first, lookup, read_by_both, (r1, at1), (r2, _) = await _first_handled(n, publish_classified)
    due, now = first.commitments[0].deadlines[0].due, datetime.now(timezone.utc)
    newer = _version(3, due)
    planned_by_a = await _schedule(agenda, newer, now=now, read=read_by_both)
    for rid, raw in (await client.hgetall(store.planned_key)).items():
        record = json.loads(raw)
        record.pop("v", None)
        await client.hset(store.planned_key, rid, json.dumps(record, separators=(",", ":")))

    await agenda.settle([(_version(2, due), [("desk", PlannedReminders(2, {r1: at1}))], None)], now=now,
                        read=read_by_both)
    await agenda.settle([(newer, planned_by_a, None)], now=now, read=read_by_both)
    assert set(await client.hkeys(store.planned_key)) == {r1.encode(), r2.encode()}

    await agenda.settle([(_version(4, due), [("desk", PlannedReminders(4, {r1: at1}))], None)], now=now)
    assert set(await client.hkeys(store.planned_key)) == {r1.encode()}
    assert await client.zscore(store.due_key, r2) is None
    assert len(await client.hkeys(store.subjects_key)) == 1


async def test_moving_reminders_to_another_time_keeps_their_records_version_exact(
        notifier, write_yaml, publish_classified):
    """The reminders' new time is written into the record of what planned them: its version stays the one it was,
    above 2**53 too (Lua's JSON encoder wrote 14 significant digits: 9.2233720368548e+18), so a later version
    still settles against it."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    store, streams = n.service.reminders, n.service.runtime.streams
    _, lookup, _, (_, at1), _ = await _first_handled(n, publish_classified, version=BIG - 1)
    for hour in (at1.hour + 1) % 24, (at1.hour + 2) % 24:  # twice: the record as the first move wrote it, moved
        moved = await retime_reminders(store, streams.client, streams.key, remind_at=time(hour, tzinfo=timezone.utc),
                                       now=datetime.now(timezone.utc))
        assert moved == 2
        recorded = PlannedReminders.from_json(await streams.client.hget(*lookup))
        assert recorded.version == BIG - 1 and {at.hour for at in recorded.jobs.values()} == {hour}


@pytest.mark.parametrize("moved_by, grace, sent", [(7, None, 2), (0, None, 2), (7, 60, 0)],
                         ids=["another day", "the same day", "dropped, too late"])
async def test_a_stale_version_scheduling_after_a_newer_ones_reminders_fired_plans_none_of_them_again(
        notifier, write_yaml, publish_classified, moved_by, grace, sent):
    """A schedules and settles v3 (its deadline moved ``moved_by`` days on), whose reminders then fire (or, an
    hour late, are dropped when the misfire ``grace`` is shorter) and are gone; B, from the v1 record it read
    before, then schedules v2 (v1's deadline): nothing is planned again, so nothing fires twice nor reminds of
    v2's stale deadline."""
    clock = [datetime.now(timezone.utc)]
    n = await notifier(config=fast_config(reminder_misfire_grace_seconds=grace), subscriptions=write_yaml(DESK),
                       run_scheduler=False, clock=lambda: clock[0])
    agenda, store = n.service.agenda, n.service.reminders
    first, lookup, read_by_both, _, _ = await _first_handled(n, publish_classified)
    due, now = first.commitments[0].deadlines[0].due, clock[0]
    newer = _version(3, due + timedelta(days=moved_by))
    await agenda.settle([(newer, await _schedule(agenda, newer, now=now, read=read_by_both), None)], now=now,
                        read=read_by_both)
    clock[0] = max(at for _, at in await store.scheduled()) + timedelta(hours=1)
    assert await n.service.firing.fire_due() == sent
    assert await store.planned() == {}

    stale = _version(2, due)
    await agenda.settle([(stale, await _schedule(agenda, stale, now=now, read=read_by_both), None)], now=now,
                        read=read_by_both)

    assert await store.planned() == {} and await store.scheduled() == []
    assert await n.service.runtime.streams.client.hlen(store.subjects_key) == 0


async def test_a_plan_refused_for_a_newer_versions_reminders_adds_no_scheduler_job(
        notifier, write_yaml, publish_classified):
    """A schedules v3 (its deadline a week on); B, from the v1 record it read before, then schedules v2 (its
    deadline two weeks on): v2's plan is refused, and no scheduler job is added for the times it would have fired
    at; every job left is for a time some reminder was planned at (v1's, or v3's)."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store = n.service.agenda, n.service.reminders
    first, _, read_by_both, (_, at1), (_, at2) = await _first_handled(n, publish_classified)
    due, now = first.commitments[0].deadlines[0].due, datetime.now(timezone.utc)
    await _schedule(agenda, _version(3, due + timedelta(days=7)), now=now, read=read_by_both)
    planned_by_v3 = {at for _, at in await store.scheduled()}

    await _schedule(agenda, _version(2, due + timedelta(days=14)), now=now, read=read_by_both)

    assert {at for _, at in await store.scheduled()} == planned_by_v3
    jobs = {job_id for job_id, _ in store.scheduler.jobs()}
    assert jobs == {f"due:{math.ceil(at.timestamp())}" for at in planned_by_v3 | {at1, at2}}


async def test_a_stale_version_scheduling_after_a_newer_one_dropped_its_reminders_plans_none_of_them_again(
        notifier, write_yaml, publish_classified):
    """A settles v3, whose commitment no longer has a deadline: v1's reminders are dropped. B, from the v1 record
    it read before, then schedules v2 (v1's deadline): nothing is planned again, not even until B settles (B may
    crash before it does, and v2 is then never settled), so no reminder of a deadline the newest version
    withdrew fires."""
    n = await notifier(subscriptions=write_yaml(DESK), run_scheduler=False)
    agenda, store = n.service.agenda, n.service.reminders
    first, _, read_by_both, _, _ = await _first_handled(n, publish_classified)
    due, now = first.commitments[0].deadlines[0].due, datetime.now(timezone.utc)
    withdrawn = release(FUNDING.model_copy(update={"deadlines": []}), version=3)
    await agenda.settle([(withdrawn, await _schedule(agenda, withdrawn, now=now, read=read_by_both), None)],
                        now=now, read=read_by_both)
    assert await store.planned() == {}

    stale = _version(2, due)
    planned = await _schedule(agenda, stale, now=now, read=read_by_both)
    assert await store.planned() == {} and await store.scheduled() == []
    await agenda.settle([(stale, planned, None)], now=now, read=read_by_both)

    assert await store.planned() == {} and await store.scheduled() == []
    assert await n.service.runtime.streams.client.hlen(store.subjects_key) == 0
