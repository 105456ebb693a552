"""A subscription's time zone places its reminders: planned at the reminder time on its local day, and moved,
each once, when the zone is changed (a reminder the new zone puts in the past fires at once, and once). The API
and the file take it, and refuse an unknown one naming the field."""

import asyncio
import json
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from samples import dated, release
from services.notifier.reminders import PlannedReminders
from services.notifier.store import load_file
from services.notifier.subscriptions import SubscriptionError

from notifier_harness import api_call, fast_config, offset_firing_in, scheduled, subscriptions_cli, wait_for

pytestmark = pytest.mark.integration


def _desk(write_yaml, zone: str, offsets: list[str], channel: str = "console"):
    return write_yaml(f"subscriptions: [{{id: desk, timezone: {zone}, reminders: [{', '.join(offsets)}], "
                      f"channels: [{channel}]}}]")


def _local(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


async def _agenda(service) -> dict[str, datetime]:
    streams = service.runtime.streams
    records = await streams.client.hgetall(streams.key("notifier:reminders:planned:desk"))
    return {rid: at for raw in records.values() for rid, at in PlannedReminders.from_json(raw).jobs.items()}


async def test_reminders_are_planned_on_the_local_day_and_move_when_the_zone_changes(
        notifier, write_yaml, publish_classified):
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    path = _desk(write_yaml, "Australia/Sydney", ["P1D", "P0D"])
    n = await notifier(config=fast_config(reminder_time="09:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="the leader")
    await publish_classified(n.service, release(dated("c-ports", due)))
    planned = await wait_for(lambda: scheduled(n.service), what="two reminders")
    sydney = {_local(due - timedelta(days=1), "Australia/Sydney"), _local(due, "Australia/Sydney")}
    assert set(planned.values()) == sydney  # 09:00 in Sydney on the day before and on the day

    _desk(write_yaml, "America/New_York", ["P1D", "P0D"])
    new_york = {_local(due - timedelta(days=1), "America/New_York"), _local(due, "America/New_York")}

    async def moved():
        now = await scheduled(n.service)
        return now if set(now.values()) == new_york else None
    after = await wait_for(moved, what="the reminders moved to 09:00 in New York")
    assert after.keys() == planned.keys()  # the same reminders, moved: none lost, none added
    assert await _agenda(n.service) == after  # what a later version cancels against moved with them


async def test_a_reminder_the_new_zone_puts_in_the_past_fires_at_once_and_once(
        notifier, receiver, write_yaml, publish_classified):
    due = datetime.now(timezone.utc).date() + timedelta(days=2)
    offset, fire_at = offset_firing_in(3600, due)  # at 00:00 UTC on its day: an hour from now
    hook = f"{{webhook: {{url: '{receiver.url('hook')}'}}}}"
    path = _desk(write_yaml, "UTC", [offset], hook)
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="the leader")
    await publish_classified(n.service, release(dated("c-soon", due)))
    [planned] = (await wait_for(lambda: scheduled(n.service), what="the reminder, an hour ahead")).values()
    assert abs((planned - fire_at).total_seconds()) < 1.5

    _desk(write_yaml, "Australia/Sydney", [offset], hook)  # 00:00 in Sydney is 11 hours earlier: past

    def reminders():
        return [h for h in receiver.hits("hook") if json.loads(h[2])["data"]["kind"] == "reminder"]
    sent = await wait_for(reminders, what="the reminder sent at once", timeout=8)
    assert datetime.now(timezone.utc) < fire_at  # not at its old time
    await asyncio.sleep(1.0)  # further ticks move and fire nothing more
    assert len(reminders()) == 1 and json.loads(sent[0][2])["data"]["reminder"]["offset"] == offset
    assert await scheduled(n.service) == {}


async def test_the_api_takes_a_time_zone_shows_it_changes_it_and_refuses_an_unknown_one(notifier):
    n = await notifier(http=True)
    desk = {"id": "desk", "channels": ["console"]}
    status, body = await api_call(n, "POST", "/subscriptions", {**desk, "timezone": "Australia/Sydney"})
    assert (status, body["timezone"]) == (201, "Australia/Sydney")
    status, body = await api_call(n, "PATCH", "/subscriptions/desk", {"timezone": "America/New_York"})
    assert (status, body["timezone"]) == (200, "America/New_York")
    assert (await n.service.store.get("desk")).timezone == "America/New_York"
    status, body = await api_call(n, "PATCH", "/subscriptions/desk", {"timezone": "Sydney"})
    assert (status, body) == (422, {"errors": [{"field": "timezone", "message": "unknown time zone 'Sydney'; "
                                                "expected an IANA name such as Europe/London or UTC"}]})
    assert (await n.service.store.get("desk")).timezone == "America/New_York"  # nothing changed


async def test_the_file_refuses_an_unknown_time_zone_naming_the_subscription_and_the_field(tmp_path):
    path = tmp_path / "subscriptions.yaml"
    path.write_text("subscriptions: [{id: desk, timezone: Mars/Olympus, channels: [console]}]")
    with pytest.raises(SubscriptionError) as refused:
        load_file(path)
    assert refused.value.errors == [{"field": "subscriptions.0 ('desk'): timezone", "message": "unknown time zone "
                                     "'Mars/Olympus'; expected an IANA name such as Europe/London or UTC"}]


async def test_the_cli_adds_and_updates_a_time_zone_and_names_the_field_it_refuses(
        notifier, write_yaml, capsys, monkeypatch, settings):
    monkeypatch.setenv("PLEDGEWATCH_API_TOKEN", settings.api_token_value)
    n = await notifier(http=True)
    run = lambda *argv: asyncio.to_thread(subscriptions_cli, ["subscriptions", "--url", n.url, *argv])  # noqa: E731
    assert await run("add", str(write_yaml("id: desk\ntimezone: Australia/Sydney\nchannels: [console]\n",
                                           "one.yaml"))) == 0
    assert (await n.service.store.get("desk")).timezone == "Australia/Sydney"
    assert await run("update", "desk", str(write_yaml("timezone: Europe/London\n", "fields.yaml"))) == 0
    assert (await n.service.store.get("desk")).timezone == "Europe/London"
    capsys.readouterr()
    assert await run("update", "desk", str(write_yaml("timezone: London\n", "bad.yaml"))) == 1
    refusal = "timezone: unknown time zone 'London'; expected an IANA name such as Europe/London"
    assert refusal in capsys.readouterr().err
    assert (await n.service.store.get("desk")).timezone == "Europe/London"


async def test_the_zone_recorded_follows_the_subscription_and_goes_with_it(notifier, write_yaml):
    path = _desk(write_yaml, "Australia/Sydney", ["P1D"])
    n = await notifier(subscriptions=path)
    streams = n.service.runtime.streams

    async def recorded():
        return {k.decode(): v.decode() for k, v in
                (await streams.client.hgetall(streams.key("notifier:reminders:zones"))).items()}
    await wait_for(lambda: _equal(recorded, {"desk": "Australia/Sydney"}), what="Sydney recorded")
    _desk(write_yaml, "UTC", ["P1D"])
    await wait_for(lambda: _equal(recorded, {}), what="UTC, the default, recorded by no record")
    _desk(write_yaml, "Europe/London", ["P1D"])
    await wait_for(lambda: _equal(recorded, {"desk": "Europe/London"}), what="London recorded")
    write_yaml("subscriptions: [{id: other, channels: [console]}]")
    await wait_for(lambda: _equal(recorded, {}), what="the record of a subscription gone dropped")


async def _equal(read, expected) -> bool:
    return await read() == expected
