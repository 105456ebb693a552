"""A subscription's time zone changed between two of the leader's ticks, with reminders and a digest already
planned in the old zone: the next tick moves each reminder still ahead to the new zone's moment; each is sent once,
in the digest of its day in the new zone (or alone, for an immediate subscriber), none twice and none skipped; a
reminder that fell due in the old zone before the tick fired then, and is not sent again at the new zone's time."""

import asyncio
import json
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from samples import dated, release
from services.notifier import reminder_retime

from notifier_harness import fast_config, wait_for

pytestmark = pytest.mark.integration

DUE = date(2026, 3, 10)


def _desk(write_yaml, url: str, zone: str, mode: str = "digest"):
    desk = {"id": "desk", "mode": mode, "digest_at": "08:00", "timezone": zone, "reminders": ["P1D", "P0D"],
            "channels": [{"webhook": {"url": url}}]}
    return write_yaml(json.dumps({"subscriptions": [desk]}))  # JSON is YAML


def _at(day: date, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


async def _started(notifier, write_yaml, receiver, now, *, zone: str, mode: str = "digest"):
    n = await notifier(config=fast_config(reminder_time="09:00"), subscriptions=_desk(write_yaml, receiver.url("hook"),
                                                                                       zone, mode),
                       clock=lambda: now[0], run_scheduler=False)
    assert await n.service.send_digests() == 0  # the first look notes the digest time
    return n


async def _announced(n, publish_classified) -> None:
    """c-ports, due on DUE, announced: its alert sent or buffered, its two reminders planned."""
    await publish_classified(n.service, release(dated("c-ports", DUE)))

    async def planned():
        return len(await n.service.reminders.scheduled()) == 2
    await wait_for(planned, what="its reminders planned")


def _change_zone(n, write_yaml, receiver, zone: str, mode: str = "digest") -> None:
    _desk(write_yaml, receiver.url("hook"), zone, mode)
    n.service.file._checked = None  # read again at the next look, as it is every few seconds


async def _ticks(n, now, until: datetime) -> None:
    """The leader's tick every 20 minutes, from ``now`` to ``until``."""
    while now[0] < until:
        now[0] += timedelta(minutes=20)
        await n.service._leader_tick()


async def _received(n, receiver) -> list[dict]:
    await n.service.worker.drain()
    return [json.loads(body)["data"] for _, _, body, _ in receiver.hits("hook")]


def _reminders(message: dict) -> list[tuple[str, str]]:
    alerts = message["alerts"] if "alerts" in message else [message]
    return [(a["reminder"]["offset"], a["reminder"]["due"]) for a in alerts if a.get("kind") == "reminder"]


@pytest.mark.parametrize("new_zone", ["Asia/Tokyo", "America/New_York"], ids=["ahead", "behind"])
async def test_a_digest_subscriber_changing_zone_after_a_digest_gets_each_reminder_once_in_its_new_days_digest(
        notifier, receiver, write_yaml, publish_classified, new_zone):
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, write_yaml, receiver, now, zone="UTC")
    await _announced(n, publish_classified)
    now[0] = _at(DUE - timedelta(days=1), 8, "UTC")  # the UTC digest of the day before: P1D brought forward
    await n.service._leader_tick()
    [eve] = await wait_for(lambda: _received(n, receiver), what="the digest of 9 March")
    assert _reminders(eve) == [("P1D", "2026-03-10")]

    now[0] += timedelta(minutes=30)
    _change_zone(n, write_yaml, receiver, new_zone)  # between two ticks
    await _ticks(n, now, until=datetime(2026, 3, 12, tzinfo=timezone.utc))

    messages = await _received(n, receiver)
    reminded = [(m["until"], r) for m in messages for r in _reminders(m)]
    day_digest = _at(DUE, 8, new_zone)  # the digest of 10 March in the new zone carries P0D, of its day
    assert reminded == [(eve["until"], ("P1D", "2026-03-10")),
                        (day_digest.astimezone(ZoneInfo(new_zone)).isoformat(), ("P0D", "2026-03-10"))], messages
    assert await n.service.reminders.scheduled() == []
    streams = n.service.runtime.streams
    assert await streams.client.llen(streams.key("notifier:digest:desk")) == 0  # nothing left for a later digest


async def test_a_reminder_due_in_the_old_zone_before_the_tick_fires_then_and_not_again_at_the_new_zones_time(
        notifier, receiver, write_yaml, publish_classified):
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, write_yaml, receiver, now, zone="UTC", mode="immediate")
    await _announced(n, publish_classified)
    now[0] = _at(DUE - timedelta(days=1), 8, "UTC") + timedelta(minutes=50)
    await n.service._leader_tick()
    _change_zone(n, write_yaml, receiver, "America/New_York", "immediate")  # 09:00 there is 13:00 UTC

    now[0] = _at(DUE - timedelta(days=1), 9, "UTC") + timedelta(seconds=1)  # P1D's job, before the next tick
    await n.service.firing.fire_due()
    await _ticks(n, now, until=datetime(2026, 3, 11, tzinfo=timezone.utc))

    reminders = [(r, m["created_at"]) for m in await _received(n, receiver) for r in _reminders(m)]
    assert [r for r, _ in reminders] == [("P1D", "2026-03-10"), ("P0D", "2026-03-10")], reminders
    p0d_at = datetime.fromisoformat(reminders[1][1])
    assert p0d_at >= _at(DUE, 9, "America/New_York")  # moved to the new zone's moment, not at 09:00 UTC
    assert p0d_at.astimezone(ZoneInfo("America/New_York")).date() == DUE
    assert await n.service.reminders.scheduled() == []


async def test_reminders_planned_in_the_old_zone_and_written_after_the_tick_moved_the_zone_are_moved_at_the_next(
        notifier, receiver, write_yaml, publish_classified):
    """A release planned from the subscription read before its zone changed, its reminders written after the tick
    that recorded the new zone (decision 0046's window). Before, the record said they were in the new zone: no
    later tick moved them, and they fired at the old zone's moments."""
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, write_yaml, receiver, now, zone="UTC", mode="immediate")
    agenda, apply = n.service.agenda, n.service.agenda.apply
    changed = []

    async def zone_changed_meanwhile(*args, **kwargs):
        if not changed:
            changed.append(True)
            _change_zone(n, write_yaml, receiver, "Asia/Tokyo", "immediate")
            await n.service._leader_tick()  # records the new zone: nothing of desk's is planned yet
        return await apply(*args, **kwargs)

    agenda.apply = zone_changed_meanwhile
    await _announced(n, publish_classified)
    assert changed
    assert set((await n.service.reminders.scheduled())) and all(
        at.hour == 9 for _, at in await n.service.reminders.scheduled())  # planned in UTC, the zone read

    await n.service._leader_tick()
    tokyo = sorted(_at(day, 9, "Asia/Tokyo") for day in (DUE - timedelta(days=1), DUE))
    assert sorted(at for _, at in await n.service.reminders.scheduled()) == tokyo


async def test_reminders_settled_in_the_old_zone_while_the_tick_moves_the_others_are_moved_at_the_next(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """The same, the reminders settled while the tick moves the subscription's others: after it read what to move,
    before it recorded the zone. Its record is not taken for the zone they are at."""
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, write_yaml, receiver, now, zone="UTC", mode="immediate")
    agenda, settle = n.service.agenda, n.service.agenda.settle
    reading, read_done = asyncio.Event(), asyncio.Event()
    planned_ids = reminder_retime._planned_ids

    async def pausing(*args):
        ids = await planned_ids(*args)
        reading.set()
        await read_done.wait()
        return ids

    async def settled_during_the_tick(*args, **kwargs):
        _change_zone(n, write_yaml, receiver, "Asia/Tokyo", "immediate")
        monkeypatch.setattr(reminder_retime, "_planned_ids", pausing)
        tick = asyncio.create_task(n.service._leader_tick())
        await reading.wait()  # the tick has read what to move: nothing of this release yet
        done = await settle(*args, **kwargs)
        read_done.set()
        await tick
        monkeypatch.setattr(reminder_retime, "_planned_ids", planned_ids)
        agenda.settle = settle
        return done

    agenda.settle = settled_during_the_tick
    await _announced(n, publish_classified)
    await wait_for(lambda: agenda.settle is settle, what="the release settled during the tick")
    assert all(at.hour == 9 for _, at in await n.service.reminders.scheduled())  # in UTC, the zone read

    await n.service._leader_tick()
    tokyo = sorted(_at(day, 9, "Asia/Tokyo") for day in (DUE - timedelta(days=1), DUE))
    assert sorted(at for _, at in await n.service.reminders.scheduled()) == tokyo


async def test_a_tick_that_dies_moving_a_subscription_leaves_it_to_the_next_which_moves_and_records_it(
        notifier, receiver, write_yaml, publish_classified, monkeypatch):
    """The mark a tick sets before it reads what to move (``moving``) outlives a tick that dies: the next moves the
    subscription's reminders and records its zone, and the one after finds nothing to do."""
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, write_yaml, receiver, now, zone="UTC", mode="immediate")
    await _announced(n, publish_classified)
    _change_zone(n, write_yaml, receiver, "Asia/Tokyo", "immediate")

    async def dying(*args):
        raise ConnectionError("the leader stopped")
    monkeypatch.setattr(reminder_retime, "_planned_ids", dying)
    with pytest.raises(ConnectionError):
        await reminder_retime.rezone_reminders(n.service.reminders, n.service.runtime.streams.client,
                                               n.service.runtime.streams.key, {"desk": "Asia/Tokyo"},
                                               remind_at=time(9, 0), now=now[0])
    zones = n.service.reminders.zones_key
    client = n.service.runtime.streams.client
    assert await client.hget(zones, "desk") == reminder_retime.MOVING.encode()
    monkeypatch.undo()

    await n.service._leader_tick()
    tokyo = sorted(_at(day, 9, "Asia/Tokyo") for day in (DUE - timedelta(days=1), DUE))
    assert sorted(at for _, at in await n.service.reminders.scheduled()) == tokyo
    assert await client.hget(zones, "desk") == b"Asia/Tokyo"
    assert await reminder_retime.rezone_reminders(n.service.reminders, client, n.service.runtime.streams.key,
                                                  {"desk": "Asia/Tokyo"}, remind_at=time(9, 0), now=now[0]) == 0


async def test_a_new_subscriptions_zone_is_recorded_without_saying_reminders_were_moved(
        notifier, receiver, write_yaml, publish_classified, caplog):
    """Before: a subscription made in a time zone, with no reminder planned yet, was logged at the next tick as
    "time zone Asia/Tokyo (planned in UTC); its reminders still ahead moved to it", as if it had some planned in
    UTC. A zone change that moves reminders says how many."""
    now = [datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc)]
    n = await _started(notifier, write_yaml, receiver, now, zone="Asia/Tokyo", mode="immediate")
    client = n.service.runtime.streams.client
    caplog.set_level("INFO", logger="services.notifier.reminder_retime")

    await n.service._leader_tick()

    assert await client.hget(n.service.reminders.zones_key, "desk") == b"Asia/Tokyo"
    assert not [r for r in caplog.records if r.name == "services.notifier.reminder_retime"]

    await _announced(n, publish_classified)
    _change_zone(n, write_yaml, receiver, "America/New_York", "immediate")
    await n.service._leader_tick()

    [said] = [r.getMessage() for r in caplog.records if r.name == "services.notifier.reminder_retime"]
    assert said == ("subscription desk: time zone America/New_York (planned in Asia/Tokyo); its 2 reminder(s) still "
                    "ahead moved to it")
