"""What a reminder says of its due date: the day, and how far off it is from the day the reminder is sent (not
from the offset it was planned at: a reminder sent late, after a notifier was down, says so truly)."""

from datetime import date, datetime, timezone

import pytest

from samples import CONTENT, dated, release
from schemas.alerts import AlertKind, ReminderInfo
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_alert_html, render_digest_html
from services.notifier.planning import plan_alerts
from services.notifier.rendering import deadline_words, render_digest_text, render_text, subject
from services.notifier.subscriptions import Subscription

DUE = date(2026, 12, 6)


def _reminder(offset: str, sent_at: datetime):
    c = dated("c1", DUE)
    sub = Subscription(id="desk", channels=[{"email": "desk@example.org"}])
    alert = plan_alerts(sub, release(c), sent={}, elapsed_sent=set(), now=sent_at).alerts[0]
    reminder = ReminderInfo(deadline=c.deadlines[0], offset=offset, due=DUE)
    return alert.model_copy(update={"kind": AlertKind.REMINDER, "created_at": sent_at, "elapsed": [],
                                    "reminder": reminder})


@pytest.mark.parametrize(("offset", "sent_at", "words"), [
    ("P0D", datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc), "falls due today, Sunday 6 December 2026."),
    ("P1D", datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc), "falls due tomorrow, Sunday 6 December 2026."),
    ("P7D", datetime(2026, 11, 29, 9, 0, tzinfo=timezone.utc), "falls due in 7 days, on Sunday 6 December 2026."),
    # planned a week ahead, sent three days late (the notifier was down): the days left, not the offset
    ("P7D", datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc), "falls due in 4 days, on Sunday 6 December 2026."),
    # planned for the day itself, sent the day after
    ("P0D", datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc), "fell due yesterday, Sunday 6 December 2026."),
    ("P0D", datetime(2026, 12, 9, 23, 59, tzinfo=timezone.utc), "fell due 3 days ago, on Sunday 6 December 2026."),
])
def test_a_reminder_says_how_far_off_its_due_date_is_when_it_is_sent(offset, sent_at, words):
    alert = _reminder(offset, sent_at)
    assert f"The deadline {words}" in render_text(alert)
    assert f"The deadline {words}" in render_alert_html(alert, unsubscribe_url=None)


def test_no_reminder_says_zero_days():
    alert = _reminder("P0D", datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc))
    assert "0 days" not in render_text(alert)
    assert subject(alert).startswith("[pledgewatch] Due today, Sunday 6 December 2026: ")


def test_a_reminder_in_a_digest_counts_from_the_day_the_digest_is_sent():
    """A reminder fired on the 5th for the 6th, sent in the digest of the 6th: due today, not tomorrow."""
    alert = _reminder("P1D", datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc))
    sent = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
    digest = assemble_digest("desk", [alert], since=None, until=sent, now=sent)
    for rendered in (render_digest_text(digest), render_digest_html(digest, unsubscribe_url=None)):
        assert "The deadline falls due today, Sunday 6 December 2026." in rendered


@pytest.mark.parametrize(("anchor", "text", "words"), [
    ("release", "within one to two hours of release", "within 1 hour to 2 hours of each release"),
    ("notification", "within an hour of notification", "within 1 hour of each notification"),
    # an anchor that is an act, not a thing: before, "within 1 hour of each receiving"
    ("receiving", "within one hour of receiving", "within 1 hour of receiving"),
    ("notified", "within one hour of being notified", "within 1 hour of being notified"),
])
def test_a_response_time_reads_as_english_whatever_its_anchor(anchor, text, words):
    rule = CONTENT.deadlines[0].model_copy(update={"anchor": anchor, "text": text})
    if "one hour" in text or "an hour" in text:
        rule = rule.model_copy(update={"min": "PT1H", "max": "PT1H"})
    assert deadline_words(rule).startswith(f"a standing rule: {words}, no calendar date")


def test_a_response_time_of_no_time_at_all_reads_immediately():
    """Before: "within 0 days of each release"."""
    instant = CONTENT.deadlines[0].model_copy(update={"min": "PT0S", "max": "PT0S", "text": "at once"})
    assert deadline_words(instant).startswith("a standing rule: immediately on each release, no calendar date")
