"""A digest tells a commitment once: one announced and then changed within its day (a release's version 1, then
its version 2) is listed once, as new, as it reads last, in the summary's counts, the text, the HTML and chat;
its reader never saw the first reading, so there is no change to tell. The webhook's ``data.alerts`` keep each
alert as it was decided (the same as on the alerts stream)."""

from datetime import datetime, timedelta, timezone

from samples import BORDERS, FUNDING, FUNDING_CUT, TRAINING, plan_against, release
from schemas.alerts import AlertKind
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_digest_html
from services.notifier.messages import chat_text, message_event
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_digest_subject, render_digest_text
from services.notifier.subscriptions import Subscription

FIRST = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
SENT = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
SUB = Subscription(id="morning", channels=["console"], mode="digest")


def _first_then_changed(*later):
    """The alerts of version 1 (FUNDING, BORDERS) and of version 2 (``later``), told in the same digest period."""
    first = plan_alerts(SUB, release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=FIRST)
    second = plan_against([FUNDING, BORDERS], SUB, release(*later, version=2), sent=first.sent,
                          elapsed_sent=set(first.elapsed), now=FIRST + timedelta(hours=3))
    return first.alerts + second.alerts


def _digest(alerts):
    return assemble_digest("morning", alerts, since=None, until=SENT, now=SENT)


def test_a_commitment_announced_and_changed_the_same_day_is_counted_and_listed_once_as_new_as_it_reads_last():
    alerts = _first_then_changed(FUNDING_CUT, BORDERS)
    assert [a.kind for a in alerts] == [AlertKind.NEW, AlertKind.CHANGED]  # as decided
    digest = _digest(alerts)
    text = render_digest_text(digest)
    assert "1 release, 2 commitments (2 counter-terrorism):" in text
    assert text.count("Pledge by UK: The UK will invest") == 1 and "invest £8m" in text and "invest £10m" not in text
    assert text.count("We will work with partners") == 1
    assert "changed:" not in text and "Changed commitments" not in text
    assert text.count("New commitments \u2014") == 2  # version 1 with BORDERS, version 2 with FUNDING as it reads
    assert text.index("(version 1)") < text.index("We will work") < text.index("(version 2)") < text.index("invest")
    assert render_digest_subject(digest).endswith(": 2 alerts")
    html = render_digest_html(digest, unsubscribe_url=None)
    assert html.count("The UK will invest") == 1 and "invest £8m" in html and "Changed:" not in html
    _, chat = chat_text(digest)
    assert chat.count("The UK will invest") == 1


def test_the_webhook_keeps_every_alert_as_it_was_decided():
    alerts = _first_then_changed(FUNDING_CUT, BORDERS)
    data = message_event(_digest(alerts)).data
    assert [a.alert_id for a in data.alerts] == [a.alert_id for a in alerts]
    assert data.alerts[1].changed == ["c-funding-8m"]


def test_a_commitment_changed_that_the_digest_did_not_announce_is_still_told_as_changed():
    first = plan_alerts(SUB, release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=FIRST)
    [changed] = plan_against([FUNDING, BORDERS], SUB, release(FUNDING_CUT, BORDERS, version=2), sent=first.sent,
                             elapsed_sent=set(first.elapsed), now=FIRST).alerts
    text = render_digest_text(_digest([changed]))
    assert "changed: money £10m \u2192 £8m" in text and "Changed commitments" in text


def test_a_section_left_with_other_commitments_keeps_them_and_the_change_of_another_is_still_told():
    # version 2 adds TRAINING and cuts the money of FUNDING; BORDERS stays as told
    alerts = _first_then_changed(FUNDING_CUT, BORDERS, TRAINING)
    text = render_digest_text(_digest(alerts))
    assert text.count("The UK will invest") == 1 and "invest £8m" in text
    assert text.count("We will work with partners") == 1 and text.count("officer training") == 1
    assert "changed:" not in text
    assert "1 release, 3 commitments" in text


def test_a_commitment_told_before_the_digest_and_changed_twice_in_it_is_told_changed_twice():
    told = plan_alerts(SUB, release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=FIRST - timedelta(days=2))
    once = plan_against([FUNDING, BORDERS], SUB, release(FUNDING_CUT, BORDERS, version=2), sent=told.sent,
                        elapsed_sent=set(told.elapsed), now=FIRST)
    back = plan_against([FUNDING_CUT, BORDERS], SUB, release(FUNDING, BORDERS, version=3),
                        sent={**told.sent, **once.sent}, elapsed_sent=set(told.elapsed), now=FIRST + timedelta(hours=1))
    text = render_digest_text(_digest(once.alerts + back.alerts))
    assert "changed: money £10m \u2192 £8m" in text and "changed: money £8m \u2192 £10m" in text


def test_a_commitment_told_once_names_no_reminder_of_the_reading_its_reader_never_saw():
    from test_cancelled_reminders import MOVED, OFFICERS, NOW

    first = plan_alerts(SUB, release(OFFICERS, BORDERS), sent={}, elapsed_sent=set(), now=NOW)
    later = plan_against([OFFICERS, BORDERS], SUB, release(MOVED, BORDERS, version=2), sent=first.sent,
                         elapsed_sent=set(first.elapsed), now=NOW)
    assert later.alerts[0].cancelled_reminders  # as decided
    text = render_digest_text(assemble_digest("morning", first.alerts + later.alerts, since=None, until=NOW, now=NOW))
    assert "no longer come" not in text and text.count("officers") == 1 and "30 June 2027" in text
