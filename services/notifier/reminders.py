"""Reminder planning: when each deadline reminder falls due. Pure; time is an argument.

A date deadline is due on its date, a period on its end; a response-time rule
(hours after each piece of content) and a vague period have no calendar date.
A reminder fires at ``remind_at`` (UTC) on the day ``offset`` before the due date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from schemas.classified import DateDeadline, Deadline, PeriodDeadline

from .durations import parse_duration

REMIND_AT = time(9, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class PlannedReminder:
    offset: str
    due: date
    fire_at: datetime


def due_date(deadline: Deadline) -> date | None:
    """The calendar date a deadline falls due, or None when it has none."""
    if isinstance(deadline, DateDeadline):
        return deadline.due
    if isinstance(deadline, PeriodDeadline):
        return deadline.end
    return None


def is_elapsed(deadline: Deadline, *, now: datetime) -> bool:
    """True when the deadline's due day is wholly past at ``now`` (UTC)."""
    due = due_date(deadline)
    return due is not None and due < now.astimezone(timezone.utc).date()


def plan_reminders(deadline: Deadline, offsets: list[str], *, now: datetime,
                   remind_at: time = REMIND_AT) -> list[PlannedReminder]:
    """Reminders still ahead of ``now`` for ``deadline``, one per offset, soonest first.

    ``offsets`` are ISO 8601 durations before the due date (``P0D``: the day itself).
    Offsets already past at ``now`` are dropped; an elapsed or dateless deadline gives none.
    """
    due = due_date(deadline)
    if due is None or is_elapsed(deadline, now=now):
        return []
    on_day = datetime.combine(due, remind_at.replace(tzinfo=None), tzinfo=remind_at.tzinfo or timezone.utc)
    planned = [PlannedReminder(offset=o, due=due, fire_at=parse_duration(o).before(on_day)) for o in offsets]
    return sorted((p for p in planned if p.fire_at > now), key=lambda p: p.fire_at)


def reminder_id(subscription_id: str, commitment_id: str, deadline_index: int, offset: str) -> str:
    """Stable id of one reminder: the same deadline slot and offset always give the same id,
    so scheduling twice replaces, and a moved due date moves the job."""
    raw = f"{subscription_id}\x1f{commitment_id}\x1f{deadline_index}\x1f{offset}"
    return "rem-" + hashlib.sha256(raw.encode()).hexdigest()[:24]
