"""Reminders: stable jobs in the Redis job store, one scheduler among replicas, fired once after a restart."""

import asyncio
import json
from datetime import date, datetime, time, timedelta, timezone

import pytest

from samples import dated, release
from schemas import decode_event
from schemas.streams import EVENT_FIELD, REMINDERS
from services.notifier.planning import release_ref
from services.notifier.reminders import reminder_jobs
from services.notifier.scheduler import fire_reminder

from notifier_harness import desk_reminded_soon, fast_config, handled, wait_for

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
    await wait_for(lambda: first.service.reminders.jobs(), what="the reminder job")
    (job_id, run_at), = first.service.reminders.jobs()
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
    assert replicas[0].service.reminders.jobs() == []


async def test_same_reminder_twice_leaves_one_job_and_a_moved_deadline_moves_it(notifier, write_yaml,
                                                                                publish_classified):
    today = datetime.now(timezone.utc).date()
    path = write_yaml("subscriptions: [{id: desk, channels: [console]}]")
    n = await notifier(subscriptions=path, run_scheduler=False)
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=60))))
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=60))), event_id="again")
    jobs = await wait_for(lambda: len(n.service.reminders.jobs()) == 4 and n.service.reminders.jobs(),
                          what="four reminders (P30D, P7D, P1D, P0D)")
    await publish_classified(n.service, release(dated("c1", today + timedelta(days=90)), version=2))
    moved = await wait_for(lambda: (m := dict(n.service.reminders.jobs())) and all(
        m.get(j) is not None and m[j] - t == timedelta(days=30) for j, t in jobs) and m, what="all four moved")
    assert set(moved) == {job_id for job_id, _ in jobs}


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
    assert n.service.reminders.jobs() == []




async def test_a_reminders_job_holds_its_id_only_and_its_payload_is_planned_beside_it(notifier, write_yaml,
                                                                                      publish_classified):
    """Small jobs: the payload is stored once, in the planned record written with the job."""
    path = write_yaml("subscriptions: [{id: desk, reminders: [P1D, P7D], channels: [console]}]")
    n = await notifier(subscriptions=path, run_scheduler=False)
    due = datetime.now(timezone.utc).date() + timedelta(days=30)
    await publish_classified(n.service, release(dated("c-dated", due)))
    await wait_for(lambda: len(n.service.reminders.jobs()) == 2, what="two reminder jobs")
    scheduler = n.service.reminders
    planned = scheduler.planned()
    for reminder_id, _ in scheduler.jobs():
        job = scheduler.store.lookup_job(reminder_id)
        assert job.args == (scheduler.prefix, reminder_id, 1)
        assert json.loads(planned[reminder_id]["payload"])["reminder_id"] == reminder_id


async def test_a_job_stored_with_its_payload_by_an_older_version_still_fires_once(notifier, receiver, write_yaml):
    path, due, offset, fire_at = desk_reminded_soon(write_yaml, receiver.url("hook"), seconds=1.5)
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="leadership")
    ref = release_ref(release(dated("c-dated", due)))
    (job,) = reminder_jobs("desk", [offset], ref, [dated("c-dated", due)], now=datetime.now(timezone.utc),
                           remind_at=time(0, 0))
    scheduler, payload = n.service.reminders, job.due.model_dump_json()
    # What the previous version stored: the payload in the job's arguments, and a planned record.
    scheduler.store.redis.hset(scheduler.planned_key, job.reminder_id, json.dumps(
        {"payload": payload, "attempt": 1, "fire_at": job.fire_at.isoformat()}))
    scheduler.scheduler.add_job(fire_reminder, trigger="date", run_date=job.fire_at, id=job.reminder_id,
                                args=[scheduler.prefix, payload, 1], replace_existing=True, name=job.reminder_id)
    reminded = await wait_for(lambda: [h for h in receiver.hits("hook")
                                       if json.loads(h[2])["data"]["kind"] == "reminder"], what="the reminder")
    await asyncio.sleep(1.0)
    assert len(reminded) == 1 and json.loads(reminded[0][2])["data"]["reminder"]["offset"] == offset
    assert scheduler.planned() == {}


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


async def test_the_firing_of_an_old_plan_does_not_forget_the_new_one(notifier, receiver, write_yaml):
    """A new version moves a reminder while its old plan is firing: the old firing must not erase the new
    plan's record, which is all the new job has (it holds only the reminder's id)."""
    n, (old, new) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    scheduler = n.service.reminders
    await asyncio.to_thread(scheduler.apply, [new], [])  # re-planned while the old one fires
    await n.service.firing.on_reminder_due(old.due.model_dump_json())  # the old plan's firing ends
    assert json.loads(scheduler.planned()[new.reminder_id]["payload"]) == json.loads(new.due.model_dump_json())
    assert scheduler.has_job(new.reminder_id)


async def test_a_job_firing_long_before_its_plan_is_stale_and_sends_nothing(notifier, receiver, write_yaml):
    n, (_, new) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    await asyncio.to_thread(n.service.reminders.apply, [new], [])
    await n.service.fire_reminder(new.reminder_id, 1)  # as if the old plan's job fired now, after the move
    await asyncio.sleep(0.3)
    assert receiver.hits("hook") == []
    assert new.reminder_id in n.service.reminders.planned()


async def test_a_cancelled_reminders_job_sends_nothing(notifier, receiver, write_yaml):
    n, (old, _) = await _desk_with_two_plans(notifier, write_yaml, receiver)
    await asyncio.to_thread(n.service.reminders.apply, [old], [])
    await asyncio.to_thread(n.service.reminders.apply, [], [old.reminder_id])
    await n.service.fire_reminder(old.reminder_id, 1)  # as APScheduler would, had it already submitted it
    await asyncio.sleep(0.3)
    assert receiver.hits("hook") == []
