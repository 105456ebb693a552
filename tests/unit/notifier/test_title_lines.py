"""A release's title is one line in every text: a title with line breaks in it (ingest keeps them, from a POST or
a file) cannot split an alert's heading from its underline, a digest's summary entry, or a weekly item."""

from datetime import date, datetime, timezone

from samples import BORDERS, dated, release
from schemas.due_week import DueDeadline, DueThisWeek
from services.notifier.digest import assemble_digest
from services.notifier.due_week_rendering import render_due_week_text
from services.notifier.messages import chat_text
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_digest_text, render_text
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
TITLE = "Port fund\n.  announced\n\nFrom the minister"
ONE_LINE = "Port fund . announced From the minister"
SUB = Subscription(id="desk", channels=["console"])
ALERT = plan_alerts(SUB, release(BORDERS).model_copy(update={"title": TITLE}), sent={}, elapsed_sent=set(),
                    now=NOW).alerts[0]


def test_an_alert_heading_is_one_line_with_its_underline_as_long():
    heading, underline = render_text(ALERT).splitlines()[:2]
    assert heading == f"New commitments \u2014 {ONE_LINE}" and underline == "=" * len(heading)


def test_a_chat_title_and_a_digest_summary_entry_are_one_line():
    title, _ = chat_text(ALERT)
    assert title == f"[pledgewatch] New commitments: {ONE_LINE}"
    text = render_digest_text(assemble_digest("desk", [ALERT], since=None, until=NOW, now=NOW))
    assert f"- {ONE_LINE} (New commitments): 1 commitment, 1 counter-terrorism" in text.splitlines()
    assert ".  announced" not in text


def test_a_weekly_item_names_its_release_on_one_line():
    c = dated("c-port", date(2026, 12, 8))
    week = DueThisWeek(digest_id="week-1", subscription_id="desk", week="2026-W49", first_day=date(2026, 12, 6),
                       last_day=date(2026, 12, 12), time_zone="Europe/London", created_at=NOW,
                       deadlines=[DueDeadline(due=date(2026, 12, 8), deadline=c.deadlines[0], commitment_key="k",
                                              commitment=c, release_id="r", title=TITLE, url="https://example.org/r")])
    assert f"    release: {ONE_LINE} (https://example.org/r)" in render_due_week_text(week).splitlines()
