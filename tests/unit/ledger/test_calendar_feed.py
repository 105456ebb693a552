"""The deadlines calendar: one event per dated deadline, stable UIDs, alarms at the reminders' times."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import icalendar

from services.ledger.core.calendar_feed import deadlines_calendar
from services.ledger.core.entries import EntryState, LedgerEntry
from schemas.classified import DateDeadline
from tests.unit.notifier.samples import CONTENT, FUNDING, PUBLISHED, dated

NOW = datetime(2018, 1, 1, 12, tzinfo=timezone.utc)


def entry(commitment, *, state=EntryState.ACTIVE, versions=(1,), revised_at=None):
    return LedgerEntry(key=commitment.id, release_id="r", title="UK ramps up", url="https://www.gov.uk/x", source="s",
                       published_at=PUBLISHED, first_seen=NOW, versions=list(versions), state=state,
                       commitment=commitment, revised_at=revised_at)


def parse(entries, offsets=("P7D", "P0D")):
    document = deadlines_calendar(entries, name="ct-desk deadlines", offsets=list(offsets),
                                  remind_at=time(9, tzinfo=timezone.utc))
    return icalendar.Calendar.from_ical(document)


def test_one_all_day_event_per_dated_deadline_with_a_stable_uid_and_the_reminders_as_alarms():
    calendar = parse([entry(dated("c-report", date(2018, 3, 31))), entry(CONTENT)])
    [event] = calendar.walk("VEVENT")  # the response-time rule has no calendar date
    assert str(event["uid"]) == "c-report-0@pledgewatch"
    assert event.decoded("dtstart") == date(2018, 3, 31) and event.decoded("dtend") == date(2018, 4, 1)
    assert str(event["status"]) == "CONFIRMED"
    triggers = [alarm.decoded("trigger") for alarm in event.walk("VALARM")]
    assert triggers == [datetime(2018, 3, 24, 9, tzinfo=timezone.utc), datetime(2018, 3, 31, 9, tzinfo=timezone.utc)]
    assert str(calendar["x-wr-calname"]) == "ct-desk deadlines"


def test_a_period_falls_due_at_its_end():
    [event] = parse([entry(FUNDING)]).walk("VEVENT")
    assert event.decoded("dtstart") == date(2020, 11, 29)


def test_a_removed_commitment_is_cancelled_under_the_same_uid_with_a_higher_sequence():
    [event] = parse([entry(dated("c-report", date(2018, 3, 31)), state=EntryState.REMOVED, versions=(1, 2))]).walk("VEVENT")
    assert str(event["uid"]) == "c-report-0@pledgewatch"
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert event.walk("VALARM") == []


def test_the_document_is_valid_icalendar_text():
    document = deadlines_calendar([entry(dated("c-report", date(2018, 3, 31)))], name="x", offsets=["P1D"],
                                  remind_at=time(9, tzinfo=timezone.utc))
    assert document.startswith(b"BEGIN:VCALENDAR\r\n") and document.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in document.split(b"\r\n"))  # folded, as RFC 5545 asks


def test_an_alarm_at_a_moment_is_an_absolute_trigger_in_utc_as_rfc_5545_asks():
    # RFC 5545 3.8.6.3: a TRIGGER's default type is DURATION; a moment needs VALUE=DATE-TIME and UTC
    document = deadlines_calendar([entry(dated("c-summer", date(2018, 6, 30)))], name="x", offsets=["P1D", "P0D"],
                                  remind_at=time(9, tzinfo=ZoneInfo("Europe/London")))
    lines = [line for line in document.split(b"\r\n") if line.startswith(b"TRIGGER")]
    assert lines == [b"TRIGGER;VALUE=DATE-TIME:20180629T080000Z", b"TRIGGER;VALUE=DATE-TIME:20180630T080000Z"]
    [event] = icalendar.Calendar.from_ical(document).walk("VEVENT")
    assert [alarm.decoded("trigger") for alarm in event.walk("VALARM")] == [
        datetime(2018, 6, 29, 8, tzinfo=timezone.utc), datetime(2018, 6, 30, 8, tzinfo=timezone.utc)]


def test_a_stored_url_that_is_no_uri_is_left_out_of_its_event_and_logged_never_an_error(caplog):
    # a feed entry's Atom <id> with a line break became a release's url before ingest refused such ids
    bad = LedgerEntry(**{**entry(dated("c-bad", date(2018, 3, 31))).model_dump(), "url": "urn:a\nb c"})
    spaced = LedgerEntry(**{**entry(dated("c-spaced", date(2018, 4, 30))).model_dump(), "url": "urn:a b\x00"})
    good = entry(dated("c-good", date(2018, 5, 31)))
    events = parse([bad, spaced, good]).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == ["c-bad-0@pledgewatch", "c-spaced-0@pledgewatch",
                                                        "c-good-0@pledgewatch"]
    assert "url" not in events[0] and "url" not in events[1]
    assert str(events[2]["url"]) == "https://www.gov.uk/x"
    assert "c-bad" in caplog.text and "not a URI" in caplog.text


def test_no_control_character_of_a_stored_release_reaches_the_feed():
    odd = LedgerEntry(**{**entry(dated("c-odd", date(2018, 4, 30))).model_dump(), "url": "urn:a b\x00",
                         "title": "Title\x07 with a bell"})
    feed = deadlines_calendar([odd], name="ct-desk deadlines", offsets=["P0D"], remind_at=time(9, tzinfo=timezone.utc))
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", feed)


def test_no_control_character_of_a_stored_commitment_reaches_its_alarm_nor_of_a_name_the_calendar():
    odd = dated("c-odd", date(2018, 4, 30))
    odd = odd.model_copy(update={"actor": "UK\x00", "text": "A bell\x07 rings. " + odd.text})
    feed = deadlines_calendar([entry(odd)], name="ct-desk\x07 deadlines", offsets=["P0D"],
                              remind_at=time(9, tzinfo=timezone.utc))
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", feed)
    [alarm] = icalendar.Calendar.from_ical(feed).walk("VALARM")
    assert str(alarm["description"]).startswith("Due 30 Apr 2018: UK: A bell rings.")


def test_an_entry_that_cannot_be_written_is_skipped_and_logged_the_others_kept(caplog, monkeypatch):
    from services.ledger.core import calendar_feed

    def short(text: str) -> str:
        if "report-bad" in text:
            raise ValueError("cannot write this one")
        return text
    monkeypatch.setattr(calendar_feed, "_short", short)
    bad = dated("c-bad", date(2018, 3, 31))
    bad = bad.model_copy(update={"text": bad.text + " report-bad"})
    events = parse([entry(bad), entry(dated("c-good", date(2018, 5, 31)))]).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == ["c-good-0@pledgewatch"]
    assert "c-bad" in caplog.text and "cannot write this one" in caplog.text


def test_a_calendar_apps_strict_parser_reads_the_whole_feed_alarms_and_all():
    """ical (the parser Home Assistant's calendar uses) refuses a feed with a control character anywhere, and
    reads every absolute alarm as a moment."""
    from ical.calendar_stream import IcsCalendarStream

    odd = dated("c-odd", date(2018, 6, 30))
    odd = odd.model_copy(update={"actor": "UK\x00, Iraq; \"allies\"", "text": "A bell\x07 rings. " + odd.text * 4})
    entries = [entry(odd), entry(FUNDING), entry(CONTENT),
               entry(dated("c-gone", date(2018, 4, 30)), state=EntryState.REMOVED, versions=(1, 2))]
    feed = deadlines_calendar(entries, name="ct-desk deadlines", offsets=["P7D", "PT12H", "P0D"],
                              remind_at=time(9, tzinfo=ZoneInfo("Europe/London")))
    calendar = IcsCalendarStream.calendar_from_ics(feed.decode())
    events = {event.uid: event for event in calendar.events}
    assert list(events) == ["c-odd-0@pledgewatch", "c-funding-0@pledgewatch", "c-gone-0@pledgewatch"]
    assert [alarm.trigger for alarm in events["c-odd-0@pledgewatch"].alarm] == [
        datetime(2018, 6, 23, 8, tzinfo=timezone.utc), datetime(2018, 6, 29, 20, tzinfo=timezone.utc),
        datetime(2018, 6, 30, 8, tzinfo=timezone.utc)]
    assert events["c-gone-0@pledgewatch"].alarm == []


def test_the_events_of_a_commitment_with_several_deadlines_are_told_apart_by_their_titles():
    """Before: both events read "UK: The UK will deliver …", the deadline only in their descriptions."""
    two = dated("c-two", date(2018, 3, 31))
    two = two.model_copy(update={"deadlines": [*two.deadlines, DateDeadline(due=date(2018, 6, 30), text="by June",
                                                                             span=(30, 40))]})
    events = parse([entry(two), entry(dated("c-one", date(2018, 4, 30)))]).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "UK (by 31 March 2018): The UK will deliver c-two by March 2018.",
        "UK (by June): The UK will deliver c-two by March 2018.",
        "UK: The UK will deliver c-one by April 2018.",
    ]


def test_characters_a_uri_may_not_hold_are_percent_encoded_in_the_url_as_a_browser_would_send_them():
    """Before: a release url holding ``"``, ``<`` or ``>`` (ingest takes any http/https URL) went into the
    event's URL as it was, which RFC 5545 (a URI, RFC 3986) does not admit."""
    odd = LedgerEntry(**{**entry(dated("c-odd", date(2018, 3, 31))).model_dump(),
                         "url": 'https://example.org/a"><b>?q=<x>&b=1#top'})
    (event,) = parse([odd]).walk("VEVENT")
    assert str(event["url"]) == "https://example.org/a%22%3E%3Cb%3E?q=%3Cx%3E&b=1#top"


def test_an_events_text_drops_bidi_overrides_and_keeps_right_to_left_letters():
    arabic = "\u062a\u0639\u0647\u062f\u200f"
    commitment = dated("c-report", date(2018, 3, 31))
    commitment = commitment.model_copy(update={"actor": "UK\u202e", "text": f"{arabic} will \u2067report."})
    [event] = parse([entry(commitment)]).walk("VEVENT")
    summary, description = str(event["summary"]), str(event["description"])
    assert summary.startswith(f"UK: {arabic} will report.") and description.startswith(f"{arabic} will report.")
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", summary + description)


def test_a_long_title_is_cut_between_characters_as_a_reader_sees_them():
    """Before: cut at the 119th code point, a flag was left a lone letter symbol before the ellipsis."""
    for before in ("", "x"):
        flagged = dated("c-flags", date(2018, 3, 31)).model_copy(update={"text": before + "\U0001f1ec\U0001f1e7" * 80})
        [event] = parse([entry(flagged)]).walk("VEVENT")
        summary = str(event["summary"])
        flags = summary.removeprefix(f"UK: {before}").removesuffix("\u2026")
        assert summary.endswith("\u2026") and len(flags) % 2 == 0 and set(flags) == {"\U0001f1ec", "\U0001f1e7"}


def test_alarms_are_at_the_moments_the_subscribers_reminders_go_out_in_its_time_zone():
    """Before: at the reminder time in UTC whatever the subscription's zone, so a desk in New York had its "on the
    day" alarm at 05:00 while its reminder came at 09:00, and one in Sydney the evening before its due day."""
    from services.notifier.reminders import fire_time
    offsets = ["P7D", "PT2H", "P0D"]
    for zone, due, expected in (
            ("America/New_York", date(2018, 3, 12), [datetime(2018, 3, 5, 14, tzinfo=timezone.utc),  # EST
                                                     datetime(2018, 3, 12, 11, tzinfo=timezone.utc),  # EDT
                                                     datetime(2018, 3, 12, 13, tzinfo=timezone.utc)]),
            ("Australia/Sydney", date(2018, 2, 1), [datetime(2018, 1, 24, 22, tzinfo=timezone.utc),
                                                    datetime(2018, 1, 31, 20, tzinfo=timezone.utc),
                                                    datetime(2018, 1, 31, 22, tzinfo=timezone.utc)])):
        feed = deadlines_calendar([entry(dated("c-zoned", due))], name="x", offsets=offsets,
                                  remind_at=time(9, tzinfo=timezone.utc), zone=zone)
        [event] = icalendar.Calendar.from_ical(feed).walk("VEVENT")
        triggers = [alarm.decoded("trigger") for alarm in event.walk("VALARM")]
        assert triggers == expected
        assert triggers == [fire_time(due, offset, remind_at=time(9, tzinfo=timezone.utc), zone=zone)
                            for offset in offsets]
        assert event.decoded("dtstart") == due  # the due day itself stays a date: the same day in every zone


def test_a_title_whose_first_character_is_longer_than_the_room_is_cut_inside_it_not_to_an_ellipsis_alone():
    overgrown = "U" + "\u0336" * 300  # one character as a reader sees it, of 301 code points
    odd = dated("c-odd", date(2018, 3, 31)).model_copy(update={"actor": overgrown})
    [event] = parse([entry(odd)]).walk("VEVENT")
    assert str(event["summary"]) == overgrown[:119] + "\u2026"


def test_an_events_dtstamp_is_when_its_entry_was_last_revised_never_when_the_feed_was_asked_for():
    """Before: the time of each request, so that every poll made every event look revised (RFC 5545 3.8.7.2: without
    a METHOD, when the information was last revised in the calendar store)."""
    revised = datetime(2018, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    stored = [entry(dated("c-report", date(2018, 3, 31)), versions=(1, 2), revised_at=revised),
              entry(dated("c-older", date(2018, 4, 30)))]  # stored before entries kept when they were revised
    assert [event.decoded("dtstamp") for event in parse(stored).walk("VEVENT")] == [revised, NOW]
    assert deadlines_calendar(stored, name="x", offsets=["P1D"], remind_at=time(9, tzinfo=timezone.utc)) == \
        deadlines_calendar(stored, name="x", offsets=["P1D"], remind_at=time(9, tzinfo=timezone.utc))


def test_a_line_about_one_stored_commitment_carries_its_release_and_ledger_key_as_log_fields(caplog):
    import json

    from services.common.logs import JsonFormatter

    bad = LedgerEntry(**{**entry(dated("c-bad", date(2018, 3, 31))).model_dump(), "url": "urn:a\nb c"})
    parse([bad])
    [line] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if "not a URI" in r.getMessage()]
    assert (line["release_id"], line["commitment_id"]) == ("r", "c-bad")
