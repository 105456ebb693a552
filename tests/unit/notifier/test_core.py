"""Pure notifier logic: matching, alert planning, reminder planning, retries, digests, signing, rendering."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from samples import BORDERS, CONTENT, FUNDING, TRAINING, dated, plan_against, release
from schemas.alerts import AlertKind, ReminderInfo
from schemas.classified import DateDeadline, PeriodDeadline, ResponseTimeDeadline
from services.notifier.channels.signing import sign, verify
from services.notifier.digest import assemble_digest, digest_due
from services.notifier.durations import parse_duration
from services.notifier.matching import matching_commitments
from services.notifier.planning import elapsed_keys, fingerprint, plan_alerts, release_ref
from services.notifier.reminders import plan_reminders, reminder_id, reminder_jobs
from services.notifier.mail_html import render_alert_html
from services.notifier.rendering import deadline_words, render_text
from services.notifier.subscriptions import Filter, Subscription

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SPAN = (0, 1)


@pytest.mark.parametrize("flt, expected", [
    ({}, ["c-funding", "c-borders", "c-content", "c-training"]),
    ({"counter_terrorism": True}, ["c-funding", "c-borders", "c-content"]),
    ({"categories": ["training", "border_security"]}, ["c-borders", "c-training"]),
    ({"kinds": ["demand"]}, ["c-content"]),
    ({"actors": ["communications"]}, ["c-content"]),
    ({"keywords": ["biometric"]}, ["c-borders"]),
    ({"keywords": ["bio"]}, []),
    ({"sources": ["gov.uk/*"]}, []),
    ({"sources": ["seed*"]}, ["c-funding", "c-borders", "c-content", "c-training"]),
    ({"min_confidence": 0.85}, ["c-funding", "c-content"]),
    ({"counter_terrorism": True, "kinds": ["pledge"], "min_confidence": 0.85}, ["c-funding"]),
], ids=["all", "ct-only", "categories", "demands", "actor-part", "keyword", "keyword-whole-word",
        "other-source", "source-prefix", "confidence", "all-criteria"])
def test_filter_selects_commitments(flt, expected):
    assert [c.id for c in matching_commitments(Filter(**flt), release())] == expected


def _sub(**kw):
    return Subscription(id="desk", channels=["console"], **kw)


def test_first_sight_of_a_past_period_gives_one_new_alert_that_lists_it_as_elapsed():
    plan = plan_alerts(_sub(), release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=NOW)
    assert [(a.kind, [c.id for c in a.commitments]) for a in plan.alerts] == [
        (AlertKind.NEW, ["c-funding", "c-borders"])]
    assert plan.alerts[0].elapsed == ["c-funding:0"] and plan.alerts[0].reminder is None
    assert plan.elapsed == ["c-funding:0"]
    again = plan_alerts(_sub(), release(FUNDING, BORDERS), sent=plan.sent, elapsed_sent=set(plan.elapsed), now=NOW)
    assert again.alerts == [] and again.elapsed == []  # the same release delivered again: nothing


def test_a_changed_commitment_lists_a_past_deadline_only_if_not_told_before():
    sent = {"c-funding": f"1:{fingerprint(FUNDING)}"}
    moved = FUNDING.model_copy(update={"actor": "UK and partners"})
    untold = plan_alerts(_sub(), release(moved, version=2), sent=sent, elapsed_sent=set(), now=NOW)
    assert [(a.kind, a.elapsed) for a in untold.alerts] == [(AlertKind.CHANGED, ["c-funding:0"])]
    told = plan_alerts(_sub(), release(moved, version=2), sent=sent, elapsed_sent={"c-funding:0"}, now=NOW)
    assert [(a.kind, a.elapsed) for a in told.alerts] == [(AlertKind.CHANGED, [])] and told.elapsed == []


def test_alert_id_does_not_depend_on_which_deadlines_have_passed():
    before = plan_alerts(_sub(), release(FUNDING), sent={}, elapsed_sent=set(),
                         now=datetime(2019, 1, 1, tzinfo=timezone.utc))
    after = plan_alerts(_sub(), release(FUNDING), sent={}, elapsed_sent=set(), now=NOW)
    assert (before.alerts[0].elapsed, after.alerts[0].elapsed) == ([], ["c-funding:0"])
    assert before.alerts[0].alert_id == after.alerts[0].alert_id


def test_already_sent_commitments_give_no_alert_and_a_changed_one_gives_changed():
    sent = {"c-funding": f"1:{fingerprint(FUNDING)}", "c-borders": f"1:{fingerprint(BORDERS)}"}
    assert plan_alerts(_sub(), release(FUNDING, BORDERS, version=2), sent=sent, elapsed_sent={"c-funding:0"},
                       now=NOW).alerts == []
    moved = BORDERS.model_copy(update={"actor": "UK and partners"})
    plan = plan_alerts(_sub(), release(moved, version=2), sent=sent, elapsed_sent=set(), now=NOW)
    assert [a.kind for a in plan.alerts] == [AlertKind.CHANGED]
    stale = plan_alerts(_sub(), release(moved, version=1), sent=sent, elapsed_sent=set(), now=NOW)
    assert stale.alerts == []  # an older version seen again is not a change


def test_alert_ids_are_stable_and_spans_do_not_count_as_changes():
    one = plan_alerts(_sub(), release(BORDERS), sent={}, elapsed_sent=set(), now=NOW)
    two = plan_alerts(_sub(), release(BORDERS), sent={}, elapsed_sent=set(), now=NOW + timedelta(hours=1))
    assert one.alerts[0].alert_id == two.alerts[0].alert_id
    assert fingerprint(BORDERS) == fingerprint(BORDERS.model_copy(update={"span": (9, 99), "confidence": 0.1}))


def test_an_alert_about_another_version_has_another_id_though_it_tells_the_same_commitments():
    # Before: an alert's id was its subscriber, kind and commitments. A subscription made again under its id has no
    # records, so a later version of a release told it the very commitments the deleted one had been told, under
    # the id of that alert: a consumer dropping duplicates by id dropped it, and the notifier itself took its
    # delivery for one already made (its job id is the alert's) and sent nothing.
    first = plan_alerts(_sub(), release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=NOW)
    made_again = plan_alerts(_sub(), release(FUNDING, BORDERS, version=2), sent={}, elapsed_sent=set(), now=NOW)
    assert [a.kind for a in (*first.alerts, *made_again.alerts)] == [AlertKind.NEW, AlertKind.NEW]
    assert first.alerts[0].alert_id != made_again.alerts[0].alert_id


@pytest.mark.parametrize("deadline, offsets, expected", [
    (DateDeadline(due=date(2026, 3, 31), text="by the end of March", span=SPAN), ["P30D", "P7D", "P1D", "P0D"],
     ["2026-03-01T09:00", "2026-03-24T09:00", "2026-03-30T09:00", "2026-03-31T09:00"]),
    (DateDeadline(due=date(2026, 1, 15), text="by 15 January", span=SPAN), ["P30D", "P7D", "P1D", "P0D"],
     ["2026-01-14T09:00", "2026-01-15T09:00"]),
    (DateDeadline(due=date(2026, 3, 31), text="by the end of March", span=SPAN), ["P1M"], ["2026-02-28T09:00"]),
    (PeriodDeadline(start=date(2025, 1, 1), end=date(2026, 1, 20), text="over the next year", span=SPAN),
     ["P7D"], ["2026-01-13T09:00"]),
    (PeriodDeadline(start=date(2025, 1, 1), end=None, vague=True, text="over the coming weeks", span=SPAN),
     ["P7D"], []),
    (DateDeadline(due=date(2025, 12, 31), text="by the end of 2025", span=SPAN), ["P0D"], []),
    (ResponseTimeDeadline(min="PT1H", max="PT2H", anchor="release", text="within one to two hours of release",
                          span=SPAN), ["P0D"], []),
], ids=["all-ahead", "some-past", "calendar-month", "period-end", "vague-period", "elapsed", "response-time"])
def test_plan_reminders(deadline, offsets, expected):
    planned = plan_reminders(deadline, offsets, now=NOW)
    assert [p.fire_at.strftime("%Y-%m-%dT%H:%M") for p in planned] == expected


def test_reminder_id_is_stable_per_slot_and_offset():
    assert reminder_id("desk", "c1", 0, "P7D") == reminder_id("desk", "c1", 0, "P7D")
    assert len({reminder_id("desk", "c1", 0, "P7D"), reminder_id("desk", "c1", 1, "P7D"),
                reminder_id("desk", "c1", 0, "P1D"), reminder_id("other", "c1", 0, "P7D")}) == 4


@pytest.mark.parametrize("text, months, delta", [
    ("P30D", 0, timedelta(days=30)), ("P1W", 0, timedelta(weeks=1)), ("PT2H", 0, timedelta(hours=2)),
    ("P1Y2M", 14, timedelta()), ("P1DT12H", 0, timedelta(days=1, hours=12)), ("P0D", 0, timedelta()),
])
def test_parse_duration(text, months, delta):
    d = parse_duration(text)
    assert (d.months, d.delta) == (months, delta)


@pytest.mark.parametrize("text", ["30 days", "P", "PT", "P1DT", "-P1D", ""])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        parse_duration(text)


def test_signature_verifies_and_rejects_tampering_and_stale_timestamps():
    body = b'{"type": "pledgewatch.alert"}'
    sig = sign("s3cret", 1_700_000_000, body)
    assert sig.startswith("sha256=") and len(sig) == 71
    assert verify("s3cret", "1700000000", body, sig, now=1_700_000_010)
    assert not verify("s3cret", "1700000000", body + b" ", sig, now=1_700_000_010)
    assert not verify("other", "1700000000", body, sig, now=1_700_000_010)
    assert not verify("s3cret", "1700000000", body, sig, now=1_700_001_000)


def test_digest_due_once_per_day_at_its_time():
    at = time(8, 0)
    day = datetime(2026, 3, 2, tzinfo=timezone.utc)
    assert digest_due(at, last_sent=day - timedelta(hours=16), now=day + timedelta(hours=7)) is None
    assert digest_due(at, last_sent=day - timedelta(hours=16), now=day + timedelta(hours=8)) == day + timedelta(hours=8)
    assert digest_due(at, last_sent=day + timedelta(hours=8), now=day + timedelta(hours=20)) is None


def test_digest_assembly_orders_and_deduplicates_alerts():
    a = plan_alerts(_sub(), release(BORDERS, release_id="r1"), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    b = plan_alerts(_sub(), release(TRAINING, release_id="r2"), sent={}, elapsed_sent=set(),
                    now=NOW - timedelta(hours=1)).alerts[0]
    digest = assemble_digest("desk", [a, b, a], since=None, until=NOW, now=NOW)
    assert [x.release.release_id for x in digest.alerts] == ["r2", "r1"]
    assert assemble_digest("desk", [], since=None, until=NOW, now=NOW) is None


def test_rendering_states_response_time_rules_plainly():
    assert deadline_words(CONTENT.deadlines[0]) == (
        "a standing rule: within 1 hour to 2 hours of each release, no calendar date, so no reminder "
        "(\u201cwithin one to two hours of release\u201d)")
    unstated = CONTENT.deadlines[0].model_copy(update={"anchor": "unstated", "text": "within three hours",
                                                       "min": "PT3H", "max": "PT3H"})
    assert deadline_words(unstated) == (  # before: "within 3 hours of each unstated"
        "a standing rule: within 3 hours, timed from an event the text does not name, no calendar date, so no "
        "reminder (\u201cwithin three hours\u201d)")
    text = render_text(plan_alerts(_sub(), release(), sent={}, elapsed_sent=set(), now=NOW).alerts[0])
    assert "Pledge by UK: The UK will invest £10m" in text
    assert "money: GBP 10,000,000 (\u201c£10m\u201d)" in text
    assert "deadline: from 29 November 2017 to 29 November 2020" in text
    assert "Demand on major communications companies" in text


def test_a_response_time_longer_than_any_reminder_offset_still_reads_in_words():
    decade = CONTENT.deadlines[0].model_copy(update={"min": "P10Y", "max": "P10Y", "text": "within ten years"})
    assert deadline_words(decade).startswith("a standing rule: within 10 years of each release")


def test_rendering_marks_a_deadline_first_seen_past_as_passed_in_text_and_html():
    alert = plan_alerts(_sub(), release(FUNDING, BORDERS), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    passed = ("deadline: from 29 November 2017 to 29 November 2020 (\u201cover the next three years\u201d)"
              " \u2014 passed on 29 November 2020")
    text = render_text(alert)
    assert text.startswith("New commitments \u2014 ") and "    " + passed in text.splitlines()
    assert text.count("passed on") == 1
    assert passed.removeprefix("deadline: ") in render_alert_html(alert, unsubscribe_url=None)
    dated_alert = plan_alerts(_sub(), release(dated("c1", date(2018, 1, 1))), sent={}, elapsed_sent=set(),
                              now=NOW).alerts[0]
    assert ("deadline: due by 1 January 2018 (\u201cby 1 January 2018\u201d) \u2014 passed on 1 January 2018"
            in render_text(dated_alert))
    unmarked = alert.model_copy(update={"elapsed": []})
    assert "passed on" not in render_text(unmarked)


def test_reminder_alert_text_names_the_due_date():
    c = dated("c1", date(2026, 3, 31))
    base = plan_alerts(_sub(), release(c), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    reminder = base.model_copy(update={"kind": AlertKind.REMINDER, "reminder": ReminderInfo(
        deadline=c.deadlines[0], offset="P7D", due=date(2026, 3, 31)), "created_at": datetime(2026, 3, 24, 9, 0,
                                                                                             tzinfo=timezone.utc)})
    text = render_text(reminder)
    assert text.startswith("Deadline reminder \u2014 ")
    assert "The deadline falls due in 7 days, on Tuesday 31 March 2026." in text
    assert "passed on" not in text


def test_a_funding_filter_selects_every_commitment_of_money_whatever_its_topic():
    """Before: a commitment has one category, its topic, so "£30m for biometric equipment" (border_security)
    never reached a subscriber asking for funding."""
    from schemas.classified import Money

    paid_borders = BORDERS.model_copy(update={"money": Money(amount=30_000_000, currency="GBP", text="£30m",
                                                             span=(310, 314))})
    flt = Filter(categories=["funding"])
    assert [c.id for c in matching_commitments(flt, release(FUNDING, paid_borders, TRAINING))] == \
        ["c-funding", "c-borders"]
    assert [c.id for c in matching_commitments(Filter(categories=["training"]),
                                                release(FUNDING, paid_borders, TRAINING))] == ["c-training"]


def _deadlines(c, *days):
    return c.model_copy(update={"deadlines": [DateDeadline(due=d, text=f"by {d:%-d %B %Y}", span=(20, 30))
                                              for d in days]})


def _ids(plan, c, version):
    return {j.reminder_id: (j.fire_at, j.deadline_index) for j in reminder_jobs(
        "desk", ["P7D"], release_ref(release(c, version=version)), plan.matched, now=NOW, numbers=plan.numbers)}


def test_a_deadline_written_before_another_leaves_the_other_s_reminder_ids():
    earlier, later = NOW.date() + timedelta(days=20), NOW.date() + timedelta(days=40)
    one, two = _deadlines(FUNDING, later), _deadlines(FUNDING, earlier, later)
    first = plan_alerts(_sub(), release(one), sent={}, elapsed_sent=set(), now=NOW)
    second = plan_against([one], _sub(), release(two, version=2), sent=first.sent, elapsed_sent=set(), now=NOW)
    ((rid, (at, place)),) = _ids(first, one, 1).items()
    assert rid == reminder_id("desk", "c-funding", 0, "P7D") and place == 0  # by place, as before
    again = _ids(second, two, 2)
    assert (again[rid], len(again)) == ((at, 1), 2)  # the same id, at its new place in the commitment
    assert second.numbers == {"c-funding": [1, 0]}


def test_a_deadline_told_past_stays_told_when_a_version_writes_another_before_it():
    passed, passed_before = NOW.date() - timedelta(days=10), NOW.date() - timedelta(days=20)
    v1, v2 = _deadlines(FUNDING, passed), _deadlines(FUNDING, passed_before, passed)
    first = plan_alerts(_sub(), release(v1), sent={}, elapsed_sent=set(), now=NOW)
    assert first.elapsed == ["c-funding:0"]  # as earlier releases recorded it
    second = plan_against([v1], _sub(), release(v2, version=2), sent=first.sent, elapsed_sent=set(first.elapsed),
                          now=NOW)
    assert [a.elapsed for a in second.alerts] == [["c-funding:0"]]  # its place in version 2's commitment
    assert second.elapsed == ["c-funding:1"]  # its number: the first after version 1's


def test_an_edited_commitment_keeps_what_was_told_past_under_its_previous_id():
    passed = NOW.date() - timedelta(days=10)
    v1 = _deadlines(FUNDING, passed)
    v2 = v1.model_copy(update={"id": "c-funding-edited", "text": v1.text.replace("£10m", "£8m")})
    first = plan_alerts(_sub(), release(v1), sent={}, elapsed_sent=set(), now=NOW)
    second = plan_against([v1], _sub(), release(v2, version=2), sent=first.sent, elapsed_sent=set(first.elapsed),
                          now=NOW)
    assert [(a.kind, a.elapsed) for a in second.alerts] == [(AlertKind.CHANGED, [])]


def test_what_was_told_past_is_read_under_an_edited_commitment_s_previous_id_too():
    v1 = _deadlines(FUNDING, NOW.date())
    v2 = v1.model_copy(update={"id": "c-funding-edited"})
    assert elapsed_keys([v2], {}, {v2.id: v1}) == ["c-funding-edited:0", "c-funding:0"]
    assert elapsed_keys([v1], {"c-funding": [3]}, {v1.id: v1}) == ["c-funding:3"]
