"""What a ledger entry's calendar events show (:mod:`.calendar_feed`), to tell a version that revises them from
one that leaves them as they were. Pure."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from services.notifier.reminders import due_date

if TYPE_CHECKING:
    from .entries import LedgerEntry

STILL_MADE = ("active", "changed")  # CONFIRMED; removed and withdrawn are both CANCELLED


def shown(entry: LedgerEntry) -> tuple[object, ...]:
    """Everything of ``entry`` its events are written from: the summary and description (text, actor, each
    deadline's words, the release's title and URL), the category, each event's day and number, and its status.
    Not what the calendar leaves out: the source, money and kind as fields, spans, versions, history."""
    c = entry.commitment
    days: list[tuple[int, str, date | None]] = [
        (number, deadline.text, due_date(deadline)) for number, deadline in zip(entry.numbers(), c.deadlines)]
    return (c.text, c.actor, c.category.value, entry.title, entry.url, entry.state.value in STILL_MADE, days)
