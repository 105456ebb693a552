"""The weekly "falls due this week" message: when it is due, which seven days it covers, and what it says.
Pure; time is an argument.

A subscription's ``due_this_week`` names a weekday, a time and a time zone (unset: the subscription's). The
latest such moment not after now is its slot; the slot's ISO week is the message's idempotency key (one per
subscriber and week), and the seven days from the slot's day, in that time zone, are the days it covers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from schemas.due_week import DueDeadline, DueThisWeek

from .subscriptions import WEEKDAYS, DueThisWeek as WeeklyOption

__all__ = ["DueDeadline", "DueThisWeek", "WeekSlot", "assemble_due_week", "week_slot"]

DAYS = 7


@dataclass(frozen=True)
class WeekSlot:
    """One weekly moment of a subscription: when (aware, in its time zone) and the days it covers."""

    at: datetime

    @property
    def week(self) -> str:
        """The ISO 8601 week of the slot's day, ``2026-W50``: the key of "once a week"."""
        year, week, _ = self.at.date().isocalendar()
        return f"{year:04d}-W{week:02d}"

    @property
    def time_zone(self) -> str:
        """The IANA name of the zone its moment and days are in."""
        return str(self.at.tzinfo)

    @property
    def first_day(self) -> date:
        return self.at.date()

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=DAYS - 1)


def week_slot(option: WeeklyOption, *, now: datetime, subscription_zone: str = "UTC") -> WeekSlot:
    """The latest moment ``option`` names (its weekday, at its time, in its time zone, else in
    ``subscription_zone``, the subscription's) not after ``now`` (aware). A time of day that a change to summer
    time skips is taken at the offset before the change (an hour later by the clock); one that a change back
    repeats, at its first occurrence."""
    zone = ZoneInfo(option.zone(subscription_zone))
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - WEEKDAYS.index(option.weekday)) % DAYS)
    for candidate in (day, day - timedelta(days=DAYS)):
        moment = datetime.combine(candidate, option.at, tzinfo=zone)
        if moment <= now:
            return WeekSlot(moment)
    raise AssertionError("a slot a week earlier is always past")  # pragma: no cover


def assemble_due_week(subscription_id: str, option: WeeklyOption, slot: WeekSlot, deadlines: list[DueDeadline],
                      *, more: int, now: datetime) -> DueThisWeek | None:
    """The message of ``slot`` listing ``deadlines`` (soonest first; ``more`` left out); None when nothing
    falls due that week: an empty week sends nothing."""
    if not deadlines:
        return None
    raw = f"{subscription_id}\x1f{slot.week}"
    return DueThisWeek(digest_id="week-" + hashlib.sha256(raw.encode()).hexdigest()[:24],
                       subscription_id=subscription_id, week=slot.week, first_day=slot.first_day,
                       last_day=slot.last_day, time_zone=option.zone(slot.time_zone),
                       deadlines=sorted(deadlines, key=lambda d: (d.due, d.commitment_key)), more=more,
                       created_at=now)
