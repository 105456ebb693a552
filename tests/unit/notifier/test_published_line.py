"""The line saying when a release was published is a paragraph of its own: in a withdrawal, a reminder or a
release read only in part, the paragraph saying so comes after a blank line, in the plain text (an email's text
part, the console, chat) as in the HTML, where each is a paragraph (``<p>``) of its own."""

import re
from datetime import date, datetime, timezone

import pytest

from samples import FUNDING, dated, plan_against, release
from schemas.alerts import AlertKind, ReminderInfo
from schemas.classified import ReleaseClassified
from services.notifier.digest import assemble_digest
from services.notifier.mail_html import render_alert_html
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_digest_text, render_text
from services.notifier.subscriptions import Subscription

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=[{"email": "desk@example.org"}])


def _withdrawal():
    first = release(FUNDING)
    told = plan_alerts(SUB, first, sent={}, elapsed_sent=set(), now=NOW).sent
    withdrawn = ReleaseClassified.model_validate({**first.model_dump(), "version": 2, "withdrawn": True,
                                                  "withdrawn_notice": "Replaced by the Ports Security Programme."})
    [alert] = plan_against(first.commitments, SUB, withdrawn, sent=told, elapsed_sent=set(), now=NOW).alerts
    return alert


def _reminder():
    c = dated("c1", date(2026, 12, 6))
    alert = plan_alerts(SUB, release(c), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    return alert.model_copy(update={"kind": AlertKind.REMINDER, "elapsed": [], "reminder": ReminderInfo(
        deadline=c.deadlines[0], offset="P2D", due=date(2026, 12, 6))})


def _partly_read():
    alert = plan_alerts(SUB, release(FUNDING), sent={}, elapsed_sent=set(), now=NOW).alerts[0]
    return alert.model_copy(update={"unsupported_reason": "language 'cy' is not supported"})


ALERTS = [pytest.param(_withdrawal, "The publisher withdrew this release", id="withdrawal"),
          pytest.param(_reminder, "The deadline falls due in 2 days", id="reminder"),
          pytest.param(_partly_read, "Read only in part", id="read-in-part")]


def _after_published(text: str) -> list[str]:
    lines = text.split("\n")
    [at] = [i for i, line in enumerate(lines) if line.startswith("published ")]
    return lines[at + 1:at + 3]


@pytest.mark.parametrize(("made", "words"), ALERTS)
def test_the_paragraph_after_the_published_line_follows_a_blank_line_in_the_plain_text(made, words):
    alert = made()
    blank, paragraph = _after_published(render_text(alert))
    assert (blank, paragraph[:len(words)]) == ("", words)
    digest = assemble_digest("desk", [alert], since=None, until=NOW, now=NOW)
    assert _after_published(render_digest_text(digest))[0] == ""


@pytest.mark.parametrize(("made", "words"), ALERTS)
def test_the_published_line_is_a_paragraph_of_its_own_in_the_html(made, words):
    page = render_alert_html(made(), unsubscribe_url=None)
    assert re.search(r"<p [^>]*>published [^<]*</p>\s*<p [^>]*><strong>" + re.escape(words), page), page
