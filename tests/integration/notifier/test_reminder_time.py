"""PLEDGEWATCH_REMINDER_TIME changed between two runs: the first leader of the new run moves every reminder still
ahead to the new time, once (two replicas or a second restart move nothing more), and says how many."""

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from samples import dated, release
from services.notifier.reminders import PlannedReminders

from notifier_harness import fast_config, offset_firing_in, scheduled, wait_for

pytestmark = pytest.mark.integration

LOGGER = "services.notifier.reminder_retime"


def _desk(write_yaml, offsets):
    return write_yaml(f"subscriptions: [{{id: desk, reminders: [{', '.join(offsets)}], channels: [console]}}]")


def _moved(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


async def _agenda(service) -> dict[str, datetime]:
    """What the notifier recorded as planned for desk (the record a later version cancels against)."""
    streams = service.runtime.streams
    records = await streams.client.hgetall(streams.key("notifier:reminders:planned:desk"))
    return {rid: at for raw in records.values() for rid, at in PlannedReminders.from_json(raw).jobs.items()}


async def test_a_restart_with_another_reminder_time_moves_every_reminder_ahead_to_it_once(
        notifier, write_yaml, publish_classified, caplog):
    today = datetime.now(timezone.utc).date()
    path = _desk(write_yaml, ["P30D", "P7D", "P1D"])
    first = await notifier(config=fast_config(reminder_time="02:10"), subscriptions=path)
    await wait_for(lambda: first.service.leader.is_leader, what="the first run's leader")
    await publish_classified(first.service, release(dated("c-ports", today + timedelta(days=60)),
                                                    dated("c-borders", today + timedelta(days=90))))
    before = await wait_for(lambda: scheduled(first.service), what="six reminders at 02:10")
    assert len(before) == 6 and {(at.hour, at.minute) for at in before.values()} == {(2, 10)}
    await first.stop()

    with caplog.at_level(logging.INFO, logger=LOGGER):
        replicas = [await notifier(config=fast_config(reminder_time="09:00"), subscriptions=path) for _ in range(2)]
        await wait_for(lambda: any(r.service.leader.is_leader for r in replicas), what="a leader")
        await wait_for(lambda: _moved(caplog), what="the move logged")
        await asyncio.sleep(1.0)  # the other replica, had it moved them too, would have said so by now
    after = await scheduled(replicas[0].service)
    assert after == {rid: at.replace(hour=9, minute=0) for rid, at in before.items()}
    assert await _agenda(replicas[0].service) == after  # so a later version cancels what it no longer plans
    assert _moved(caplog) == ["reminder time 09:00 (planned at 02:10): 6 reminder(s) still ahead moved to it"]

    for r in replicas:
        await r.stop()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        again = await notifier(config=fast_config(reminder_time="09:00"), subscriptions=path)
        await wait_for(lambda: again.service.leader.is_leader, what="the leader")
        await asyncio.sleep(0.3)
    assert _moved(caplog) == [] and await scheduled(again.service) == after  # moved once


async def test_a_reminder_the_new_time_puts_in_the_past_fires_at_once_and_once(
        notifier, receiver, write_yaml, publish_classified):
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    offset, at_midnight = offset_firing_in(-20, due)  # at 00:00 on its day: 20 s ago; at 00:01: 40 s from now
    path = write_yaml(f"subscriptions: [{{id: desk, reminders: [{offset}], channels: "
                      f"[{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]")
    first = await notifier(config=fast_config(reminder_time="00:01"), subscriptions=path, run_scheduler=False)
    await publish_classified(first.service, release(dated("c-soon", due)))
    [planned] = (await wait_for(lambda: scheduled(first.service), what="the reminder planned at 00:01")).values()
    fire_at = at_midnight + timedelta(minutes=1)
    assert abs((planned - fire_at).total_seconds()) < 1.5
    await first.stop()

    later = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    reminded = await wait_for(lambda: [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"]
                                       == "reminder"], what="the reminder sent at once", timeout=8)
    assert datetime.now(timezone.utc) < fire_at  # not at its old time
    await asyncio.sleep(1.0)
    assert len([h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]) == 1
    assert json.loads(reminded[0][2])["data"]["reminder"]["offset"] == offset
    assert await scheduled(later.service) == {}


async def test_a_reminder_fired_at_the_old_time_is_not_fired_again_at_the_new_one(
        notifier, receiver, write_yaml, publish_classified):
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    offset, fire_at = offset_firing_in(1.5, due)  # at 00:00 on its day: 1.5 s from now
    path = write_yaml(f"subscriptions: [{{id: desk, reminders: [{offset}], channels: "
                      f"[{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]")
    commitment = dated("c-soon", due)

    def reminders():
        return [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]

    first = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await publish_classified(first.service, release(commitment))
    await wait_for(reminders, what="the reminder at the old time")
    await first.stop()

    later = await notifier(config=fast_config(reminder_time="00:01"), subscriptions=path)  # a minute later
    await wait_for(lambda: later.service.leader.is_leader, what="the leader")
    assert await scheduled(later.service) == {}  # fired: nothing to move
    await publish_classified(later.service, release(commitment, version=2))  # plans it again, at 00:01
    [rid] = (await wait_for(lambda: scheduled(later.service), what="version 2's reminder")).keys()
    streams = later.service.runtime.streams
    await streams.client.zadd(streams.key("notifier:reminders:due"), {rid: datetime.now(timezone.utc).timestamp()})
    await wait_for(lambda: _none(later.service), what="its time come")  # rather than waiting the minute
    await later.service.worker.drain()
    assert len(reminders()) == 1


async def _none(service) -> bool:
    return await scheduled(service) == {}


async def test_a_reminder_planned_again_or_claimed_since_it_was_read_is_not_moved(
        notifier, write_yaml, publish_classified):
    """What keeps a move safe beside a replica planning a newer version, or a leader firing."""
    today = datetime.now(timezone.utc).date()
    n = await notifier(config=fast_config(reminder_time="02:10"), subscriptions=_desk(write_yaml, ["P7D", "P1D"]),
                       run_scheduler=False)
    await publish_classified(n.service, release(dated("c-ports", today + timedelta(days=60))))
    before = await wait_for(lambda: scheduled(n.service), what="two reminders")
    store = n.service.reminders
    read = await store.planned()
    week, day = sorted(before, key=before.get)
    await publish_classified(n.service, release(dated("c-ports", today + timedelta(days=61)), version=2))
    await wait_for(lambda: _moved_to_day(n.service, week, today + timedelta(days=54)), what="version 2's plan")
    replanned = await scheduled(n.service)
    moves = [(rid, read[rid], before[rid].replace(hour=9, minute=0), "unused", "unused") for rid in (week, day)]
    assert await store.retime(moves) == 0 and await scheduled(n.service) == replanned  # version 2's times stand

    read = await store.planned()
    [claimed] = await store.claim(until=replanned[week].timestamp(), lease_seconds=60, limit=1)
    assert claimed.reminder_id == week
    moves = [(rid, read[rid], replanned[rid].replace(hour=9, minute=0), "unused", "unused") for rid in (week, day)]
    assert await store.retime(moves) == 1  # the one being fired is left to its firing
    assert await scheduled(n.service) == {week: replanned[week], day: replanned[day].replace(hour=9, minute=0)}


async def _moved_to_day(service, rid, day) -> bool:
    at = (await scheduled(service)).get(rid)
    return at is not None and at.date() == day
