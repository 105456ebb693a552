"""Reminders: stable jobs in the Redis job store, one scheduler among replicas, fired once after a restart."""

import asyncio
import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest
import redis

from samples import dated, release
from schemas import decode_event
from schemas.streams import EVENT_FIELD, REMINDERS
from services.notifier.firing import ReminderFiring
from services.notifier.planning import release_ref
from services.notifier.reminders import reminder_jobs
from services.notifier.reminder_records import PlannedRecord
from services.notifier.reminder_store import PLANNED
from services.notifier.scheduler import LEAD_SECONDS, ReminderScheduler, fire_reminder

from notifier_harness import cancel_reminders, desk_reminded_soon, fast_config, handled, scheduled, wait_for

pytestmark = pytest.mark.integration


async def _reminders_published(service):
    streams = service.runtime.streams
    return [decode_event(f[EVENT_FIELD.encode()]).data for _, f in await streams.client.xrange(streams.key(REMINDERS))]


async def test_reminder_survives_restart_and_fires_once(notifier, receiver, write_yaml, publish_classified):
    path, due, offset, fire_at = desk_reminded_soon(write_yaml, receiver.url("hook"))
    config = fast_config(reminder_time="00:00")
    first = await notifier(config=config, subscriptions=path, run_scheduler=False)  # adds jobs, never fires
    commitment = dated("c-dated", due)
    await publish_classified(first.service, release(commitment))
    await publish_classified(first.service, release(commitment), event_id="redelivered")
    await wait_for(lambda: receiver.hits("hook"), what="the new alert")
    ((job_id, run_at),) = (await wait_for(lambda: scheduled(first.service), what="the reminder")).items()
    assert abs((run_at - fire_at).total_seconds()) < 1.5
    await first.stop()  # down when the reminder falls due

    await asyncio.sleep(max(0.0, (fire_at - datetime.now(timezone.utc)).total_seconds()) + 0.5)
    replicas = [await notifier(config=config, subscriptions=path) for _ in range(2)]  # both want to lead
    reminded = await wait_for(lambda: [h for h in receiver.hits("hook")
                                       if json.loads(h[2])["data"]["kind"] == "reminder"], what="reminder sent")
    await asyncio.sleep(1.0)  # any second firing would arrive now
    assert len([h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]) == 1
    alert = json.loads(reminded[0][2])["data"]
    assert alert["reminder"]["offset"] == offset and alert["reminder"]["due"] == due.isoformat()
    (due_event,) = await _reminders_published(replicas[0].service)
    assert due_event.reminder_id == job_id
    assert [r.service.leader.is_leader for r in replicas].count(True) == 1
    assert await scheduled(replicas[0].service) == {}


async def test_same_reminder_twice_leaves_one_job_and_a_moved_deadline_moves_it(notifier, write_yaml,
                                                                                publish_classified):
    today = datetime.now(timezone.utc).date()
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}]")
    n = await notifier(subscriptions=path, run_scheduler=False)
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=60))))
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=60))), event_id="again")
    async def planned(count):
        jobs = await scheduled(n.service)
        return len(jobs) == count and jobs

    jobs = await wait_for(lambda: planned(4), what="four reminders (P30D, P7D, P1D, P0D)")
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=90)), version=2))

    async def moved():
        now = await scheduled(n.service)
        return all(now.get(j) is not None and now[j] - t == timedelta(days=30) for j, t in jobs.items()) and now

    assert set(await wait_for(moved, what="all four moved")) == set(jobs)


async def test_past_deadline_is_reported_once_inside_the_new_alert_and_never_scheduled(
        notifier, receiver, write_yaml, publish_classified):
    path = write_yaml(f"subscriptions: [{{id: desk, channels: [{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]")
    n = await notifier(subscriptions=path, run_scheduler=False)
    past = dated("c-past", date(2018, 3, 31))
    await publish_classified(n.service, release(past))
    await publish_classified(n.service, release(past), event_id="redelivered")  # the same release again
    last = await publish_classified(n.service, release(past, version=2), event_id="v2")  # unchanged, new version
    await wait_for(lambda: receiver.hits("hook"), what="the new alert")
    await wait_for(lambda: handled(n.service, last), what="every delivery handled")
    await n.service.worker.drain()
    (hit,) = receiver.hits("hook")  # one message for the release, none for the repeats
    alert = json.loads(hit[2])["data"]
    assert (alert["kind"], alert["elapsed"], alert.get("reminder")) == ("new", ["c-past:0"], None)
    streams = n.service.runtime.streams
    assert await streams.client.smembers(streams.key("notifier:elapsed:desk")) == {b"c-past:0"}
    assert await scheduled(n.service) == {}




async def test_a_reminder_is_stored_as_ids_beside_its_commitment_stored_once(notifier, write_yaml,
                                                                             publish_classified):
    """Small records: the commitment and release are one subject shared by the reminders of every offset, and
    the scheduler holds one job per second at which reminders fall due, not one per reminder."""
    path = write_yaml("subscriptions: [{id: desk, reminders: [P1D, P7D], channels: [console]}]")
    n = await notifier(subscriptions=path, run_scheduler=False)
    due = datetime.now(timezone.utc).date() + timedelta(days=30)
    await publish_classified(n.service, release(dated("c-dated", due)))
    fire_times = await wait_for(lambda: planned_count(n.service, 2), what="two reminders")
    store = n.service.reminders
    records = [PlannedRecord.from_json(raw) for raw in (await store.planned()).values()]
    assert {(r.offset, r.subscription_id, r.deadline_index, r.attempt) for r in records} == {
        ("P1D", "desk", 0, 1), ("P7D", "desk", 0, 1)}
    assert len({r.subject for r in records}) == 1 and await store.client.hlen(store.subjects_key) == 1
    assert all(len(raw) < 120 for raw in (await store.planned()).values())
    assert sorted(job_id for job_id, _ in n.service.scheduler.jobs()) == sorted(
        f"due:{int(at.timestamp())}" for at in fire_times.values())


async def planned_count(service, count):
    jobs = await scheduled(service)
    return len(jobs) == count and jobs


def _legacy_job(due, offset, *, commitment_id="c-dated"):
    """A reminder job as :func:`reminder_jobs` plans it, and its payload as earlier versions stored it."""
    commitment = dated(commitment_id, due)
    (job,) = reminder_jobs("desk", [offset], release_ref(release(commitment)), [commitment],
                           now=datetime.now(timezone.utc), remind_at=time(0, 0))
    return job, job.due(fired_at=job.fire_at).model_dump_json()


def _reminders_sent_to(receiver):
    return [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]


async def _a_job_of_an_earlier_version_fires(notifier, receiver, write_yaml, job_holds_payload):
    """A leader notifier and one reminder stored as earlier versions did: a planned record holding its payload,
    and a job of its own holding its payload (the oldest) or its id (the previous). Returns the reminders
    sent, the reminder's due date and the notifier."""
    path, due, offset, fire_at = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=1.5)
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="leadership")
    job, payload = _legacy_job(due, offset)
    scheduler, store = n.service.scheduler, n.service.reminders
    await store.client.hset(store.planned_key, job.reminder_id, json.dumps(
        {"payload": payload, "attempt": 1, "fire_at": job.fire_at.isoformat()}))
    scheduler.scheduler.add_job(fire_reminder, trigger="date", run_date=job.fire_at, id=job.reminder_id,
                                args=[scheduler.prefix, payload if job_holds_payload else job.reminder_id, 1],
                                replace_existing=True)
    await wait_for(lambda: _reminders_sent_to(receiver), what="the reminder")
    await asyncio.sleep(1.0)  # any second firing would arrive now
    return _reminders_sent_to(receiver), due, n


@pytest.mark.parametrize("job_holds_payload", [True, False], ids=["payload-in-job", "id-in-job"])
async def test_a_job_stored_by_an_earlier_version_still_fires_once(notifier, receiver, write_yaml,
                                                                   job_holds_payload):
    reminded, due, n = await _a_job_of_an_earlier_version_fires(notifier, receiver, write_yaml, job_holds_payload)
    assert len(reminded) == 1 and json.loads(reminded[0][2])["data"]["reminder"]["due"] == due.isoformat()
    assert await n.service.reminders.planned() == {} and n.service.scheduler.jobs() == []


async def test_reminders_stored_by_the_previous_version_are_migrated_by_the_first_leader(
        notifier, receiver, write_yaml, settings):
    """Before the upgrade: one reminder planned with its job, one cut short while firing (its job gone). The
    first leader of this version plans both in this version's shape; each fires once, at its time."""
    path, due, offset, fire_at = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=3.0)
    ahead, payload = _legacy_job(due, offset)
    cut_short, cut_payload = _legacy_job(due + timedelta(days=1), offset, commitment_id="c-cut-short")
    client = redis.Redis.from_url(settings.redis_url)
    client.hset(settings.key(PLANNED), ahead.reminder_id, json.dumps(
        {"payload": payload, "attempt": 1, "fire_at": ahead.fire_at.isoformat()}))
    client.hset(settings.key("notifier:reminders:firing"), cut_short.reminder_id,
                json.dumps({"payload": cut_payload, "attempt": 1}))
    client.close()
    scheduler = ReminderScheduler(settings.redis_url, settings.prefix)  # the job, as the previous version added it
    scheduler.start(None)
    scheduler.scheduler.add_job(fire_reminder, trigger="date", run_date=ahead.fire_at, id=ahead.reminder_id,
                                args=[settings.prefix, ahead.reminder_id, 1], replace_existing=True)
    scheduler.shutdown()

    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="leadership")
    cut = await wait_for(lambda: _reminders_sent_to(receiver), what="the reminder cut short, fired at once")
    assert json.loads(cut[0][2])["data"]["reminder"]["due"] == (due + timedelta(days=1)).isoformat()
    assert all(job_id.startswith("due:") for job_id, _ in n.service.scheduler.jobs())  # the old job is gone
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="the planned one, at its time")
    assert datetime.now(timezone.utc) >= ahead.fire_at
    await asyncio.sleep(1.0)
    assert sorted(json.loads(h[2])["data"]["reminder"]["due"] for h in _reminders_sent_to(receiver)) == [
        due.isoformat(), (due + timedelta(days=1)).isoformat()]
    streams = n.service.runtime.streams
    assert await n.service.reminders.planned() == {}
    assert not await streams.client.exists(streams.key("notifier:reminders:firing"))


async def _desk_with_two_plans(notifier, write_yaml, receiver):
    """A leader notifier, subscriber "desk" reminded a day before, and two plans of one reminder (same
    commitment id, so same reminder id): due in 5 days, then moved to 9 days by a new version."""
    path = write_yaml(f'subscriptions: [{{id: desk, reminders: [P1D], channels: [{{webhook: {{url: "{receiver.url("hook")}"}}}}]}}]')
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="leadership")
    today, now = datetime.now(timezone.utc).date(), datetime.now(timezone.utc)
    plans = []
    for days, version in ((5, 1), (9, 2)):
        commitment = dated("c-moved", today + timedelta(days=days))
        (job,) = reminder_jobs("desk", ["P1D"], release_ref(release(commitment, version=version)), [commitment],
                               now=now, remind_at=time(0, 0))
        plans.append(job)
    assert plans[0].reminder_id == plans[1].reminder_id
    return n, plans


async def test_a_reminder_planned_again_while_its_old_plan_fires_keeps_the_new_plan_and_sends_nothing(
        notifier, receiver, write_yaml):
    """A new version moves a reminder while its old plan is being fired: the old firing must neither send nor
    erase the new plan."""
    n, (old, new) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    store = n.service.reminders
    await store.apply([old])
    far = datetime.now(timezone.utc) + timedelta(days=30)
    claimed = await store.claim(until=far.timestamp(), lease_seconds=60, limit=10)  # the old plan fires
    await store.apply([new])  # re-planned meanwhile
    assert await n.service.firing.fire(claimed) == 0
    await asyncio.sleep(0.3)
    assert receiver.hits("hook") == []
    assert await scheduled(n.service) == {new.reminder_id: new.fire_at}
    assert await store.client.hlen(store.claimed_key) == 0


async def test_a_reminder_cancelled_while_it_fires_sends_nothing(notifier, receiver, write_yaml):
    n, (old, _) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    store = n.service.reminders
    await store.apply([old])
    far = datetime.now(timezone.utc) + timedelta(days=30)
    claimed = await store.claim(until=far.timestamp(), lease_seconds=60, limit=10)
    await cancel_reminders(store, [(old.reminder_id, old.release.version)])
    assert await n.service.firing.fire(claimed) == 0
    await asyncio.sleep(0.3)
    assert receiver.hits("hook") == [] and await store.planned() == {}
    assert await store.client.hlen(store.subjects_key) == 0  # its subject went with its last reminder


async def test_an_earlier_versions_job_for_a_reminder_planned_again_since_sends_nothing(notifier, receiver,
                                                                                        write_yaml):
    n, (_, new) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    await n.service.reminders.apply([new])
    await n.service.fire_reminder(new.reminder_id, 1)  # as if its old job had fired now
    await asyncio.sleep(0.3)
    assert receiver.hits("hook") == []
    assert await scheduled(n.service) == {new.reminder_id: new.fire_at}


async def test_an_earlier_versions_job_for_a_cancelled_reminder_sends_nothing(notifier, receiver, write_yaml):
    n, (old, _) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    await n.service.reminders.apply([old])
    await cancel_reminders(n.service.reminders, [(old.reminder_id, old.release.version)])
    await n.service.fire_reminder(old.reminder_id, 1)  # as APScheduler would, had it already submitted it
    await asyncio.sleep(0.3)
    assert receiver.hits("hook") == []


async def test_a_thousand_reminders_due_at_one_second_are_each_sent_once(notifier, receiver, write_yaml):
    """Fired in chunks by one job, each reminder once, each to the webhook once; nothing left planned."""
    # Due far enough ahead that its job (run LEAD_SECONDS before) is still there to be seen.
    path, due, offset, _ = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=LEAD_SECONDS + 2.0)
    # The receiver shares this process's event loop with the notifier: on a busy machine an answer can take
    # longer than the fixture's 1 s, and a send timed out after the receiver took it is sent again (webhooks
    # are at least once, the event id the same).
    n = await notifier(config=fast_config(reminder_time="00:00", destination_concurrency=16), subscriptions=path,
                       webhook_timeout=15.0)
    await wait_for(lambda: n.service.leader.is_leader, what="leadership")
    commitments = [dated(f"c-{i:04d}", due) for i in range(1000)]
    jobs = reminder_jobs("desk", [offset], release_ref(release(*commitments)), commitments,
                         now=datetime.now(timezone.utc), remind_at=time(0, 0))
    await n.service.reminders.apply(jobs)
    assert [job_id for job_id, _ in n.service.scheduler.jobs()] == [f"due:{int(jobs[0].fire_at.timestamp())}"]
    await wait_for(lambda: len(receiver.hits("hook")) >= 1000, timeout=30, what="a thousand reminders")
    await asyncio.sleep(0.5)
    sent = [json.loads(h[2])["data"]["commitments"][0]["id"] for h in receiver.hits("hook")]
    assert sorted(sent) == sorted(c.id for c in commitments)
    assert len(await _reminders_published(n.service)) == 1000
    store = n.service.reminders
    assert await store.planned() == {} and await scheduled(n.service) == {}
    assert await store.client.hlen(store.claimed_key) == 0 and await store.client.hlen(store.subjects_key) == 0


async def test_a_seconds_reminders_are_built_ahead_of_it_and_fired_no_earlier(notifier, receiver, write_yaml,
                                                                             monkeypatch):
    """Its job runs ahead of the second and builds what its reminders write then; nothing is written before
    the second, and each reminder fires once, as of its second."""
    built_at = []
    prepare = ReminderFiring._prepare

    async def timed(self, claimed, *, now):
        built_at.append(datetime.now(timezone.utc))
        return await prepare(self, claimed, now=now)

    monkeypatch.setattr(ReminderFiring, "_prepare", timed)
    path, due, offset, _ = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=LEAD_SECONDS + 2.0)
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="leadership")
    commitments = [dated(f"c-{i:04d}", due) for i in range(300)]  # more than one chunk
    jobs = reminder_jobs("desk", [offset], release_ref(release(*commitments)), commitments,
                         now=datetime.now(timezone.utc), remind_at=time(0, 0))
    store = n.service.reminders
    await store.apply(jobs)
    second = jobs[0].fire_at
    ((job_id, run_at),) = n.service.scheduler.jobs()
    assert (job_id, run_at) == (f"due:{int(second.timestamp())}", second - timedelta(seconds=LEAD_SECONDS))
    planned = await store.planned()
    while datetime.now(timezone.utc) < second - timedelta(seconds=0.1):
        assert await store.planned() == planned and await store.client.hlen(store.claimed_key) == 0
        assert await _reminders_published(n.service) == [] and _reminders_sent_to(receiver) == []
        await asyncio.sleep(0.05)
    assert built_at and built_at[0] < second
    await wait_for(lambda: len(_reminders_sent_to(receiver)) >= 300, timeout=30, what="the reminders")
    await asyncio.sleep(0.5)  # any second firing would arrive now
    assert sorted(json.loads(h[2])["data"]["commitments"][0]["id"] for h in _reminders_sent_to(receiver)) == [
        c.id for c in commitments]
    streams = n.service.runtime.streams
    entries = await streams.client.xrange(streams.key(REMINDERS))
    assert len(entries) == 300 and min(int(entry_id.split(b"-")[0]) for entry_id, _ in entries) >= \
        1000 * second.timestamp()
    assert {decode_event(f[EVENT_FIELD.encode()]).data.fired_at for _, f in entries} == {second}
    assert await store.planned() == {} and await store.client.hlen(store.claimed_key) == 0


@pytest.mark.parametrize(("grace", "sent"), [(None, 1), (2.0, 0)], ids=["no-grace-sent-late", "past-grace-dropped"])
async def test_a_reminder_missed_by_longer_than_the_grace_is_dropped(notifier, receiver, write_yaml, grace, sent):
    """Missed while no notifier ran, 5 s ago: sent late once, unless the grace is shorter."""
    path, due, offset, _ = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=60.0)
    config = fast_config(reminder_time="00:00", reminder_misfire_grace_seconds=grace)
    n = await notifier(config=config, subscriptions=path, run_scheduler=False)
    job, _ = _legacy_job(due, offset)
    await n.service.reminders.apply([replace(job, fire_at=datetime.now(timezone.utc) - timedelta(seconds=5))])
    await n.stop()
    leader = await notifier(config=config, subscriptions=path)
    await wait_for(lambda: _none_planned(leader.service), what="the reminder handled")
    await asyncio.sleep(0.5)
    assert len(_reminders_sent_to(receiver)) == sent


async def _none_planned(service):
    return await service.reminders.planned() == {}
