"""What the dashboard shows, built from ledger entries and subscriptions; and the templates that show it."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from datetime import date, datetime, time, timedelta, timezone

import pytest

from schemas.alerts import DeliveryAttempt
from services.common.money import CURRENCIES
from services.dashboard.deliveries import delivery_statuses
from services.dashboard.forms import FormErrors, SubscriptionForm
from services.dashboard.pages import render
from services.dashboard.views import (chain_view, failing_source_rows, filter_summary, gap_label, quiet_source_rows,
                                      release_rows, release_view, subscription_rows, timeline)
from services.ingest.source_reads import SourceFailing, SourceView
from services.ledger.core.entries import EntryState, LedgerEntry
from services.ledger.models import ReleaseSummary
from services.notifier.subscriptions import Filter, parse_subscription
from tests.unit.notifier.samples import BORDERS, CONTENT, FUNDING, PUBLISHED

TODAY = date(2017, 12, 1)
NOW = datetime(2017, 12, 1, 9, tzinfo=timezone.utc)


def entry(commitment, *, release_id="r1", published=PUBLISHED, title="UK ramps up", chain=None,
          url="https://www.gov.uk/x"):
    return LedgerEntry(key=commitment.id, release_id=release_id, title=title, url=url, source="gov-uk",
                       published_at=published, first_seen=published, versions=[1], state=EntryState.ACTIVE,
                       commitment=commitment, chain=chain)


def test_a_release_shows_its_commitments_in_the_order_of_its_text_with_what_each_is():
    entries = [entry(BORDERS), entry(FUNDING), entry(CONTENT)]
    view = release_view(ReleaseSummary.of("r1", 2, entries), entries, today=TODAY,
                        chain_sizes={FUNDING.id: 3}, shown=2)
    assert [c.key for c in view.commitments] == [FUNDING.id, BORDERS.id]  # spans 100 and 300
    assert (view.total, view.more, view.published, view.version) == (3, 1, "29 Nov 2017", 2)
    funding = view.commitments[0]
    assert (funding.kind, funding.actor, funding.money, funding.category) == ("pledge", "UK", "£10m",
                                                                              "capability building")
    assert [(d.text, d.due, d.state) for d in funding.deadlines] == [
        ("over the next three years", "29 Nov 2020", "upcoming")]
    assert funding.announced == 3 and view.commitments[1].announced == 1


def test_a_release_link_is_shown_for_a_web_address_only():
    for url, shown in (("https://www.gov.uk/x", "https://www.gov.uk/x"), ("file:///inbox/a.txt", None),
                       ("javascript:alert(1)", None)):
        entries = [entry(FUNDING, url=url)]
        assert release_view(ReleaseSummary.of("r1", 1, entries), entries, today=TODAY).url == shown


def test_a_chain_says_how_many_times_and_when():
    later = FUNDING.model_copy(update={"id": "c-again"})
    view = chain_view([entry(FUNDING), entry(later, release_id="r2", published=datetime(2018, 3, 14, tzinfo=timezone.utc),
                                             chain=FUNDING.id)])
    assert view.summary == "announced 2 times: 29 Nov 2017, 14 Mar 2018"
    assert [a.release_id for a in view.announcements] == ["r1", "r2"] and view.money == "£10m"


def _announced(times: int):
    first = datetime(2017, 11, 29, tzinfo=timezone.utc)
    return chain_view([entry(FUNDING.model_copy(update={"id": f"c-{n}"}), release_id=f"r{n}",
                             published=first + timedelta(weeks=n), chain=None if n == 0 else "c-0")
                       for n in range(times)])


def test_a_chain_announced_many_times_is_headed_by_its_first_and_latest_dates_and_lists_them_all():
    """Before: the heading listed every date, 52 of them in one heading for a commitment announced 52 times."""
    view = _announced(52)
    assert view.summary == "announced 52 times, first on 29 Nov 2017, latest on 21 Nov 2018"
    page = render("_chains.html.j2", chains=[view])
    heading = page[page.index("<h3>"):page.index("</h3>")]
    assert "announced 52 times, first on 29 Nov 2017, latest on 21 Nov 2018" in heading and "6 Dec 2017" not in heading
    assert page.count("<li><time>") == 52 and "<time>6 Dec 2017</time>" in page  # every date still listed below


@pytest.mark.parametrize("times", [2, 3, 4])
def test_a_chain_announced_a_few_times_is_headed_by_every_date(times):
    view = _announced(times)
    assert view.summary == f"announced {times} times: " + ", ".join(a.day for a in view.announcements)
    assert view.summary in render("_chains.html.j2", chains=[view])


def test_the_timeline_groups_deadlines_by_month_and_marks_those_due_this_week():
    soon = FUNDING.deadlines[0].model_copy(update={"end": date(2017, 12, 5)})
    items = [(date(2017, 12, 5), soon, entry(FUNDING)), (date(2017, 12, 20), None, entry(BORDERS)),
             (date(2020, 11, 29), FUNDING.deadlines[0], entry(FUNDING))]
    months = timeline(items, today=TODAY)
    assert [(m.month, [i.state for i in m.items]) for m in months] == [
        ("December 2017", ["due", "upcoming"]), ("November 2020", ["upcoming"])]


def test_subscription_rows_say_what_each_selects_where_it_sends_and_how_its_deliveries_went():
    webhook = parse_subscription({"id": "desk", "filter": {"counter_terrorism": True, "categories": ["funding"]},
                                  "channels": [{"webhook": {"url": "https://u:pw@hooks.example.org/x?token=abc"}}],
                                  "paused_until": (NOW + timedelta(days=3)).isoformat()})
    lapsed = parse_subscription({"id": "old", "channels": ["console"], "paused_until": "2017-11-01T00:00:00Z"})
    delivered = DeliveryAttempt(alert_id="a", subscription_id="desk", channel="webhook", destination="x", attempt=1,
                                outcome="delivered", final=True, at=NOW)
    rows = subscription_rows([(webhook, "api"), (lapsed, "file")], delivery_statuses([("job-1/1", delivered)]), now=NOW)
    assert rows[0].filter == "counter-terrorism; categories: funding"
    assert "pw" not in rows[0].channels and "abc" not in rows[0].channels
    assert rows[0].paused_until == "4 Dec 2017 09:00 UTC" and rows[0].status.delivered == 1
    assert rows[1].paused_until is None and not rows[1].editable and rows[1].status.delivered == 0


def test_a_filter_with_nothing_set_selects_every_commitment():
    assert filter_summary(Filter()) == "every commitment"
    assert filter_summary(Filter(min_confidence=0.7, keywords=["border"])) == "keywords: border; confidence ≥ 0.7"


@pytest.mark.parametrize("money, words", [
    ({"currency": "GBP", "min_amount": "10m"}, "money: GBP 10,000,000 or more"),
    ({"currency": "EUR", "max_amount": "2.5k"}, "money: EUR 2,500 or less"),
    ({"currency": "USD", "min_amount": 1, "max_amount": "1.5bn"}, "money: USD 1 to 1,500,000,000"),
    ({"currency": "NZD"}, "money: in NZD"),
])
def test_a_filters_money_is_summarised(money, words):
    """Before: a filter of money alone read "every commitment"."""
    assert filter_summary(Filter.model_validate(money)) == words


def _home(**overrides):
    context = dict(signed_in=True, csrf="tok", can_sign_in=True, channels=("console",), category_choices=[],
                   kind_choices=[], zone_choices=["Australia/Sydney", "UTC"], currency_choices=CURRENCIES,
                   failure=None, sign_in_error=None, releases=[], timeline=[], chains=[],
                   subscriptions=[], notice=None, form=SubscriptionForm(), errors=FormErrors(), backtest=None, tried=False,
                   row_errors={}, row_notices={}, today="1 Dec 2017", pause_default="1 Dec 2017", json_reads=True)
    return render("home.html.j2", **{**context, **overrides})


def test_release_text_cannot_add_markup_to_the_page():
    hostile = FUNDING.model_copy(update={"text": "<script>alert(1)</script> £10m", "actor": "<b>UK</b>"})
    entries = [entry(hostile, title="<img src=x onerror=alert(1)>")]
    page = _home(releases=[release_view(ReleaseSummary.of("r1", 1, entries), entries, today=TODAY)])
    assert "<script>" not in page and "<img" not in page and "<b>UK" not in page
    assert "&lt;script&gt;" in page


def test_refusals_are_shown_beside_their_inputs_and_summed_up_at_the_top():
    errors = FormErrors([{"field": "id", "message": "String should match pattern"},
                         {"field": "channels.0.url", "message": "not an http(s) URL"}])
    page = _home(errors=errors, form=SubscriptionForm(id="bad id"))
    assert 'id="id-error"' in page and 'aria-describedby="target-error"' in page
    assert page.count('role="alert"') == 1 and 'value="bad id"' in page


def test_the_time_zone_input_offers_the_zones_and_shows_its_refusal_beside_it():
    errors = FormErrors([{"field": "timezone", "message": "unknown time zone 'Sydney'; expected an IANA name such "
                                                          "as Europe/London or UTC"}])
    page = _home(errors=errors, form=SubscriptionForm(id="desk", timezone="Sydney"))
    assert '<label for="timezone">Time zone' in page and 'list="timezones"' in page
    assert '<option value="Australia/Sydney">' in page and 'value="Sydney"' in page
    assert 'id="timezone-error"' in page and 'aria-describedby="timezone-error timezone-help"' in page
    assert "Time zone: unknown time zone &#39;Sydney&#39;" in page


def test_every_form_carries_the_csrf_token():
    sub = parse_subscription({"id": "desk", "channels": [{"email": {"to": ["a@example.org", "b@example.org"]}}]})
    rows = subscription_rows([(sub, "api")], {}, now=NOW, unsubscribed={"desk": {"a@example.org", "b@example.org"}})
    page = _home(subscriptions=rows, backtest=None)
    # sign out, pause, create, and a resubscribe for each address that unsubscribed
    assert page.count("<form") == page.count('name="csrf" value="tok"') == 5


def _source(name, *, quiet_since=None, last=NOW - timedelta(days=5), gap=86400.0):
    return SourceView(id=name, kind="feed", last_release=last, seconds_since_release=None, usual_gap_seconds=gap,
                      quiet_since=quiet_since)


def test_only_sources_judged_quiet_are_shown_the_longest_quiet_first():
    rows = quiet_source_rows([_source("publishing"), _source("recent", quiet_since=NOW - timedelta(hours=2)),
                              _source("oldest", quiet_since=NOW - timedelta(days=2), gap=6 * 3600)])
    assert [r.id for r in rows] == ["oldest", "recent"]
    assert rows[0].usual_gap == "6 hours" and rows[0].quiet_since == "29 Nov 2017 09:00 UTC"
    assert rows[1].last_release == "26 Nov 2017 09:00 UTC"


def _failing(name, since, failures, error="HTTP 503 from www.gov.uk"):
    return _source(name).model_copy(update={"failing": SourceFailing(since=since, failures=failures, error=error)})


def test_only_failing_sources_are_listed_the_longest_failing_first():
    rows = failing_source_rows([_source("fine"), _failing("recent", NOW - timedelta(minutes=10), 2),
                                _failing("oldest", NOW - timedelta(days=1), 1, error="timed out after 30 s")])
    assert [(r.id, r.since, r.failures, r.error) for r in rows] == [
        ("oldest", "30 Nov 2017 09:00 UTC", "1 poll in a row", "timed out after 30 s"),
        ("recent", "1 Dec 2017 08:50 UTC", "2 polls in a row", "HTTP 503 from www.gov.uk")]


def test_the_page_says_in_words_which_sources_fail_and_an_error_adds_no_markup():
    """Before: only `pledgewatch status` said a source kept failing; the dashboard showed nothing of it."""
    rows = failing_source_rows([_failing("govuk-home-office", NOW - timedelta(hours=1), 3,
                                         error='<script>alert(1)</script> "HTTP 503"')])
    page = " ".join(_home(failing_sources=rows).split())
    assert ('<section id="failing-sources" aria-labelledby="failing-sources-title" class="warning"> '
            '<h2 id="failing-sources-title">Sources failing to be read</h2>') in page
    assert ("<li><strong>govuk-home-office</strong> (feed): failing since 1 Dec 2017 08:00 UTC, 3 polls in a row; "
            "last error: &lt;script&gt;alert(1)&lt;/script&gt; &#34;HTTP 503&#34;</li>") in page
    assert "<script>" not in page
    assert "failing-sources" not in _home(failing_sources=[]) and "failing-sources" not in _home()


def test_a_usual_gap_reads_in_the_largest_unit_it_fills():
    assert [gap_label(s) for s in (86400, 1.5 * 86400, 3600, 7200, 45 * 60, 30)] == [
        "1 day", "1.5 days", "1 hour", "2 hours", "45 minutes", "30 seconds"]


def test_the_page_warns_of_quiet_sources_and_says_nothing_when_none_is():
    quiet = quiet_source_rows([_source("govuk-home-office", quiet_since=NOW - timedelta(days=1))])
    page = render("_quiet_sources.html.j2", quiet_sources=quiet)
    assert "Sources gone quiet" in page and "govuk-home-office" in page and "every\n      1 day" in page
    assert render("_quiet_sources.html.j2", quiet_sources=[]).strip() == ""


def test_a_partly_delivered_email_is_shown_as_such_with_the_address_it_did_not_reach():
    sub = parse_subscription({"id": "ct-mail", "channels": [{"email": {"to": ["desk@example.org",
                                                                               "bounce@example.org"]}}]})
    refused = DeliveryAttempt(alert_id="a", subscription_id="ct-mail", channel="email", destination="smtp://mx:25",
                              attempt=1, outcome="failed", final=True, at=NOW,
                              error="recipients refused: bounce@example.org (reached 1 of 2)")
    page = _home(subscriptions=subscription_rows([(sub, "api")], delivery_statuses([("job-1/1", refused)]), now=NOW))
    deliveries = " ".join(page.split('class="deliveries">')[1].split("</dd>")[0].split())
    assert deliveries == "0 delivered · 1 partly delivered (not to bounce@example.org) · 0 retrying · 0 dead-lettered"
    assert "partly delivered, 1 Dec 2017" in " ".join(page.split())


def test_a_release_read_only_in_part_says_so_on_its_page():
    entries = [entry(FUNDING)]
    summary = ReleaseSummary.of("r1", 1, entries).model_copy(update={"unsupported_reason": "language 'cy' is not "
                                                                                           "supported"})
    view = release_view(summary, entries, today=TODAY)
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    assert "Read only in part (language &#39;cy&#39; is not supported)" in page
    assert "may hold commitments not listed here" in page
    full = release_view(ReleaseSummary.of("r1", 1, entries), entries, today=TODAY)
    assert "Read only in part" not in render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True,
                                             release=full, json_reads=True)


REMINDER_TABLE = [
    pytest.param(["P30D", "P7D", "P1D", "P0D"], "30 days, 7 days and 1 day before each dated deadline, and on the day, "
                 "at 09:00 UTC", id="the default"),
    pytest.param(["P0D"], "on the day of each dated deadline, at 09:00 UTC", id="on the day only"),
    pytest.param(["P1W", "P1M", "P1Y2M"], "1 year 2 months, 1 month and 1 week before each dated deadline, at 09:00 UTC",
                 id="weeks, months and years, longest first"),
    pytest.param(["PT2H", "P1DT12H"], "1 day 12 hours and 2 hours before 09:00 UTC on the day of each dated deadline",
                 id="hours: counted back from the reminder time"),
    pytest.param([], "none", id="none"),
]


@pytest.mark.parametrize(("offsets", "said"), REMINDER_TABLE)
def test_a_subscription_row_says_when_its_reminders_arrive(offsets, said):
    """Before, the dashboard showed no reminder at all: a subscriber could not see when, or whether, one comes."""
    sub = parse_subscription({"id": "desk", "channels": ["console"], "reminders": offsets})
    (row,) = subscription_rows([(sub, "api")], {}, now=NOW, remind_at=time(9, 0, tzinfo=timezone.utc))
    assert row.reminders == said


def test_a_subscription_row_says_when_its_weekly_message_is_sent_and_shows_its_calendar():
    weekly = parse_subscription({"id": "desk", "channels": ["console"],
                                 "due_this_week": {"weekday": "friday", "at": "17:30", "time_zone": "Europe/London"}})
    plain = parse_subscription({"id": "plain", "channels": ["console"]})
    rows = subscription_rows([(weekly, "api"), (plain, "file")], {}, now=NOW, remind_at=time(9, 0, tzinfo=timezone.utc))
    assert [r.weekly for r in rows] == ["Fridays at 17:30 (Europe/London): the deadlines of the 7 days ahead", None]
    page = _home(subscriptions=rows)
    assert '<a href="/subscriptions/desk/deadlines.ics">' in page and "Fridays at 17:30" in page
    assert "1 day before each dated deadline" in page
    closed = _home(subscriptions=rows, json_reads=False)  # a calendar app sends no token: named, not linked
    assert "deadlines.ics</a>" not in closed and "/subscriptions/desk/deadlines.ics" in closed


def test_the_last_attempt_is_dated_as_every_other_day_on_the_page():
    """Before: "05 Dec 2026 13:25 UTC" beside "5 Dec 2026" everywhere else."""
    sub = parse_subscription({"id": "desk", "channels": ["console"]})
    sent = DeliveryAttempt(alert_id="a", subscription_id="desk", channel="console", destination="console", attempt=1,
                           outcome="delivered", final=True, at=datetime(2017, 12, 5, 13, 25, tzinfo=timezone.utc))
    page = _home(subscriptions=subscription_rows([(sub, "api")], delivery_statuses([("job-1/1", sent)]), now=NOW,
                                                 remind_at=time(9, 0, tzinfo=timezone.utc)))
    assert "5 Dec 2017 13:25 UTC" in page and "05 Dec" not in page


@pytest.mark.parametrize(("day", "said"), [(date(2017, 12, 1), "due today"), (date(2017, 12, 2), "due tomorrow"),
                                           (date(2017, 12, 6), "due in 5 days"), (date(2017, 12, 20), "upcoming")],
                         ids=["today", "tomorrow", "in 5 days", "later"])
def test_a_deadline_due_soon_says_in_how_many_days(day, said):
    """Before: "due this week" for anything within 7 days, so on a Friday a deadline of next Thursday was "this
    week", and the weekly message called "due this week" means another seven days (from its weekday)."""
    soon = FUNDING.deadlines[0].model_copy(update={"end": day})
    (month,) = timeline([(day, soon, entry(FUNDING))], today=TODAY)
    assert month.items[0].label == said
    assert f">{said}</span>" in _home(timeline=[month])


def test_a_changed_commitment_shows_what_changed_in_each_version():
    """docs/LEDGER.md says the dashboard shows "money £10m → £8m": before, it showed only "changed"."""
    from services.ledger.core.changes import FieldChange
    from services.ledger.core.entries import VersionChange

    history = [VersionChange(version=2, changes=[FieldChange(field="money", before="£10m", after="£8m"),
                                                 FieldChange(field="deadlines", before="31 Mar 2018", after="30 Jun 2018")]),
               VersionChange(version=3, changes=[FieldChange(field="money", before="£8m", after="£9m")])]
    changed = entry(FUNDING).model_copy(update={"state": EntryState.CHANGED, "versions": [1, 2, 3], "history": history})
    view = release_view(ReleaseSummary.of("r1", 3, [changed]), [changed], today=TODAY)
    assert view.commitments[0].changes == ["version 2: money £10m → £8m; deadline 31 Mar 2018 → 30 Jun 2018",
                                           "version 3: money £8m → £9m"]
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    assert "version 2: money £10m → £8m; deadline 31 Mar 2018 → 30 Jun 2018" in page
    withdrawn = changed.model_copy(update={"state": EntryState.WITHDRAWN,
                                           "history": [*history, VersionChange(version=4, changes=[])]})
    (view,) = release_view(ReleaseSummary.of("r1", 4, [withdrawn]), [withdrawn], today=TODAY).commitments
    assert view.changes[-1] == "version 4: withdrawn"


def test_a_withdrawn_release_shows_its_publishers_notice_even_with_no_commitment():
    """Before: told withdrawn only when every commitment of it was, so a release with none never was, and the
    publisher's notice was not shown."""
    from services.ledger.core.release_records import ReleaseRecord

    notice = "This fund has been replaced by the Ports Security Programme."
    summary = ReleaseSummary.of_record("r1", ReleaseRecord(version=2, keys=[], title="Port fund", withdrawn=True,
                                                           withdrawn_notice=notice), None)
    view = release_view(summary, [], today=TODAY)
    assert (view.withdrawn, view.withdrawn_notice) == (True, notice)
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    assert "Withdrawn by its publisher" in page and notice in page
    again = ReleaseSummary.of_record("r1", ReleaseRecord(version=3, keys=[], title="Port fund"), None)
    assert not release_view(again, [], today=TODAY).withdrawn  # published again since


def test_the_deadlines_of_a_withdrawn_or_removed_commitment_are_cancelled_not_upcoming():
    """A removed or withdrawn commitment's deadlines are due for no one (left out of the timeline, cancelled in
    calendars); before, its release's page still called them "upcoming" or "due"."""
    from services.ledger.core.entries import VersionChange

    withdrawn = entry(FUNDING).model_copy(update={"state": EntryState.WITHDRAWN, "versions": [1],
                                                  "history": [VersionChange(version=2, changes=[])]})
    removed = entry(BORDERS).model_copy(update={"state": EntryState.REMOVED})
    view = release_view(ReleaseSummary.of("r1", 2, [withdrawn]), [withdrawn], today=TODAY)
    assert [d.state for d in view.commitments[0].deadlines] == ["cancelled"] and view.withdrawn
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    assert "Withdrawn by its publisher" in page and ">upcoming<" not in page
    both = release_view(ReleaseSummary.of("r1", 2, [withdrawn, removed]), [withdrawn, removed], today=TODAY)
    assert not both.withdrawn  # one commitment removed by a new version, not a withdrawn release
    assert all(d.state == "cancelled" for c in both.commitments for d in c.deadlines)


async def test_a_commitment_with_two_deadlines_is_on_the_timeline_once_for_each():
    """The classifier keeps each deadline a commitment's sentence writes: each is a line of the timeline, by its
    own day and its own words."""
    from schemas.classified import DateDeadline
    from services.dashboard.reading import upcoming
    from services.ledger.core.cards import card_of
    from services.ledger.core.queries import due_order

    two = FUNDING.model_copy(update={"deadlines": [
        DateDeadline(due=date(2017, 12, 4), text="by 4 December", span=(1, 2)),
        DateDeadline(due=date(2018, 1, 31), text="by the end of January", span=(3, 4))]})
    held = entry(two)

    class Ledger:
        async def entries(self, keys):
            return [held] if keys == [held.key] else []

    months = timeline(await upcoming(Ledger(), due_order([card_of(held)]), today=TODAY, limit=10), today=TODAY)
    assert [(m.month, i.due, i.deadline, i.label) for m in months for i in m.items] == [
        ("December 2017", "4 Dec 2017", "by 4 December", "due in 3 days"),
        ("January 2018", "31 Jan 2018", "by the end of January", "upcoming")]


def test_the_deadlines_say_their_days_are_utc_days_as_reminders_count_them():
    """Before: "due today" with no word of which day: west of UTC it shows the evening before."""
    page = render("_timeline.html.j2", timeline=[])
    assert "Days are UTC days" in page


def test_a_release_with_no_commitment_says_so_on_its_page_without_a_key_to_marks_it_has_not():
    """Before: its page read "0 commitments, in the order of the text", then the key to the marks of none."""
    from services.ledger.core.release_records import ReleaseRecord

    summary = ReleaseSummary.of_record("r1", ReleaseRecord(version=1, keys=[], title="Weather"), None)
    page = render("release.html.j2", signed_in=False, csrf="tok", can_sign_in=True, json_reads=True,
                  release=release_view(summary, [], today=TODAY))
    assert "No commitment was found in this release." in page
    assert "0 commitments" not in page and "In the text:" not in page and "<ol" not in page


def test_the_release_page_links_the_release_only_at_a_web_address_as_emails_do():
    """Before: the page linked whatever url its view held, and the view let through any url starting
    ``https://``, with no host too: ``https:///evil.example/x``, which a browser follows to evil.example."""
    entries = [entry(FUNDING, url="https:///evil.example/x")]
    view = release_view(ReleaseSummary.of("r1", 1, entries), entries, today=TODAY)
    for shown in (view, replace(view, url="javascript:alert(document.cookie)")):
        page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=shown,
                      json_reads=True)
        assert "evil.example" not in page and "javascript:" not in page
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, json_reads=True,
                  release=replace(view, url="https://www.gov.uk/x"))
    assert '<a href="https://www.gov.uk/x">the release</a>' in page


def test_a_deadline_links_to_its_commitment_on_its_releases_page():
    """Before: to the release's page alone, where a release of many commitments left the reader to find which
    one the deadline was of; the commitment's place (``#<key>``, ``#c-…``) is the one it keeps across versions."""
    (month,) = timeline([(date(2017, 12, 20), FUNDING.deadlines[0], entry(FUNDING, release_id="gov-uk/iraq"))],
                        today=TODAY)
    page = render("_deadline_months.html.j2", timeline=[month], none_words="")
    assert f'href="/dashboard/releases/gov-uk/iraq#{FUNDING.id}"' in page


def test_each_commitment_on_a_releases_page_has_a_link_to_cite_it_by():
    """Before: the commitment's place had an id but no link to it, so a reader could not copy a link to one."""
    view = release_view(ReleaseSummary(release_id="r1", version=1, title="UK ramps up", url="https://www.gov.uk/x",
                                       source="gov-uk", published_at=PUBLISHED, commitments=1),
                        [entry(FUNDING)], today=TODAY)
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    assert f'<li class="commitment" id="{FUNDING.id}">' in page
    assert f'href="/dashboard/releases/r1#{FUNDING.id}"' in page


def test_an_unsubscribed_address_is_shown_in_the_form_its_channel_shows_not_as_its_a_label():
    """The record keys the mailbox by its A-label, as it was mailed; a person reads the domain as it was written."""
    sub = parse_subscription({"id": "desk", "channels": [{"email": {"to": ["jane@b\u00fccher.example"]}}]})
    rows = subscription_rows([(sub, "api")], {}, now=NOW,
                             unsubscribed={"desk": {"jane@xn--bcher-kva.example", "jos\u00e9@xn--fsqu00a.xn--4rr70v"}})
    assert rows[0].unsubscribed == ("jane@b\u00fccher.example", "jos\u00e9@\u4f8b\u5b50.\u5e7f\u544a")
    assert "b\u00fccher.example" in rows[0].channels
    page = _home(subscriptions=rows, backtest=None, signed_in=True)
    assert "xn--" not in page


# Published at 23:30 in New York on 5 December: 04:30 UTC on the 6th, the day All releases lists it under and its
# search by days finds it on.
EVENING_IN_NEW_YORK = datetime(2026, 12, 5, 23, 30, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize(("key", "anchor"), [("c-0f3a9d2b7c41e865", "c-0f3a9d2b7c41e865"),  # as the classifier makes
                                             ("funding", "c-funding")])  # another's: still an id of its own kind
def test_a_commitments_place_reads_c_and_its_key_once(key, anchor):
    """Before: ``#c-c-0f3a…``: the prefix given again to a key that has it already."""
    view = release_view(ReleaseSummary(release_id="r1", version=1, title="UK ramps up", url="https://www.gov.uk/x",
                                       source="gov-uk", published_at=PUBLISHED, commitments=1),
                        [entry(FUNDING.model_copy(update={"id": key}))], today=TODAY)
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    assert (f'id="{anchor}"' in page, f'href="/dashboard/releases/r1#{anchor}"' in page) == (True, True)


@pytest.mark.parametrize(("key", "before"), [("c-0f3a9d2b7c41e865", 'id="c-c-0f3a9d2b7c41e865"'),
                                             ("funding", None)])  # another's place was the same then
def test_a_link_cited_by_a_commitments_former_place_still_lands_on_it(key, before):
    """Before: a link to ``#c-c-0f3a…``, the place a classifier's commitment had until its key was given once,
    landed at the top of the page."""
    view = release_view(ReleaseSummary(release_id="r1", version=1, title="UK ramps up", url="https://www.gov.uk/x",
                                       source="gov-uk", published_at=PUBLISHED, commitments=1),
                        [entry(FUNDING.model_copy(update={"id": key}))], today=TODAY)
    page = render("release.html.j2", signed_in=True, csrf="tok", can_sign_in=True, release=view, json_reads=True)
    item = page[page.index('<li class="commitment"'):page.index("</li>", page.index('<li class="commitment"'))]
    if before is None:
        assert page.count(f'id="c-{key}"') == 1  # one id, the one it has
    else:
        assert f'<a class="former-place" {before}></a>' in item


def test_a_releases_page_dates_it_by_its_utc_day_as_the_list_of_releases_does():
    """Before: its page (and Recent releases) said 5 Dec, the publisher's own day, where All releases said 6 Dec."""
    entries = [entry(FUNDING, published=EVENING_IN_NEW_YORK)]
    summary = ReleaseSummary.of("r1", 1, entries)
    assert release_view(summary, entries, today=TODAY).published == "6 Dec 2026"
    assert [row.published for row in release_rows([summary])] == ["6 Dec 2026"]


def test_a_chain_dates_each_announcement_by_its_utc_day():
    later = FUNDING.model_copy(update={"id": "c-again"})
    view = chain_view([entry(FUNDING), entry(later, release_id="r2", published=EVENING_IN_NEW_YORK, chain=FUNDING.id)])
    assert [a.day for a in view.announcements] == ["29 Nov 2017", "6 Dec 2026"]


def test_a_backtest_dates_each_release_by_its_utc_day():
    summary = ReleaseSummary.of("r1", 1, [entry(FUNDING, published=EVENING_IN_NEW_YORK)])
    page = render("_backtest.html.j2", arrival=None, backtest=SimpleNamespace(
        alerts=1, commitments=1, since="7 Sep 2026", shown=[(summary, 1)]))
    assert "· 6 Dec 2026 ·" in page and "5 Dec" not in page


def test_a_release_says_how_many_of_its_commitments_a_later_version_removed():
    """Before: "3 commitments, in the order of the text" of a release whose latest version holds 2, in Recent
    releases too: one a later version took out was counted as one it makes."""
    removed = entry(BORDERS).model_copy(update={"state": EntryState.REMOVED})
    entries = [entry(FUNDING), removed, entry(CONTENT)]
    view = release_view(ReleaseSummary.of("r1", 2, entries), entries, today=TODAY)
    page = render("release.html.j2", signed_in=False, csrf="tok", can_sign_in=True, json_reads=True, release=view)
    assert "3 commitments (1 removed by a later version), in the order of the text" in page
    recent = render("_releases.html.j2", releases=[view], json_reads=True)
    assert "· 3 commitments (1 removed by a later version)" in " ".join(recent.split())
    kept = release_view(ReleaseSummary.of("r1", 1, [entry(FUNDING)]), [entry(FUNDING)], today=TODAY)
    assert "1 commitment, in the order of the text" in render(
        "release.html.j2", signed_in=False, csrf="tok", can_sign_in=True, json_reads=True, release=kept)


def test_each_announcement_of_a_chain_links_to_its_commitment_on_its_releases_page():
    """Before: to its release's page alone, where a release of many commitments left the reader to find which one
    announced it again."""
    later = FUNDING.model_copy(update={"id": "c-again"})
    view = chain_view([entry(FUNDING), entry(later, release_id="gov-uk/later", chain=FUNDING.id)])
    page = render("_chains.html.j2", chains=[view])
    assert f'href="/dashboard/releases/r1#{FUNDING.id}"' in page
    assert 'href="/dashboard/releases/gov-uk/later#c-again"' in page


def test_the_list_of_all_releases_counts_removed_and_withdrawn_commitments_apart():
    """Before: "· 3 commitments" for a release whose latest version holds 2, and for a withdrawn one, as though
    each still made them all."""
    from services.dashboard.browse_forms import BrowseErrors, BrowseForm

    removed = entry(BORDERS).model_copy(update={"state": EntryState.REMOVED})
    withdrawn = [entry(c, release_id="r2").model_copy(update={"state": EntryState.WITHDRAWN}) for c in (FUNDING, CONTENT)]
    rows = release_rows([ReleaseSummary.of("r1", 2, [entry(FUNDING), removed, entry(CONTENT)]),
                         ReleaseSummary.of("r2", 2, withdrawn), ReleaseSummary.of("r3", 1, [entry(FUNDING)])])
    page = " ".join(render("releases.html.j2", signed_in=False, csrf="tok", can_sign_in=True, json_reads=True,
                           path="/dashboard/releases", form=BrowseForm(), first_link="/dashboard/releases",
                           next_link=None, releases=rows, stopped_early=False, errors=BrowseErrors()).split())
    assert "· 3 commitments (1 removed by a later version)" in page
    assert "· 2 commitments (both withdrawn) · version 2 · <strong>withdrawn</strong>" in page
    assert "· 1 commitment</p>" in page


def test_recent_releases_say_a_withdrawn_release_is_withdrawn_as_all_releases_does():
    """Before: Recent releases showed a withdrawn release as any other, its deadlines "cancelled" with no word of
    why; All releases and its own page said it was withdrawn."""
    withdrawn = [entry(FUNDING).model_copy(update={"state": EntryState.WITHDRAWN})]
    summary = ReleaseSummary.of("r1", 2, withdrawn).model_copy(update={"withdrawn_notice": "Replaced."})
    view = release_view(summary, withdrawn, today=TODAY)
    recent = " ".join(render("_releases.html.j2", releases=[view], json_reads=True).split())
    assert "· 1 commitment (withdrawn) · version 2 · <strong>withdrawn by its publisher</strong>: “Replaced.”" in recent
    kept = release_view(ReleaseSummary.of("r1", 1, [entry(FUNDING)]), [entry(FUNDING)], today=TODAY)
    assert "withdrawn" not in render("_releases.html.j2", releases=[kept], json_reads=True)
