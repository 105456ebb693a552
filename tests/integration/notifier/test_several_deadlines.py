"""A commitment with several deadlines (the classifier keeps each its sentence writes): each is reminded of, and
each shows in the ledger's calendar feed and in the weekly message, against a real Redis and a loopback webhook."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest

from schemas.classified import DateDeadline
from services.ledger.core.calendar_feed import deadlines_calendar
from services.ledger.store import LedgerStore

from notifier_harness import fast_config, offset_firing_in, scheduled, wait_for
from samples import dated, release

pytestmark = pytest.mark.integration


def _two_deadlines(cid: str, first: date, second: date):
    """``cid`` due ``first`` for one part and ``second`` for the rest."""
    return dated(cid, first).model_copy(update={"deadlines": [
        DateDeadline(due=first, text=f"by {first:%-d %B %Y}", span=(20, 30)),
        DateDeadline(due=second, text=f"by {second:%-d %B %Y}", span=(31, 40))]})


async def test_a_commitment_with_two_deadlines_is_reminded_of_each(notifier, receiver, write_yaml,
                                                                  publish_classified):
    today = datetime.now(timezone.utc).date()
    first, second = today + timedelta(days=2), today + timedelta(days=9)
    soon_first, _ = offset_firing_in(2.0, first)  # fires in 2 s for the first; 7 days later for the second
    soon_second, _ = offset_firing_in(3.0, second)  # fires in 3 s for the second; already past for the first
    path = write_yaml(f"""
subscriptions:
  - id: desk
    reminders: [{soon_first}, {soon_second}]
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]
""")
    n = await notifier(config=fast_config(reminder_time="00:00"), subscriptions=path)
    await publish_classified(n.service, release(_two_deadlines("c-two", first, second)))

    def reminders():
        return [json.loads(h[2])["data"] for h in receiver.hits("hook")
                if json.loads(h[2])["data"]["kind"] == "reminder"]

    sent = await wait_for(lambda: len(reminders()) == 2 and reminders(), what="a reminder of each deadline")
    assert sorted((r["reminder"]["due"], r["reminder"]["deadline"]["text"], r["reminder"]["offset"]) for r in sent) == [
        (first.isoformat(), f"by {first:%-d %B %Y}", soon_first),
        (second.isoformat(), f"by {second:%-d %B %Y}", soon_second)]
    (later,) = (await scheduled(n.service)).values()  # the first offset before the second deadline, still ahead
    assert later.date() == second - (first - today) and later > datetime.now(timezone.utc) + timedelta(days=6)


SUNDAY = datetime(2026, 11, 8, 12, 0, tzinfo=timezone.utc)
MONDAY_9AM_LONDON = datetime(2026, 11, 9, 9, 0, 30, tzinfo=timezone.utc)


async def test_both_deadlines_are_in_the_weekly_message_and_the_calendar(notifier, receiver, write_yaml):
    now = [SUNDAY]
    n = await notifier(subscriptions=write_yaml(f"""
subscriptions:
  - id: desk
    channels: [{{webhook: {{url: "{receiver.url('hook')}"}}}}]
    due_this_week: {{weekday: monday, at: "09:00", time_zone: Europe/London}}
"""), clock=lambda: now[0], run_scheduler=False)
    streams = n.service.runtime.streams
    store = LedgerStore(streams.client, streams.key)
    await store.apply(release(_two_deadlines("c-two", date(2026, 11, 10), date(2026, 11, 13)), release_id="r0"),
                      now=SUNDAY)

    assert [(e.key, i) for e, i in await store.deadlines_between(date(2026, 11, 9), date(2026, 11, 15))] == [
        ("c-two", 0), ("c-two", 1)]
    assert await n.service.send_due_this_week() == 0  # the first look notes the week
    now[0] = MONDAY_9AM_LONDON
    assert await n.service.send_due_this_week() == 1
    ((_, _, body, _),) = await wait_for(lambda: receiver.hits("hook"), what="the weekly message")
    assert [(d["due"], d["commitment_key"]) for d in json.loads(body)["data"]["deadlines"]] == [
        ("2026-11-10", "c-two"), ("2026-11-13", "c-two")]

    (entry,) = await store.entries(["c-two"])
    calendar = deadlines_calendar([entry], name="desk", offsets=["P1D"], remind_at=time(9, tzinfo=timezone.utc))
    events = icalendar.Calendar.from_ical(calendar).walk("VEVENT")
    assert sorted((str(e["uid"]), e.decoded("dtstart")) for e in events) == [
        ("c-two-0@pledgewatch", date(2026, 11, 10)), ("c-two-1@pledgewatch", date(2026, 11, 13))]
