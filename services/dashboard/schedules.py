"""When a subscription's reminders and weekly message arrive, in words, for its row on the dashboard. Pure."""

from __future__ import annotations

from datetime import time

from services.notifier.durations import duration_seconds, duration_words
from services.notifier.subscriptions import DueThisWeek


def reminders_label(offsets: list[str], remind_at: time, zone: str = "UTC") -> str:
    """``["P30D", "P1D", "P0D"]`` at 09:00 UTC as ``30 days and 1 day before each dated deadline, and on the day,
    at 09:00 UTC``: longest first; a reminder fires at ``remind_at`` (``PLEDGEWATCH_REMINDER_TIME``) in ``zone``
    (the subscription's) on its deadline's day, less its offset, so offsets of hours are counted back from that
    time."""
    if not offsets:
        return "none"
    words = [duration_words(o) for o in sorted(set(offsets), key=duration_seconds, reverse=True)]
    before = _listed([w for w in words if w])
    at = f"{remind_at:%H:%M} {zone}"
    if any("T" in o and duration_seconds(o) % 86_400 for o in offsets):
        return f"{before} before {at} on the day of each dated deadline" + (", and at it" if "" in words else "")
    if not before:
        return f"on the day of each dated deadline, at {at}"
    return f"{before} before each dated deadline{', and on the day' if '' in words else ''}, at {at}"


def weekly_label(weekly: DueThisWeek | None, zone: str = "UTC") -> str | None:
    """``Mondays at 08:00 (UTC): the deadlines of the 7 days ahead``; None when it is off. ``zone``: the
    subscription's, which it is in unless it names its own."""
    if weekly is None:
        return None
    return (f"{weekly.weekday.capitalize()}s at {weekly.at:%H:%M} ({weekly.zone(zone)}): "
            "the deadlines of the 7 days ahead")


def _listed(items: list[str]) -> str:
    """``a, b and c``."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
