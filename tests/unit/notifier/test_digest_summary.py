"""A digest opens with a summary (counter-terrorism releases first) and links each release's dashboard page; a
date given without a time is shown as a date; chat text has no setext underlines; the time line does not
repeat the subscription."""

from datetime import datetime, timezone

import pytest

from samples import BORDERS, TRAINING, release
from services.notifier.addresses import parse_address
from services.notifier.digest import assemble_digest
from services.notifier.mail import build_email
from services.notifier.mail_html import render_digest_html
from services.notifier.messages import chat_text, message_text
from services.notifier.planning import plan_alerts
from services.notifier.release_pages import release_page_url
from services.notifier.rendering import alert_view, render_digest_text, render_text
from services.notifier.subscriptions import Subscription

SENT = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
DASHBOARD = "https://pledgewatch.example"
SUB = Subscription(id="morning", channels=["console"], mode="digest")


def _alert(*commitments, release_id="gov-uk/iraq-2017", published_at=datetime(2017, 11, 29, 10, 0, tzinfo=timezone.utc)):
    r = release(*commitments, release_id=release_id, published_at=published_at)
    return plan_alerts(SUB, r, sent={}, elapsed_sent=set(), now=SENT).alerts[0]


def _digest():
    training = _alert(TRAINING, release_id="gov-uk/training")
    training = training.model_copy(update={"release": training.release.model_copy(update={"title": "Training"})})
    borders = _alert(BORDERS, release_id="gov-uk/borders")
    borders = borders.model_copy(update={"release": borders.release.model_copy(update={"title": "Borders <&>"})})
    return assemble_digest("morning", [training, borders], since=None, until=SENT, now=SENT)


def test_the_digest_text_opens_with_a_summary_counter_terrorism_first_and_links_each_release_page():
    text = render_digest_text(_digest(), release_page=lambda rid: release_page_url(DASHBOARD, rid))
    summary = text[:text.index("New commitments \u2014 Training")]
    assert "2 releases, 2 commitments (1 counter-terrorism)" in summary
    assert summary.index("Borders <&>") < summary.index("Training")
    assert "1 commitment, 1 counter-terrorism" in summary
    borders = text[text.index("New commitments \u2014 Borders"):]
    training = text[text.index("New commitments \u2014 Training"):text.index("New commitments \u2014 Borders")]
    assert f"Every version of this release, and what changed: {DASHBOARD}/dashboard/releases/gov-uk/borders" in borders
    assert f"Every version of this release, and what changed: {DASHBOARD}/dashboard/releases/gov-uk/training" \
        in training


def test_the_digest_html_summary_links_each_section_by_anchor_and_each_section_its_release_page():
    html = render_digest_html(_digest(), unsubscribe_url=None,
                              release_page=lambda rid: release_page_url(DASHBOARD, rid))
    summary = html[:html.index("<h2")]
    assert '<a href="#release-2" dir="auto" style="color: #1d70b8;">Borders &lt;&amp;&gt;</a>' in summary
    assert summary.index('href="#release-2"') < summary.index('href="#release-1"')
    sections = html[html.index("<h2"):]
    assert sections.index('id="release-1"') < sections.index("Training</a>") < sections.index('id="release-2"')
    assert html.count(f'href="{DASHBOARD}/dashboard/releases/gov-uk/') == 2
    assert "Every version of this release, and what changed" in html[html.index('id="release-2"'):]


def test_a_digest_email_links_release_pages_in_both_parts():
    mail = build_email(_digest(), sender=parse_address("pw@example.org"), recipient=parse_address("a@example.org"),
                       now=SENT, release_page=lambda rid: release_page_url(DASHBOARD, rid))
    text, html = (part.get_content() for part in mail.iter_parts())
    for body in (text, html):
        assert f"{DASHBOARD}/dashboard/releases/gov-uk/borders" in body


def test_without_a_dashboard_a_digest_has_no_release_page_link():
    assert "Every version" not in render_digest_text(_digest())
    assert "Every version" not in render_digest_html(_digest(), unsubscribe_url=None)


@pytest.mark.parametrize(("published_at", "shown"), [
    pytest.param(datetime(2026, 12, 5, tzinfo=timezone.utc), "published 5 December 2026 (version 1)", id="date-only"),
    pytest.param(datetime(2026, 12, 5, 9, 30, tzinfo=timezone.utc), "published 5 December 2026 09:30 UTC (version 1)",
                 id="with-time"),
    pytest.param(datetime(2026, 12, 5, 0, 0, 1, tzinfo=timezone.utc), "published 5 December 2026 00:00 UTC (version 1)",
                 id="a-second-past-midnight"),
])
def test_a_date_given_without_a_time_is_shown_as_a_date(published_at, shown):
    view = alert_view(_alert(BORDERS, published_at=published_at))
    assert view.published == shown


def test_the_time_line_does_not_repeat_the_subscription_which_the_text_names_once_at_its_end():
    text = render_text(_alert(BORDERS))
    assert "; subscription" not in text
    assert text.count("morning") == 1
    assert text.endswith("Sent by pledgewatch for the subscription morning.\n")
    digest = render_digest_text(_digest())
    assert digest.count("subscription morning") == 1


@pytest.mark.parametrize("message", [pytest.param(_alert(BORDERS), id="alert"), pytest.param(_digest(), id="digest")])
def test_chat_text_has_no_setext_underlines_while_email_text_keeps_them(message):
    title, body = chat_text(message)
    assert title == message_text(message)[0]
    assert not any(line and set(line) <= set("=#-") for line in body.splitlines())
    assert any(line and set(line) <= set("=#") for line in message_text(message)[1].splitlines())
    assert "UK: We will work with partners" in body
