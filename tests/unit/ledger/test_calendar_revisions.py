"""A new version of a release revises, in a calendar, only the events whose entry it changed as the calendar shows
it (RFC 5545 3.8.7.2 DTSTAMP, 3.8.7.4 SEQUENCE): an entry it leaves as it was keeps its DTSTAMP and SEQUENCE."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import icalendar

from schemas.classified import DateDeadline
from services.ledger.core.calendar_feed import deadlines_calendar
from services.ledger.core.entries import LedgerEntry, apply_version
from tests.unit.notifier.samples import dated, release

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
LATER, LATEST = NOW + timedelta(days=3), NOW + timedelta(days=9)
REPORT, REVIEW = dated("c-report", date(2018, 3, 31)), dated("c-review", date(2018, 6, 30))
MOVED = REVIEW.model_copy(update={"deadlines": [DateDeadline(due=date(2018, 9, 30), text="by 30 September 2018",
                                                             span=(20, 40))]})


def stamps(entries: list[LedgerEntry]) -> dict[str, tuple[datetime, int]]:
    document = deadlines_calendar(entries, name="x", offsets=[], remind_at=time(9, tzinfo=timezone.utc))
    return {str(e["uid"]): (e.decoded("dtstamp"), int(e["sequence"]))
            for e in icalendar.Calendar.from_ical(document).walk("VEVENT")}


def test_a_version_that_leaves_an_entry_as_it_was_leaves_its_events_dtstamp_and_sequence():
    first = apply_version([], release(REPORT, REVIEW), last_version=None, now=NOW)
    second = apply_version(first.entries, release(REPORT, MOVED, version=2), last_version=1, now=LATER)
    assert stamps(second.entries) == {"c-report-0@pledgewatch": (NOW, 0), "c-review-0@pledgewatch": (LATER, 1)}
    third = apply_version(second.entries, release(REPORT, MOVED, version=3), last_version=2, now=LATEST)
    assert stamps(third.entries) == stamps(second.entries)
    fourth = apply_version(third.entries, release(MOVED, version=4), last_version=3, now=LATEST)  # report removed
    assert stamps(fourth.entries) == {"c-report-0@pledgewatch": (LATEST, 1), "c-review-0@pledgewatch": (LATER, 1)}


def test_a_new_title_or_url_is_shown_in_the_event_and_revises_it_a_new_source_alone_does_not():
    first = apply_version([], release(REPORT), last_version=None, now=NOW)
    moved = apply_version(first.entries, release(REPORT, version=2, source="elsewhere"), last_version=1, now=LATER)
    assert stamps(moved.entries) == {"c-report-0@pledgewatch": (NOW, 0)}
    retitled = release(REPORT, version=3).model_copy(update={"title": "Headline corrected"})
    assert stamps(apply_version(moved.entries, retitled, last_version=2, now=LATEST).entries) == {
        "c-report-0@pledgewatch": (LATEST, 1)}


def test_an_entry_stored_before_keeps_the_sequence_calendars_were_given_and_never_goes_below_it():
    """Before, SEQUENCE was the number of versions less one, and DTSTAMP null's stand-in first_seen."""
    (stored,) = apply_version([], release(REPORT), last_version=None, now=NOW).entries
    stored = LedgerEntry.model_validate({k: v for k, v in stored.model_dump(mode="json").items()
                                         if k not in ("revised_at", "sequence")} | {"versions": [1, 2, 3]})
    assert stamps([stored]) == {"c-report-0@pledgewatch": (NOW, 2)}
    unchanged = apply_version([stored], release(REPORT, version=4), last_version=3, now=LATER).entries
    assert stamps(unchanged) == {"c-report-0@pledgewatch": (NOW, 2)}
    moved = REPORT.model_copy(update={"deadlines": [DateDeadline(due=date(2018, 4, 30), text="by 30 April 2018",
                                                                 span=(20, 40))]})
    changed = apply_version(unchanged, release(moved, version=5), last_version=4, now=LATEST).entries
    assert stamps(changed) == {"c-report-0@pledgewatch": (LATEST, 3)}
