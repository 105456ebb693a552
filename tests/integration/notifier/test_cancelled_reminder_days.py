"""A change alert names each reminder it cancels with the day it would have come: the day the notifier had planned
it for, at PLEDGEWATCH_REMINDER_TIME in the subscription's time zone, even near midnight far from UTC."""

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from samples import dated, release

from notifier_harness import fast_config, scheduled, wait_for

pytestmark = pytest.mark.integration

ZONE = "Pacific/Kiritimati"  # UTC+14


async def test_a_cancelled_reminder_is_named_on_the_day_it_was_planned_for(
        notifier, receiver, write_yaml, publish_classified):
    due = datetime.now(timezone.utc).date() + timedelta(days=60)
    path = write_yaml(f"subscriptions: [{{id: desk, timezone: {ZONE}, reminders: [P1D, PT10H], "
                      f"channels: [{{webhook: {{url: '{receiver.url('hook')}'}}}}]}}]")
    n = await notifier(config=fast_config(reminder_time="23:30"), subscriptions=path)
    await wait_for(lambda: n.service.leader.is_leader, what="the leader")
    await publish_classified(n.service, release(dated("c-ports", due)))
    planned = await wait_for(lambda: scheduled(n.service), what="two reminders")
    days = sorted(at.astimezone(ZoneInfo(ZONE)).date() for at in planned.values())
    assert days == [due - timedelta(days=1), due]  # 23:30 the day before; 13:30 on the day

    await publish_classified(n.service, release(dated("c-ports-moved", due + timedelta(days=30)), version=2))
    await wait_for(lambda: len(receiver.hits("hook")) == 2, what="the change alert")
    data = json.loads(receiver.hits("hook")[1][2])["data"]
    assert data["kind"] == "changed"
    assert sorted(date.fromisoformat(r["on"]) for r in data["cancelled_reminders"]) == days
