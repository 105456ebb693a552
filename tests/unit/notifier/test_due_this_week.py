"""The weekly "falls due this week" message: the option, its slot and week, the message and its text."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

import pytest

from schemas.due_week import DueDeadline
from services.notifier.due_week import assemble_due_week, week_slot
from services.notifier.due_week_rendering import render_due_week_subject, render_due_week_text
from services.notifier.mail_html import render_due_week_html
from services.notifier.messages import message_event, message_text
from services.notifier.subscriptions import DueThisWeek, SubscriptionError, parse_file_document, parse_subscription
from services.notifier.yaml_text import load_yaml

from samples import FUNDING, dated

UTC = timezone.utc
CHANNELS = ["console"]


def _option(**fields) -> DueThisWeek:
    return DueThisWeek(**fields)


@pytest.mark.parametrize(("option", "now", "slot"), [
    pytest.param({}, datetime(2026, 12, 7, 8, 0, tzinfo=UTC), "2026-12-07T08:00:00+00:00", id="at-the-moment"),
    pytest.param({}, datetime(2026, 12, 7, 7, 59, tzinfo=UTC), "2026-11-30T08:00:00+00:00", id="a-minute-early"),
    pytest.param({}, datetime(2026, 12, 10, 15, 0, tzinfo=UTC), "2026-12-07T08:00:00+00:00", id="midweek"),
    pytest.param({"weekday": "sunday", "at": "18:30"}, datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
                 "2026-12-06T18:30:00+00:00", id="sunday-evening"),
    pytest.param({"time_zone": "Europe/London"}, datetime(2026, 6, 1, 7, 30, tzinfo=UTC),
                 "2026-06-01T08:00:00+01:00", id="london-summer-time"),
    pytest.param({"time_zone": "Europe/London"}, datetime(2026, 6, 1, 6, 59, tzinfo=UTC),
                 "2026-05-25T08:00:00+01:00", id="london-before-its-eight"),
    pytest.param({"time_zone": "Pacific/Auckland", "weekday": "monday", "at": "07:00"},
                 datetime(2026, 12, 6, 18, 0, tzinfo=UTC), "2026-12-07T07:00:00+13:00", id="monday-already-there"),
    pytest.param({"time_zone": "Europe/London", "weekday": "sunday", "at": "01:30"},
                 datetime(2026, 3, 29, 1, 45, tzinfo=UTC), "2026-03-29T01:30:00+00:00", id="time-skipped-by-dst"),
])
def test_the_slot_is_the_latest_weekly_moment_not_after_now(option, now, slot):
    assert week_slot(_option(**option), now=now).at.isoformat() == slot


def test_a_slot_covers_seven_days_from_its_own_and_is_keyed_by_its_iso_week():
    slot = week_slot(_option(weekday="sunday"), now=datetime(2027, 1, 3, 12, 0, tzinfo=UTC))
    assert (slot.first_day, slot.last_day, slot.week) == (date(2027, 1, 3), date(2027, 1, 9), "2026-W53")


def _due(cid: str, day: date) -> DueDeadline:
    c = dated(cid, day)
    return DueDeadline(due=day, deadline=c.deadlines[0], commitment_key=cid, commitment=c, release_id="r1",
                       title="UK ramps up counterterror effort in Iraq", url="https://www.gov.uk/news/iraq")


NOW = datetime(2026, 12, 7, 8, 0, 5, tzinfo=UTC)
SLOT = week_slot(_option(), now=NOW)


def test_an_empty_week_makes_no_message():
    assert assemble_due_week("desk", _option(), SLOT, [], more=0, now=NOW) is None


def test_the_message_lists_deadlines_soonest_first_under_an_id_stable_per_subscription_and_week():
    later, sooner = _due("c-late", date(2026, 12, 11)), _due("c-soon", date(2026, 12, 8))
    message = assemble_due_week("desk", _option(), SLOT, [later, sooner], more=0, now=NOW)
    assert [d.commitment_key for d in message.deadlines] == ["c-soon", "c-late"]
    again = assemble_due_week("desk", _option(), SLOT, [sooner], more=0, now=NOW.replace(minute=9))
    other = assemble_due_week("ct", _option(), SLOT, [sooner], more=0, now=NOW)
    assert message.digest_id == again.digest_id != other.digest_id
    assert (message.week, message.first_day, message.last_day) == ("2026-W50", date(2026, 12, 7), date(2026, 12, 13))


def test_the_text_groups_the_weeks_deadlines_by_day_in_every_channel():
    message = assemble_due_week("desk", _option(time_zone="Europe/London"), SLOT,
                                [_due("c-a", date(2026, 12, 8)), _due("c-b", date(2026, 12, 8)),
                                 _due("c-c", date(2026, 12, 10))], more=2, now=NOW)
    text = render_due_week_text(message)
    assert text.startswith("Falls due this week: 5 deadlines\n")
    assert "\nMonday 7 December to Sunday 13 December 2026 (Europe/London)\n" in text
    assert text.index("Tuesday 8 December 2026") < text.index("c-a") < text.index("c-b") \
        < text.index("Thursday 10 December 2026") < text.index("c-c")
    assert "    release: UK ramps up counterterror effort in Iraq (https://www.gov.uk/news/iraq)" in text
    assert text.endswith("\n\u2026and 2 more deadlines this week, not listed here\n"
                         "\nSent by pledgewatch for the subscription desk.\n")
    assert text.count("desk") == 1  # named once, at the end, as every alert and digest does
    assert render_due_week_subject(message) == "[pledgewatch] Due this week (7 Dec \u2013 13 Dec 2026): 5 deadlines"
    assert message_text(message) == (render_due_week_subject(message), text)
    event = message_event(message)
    assert (event.type, event.id, event.subject) == ("pledgewatch.due_this_week", message.digest_id, "desk")


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param(True, {"weekday": "monday", "at": "08:00"}, id="true-is-every-default"),
    pytest.param({"weekday": "Friday", "at": "17:00", "time_zone": "Europe/London"},
                 {"weekday": "friday", "at": "17:00", "time_zone": "Europe/London"}, id="given"),
    pytest.param(False, None, id="false-is-off"),
    pytest.param(None, None, id="null-is-off"),
])
def test_the_option_is_read_with_its_defaults(given, expected):
    sub = parse_subscription({"id": "desk", "channels": CHANNELS, "due_this_week": given})
    assert sub.model_dump(mode="json").get("due_this_week") == expected
    if expected is None:
        assert "due_this_week" not in sub.model_dump(mode="json")  # off: not shown


@pytest.mark.parametrize(("given", "field", "message"), [
    pytest.param({"weekday": "someday"}, "due_this_week.weekday", "Input should be 'monday'", id="weekday"),
    pytest.param({"at": "25:00"}, "due_this_week.at", "expected a time of day as HH:MM (in time_zone)", id="at"),
    pytest.param({"at": 800}, "due_this_week.at", "expected a time of day as HH:MM", id="at-a-number"),
    pytest.param({"time_zone": "Mars/Olympus"}, "due_this_week.time_zone",
                 "unknown time zone 'Mars/Olympus'; expected an IANA name such as Europe/London", id="zone"),
    pytest.param({"time_zone": "../../etc/passwd"}, "due_this_week.time_zone", "unknown time zone", id="zone-path"),
    pytest.param({"day": "monday"}, "due_this_week.day", "unknown field", id="unknown-field"),
    pytest.param("mondays", "due_this_week", "Input should be a valid dictionary", id="not-a-mapping"),
])
def test_a_bad_option_is_refused_naming_the_field(given, field, message):
    with pytest.raises(SubscriptionError) as caught:
        parse_subscription({"id": "desk", "channels": CHANNELS, "due_this_week": given})
    (error,) = caught.value.errors
    assert error["field"] == field and message in error["message"], error


def test_the_option_survives_storage():
    sub = parse_subscription({"id": "desk", "channels": CHANNELS,
                              "due_this_week": {"weekday": "friday", "at": "17:15", "time_zone": "Asia/Tokyo"}})
    again = parse_subscription(json.loads(sub.stored()))
    assert again == sub and again.due_this_week.at == time(17, 15)


def test_each_deadline_shows_its_commitment_as_every_alert_does():
    message = assemble_due_week("desk", _option(), SLOT, [_due("c-a", date(2026, 12, 8)).model_copy(
        update={"commitment": FUNDING})], more=0, now=NOW)
    assert "Pledge by UK: The UK will invest £10m" in render_due_week_text(message)


def test_the_html_names_the_subscription_once_at_the_end():
    message = assemble_due_week("desk", _option(time_zone="Europe/London"), SLOT,
                                [_due("c-a", date(2026, 12, 8))], more=0, now=NOW)
    html = render_due_week_html(message, unsubscribe_url=None)
    assert "Monday 7 December to Sunday 13 December 2026 (Europe/London)</p>" in html
    assert html.count("desk") == 1 and "for the subscription <strong>desk</strong>." in html


def test_an_unquoted_time_in_the_file_is_the_time_it_looks_like():
    doc = load_yaml("subscriptions: [{id: desk, channels: [console], due_this_week: {weekday: friday, at: 08:30}}]")
    (sub,) = parse_file_document(doc)
    assert sub.due_this_week.at == time(8, 30)
