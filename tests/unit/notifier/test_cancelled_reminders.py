"""A change alert that cancels reminders says which: a deadline moved or dropped, a commitment removed or no
longer selected by the filter, and the reminders planned for it that were still to come are named, each with the
day it would have come and its commitment, in every rendering (text, so console, chat and feed; HTML; the
webhook's data, ``cancelled_reminders``)."""

from datetime import date, datetime, time, timezone

from samples import BORDERS, dated, plan_against, release
from schemas.classified import DateDeadline
from services.notifier.mail_html import render_alert_html
from services.notifier.messages import chat_text, message_event
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_text
from services.notifier.subscriptions import Subscription

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=timezone.utc)
LATE = time(23, 30, tzinfo=timezone.utc)  # PLEDGEWATCH_REMINDER_TIME=23:30
SUB = Subscription(id="desk", channels=["console"])  # reminded 30, 7 and 1 days before, and on the day
OFFICERS = dated("c-officers", date(2027, 3, 31)).model_copy(update={
    "text": "The UK will deploy 200 officers to Iraq by 31 March 2027.",
    "deadlines": [DateDeadline(due=date(2027, 3, 31), text="by 31 March 2027", span=(40, 56))]})
MOVED = OFFICERS.model_copy(update={
    "id": "c-officers-june", "text": "The UK will deploy 200 officers to Iraq by 30 June 2027.",
    "deadlines": [DateDeadline(due=date(2027, 6, 30), text="by 30 June 2027", span=(40, 55))]})
DROPPED = OFFICERS.model_copy(update={"id": "c-officers-undated", "text": "The UK will deploy 200 officers to Iraq.",
                                      "deadlines": []})


def _changed(*later, sub=SUB):
    first = plan_alerts(sub, release(OFFICERS, BORDERS), sent={}, elapsed_sent=set(), now=NOW)
    [alert] = plan_against([OFFICERS, BORDERS], sub, release(*later, version=2), sent=first.sent,
                           elapsed_sent=set(first.elapsed), now=NOW).alerts
    return alert


GONE = ["- Wednesday 24 March 2027 (7 days before 31 March 2027): The UK will deploy 200 officers to Iraq by "
        "31 March 2027.",
        "- Tuesday 30 March 2027 (1 day before 31 March 2027): The UK will deploy 200 officers to Iraq by 31 March 2027.",
        "- Wednesday 31 March 2027 (on the day): The UK will deploy 200 officers to Iraq by 31 March 2027."]


def test_a_deadline_moved_names_the_reminders_still_to_come_that_will_not_and_every_rendering_says_so():
    alert = _changed(MOVED, BORDERS)
    text = render_text(alert)
    assert "\n".join(["Reminders that will no longer come (3):", *GONE]) in text  # 1 March, 30 days before, went
    assert [(r.commitment_id, r.due, r.offset, r.on) for r in alert.cancelled_reminders] == [
        ("c-officers", date(2027, 3, 31), "P7D", date(2027, 3, 24)),
        ("c-officers", date(2027, 3, 31), "P1D", date(2027, 3, 30)),
        ("c-officers", date(2027, 3, 31), "P0D", date(2027, 3, 31))]
    html = render_alert_html(alert, unsubscribe_url=None)
    assert "Reminders that will no longer come (3)" in html and "Wednesday 24 March 2027" in html
    assert "\n".join(GONE) in chat_text(alert)[1]
    assert message_event(alert).data.cancelled_reminders == alert.cancelled_reminders


def test_a_deadline_dropped_or_a_commitment_removed_names_its_reminders_too():
    assert "\n".join(GONE) in render_text(_changed(DROPPED, BORDERS))
    assert "\n".join(GONE) in render_text(_changed(BORDERS, version_two()))


def version_two():
    """Another commitment in version 2, so that the release still has two (OFFICERS removed)."""
    return dated("c-training", date(2028, 1, 1))


def test_a_change_that_keeps_the_dates_or_a_subscription_without_reminders_names_none():
    reworded = OFFICERS.model_copy(update={"id": "c-officers-300", "text": OFFICERS.text.replace("200", "300")})
    assert "no longer come" not in render_text(_changed(reworded, BORDERS))
    quiet = Subscription(id="desk", channels=["console"], reminders=[])
    alert = _changed(MOVED, BORDERS, sub=quiet)
    assert alert.cancelled_reminders == [] and "no longer come" not in render_text(alert)


def test_the_day_named_is_the_day_the_reminder_would_fire_at_the_reminder_time_in_the_subscriptions_zone():
    # 23:30 in Kiritimati (UTC+14): the day before at 23:30 is still ahead at noon of that day there, and ten
    # hours before the due day's 23:30 is on the due day itself (at 09:00, both would be a day earlier or gone).
    late = Subscription(id="desk", channels=["console"], timezone="Pacific/Kiritimati", reminders=["P1D", "PT10H"])
    now = datetime(2027, 3, 29, 22, 0, tzinfo=timezone.utc)  # 30 March, 12:00 in Kiritimati
    first = plan_alerts(late, release(OFFICERS), sent={}, elapsed_sent=set(), now=now, remind_at=LATE)
    [alert] = plan_against([OFFICERS], late, release(MOVED, version=2), sent=first.sent,
                           elapsed_sent=set(first.elapsed), now=now, remind_at=LATE).alerts
    assert [(r.offset, r.on) for r in alert.cancelled_reminders] == [
        ("P1D", date(2027, 3, 30)), ("PT10H", date(2027, 3, 31))]
