"""Where a deadline stands on a given day. Pure: the day is an argument."""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

from schemas.classified import Deadline
from services.notifier.reminders import due_date

DUE_WITHIN = timedelta(days=7)  # a deadline this close is "due", no longer merely "upcoming"


class DeadlineState(str, Enum):
    UPCOMING = "upcoming"
    DUE = "due"  # falls due within DUE_WITHIN, today included
    PASSED = "passed"
    STANDING = "standing"  # no calendar date to fall due: a response-time rule, or a period with no end


def deadline_state(deadline: Deadline, *, today: date, due_within: timedelta = DUE_WITHIN) -> DeadlineState:
    """The state of ``deadline`` on ``today`` (the reader's calendar day)."""
    day = due_date(deadline)  # a date's own day, a period's end; None when it has none
    if day is None:
        return DeadlineState.STANDING
    if day < today:
        return DeadlineState.PASSED
    return DeadlineState.DUE if day - today < due_within else DeadlineState.UPCOMING
