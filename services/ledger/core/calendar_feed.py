"""The deadlines of a subscriber's commitments as an iCalendar feed (RFC 5545). Pure; time is an argument.

One all-day event per dated deadline or period end, its UID made of the ledger key and the deadline's number
(its place when first seen, carried across versions: :mod:`.deadline_refs`), so a calendar app that polls the
feed updates an event when a new version moves the date, and drops it (``STATUS:CANCELLED``) when the
commitment is removed or its release withdrawn. One alarm per reminder offset, at the moment pledgewatch itself
would send that reminder: the reminder time in the subscription's time zone (decision 0046), written in UTC.

One stored entry never breaks the feed: a release URL that is no URI (whitespace or a control character in it,
as a feed entry's Atom id could give before ingest refused such) is left out of its event, and an entry whose
event cannot be written is skipped; both are logged.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import quote

import icalendar

from services.common.errors import failure_text
from services.common.graphemes import longest_start
from services.notifier.reminders import due_date, fire_time

from .entries import EntryState, LedgerEntry

PRODID = "-//pledgewatch//commitment deadlines//EN"
UID_DOMAIN = "pledgewatch"
SUMMARY_CHARS = 120

# and no bidi embedding, override or isolate: a calendar shows text as it is, where one left open reorders the rest
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_NOT_IN_A_URI = re.compile(r"[\s\x00-\x1f\x7f]")  # RFC 3986 has no whitespace or control characters
_URI_DELIMITERS = ":/?#[]@!$&'()*+,;=%"  # RFC 3986's reserved characters, and its escapes: kept as they are

log = logging.getLogger(__name__)


def deadlines_calendar(entries: list[LedgerEntry], *, name: str, offsets: list[str], remind_at: time,
                       zone: str | None = None) -> bytes:
    """The iCalendar document of the dated deadlines of ``entries``; ``offsets`` (ISO 8601 durations before
    the due day), ``remind_at`` (an aware time of day) and ``zone`` (the subscription's IANA time zone; None:
    ``remind_at``'s own) place the alarms, as the reminders are placed. Each event is stamped (DTSTAMP) with when
    its entry was last revised: the same document for the same entries, whenever it is asked for."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _CONTROL.sub("", name))
    for entry in entries:
        for index, deadline in zip(entry.numbers(), entry.commitment.deadlines):
            day = due_date(deadline)
            if day is None:
                continue
            try:
                alarms = [fire_time(day, offset, remind_at=remind_at, zone=zone) for offset in offsets]
                calendar.add_component(_event(entry, index, day, deadline.text, alarms))
            except Exception as exc:  # one stored entry must not cost the subscriber the whole feed
                log.error("calendar %s: deadline %d of %s left out: %s", name, index, entry.key, failure_text(exc),
                          extra=_ids(entry))
    return calendar.to_ical()


def _ids(entry: LedgerEntry) -> dict[str, str]:
    """The fields of a log record about ``entry``: its release and its ledger key."""
    return {"release_id": entry.release_id, "commitment_id": entry.key}


def _event(entry: LedgerEntry, index: int, day: date, deadline_text: str, alarms: list[datetime]) -> icalendar.Event:
    """``alarms``: the moments (UTC) an alarm goes off, the reminders' own."""
    c = entry.commitment
    text = " ".join(c.text.split())
    event = icalendar.Event()
    event.add("uid", f"{entry.key}-{index}@{UID_DOMAIN}")
    event.add("dtstamp", (entry.revised_at or entry.first_seen).astimezone(timezone.utc))  # in UTC, RFC 5545 asks
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("sequence", entry.calendar_sequence())  # a revision supersedes what a calendar holds
    # a commitment's several deadlines are several events: their titles name which one each is
    actor = f"{c.actor} ({deadline_text})" if len(c.deadlines) > 1 else c.actor
    headline = _CONTROL.sub("", f"{actor}: {text}")  # RFC 5545 admits no control character but the line break
    event.add("summary", _short(headline))
    description = f"{text}\n\nDeadline: \u201c{deadline_text}\u201d\n{entry.title}\n{entry.url}"
    event.add("description", _CONTROL.sub("", description))
    if _NOT_IN_A_URI.search(entry.url):
        log.warning("calendar: %s: release url %r is not a URI: left out of its event", entry.key, entry.url,
                    extra=_ids(entry))
    else:
        event.add("url", quote(entry.url, safe=_URI_DELIMITERS))  # "<> and the like as a browser sends them
    event.add("categories", [c.category.value.replace("_", " ")])
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    live = entry.state in (EntryState.ACTIVE, EntryState.CHANGED)
    event.add("status", "CONFIRMED" if live else "CANCELLED")
    if live:
        for moment in alarms:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _short(f"Due {day:%-d %b %Y}: {headline}"))
            # an absolute trigger must say so (its default type is DURATION) and be in UTC (RFC 5545 3.8.6.3)
            alarm.add("trigger", moment, parameters={"VALUE": "DATE-TIME"})
            event.add_component(alarm)
    return event


def _short(text: str) -> str:
    """``text``, or its first characters and an ellipsis, :data:`SUMMARY_CHARS` code points at most, cut between
    characters as a reader sees them."""
    if len(text) <= SUMMARY_CHARS:
        return text
    return longest_start(text, lambda cut: len(cut) < SUMMARY_CHARS).rstrip() + "\u2026"
