"""Pure pieces behind the review fixes: redaction, one alert per version, reminder bookkeeping,
and the subscriptions file looked at no more than once a second."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from samples import BORDERS, CONTENT, FUNDING, dated, release
from schemas.alerts import AlertKind
from services.notifier.channels.chat import AppriseSender
from services.notifier.channels.webhook import WebhookSender
from services.notifier.outbox import jobs_for
from services.notifier.planning import fingerprint, plan_alerts, release_ref
from services.notifier.redaction import destination, redact_url, scrub
from services.notifier.reminders import PlannedReminders, reminder_jobs, settle_reminders
from services.notifier.rendering import render_text, subject
from services.notifier.store import FileSubscriptions
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SLACK = "slack://TokenA/TokenB/TokenC/#ct-desk"
HOOK = "https://ops:pa55word@hooks.example.org:8443/in/pw?token=t0ken&team=ct#frag"


@pytest.mark.parametrize("kind, url, shown", [
    ("apprise", SLACK, "slack://***"),
    ("apprise", "tgram://123456:ABCDEF/987", "tgram://***"),
    ("webhook", HOOK, "https://***@hooks.example.org:8443/***"),
    ("webhook", "http://127.0.0.1:5000/hook", "http://127.0.0.1:5000/***"),
    ("webhook", "https://hooks.example.org/in?s3cr3t", "https://hooks.example.org/***"),
], ids=["slack", "telegram", "webhook-userinfo-query-fragment", "webhook-plain", "webhook-bare-query"])
def test_destination_urls_are_redacted(kind, url, shown):
    assert redact_url(kind, url) == shown


def test_every_way_out_shows_the_redacted_destination():
    sub = Subscription(id="desk", channels=[{"webhook": {"url": HOOK, "secret": "hmac-key"}}, {"apprise": SLACK}])
    public = json.dumps(sub.model_dump(mode="json"))  # the API and `subscriptions list`
    payloads = json.dumps([job.public_payload() for job in jobs_for(sub, _alert())])  # dead letters
    senders = [WebhookSender(HOOK, None, timeout=1).destination, AppriseSender(SLACK, timeout=1).destination]
    for shown in (public, payloads, json.dumps(senders), json.dumps([destination(c.model_dump()) for c in
                                                                      sub.channels])):
        for secret in ("pa55word", "t0ken", "TokenA", "TokenB", "hmac-key", "frag"):
            assert secret not in shown
    assert "https://***@hooks.example.org:8443/***" in public and "slack://***" in public
    assert json.loads(sub.stored())["channels"][0]["webhook"]["url"] == HOOK  # storage keeps the real one
    assert scrub(f"InvalidURL: {HOOK}", {"type": "webhook", "url": HOOK}) == (
        "InvalidURL: https://***@hooks.example.org:8443/***")


def _alert():
    return plan_alerts(Subscription(id="desk", channels=["console"]), release(BORDERS), sent={}, elapsed_sent=set(),
                       now=NOW).alerts[0]


def test_a_version_with_a_changed_and_a_new_commitment_gives_one_changed_alert_naming_which():
    sub = Subscription(id="desk", channels=["console"])
    sent = {"c-borders": f"1:{fingerprint(BORDERS)}"}
    moved = BORDERS.model_copy(update={"actor": "UK and partners"})
    plan = plan_alerts(sub, release(moved, CONTENT, version=2), sent=sent, elapsed_sent=set(), now=NOW)
    (alert,) = plan.alerts
    assert (alert.kind, [c.id for c in alert.commitments], alert.changed) == (
        AlertKind.CHANGED, ["c-borders", "c-content"], ["c-borders"])
    assert set(plan.sent) == {"c-borders", "c-content"}
    assert subject(alert).startswith("[pledgewatch] New and changed commitments")
    assert "- (changed) Pledge by UK and partners" in render_text(alert)
    only_new = plan_alerts(sub, release(FUNDING, CONTENT), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    assert (only_new.kind, only_new.changed) == (AlertKind.NEW, [])


def _planned(version, *jobs):
    return PlannedReminders(version, {rid: NOW + timedelta(days=d) for rid, d in jobs})


@pytest.mark.parametrize("current, mine, cancel, record", [
    (None, _planned(1, ("a", 5)), [], True),
    (_planned(1, ("a", 5), ("b", 9)), _planned(2, ("c", 5)), ["a", "b"], True),
    (_planned(1, ("a", 5), ("due", -1)), PlannedReminders(2, {}, frozenset()), ["a", "due"], True),
    (_planned(1, ("a", 5), ("due", -1)), PlannedReminders(2, {}, frozenset({"due"})), ["a"], True),
    (_planned(1, ("a", 5), ("due", -1)), _planned(2), ["a"], True),
    (_planned(3, ("c", 5)), _planned(2, ("b", 5), ("c", 5)), ["b"], False),
    (_planned(2, ("c", 5)), _planned(2, ("c", 5)), [], True),
], ids=["first-version", "reworded-sentence", "withdrawn-cancels-one-due-not-sent-too", "one-due-still-held-is-kept",
        "one-due-kept-when-what-is-held-was-not-worked-out",
        "stale-version-undoes-its-own", "same-version-again"])
def test_settling_reminders_cancels_what_the_latest_version_no_longer_plans(current, mine, cancel, record):
    assert settle_reminders(current, mine, now=NOW) == (cancel, record)


def test_reminder_jobs_cover_each_offset_still_ahead_and_round_trip_their_record():
    c = dated("c1", date(2026, 3, 31))
    jobs = reminder_jobs("desk", ["P30D", "P7D", "P90D"], release_ref(release(c)), [c, BORDERS], now=NOW)
    assert [(j.offset, j.fire_at) for j in jobs] == [
        ("P30D", datetime(2026, 3, 1, 9, tzinfo=timezone.utc)), ("P7D", datetime(2026, 3, 24, 9, tzinfo=timezone.utc))]
    record = PlannedReminders.of(2, jobs)
    assert PlannedReminders.from_json(record.to_json()) == record


def test_subscriptions_file_is_looked_at_at_most_once_a_second(tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions: [{id: one, channels: [console]}]")
    clock = [100.0]
    file = FileSubscriptions(path, monotonic=lambda: clock[0])
    assert [s.id for s in file.current()] == ["one"]
    path.write_text("subscriptions: [{id: two, channels: [console]}, {id: three, channels: [console]}]")
    clock[0] += 0.5
    assert [s.id for s in file.current()] == ["one"]  # not looked at yet
    clock[0] += 0.6
    assert [s.id for s in file.current()] == ["two", "three"]
