"""A withdrawn release: told once to whoever was told of its commitments, with the publisher's notice, in every
rendering (text for console and chat, HTML email, webhook event, Atom feed, digest)."""

import json
from datetime import datetime, timezone

import feedparser

from samples import BORDERS, FUNDING, FUNDING_AGAIN, TRAINING, plan_against, release
from schemas import decode_event
from schemas.alerts import AlertKind, Announcement
from schemas.classified import ReleaseClassified
from services.notifier.atom import alerts_feed
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_alert_html, render_digest_html
from services.notifier.messages import alert_event, message_json, message_text
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_digest_text
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])
CT_ONLY = Subscription(id="ct", channels=["console"], filter={"counter_terrorism": True})
NOTICE = "This fund has been replaced by the\nPorts Security Programme."


def withdrawn(r: ReleaseClassified, *, version: int = 2, notice: str | None = NOTICE, **changes) -> ReleaseClassified:
    data = {**r.model_dump(), **changes, "version": version, "withdrawn": True, "withdrawn_notice": notice}
    return ReleaseClassified.model_validate(data)


def _told(sub, r, sent=None):
    plan = plan_alerts(sub, r, sent=sent or {}, elapsed_sent=set(), now=NOW)
    return {**(sent or {}), **plan.sent}


def test_whoever_was_told_hears_of_the_withdrawal_once_with_the_commitments_they_were_told_of():
    first = release(FUNDING, BORDERS, TRAINING)
    sent = _told(CT_ONLY, first)
    plan = plan_against(first.commitments, CT_ONLY, withdrawn(first), sent=sent, elapsed_sent=set(), now=NOW)
    [alert] = plan.alerts
    assert alert.kind is AlertKind.WITHDRAWN and alert.withdrawn_notice == NOTICE
    assert [c.id for c in alert.commitments] == ["c-funding", "c-borders"]  # training: not counter-terrorism
    assert plan.matched == [] and plan.elapsed == []  # nothing to remind of
    again = plan_alerts(CT_ONLY, withdrawn(first), sent={**sent, **plan.sent}, elapsed_sent=set(),
                        now=NOW)  # delivered twice: the stored last version is this one, nothing is paired
    assert again.alerts == []
    later = plan_against(first.commitments, CT_ONLY, withdrawn(first, version=3, notice="Replaced."),
                         sent={**sent, **plan.sent}, elapsed_sent=set(), now=NOW)
    assert later.alerts == []  # a new notice is a new version, not a second withdrawal
    stale = plan_alerts(CT_ONLY, first, sent={**sent, **plan.sent}, elapsed_sent=set(), now=NOW)
    assert stale.alerts == []  # the first version seen again
    same = plan_against(first.commitments, CT_ONLY, withdrawn(first), sent=sent, elapsed_sent=set(),
                        now=datetime.now(timezone.utc))
    assert same.alerts[0].alert_id == alert.alert_id  # stable: handled again, the same id


def test_nobody_told_of_it_hears_of_it_nor_of_what_a_new_body_holds():
    first = release(TRAINING)
    assert plan_against(first.commitments, CT_ONLY, withdrawn(first), sent=_told(CT_ONLY, first), elapsed_sent=set(),
                        now=NOW).alerts == []
    told = release(FUNDING)
    sent = _told(SUB, told)
    new_body = withdrawn(told, commitments=[BORDERS.model_dump()], notice=None)
    [alert] = plan_against(told.commitments, SUB, new_body, sent=sent, elapsed_sent=set(), now=NOW).alerts
    assert [c.id for c in alert.commitments] == ["c-funding"] and alert.changes == []
    assert alert.withdrawn_notice is None


def test_a_re_announcement_the_subscriber_opted_out_of_is_not_in_the_withdrawal():
    quiet = Subscription(id="quiet", channels=["console"], reannouncements=False)
    sent = _told(quiet, release(FUNDING, release_id="first"))
    chains = {"c-funding-again": [Announcement(release_id="first", commitment_id="c-funding", published_at=NOW),
                                  Announcement(release_id="again", commitment_id="c-funding-again", published_at=NOW)]}
    again = release(FUNDING_AGAIN, BORDERS, release_id="again")
    plan = plan_alerts(quiet, again, sent=sent, elapsed_sent=set(), now=NOW, chains=chains)
    sent = {**sent, **plan.sent}
    [alert] = plan_against(again.commitments, quiet, withdrawn(again), sent=sent, elapsed_sent=set(), now=NOW).alerts
    assert [c.id for c in alert.commitments] == ["c-borders"]


def test_a_release_restored_after_its_withdrawal_is_told_as_restored():
    first = release(FUNDING)
    sent = _told(SUB, first)
    sent = {**sent, **plan_against(first.commitments, SUB, withdrawn(first), sent=sent, elapsed_sent=set(),
                                   now=NOW).sent}
    [alert] = plan_against(first.commitments, SUB, release(FUNDING, version=3), sent=sent, elapsed_sent=set(),
                           now=NOW).alerts
    assert alert.kind is AlertKind.CHANGED
    assert [f.words for c in alert.changes for f in c.changes] == ["restored"]


def _withdrawal(notice=NOTICE):
    first = release(FUNDING, BORDERS)
    return plan_against(first.commitments, SUB, withdrawn(first, notice=notice), sent=_told(SUB, first),
                        elapsed_sent=set(), now=NOW).alerts[0]


def test_text_chat_and_console_say_it_was_withdrawn_with_the_notice_and_that_reminders_are_cancelled():
    subject, text = message_text(_withdrawal())
    assert subject == "[pledgewatch] Release withdrawn: UK ramps up counterterror effort in Iraq"
    assert ("The publisher withdrew this release: \u201cThis fund has been replaced by the Ports Security "
            "Programme.\u201d It held these 2 commitments, which you were told of:") in text
    assert "- Pledge by UK: The UK will invest £10m" in text and "- Pledge by UK: We will work with partners" in text
    assert text.endswith("Reminders of their deadlines are cancelled: none will be sent for this release.\n\n"
                         "Sent by pledgewatch for the subscription desk.\n")
    _, plain = message_text(_withdrawal(notice=None))
    assert "The publisher withdrew this release (no notice given)." in plain


def test_the_cancelled_reminders_stand_apart_from_the_commitments_above_them():
    """Before: "Reminders of their deadlines are cancelled" followed the last commitment's deadline line at once."""
    lines = message_text(_withdrawal())[1].splitlines()
    assert lines[lines.index("Reminders of their deadlines are cancelled: none will be sent for this release.") - 1] == ""


def test_html_email_webhook_feed_and_digest_carry_it():
    alert = _withdrawal()
    html = render_alert_html(alert, unsubscribe_url=None)
    assert "Release withdrawn:" in html and "Ports Security Programme." in html
    assert "Reminders of their deadlines are cancelled" in html and "The UK will invest £10m" in html
    event = json.loads(message_json(alert))
    assert event["data"]["kind"] == "withdrawn" and event["data"]["withdrawn_notice"] == NOTICE
    assert decode_event(message_json(alert)).data == alert
    feed = feedparser.parse(alerts_feed([alert_event(alert)], subscription_id="desk", self_url="https://x.test/f",
                                        release_page=lambda r: f"https://x.test/{r}",
                                        empty_since=alert.created_at))
    [entry] = feed.entries
    assert entry.title == "Release withdrawn: UK ramps up counterterror effort in Iraq"
    assert [t.term for t in entry.tags] == ["withdrawn"] and "Ports Security Programme" in entry.content[0].value
    digest = assemble_digest("desk", [alert], since=None, until=NOW, now=NOW)
    assert "Release withdrawn \u2014 UK ramps up" in render_digest_text(digest)
    assert "Reminders of their deadlines are cancelled" in render_digest_html(digest, unsubscribe_url=None)


def test_a_withdrawal_of_one_commitment_speaks_of_it_in_the_singular():
    """Before: "It held this commitment, … Reminders of their deadlines are cancelled"."""
    first = release(FUNDING)
    alert = plan_against(first.commitments, SUB, withdrawn(first, notice=NOTICE), sent=_told(SUB, first),
                         elapsed_sent=set(), now=NOW).alerts[0]
    _, text = message_text(alert)
    assert "It held this commitment, which you were told of:" in text
    assert text.endswith("Reminders of its deadlines are cancelled: none will be sent for this release.\n\n"
                         "Sent by pledgewatch for the subscription desk.\n")
