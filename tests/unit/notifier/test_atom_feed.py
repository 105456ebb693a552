"""A subscriber's alerts as an Atom feed: read back by feedparser, valid whatever a release says."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import feedparser
import pytest
from hypothesis import given, strategies as st

from schemas.due_week import DueDeadline
from services.notifier.atom import alerts_feed, stable_id
from services.notifier.due_week import assemble_due_week, week_slot
from services.notifier.messages import alert_event, message_event
from services.notifier.planning import plan_alerts
from services.notifier.rendering import render_text
from services.notifier.subscriptions import DueThisWeek, Subscription

from samples import BORDERS, FUNDING, TRAINING, dated, release

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)
SUB = Subscription(id="desk", channels=["console"])
FEED_URL = "https://pledgewatch.example.org/subscriptions/desk/alerts.atom"


def _page(release_id: str) -> str:
    return f"https://pledgewatch.example.org/releases/{release_id}"


def _alert(*commitments, release_id="gov-uk/iraq-2017", url=None, title=None, at=NOW):
    classified = release(*commitments, release_id=release_id)
    if url is not None or title is not None:
        classified = classified.model_copy(update={"url": url or classified.url, "title": title or classified.title})
    return plan_alerts(SUB, classified, sent={}, elapsed_sent=set(), now=at).alerts[0]


def _feed(*alerts) -> bytes:
    return alerts_feed([alert_event(a) for a in alerts], subscription_id="desk", self_url=FEED_URL,
                       release_page=_page, empty_since=NOW)


def test_feed_readers_read_every_entry_newest_first_with_the_text_of_the_other_channels():
    newer = _alert(BORDERS, release_id="r2", at=NOW + timedelta(hours=1))
    older = _alert(FUNDING, TRAINING, release_id="r1", url="file:///seeds/r1.txt")
    parsed = feedparser.parse(_feed(newer, older))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.id == stable_id("feed", "desk") and feed.id.startswith("urn:uuid:")
    assert feed.title == "pledgewatch: alerts for desk" and feed.author == "pledgewatch"
    assert feed.updated == "2026-12-04T10:30:00Z"
    assert [link.href for link in feed.links if link.rel == "self"] == [FEED_URL]
    first, second = parsed.entries
    assert first.id == stable_id("alert", newer.alert_id) and second.id == stable_id("alert", older.alert_id)
    assert first.title == "New commitments: UK ramps up counterterror effort in Iraq"
    assert (first.published, first.updated) == ("2026-12-04T10:30:00Z", "2026-12-04T10:30:00Z")
    assert first.content[0].type == "text/plain"
    # feedparser trims the last line end; a reader shows a setext underline as it is, so there is none
    assert first.content[0].value == render_text(newer, underline=False).rstrip()
    assert "====" not in first.content[0].value
    assert {(link.rel, link.href) for link in first.links} == {
        ("alternate", "https://www.gov.uk/government/news/iraq"), ("related", _page("r2"))}
    assert {(link.rel, link.href) for link in second.links} == {("alternate", _page("r1")), ("related", _page("r1"))}
    assert [t.term for t in first.tags] == ["new"]


def test_an_entry_keeps_its_id_from_one_reading_to_the_next():
    alert = _alert(BORDERS)
    once, later = feedparser.parse(_feed(alert)), feedparser.parse(_feed(_alert(FUNDING, release_id="r9"), alert))
    assert once.entries[0].id == later.entries[1].id


def test_the_same_alerts_give_the_same_bytes():
    alerts = (_alert(BORDERS, release_id="r2"), _alert(FUNDING))
    assert _feed(*alerts) == _feed(*alerts)


def test_an_empty_feed_is_valid_and_updated_when_it_began():
    parsed = feedparser.parse(_feed())
    assert not parsed.bozo and parsed.version == "atom10" and parsed.entries == []
    assert parsed.feed.updated == "2026-12-04T09:30:00Z"


def test_a_weeks_deadlines_are_an_entry_too():
    option = DueThisWeek()
    slot = week_slot(option, now=datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc))
    c = dated("c-soon", date(2026, 12, 9))
    week = assemble_due_week("desk", option, slot, [DueDeadline(
        due=date(2026, 12, 9), deadline=c.deadlines[0], commitment_key="c-soon", commitment=c, release_id="r1",
        title="A title", url="https://www.gov.uk/x")], more=0, now=slot.at)
    parsed = feedparser.parse(alerts_feed([message_event(week)], subscription_id="desk", self_url=FEED_URL,
                                          release_page=_page, empty_since=NOW))
    (entry,) = parsed.entries
    assert not parsed.bozo
    assert entry.id == stable_id("due_this_week", week.digest_id)
    assert entry.title == "Due this week (7 Dec \u2013 13 Dec 2026): 1 deadline"
    assert [t.term for t in entry.tags] == ["due_this_week"]
    assert entry.content[0].value.startswith("Falls due this week: 1 deadline\nMonday 7 December to Sunday")
    assert "Wednesday 9 December 2026\n" in entry.content[0].value and "---" not in entry.content[0].value


@given(title=st.text(max_size=80))
def test_any_title_gives_a_well_formed_feed_that_says_it(title):
    parsed = feedparser.parse(_feed(_alert(BORDERS, title=title or "t")))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 1


def test_markup_in_a_release_is_text_not_markup():
    parsed = feedparser.parse(_feed(_alert(BORDERS, title="<script>alert(1)</script> & co")))
    assert parsed.entries[0].title == "New commitments: <script>alert(1)</script> & co"
    assert b"<script>" not in _feed(_alert(BORDERS, title="<script>alert(1)</script> & co"))
