"""The reminders a release's new version cancels for a subscriber, named in its change alert. Pure; time is an
argument.

A version that moves or drops a deadline, removes a commitment or edits it out of the subscription's filter
cancels the reminders planned for it that were still to come (:mod:`.reminders`); the alert telling of the change
names them, each with the day it would have come, so that the subscriber does not wait for it. A reminder the new
version plans again (the same due date and offset) is not cancelled. The day is worked out as the reminders are
planned: at the reminder time (``PLEDGEWATCH_REMINDER_TIME``) in the subscription's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from schemas.alerts import CancelledReminder
from schemas.classified import Commitment

from .durations import canonical_duration
from .reminders import PlannedReminder, plan_reminders
from .subscriptions import Subscription


def _ahead(c: Commitment | None, sub: Subscription, now: datetime, remind_at: time) -> list[PlannedReminder]:
    return [p for d in (c.deadlines if c is not None else ())
            for p in plan_reminders(d, sub.reminders, now=now, remind_at=remind_at, zone=sub.timezone)]


def cancelled_reminders(sub: Subscription, pairs: Iterable[tuple[Commitment, Commitment | None]], *,
                        now: datetime, remind_at: time) -> list[CancelledReminder]:
    """For each (earlier commitment, what it is now: None when removed or no longer selected) of ``pairs``, the
    reminders ``sub`` had still to come at ``now`` (aware) that what it is now does not have; soonest first.
    ``remind_at``: when on their day reminders fire, in the subscription's zone (as the scheduler places them)."""
    zone = ZoneInfo(sub.timezone or "UTC")
    cancelled = {}
    for was, now_is in pairs:
        kept = {(p.due, canonical_duration(p.offset)) for p in _ahead(now_is, sub, now, remind_at)}
        for p in _ahead(was, sub, now, remind_at):
            if (p.due, canonical_duration(p.offset)) not in kept:
                cancelled[(was.id, p.due, canonical_duration(p.offset))] = CancelledReminder(
                    commitment_id=was.id, commitment=" ".join(was.text.split()), due=p.due, offset=p.offset,
                    on=p.fire_at.astimezone(zone).date())
    return sorted(cancelled.values(), key=lambda r: (r.on, r.due, r.commitment_id))
