"""The text of ``pledgewatch subscriptions reminders ID`` (pure: the API's answer in, lines out)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from services.common.logs import escape
from services.notifier.reminder_listing import MAX_LIMIT

from .whole_numbers import whole_number

TEXT_CHARS = 60  # of a commitment's sentence, on its reminder's line


def limit_count(text: str) -> int:
    """A ``--limit`` argument: how many reminders to list, 1 to :data:`MAX_LIMIT`."""
    return whole_number(text, wanted="how many to list", most=MAX_LIMIT)


def _when(iso: str, zone: str) -> str:
    """``2027-02-04 09:00 AEDT (2027-02-03 22:00 UTC)``; the UTC time alone for a subscription in UTC."""
    at = datetime.fromisoformat(iso)
    utc = f"{at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    return utc if zone == "UTC" else f"{at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M %Z} ({utc})"


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS - 1].rstrip() + "…"


def reminder_line(reminder: dict[str, Any], zone: str) -> str:
    """One planned reminder: when it goes out, its offset before which due date, and of what."""
    offset = "on the day (P0D)" if reminder["offset"] == "P0D" else f"{reminder['offset']} before"
    commitment, release = reminder.get("commitment"), reminder.get("release")
    if commitment is None or release is None:
        what = "its commitment cannot be read (it fails when it goes out, and is retried)"
        return f"  {_when(reminder['fires_at'], zone)}  {offset} deadline {reminder['deadline_index'] + 1}: {what}"
    due = f"{date.fromisoformat(reminder['due']):%-d %b %Y}" if reminder.get("due") else "?"
    dropped = f"  NOT SENT unless changed: {reminder['dropped']}" if reminder.get("dropped") else ""
    return (f"  {_when(reminder['fires_at'], zone)}  {offset} {due}  {commitment['id']} "
            f"\"{_shortened(commitment['text'])}\"  ({release['release_id']} v{release['version']}){dropped}")


def reminders_lines(body: dict[str, Any], *, limit: int) -> list[str]:
    """The answer of ``GET /subscriptions/{id}/reminders`` as lines a person reads, soonest first."""
    sub, zone, planned = body["subscription"], body["timezone"], body["planned"]
    if not planned:
        return [f"{sub}: no reminders planned (they are planned when it is sent a commitment with a dated deadline "
                "ahead, at the offsets of its `reminders`)"]
    where = "" if zone == "UTC" else f", times in {zone}"
    lines = [f"{sub}: {planned} reminder{'s' if planned != 1 else ''} planned{where}"]
    lines += [escape(reminder_line(r, zone)) for r in body["reminders"]]  # a release's text: no escape sequences
    if body["more"]:
        lines.append(f"  … and {body['more']} more ({_more_hint(limit, body['more'])})")
    return lines


def _more_hint(limit: int, more: int) -> str:
    return f"--limit {limit + more} lists them" if limit + more <= MAX_LIMIT else "--all lists them all"


def joined(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """The answers of the pages of one listing (the first, then each one's ``next_cursor`` followed to the last) as
    one answer: every reminder listed, in order; how many are planned as the last page counted them."""
    last = pages[-1]
    return {**last, "more": 0, "next_cursor": None, "reminders": [r for page in pages for r in page["reminders"]]}
