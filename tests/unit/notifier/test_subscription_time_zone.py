"""A subscription's time zone: its reminders, digests and weekly message at their times in it, DST included."""

from datetime import date, datetime, time, timezone

import pytest

from samples import dated, release
from schemas.alerts import ReminderDue, ReminderInfo
from services.notifier.digest import assemble_digest, digest_due, last_digest_time
from services.notifier.due_week import week_slot
from services.notifier.planning import release_ref, reminder_alert
from services.notifier.reminders import fire_time
from services.notifier.rendering import digest_day, render_text, subject
from services.notifier.subscriptions import DueThisWeek, SubscriptionError, parse_subscription
from services.notifier.zones import in_zone

UTC = timezone.utc


@pytest.mark.parametrize("due, offset, zone, fires", [
    (date(2027, 3, 10), "P1D", "Australia/Sydney", datetime(2027, 3, 8, 22, 0, tzinfo=UTC)),  # 9 Mar 09:00 AEDT
    (date(2027, 3, 10), "P0D", "America/New_York", datetime(2027, 3, 10, 14, 0, tzinfo=UTC)),  # EST (UTC-5)
    (date(2027, 3, 15), "P1D", "America/New_York", datetime(2027, 3, 14, 13, 0, tzinfo=UTC)),  # 14 Mar, EDT begun
    (date(2027, 3, 16), "P7D", "America/New_York", datetime(2027, 3, 9, 14, 0, tzinfo=UTC)),  # 9 Mar, still EST
    (date(2027, 4, 5), "P1D", "Australia/Sydney", datetime(2027, 4, 3, 23, 0, tzinfo=UTC)),  # AEST: summer time is over
    (date(2027, 3, 10), "PT2H", "Australia/Sydney", datetime(2027, 3, 9, 20, 0, tzinfo=UTC)),  # 07:00 local
    (date(2027, 3, 10), "P1D", "UTC", datetime(2027, 3, 9, 9, 0, tzinfo=UTC)),
], ids=["sydney-day-before", "new-york-on-the-day", "new-york-after-spring-forward", "calendar-days-across-dst",
        "sydney-after-dst-ends", "hours-before-the-local-time", "utc-as-before"])
def test_a_reminder_fires_at_the_reminder_time_in_its_zone_on_the_local_day(due, offset, zone, fires):
    assert fire_time(due, offset, remind_at=time(9, 0), zone=zone) == fires


@pytest.mark.parametrize("remind_at, fires", [
    (time(2, 30), datetime(2027, 3, 14, 7, 30, tzinfo=UTC)),  # skipped: 03:30 EDT, the offset before (EST)
    (time(1, 30), datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),  # repeated: the first 01:30 (EDT)
], ids=["skipped-by-spring-forward", "repeated-by-fall-back"])
def test_a_local_time_skipped_or_repeated_by_dst_gives_one_moment(remind_at, fires):
    due = fires.date() if remind_at == time(1, 30) else date(2027, 3, 14)
    assert fire_time(due, "P0D", remind_at=remind_at, zone="America/New_York") == fires


def test_a_digest_in_a_zone_is_due_once_a_local_day_and_at_its_local_time():
    now = datetime(2027, 3, 9, 21, 30, tzinfo=UTC)  # 08:30 in Sydney, 10 March
    assert last_digest_time(time(8, 0), now=now, zone="Australia/Sydney") == datetime(2027, 3, 9, 21, 0, tzinfo=UTC)
    assert digest_due(time(8, 0), last_sent=datetime(2027, 3, 9, 21, 0, tzinfo=UTC), now=now,
                      zone="Australia/Sydney") is None
    assert last_digest_time(time(8, 0), now=now) == datetime(2027, 3, 9, 8, 0, tzinfo=UTC)  # UTC as before


def test_a_digest_at_a_time_dst_repeats_is_due_once():
    zone = "America/New_York"
    first = last_digest_time(time(1, 30), now=datetime(2027, 11, 7, 5, 40, tzinfo=UTC), zone=zone)
    assert first == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    # an hour later the clock reads 01:30 again: the digest already sent is the latest one
    assert digest_due(time(1, 30), last_sent=first, now=datetime(2027, 11, 7, 6, 40, tzinfo=UTC), zone=zone) is None


def test_a_weekly_message_without_its_own_zone_is_in_the_subscriptions():
    slot = week_slot(DueThisWeek(), now=datetime(2027, 3, 8, 0, 0, tzinfo=UTC), subscription_zone="Australia/Sydney")
    assert slot.at == datetime(2027, 3, 8, 8, 0).replace(tzinfo=slot.at.tzinfo) and slot.time_zone == "Australia/Sydney"
    own = week_slot(DueThisWeek(time_zone="UTC"), now=datetime(2027, 3, 8, 9, 0, tzinfo=UTC),
                    subscription_zone="Australia/Sydney")
    assert own.time_zone == "UTC"


def test_a_subscription_takes_a_time_zone_and_shows_it_unless_utc():
    sub = parse_subscription({"id": "desk", "channels": ["console"], "timezone": "Australia/Sydney"})
    assert sub.timezone == "Australia/Sydney"
    assert sub.model_dump(mode="json")["timezone"] == "Australia/Sydney"
    plain = parse_subscription({"id": "desk", "channels": ["console"]})
    assert plain.timezone == "UTC" and "timezone" not in plain.model_dump(mode="json")


def test_an_unknown_time_zone_is_refused_naming_the_field_and_the_form():
    with pytest.raises(SubscriptionError) as refused:
        parse_subscription({"id": "desk", "channels": ["console"], "timezone": "Sydney"})
    [error] = refused.value.errors
    assert error["field"] == "timezone"
    assert "unknown time zone 'Sydney'" in error["message"] and "IANA name such as Europe/London" in error["message"]


def _fired_reminder(fired_at: datetime, zone: str):
    c = dated("c1", date(2027, 3, 10))
    due = ReminderDue(reminder_id="rem-1", subscription_id="desk", release=release_ref(release(c)), commitment=c,
                      reminder=ReminderInfo(deadline=c.deadlines[0], offset="P0D", due=date(2027, 3, 10)),
                      fired_at=fired_at)
    return reminder_alert(due, now=fired_at, zone=zone)


@pytest.mark.parametrize("zone, words, said", [
    ("Australia/Sydney", "falls due today, Wednesday 10 March 2027", "Due today"),  # 09:00 on the 10th there
    ("UTC", "falls due tomorrow, Wednesday 10 March 2027", "Due tomorrow"),  # still the 9th in UTC
], ids=["sydney-day", "utc-day"])
def test_a_reminders_day_words_count_from_its_subscribers_day(zone, words, said):
    alert, event = _fired_reminder(datetime(2027, 3, 9, 22, 0, tzinfo=UTC), zone)
    assert f"The deadline {words}." in render_text(alert)
    assert subject(alert).startswith(f"[pledgewatch] {said}, ")
    assert alert.created_at == datetime(2027, 3, 9, 22, 0, tzinfo=UTC)  # the same instant, written in the zone
    assert event.fired_at == datetime(2027, 3, 9, 22, 0, tzinfo=UTC)


def test_a_digest_is_of_its_subscribers_day():
    alert, _ = _fired_reminder(datetime(2027, 3, 9, 20, 0, tzinfo=UTC), "Australia/Sydney")
    moment = last_digest_time(time(8, 0), now=datetime(2027, 3, 9, 21, 30, tzinfo=UTC), zone="Australia/Sydney")
    digest = assemble_digest("desk", [alert], since=None, until=in_zone(moment, "Australia/Sydney"), now=moment)
    assert digest is not None and digest_day(digest) == date(2027, 3, 10)


def test_a_reminder_alerts_event_time_is_utc_its_created_at_in_the_subscribers_zone():
    # Before: the CloudEvent's time was created_at as written, "2027-03-10T09:00:00+11:00", where the contract
    # says UTC; a consumer ordering events by time as text put it after events of later instants.
    import json

    from services.notifier.messages import alert_event

    alert, _ = _fired_reminder(datetime(2027, 3, 9, 22, 0, tzinfo=UTC), "Australia/Sydney")
    event = json.loads(alert_event(alert).to_json())
    assert event["time"] == "2027-03-09T22:00:00Z"
    assert event["data"]["created_at"] == "2027-03-10T09:00:00+11:00"  # the renderers' day (decision 0046)
