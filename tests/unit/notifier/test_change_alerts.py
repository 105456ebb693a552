"""A new version of a release that edits or drops a commitment the subscriber was told about: the alert says
what changed, field by field, and what was removed."""

from datetime import date, datetime, timezone

from samples import BORDERS, FUNDING, FUNDING_CUT as EIGHT, dated, plan_against, release
from schemas.alerts import AlertKind
from schemas.classified import DateDeadline
from services.notifier.mail_html import render_alert_html
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_text
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])


def _told(*commitments):
    first = plan_alerts(SUB, release(*commitments), sent={}, elapsed_sent=set(), now=NOW)
    return first.sent, set(first.elapsed)


def test_an_edited_amount_is_one_changed_commitment_that_says_what_changed():
    sent, elapsed = _told(FUNDING, BORDERS)
    plan = plan_against([FUNDING, BORDERS], SUB, release(EIGHT, BORDERS, version=2), sent=sent, elapsed_sent=elapsed,
                        now=NOW)
    [alert] = plan.alerts
    assert alert.kind is AlertKind.CHANGED
    assert [c.id for c in alert.commitments] == ["c-funding-8m"] and alert.changed == ["c-funding-8m"]
    [change] = alert.changes
    assert (change.commitment_id, change.previous_id) == ("c-funding-8m", "c-funding")
    assert [c.words for c in change.changes] == ["money £10m \u2192 £8m"]
    assert "changed: money £10m \u2192 £8m" in render_text(alert)
    assert "Changed: money £10m \u2192 £8m" in render_alert_html(alert, unsubscribe_url=None)
    again = plan_against([FUNDING, BORDERS], SUB, release(EIGHT, BORDERS, version=2), sent={**sent, **plan.sent},
                         elapsed_sent=elapsed | set(plan.elapsed), now=NOW)
    assert again.alerts == []  # the same version delivered again


def test_new_words_and_a_new_deadline_are_both_told_in_every_rendering():
    """Before: the text's change was told only when nothing else changed, so "200 officers by March" become "300
    officers by June" read as a new deadline alone."""
    officers = dated("c-officers", date(2027, 3, 31)).model_copy(update={
        "text": "The UK will deploy 200 officers to Iraq by March 2027.",
        "deadlines": [DateDeadline(due=date(2027, 3, 31), text="by March 2027", span=(40, 53))]})
    more_later = officers.model_copy(update={
        "id": "c-officers-300", "text": "The UK will deploy 300 officers to Iraq by June 2027.",
        "deadlines": [DateDeadline(due=date(2027, 6, 30), text="by June 2027", span=(40, 52))]})
    sent, elapsed = _told(officers)
    [alert] = plan_against([officers], SUB, release(more_later, version=2), sent=sent, elapsed_sent=elapsed,
                           now=NOW).alerts
    told = ("text The UK will deploy 200 officers to Iraq by March 2027. \u2192 "
            "The UK will deploy 300 officers to Iraq by June 2027.; deadline 31 Mar 2027 \u2192 30 Jun 2027")
    assert [[f.field for f in c.changes] for c in alert.changes] == [["text", "deadlines"]]
    assert f"changed: {told}" in render_text(alert)
    assert f"Changed: {told}" in render_alert_html(alert, unsubscribe_url=None)


def test_a_commitment_gone_from_the_new_version_is_reported_removed():
    sent, elapsed = _told(FUNDING, BORDERS)
    plan = plan_against([FUNDING, BORDERS], SUB, release(BORDERS, version=2), sent=sent, elapsed_sent=elapsed, now=NOW)
    [alert] = plan.alerts
    assert alert.kind is AlertKind.CHANGED and alert.commitments == []
    [change] = alert.changes
    assert (change.commitment_id, change.previous_id) == ("c-funding", "c-funding")
    assert [c.words for c in change.changes] == ["removed"]
    assert "- removed: The UK will invest £10m" in render_text(alert)
    html = render_alert_html(alert, unsubscribe_url=None)
    assert "<li>removed: The UK will invest £10m" in html and "<table" not in html


def test_a_removal_the_subscriber_was_never_told_of_is_not_reported():
    sent, elapsed = _told(BORDERS)
    plan = plan_against([FUNDING, BORDERS], SUB, release(BORDERS, version=2), sent=sent, elapsed_sent=elapsed, now=NOW)
    assert plan.alerts == []


def test_an_edit_of_a_commitment_never_told_is_new():
    sent, elapsed = _told(BORDERS)
    plan = plan_against([FUNDING, BORDERS], SUB, release(EIGHT, BORDERS, version=2), sent=sent, elapsed_sent=elapsed,
                        now=NOW)
    [alert] = plan.alerts
    assert alert.kind is AlertKind.NEW and alert.changes == []


def test_an_edit_undone_in_a_later_version_is_told_again():
    sent, elapsed = _told(FUNDING)
    v2 = plan_against([FUNDING], SUB, release(EIGHT, version=2), sent=sent, elapsed_sent=elapsed, now=NOW)
    sent = {**sent, **v2.sent}
    v3 = plan_against([EIGHT], SUB, release(FUNDING, version=3), sent=sent, elapsed_sent=elapsed, now=NOW)
    [alert] = v3.alerts
    assert alert.kind is AlertKind.CHANGED and [c.id for c in alert.commitments] == ["c-funding"]
    assert [(c.previous_id, [f.words for f in c.changes]) for c in alert.changes] == [
        ("c-funding-8m", ["money £8m \u2192 £10m"])]


FUNDING_DESK = Subscription(id="funding-desk", channels=["console"], filter={"keywords": ["£10m"]})


def test_an_edit_that_takes_a_told_commitment_out_of_the_filter_is_told_once_as_no_longer_matching():
    first = plan_alerts(FUNDING_DESK, release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=NOW)
    plan = plan_against([FUNDING, BORDERS], FUNDING_DESK, release(EIGHT, BORDERS, version=2), sent=first.sent,
                        elapsed_sent=set(), now=NOW)
    [alert] = plan.alerts
    assert alert.kind is AlertKind.CHANGED and alert.commitments == []
    [change] = alert.changes
    assert (change.commitment_id, change.previous_id) == ("c-funding-8m", "c-funding")
    assert [c.words for c in change.changes] == ["money £10m \u2192 £8m", "no longer matches the subscription's filter"]
    text = render_text(alert)
    assert "No longer matching this subscription (1):" in text and "- The UK will invest £8m" in text
    assert "<li>The UK will invest £8m" in render_alert_html(alert, unsubscribe_url=None)
    sent = {**first.sent, **plan.sent}
    again = plan_against([EIGHT, BORDERS], FUNDING_DESK, release(EIGHT, BORDERS, version=2), sent=sent,
                         elapsed_sent=set(), now=NOW)
    assert again.alerts == []  # delivered twice
    later = plan_against([EIGHT, BORDERS], FUNDING_DESK, release(EIGHT, version=3), sent=sent, elapsed_sent=set(),
                         now=NOW)
    assert later.alerts == []  # told it left: its removal says nothing more


def test_a_commitment_edited_back_into_the_filter_is_told_as_matching_again():
    first = plan_alerts(FUNDING_DESK, release(FUNDING), sent={}, elapsed_sent=set(), now=NOW)
    v2 = plan_against([FUNDING], FUNDING_DESK, release(EIGHT, version=2), sent=first.sent, elapsed_sent=set(), now=NOW)
    sent = {**first.sent, **v2.sent}
    [alert] = plan_against([EIGHT], FUNDING_DESK, release(FUNDING, version=3), sent=sent, elapsed_sent=set(),
                           now=NOW).alerts
    assert alert.kind is AlertKind.CHANGED and [c.id for c in alert.commitments] == ["c-funding"]
    assert [f.words for f in alert.changes[0].changes] == ["money £8m \u2192 £10m",
                                                           "matches the subscription's filter again"]


def test_a_commitment_removed_then_brought_back_is_told_as_restored():
    sent, elapsed = _told(FUNDING, BORDERS)
    v2 = plan_against([FUNDING, BORDERS], SUB, release(BORDERS, version=2), sent=sent, elapsed_sent=elapsed, now=NOW)
    sent = {**sent, **v2.sent}
    plan = plan_against([BORDERS], SUB, release(FUNDING, BORDERS, version=3), sent=sent, elapsed_sent=elapsed, now=NOW)
    [alert] = plan.alerts
    assert alert.kind is AlertKind.CHANGED and [c.id for c in alert.commitments] == ["c-funding"]
    assert [(c.commitment_id, [f.words for f in c.changes]) for c in alert.changes] == [("c-funding", ["restored"])]
    assert "changed: restored" in render_text(alert)
    again = plan_against([FUNDING, BORDERS], SUB, release(FUNDING, BORDERS, version=3), sent={**sent, **plan.sent},
                         elapsed_sent=elapsed, now=NOW)
    assert again.alerts == []


def test_what_was_removed_stands_apart_from_the_commitments_above_it():
    """Before: "Removed since the previous version (1):" followed the last commitment's deadline line at once, and
    read as a line of that commitment in the text, in chat and in a feed."""
    sent, elapsed = _told(FUNDING, BORDERS)
    [alert] = plan_against([FUNDING, BORDERS], SUB, release(EIGHT, version=2), sent=sent, elapsed_sent=elapsed,
                           now=NOW).alerts
    lines = render_text(alert).splitlines()
    assert lines[lines.index("Removed since the previous version (1):") - 1] == ""
