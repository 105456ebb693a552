"""Reminder planning: when each deadline reminder falls due. Pure; time is an argument.

A date deadline is due on its date, a period on its end; a response-time rule
(hours after each piece of content) and a vague period have no calendar date.
A reminder fires at ``remind_at`` in its subscription's time zone (UTC by default) on the local day ``offset``
before the due date: days, weeks, months and years of an offset step back on that zone's calendar, its hours,
minutes and seconds are elapsed time back from that moment. A time of day a change to summer time skips is taken
at the offset before the change (an hour later by the clock), one a change back repeats at its first occurrence:
either way it fires once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from schemas.alerts import ReleaseRef, ReminderDue, ReminderInfo
from schemas.classified import Commitment, DateDeadline, Deadline, PeriodDeadline

from .durations import Duration, canonical_duration, parse_duration

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


def is_elapsed(deadline: Deadline, *, now: datetime, zone: tzinfo = timezone.utc) -> bool:
    """True when the deadline's due day is wholly past at ``now``, by the days of ``zone`` (UTC by default)."""
    due = due_date(deadline)
    return due is not None and due < now.astimezone(zone).date()


def plan_reminders(deadline: Deadline, offsets: list[str], *, now: datetime | None,
                   remind_at: time = REMIND_AT, zone: str | None = None) -> list[PlannedReminder]:
    """Reminders still ahead of ``now`` for ``deadline``, one per offset, soonest first.

    ``offsets`` are ISO 8601 durations before the due date (``P0D``: the day itself), fired at ``remind_at`` in
    ``zone`` (an IANA name; None: ``remind_at``'s own zone, UTC when naive), see :func:`fire_time`.
    Offsets already past at ``now`` are dropped; an elapsed or dateless deadline gives none. ``now`` None: every
    offset of a dated deadline, whenever it falls.
    """
    due = due_date(deadline)
    where = _zone(remind_at, zone)
    if due is None or (now is not None and is_elapsed(deadline, now=now, zone=where)):
        return []
    planned = [PlannedReminder(offset=o, due=due, fire_at=fire_time(due, o, remind_at=remind_at, zone=zone))
               for o in offsets]
    return sorted((p for p in planned if now is None or p.fire_at > now), key=lambda p: p.fire_at)


def fire_time(due: date, offset: str, *, remind_at: time = REMIND_AT, zone: str | None = None) -> datetime:
    """When the reminder ``offset`` (ISO 8601) before ``due`` fires (UTC): ``remind_at`` in ``zone`` (an IANA
    name; None: ``remind_at``'s own zone, UTC when naive) on the local day the offset's days (weeks, months,
    years) name before ``due``, less the offset's hours, minutes and seconds. A local time skipped by a change to
    summer time is read at the offset before the change, one repeated at its first occurrence."""
    whole = parse_duration(offset)
    days = Duration(whole.months, timedelta(days=whole.delta.days))
    local = days.before(datetime.combine(due, remind_at.replace(tzinfo=None))).replace(tzinfo=_zone(remind_at, zone))
    return local.astimezone(timezone.utc) - (whole.delta - days.delta)


def _zone(remind_at: time, zone: str | None) -> tzinfo:
    return ZoneInfo(zone) if zone is not None else remind_at.tzinfo or timezone.utc


def reminder_id(subscription_id: str, commitment_id: str, deadline_number: int, offset: str) -> str:
    """Stable id of one reminder: the same deadline and offset always give the same id, so scheduling twice
    replaces, and a moved due date moves the job. ``deadline_number``: the deadline's number
    (:func:`numbers_of`), its place in the commitment unless a version wrote one before another. ``offset`` is
    read as the moment it names (:func:`.durations.canonical_duration`): reworded (``P7D`` as ``P1W``), it names
    the same reminder."""
    return written_reminder_id(subscription_id, commitment_id, deadline_number, canonical_duration(offset))


def written_reminder_id(subscription_id: str, commitment_id: str, deadline_number: int, offset: str) -> str:
    """The id earlier versions gave a reminder: from its offset's text as written (the same as
    :func:`reminder_id` for one written in days, ``P7D``; another for ``P1W``). Reminders they planned are still
    stored under it."""
    raw = f"{subscription_id}\x1f{commitment_id}\x1f{deadline_number}\x1f{offset}"
    return "rem-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def reminder_slot(subscription_id: str, chain: str, due: date, offset: str) -> str:
    """What one reminder reminds a subscriber of, whichever announcement planned it: ``offset`` before ``due``
    for a commitment of ``chain`` (the first announcement of its re-announcement chain, see
    :mod:`.announcements`; its own id when it has none). Two announcements of one commitment for one day share
    it, so it is fired once; another day is another slot. ``offset`` is read as the moment it names, as in
    :func:`reminder_id`."""
    return written_reminder_slot(subscription_id, chain, due, canonical_duration(offset))


def fired_mark(slot: str, generation: int | None) -> str:
    """The mark (unprefixed key) a firing of ``slot`` sets, for a subscription of stored ``generation`` (None: one
    of the subscriptions file, or a reminder planned before reminders carried it). A subscription made again
    under its id (a generation past 1: each create and delete counts one) has marks of its own, so that what the
    deleted one was reminded of does not stop its reminders; one never deleted keeps the marks of the slot alone,
    as they were written before generations named them."""
    suffix = f":g{generation}" if generation is not None and generation > 1 else ""
    return f"notifier:reminded:{slot}{suffix}"


def written_reminder_slot(subscription_id: str, chain: str, due: date, offset: str) -> str:
    """The slot earlier versions gave a reminder: from its offset's text as written (the same as
    :func:`reminder_slot` for one written in days, ``P7D``; another for ``P1W``). Their fired marks name it."""
    raw = f"{subscription_id}\x1f{chain}\x1f{due.isoformat()}\x1f{offset}"
    return "slot-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def numbers_of(c: Commitment, numbers: Mapping[str, Sequence[int]]) -> Sequence[int]:
    """The numbers of ``c``'s deadlines: ``numbers[c.id]`` (:attr:`.version_changes.Numbering.numbers`), or their
    places when it is not there."""
    return numbers.get(c.id) or range(len(c.deadlines))


def sibling_reminder_ids(subscription_id: str, siblings: Iterable[Commitment], due: date, offset: str) -> list[str]:
    """The ids of the reminders that other announcements of a commitment (``siblings``) plan for the subscriber,
    ``offset`` before ``due``: one for each deadline of theirs due that day, numbered by place (what the earlier
    releases that set those marks numbered them by, from the offset as written)."""
    return [written_reminder_id(subscription_id, c.id, i, offset) for c in siblings
            for i, deadline in enumerate(c.deadlines) if due_date(deadline) == due]


@dataclass(frozen=True)
class ReminderJob:
    """One reminder to schedule: its stable id, when it fires, whom it reminds, and of which deadline
    (``commitment.deadlines[deadline_index]``, ``offset`` before its due date)."""

    reminder_id: str
    fire_at: datetime
    subscription_id: str
    release: ReleaseRef
    commitment: Commitment
    deadline_index: int
    offset: str

    # The id earlier versions gave it (:func:`written_reminder_id`), under which a reminder they planned is still
    # stored: its own id unless its offset is written otherwise than in its one spelling (``P1W``).
    written_id: str = field(default="", compare=False)

    @property
    def names(self) -> frozenset[str]:
        """Its id, and the one earlier versions gave it."""
        return frozenset((self.reminder_id, self.written_id or self.reminder_id))

    def due(self, *, fired_at: datetime) -> ReminderDue:
        """What this reminder says when it fires at ``fired_at``."""
        return reminder_due(self.reminder_id, self.subscription_id, self.release, self.commitment,
                            self.deadline_index, self.offset, fired_at=fired_at)


def reminder_due(reminder_id: str, subscription_id: str, release: ReleaseRef, commitment: Commitment,
                 deadline_index: int, offset: str, *, fired_at: datetime) -> ReminderDue:
    """The ``reminder.due`` of ``commitment``'s deadline ``deadline_index``, ``offset`` before it, fired at
    ``fired_at``. Raises ValueError (IndexError) when the deadline has no calendar date (or no such deadline)."""
    deadline = commitment.deadlines[deadline_index]
    due = due_date(deadline)
    if due is None:
        raise ValueError(f"deadline {deadline_index} of {commitment.id} has no calendar date")
    return ReminderDue(reminder_id=reminder_id, subscription_id=subscription_id, release=release,
                       commitment=commitment, reminder=ReminderInfo(deadline=deadline, offset=offset, due=due),
                       fired_at=fired_at)


def reminder_jobs(subscription_id: str, offsets: list[str], release: ReleaseRef, commitments: Iterable[Commitment],
                  *, now: datetime | None, remind_at: time = REMIND_AT, zone: str | None = None,
                  numbers: Mapping[str, Sequence[int]] = {}) -> list[ReminderJob]:
    """Every reminder still ahead of ``now`` (aware; None: whenever it falls) for ``commitments`` of ``release``,
    for a subscriber reminded ``offsets`` before each due date at ``remind_at`` in ``zone`` (its time zone, see
    :func:`fire_time`). Elapsed and dateless deadlines give none.
    ``numbers``: the deadlines' numbers that are not their places (:func:`numbers_of`), which name the reminders."""
    jobs: list[ReminderJob] = []
    if not offsets:  # no reminders: the deadlines are not even read (none can set the subscriber apart)
        return jobs
    for c in commitments:
        for i, (deadline, number) in enumerate(zip(c.deadlines, numbers_of(c, numbers))):
            for p in plan_reminders(deadline, offsets, now=now, remind_at=remind_at, zone=zone):
                rid = reminder_id(subscription_id, c.id, number, p.offset)
                written = written_reminder_id(subscription_id, c.id, number, p.offset)
                jobs.append(ReminderJob(rid, p.fire_at, subscription_id, release, c, i, p.offset, written))
    return jobs


def following(jobs: Iterable[ReminderJob], planned: Mapping[str, datetime], previous_ids: Mapping[str, str],
              numbers: Mapping[str, Sequence[int]] = {}) -> list[ReminderJob]:
    """The reminders of ``jobs`` (a release version's) that take the place of one of ``planned`` (what an earlier
    version planned, by id): the same reminder, its deadline moved or not, or the one of the commitment it was
    edited from (``previous_ids``: its id -> the id it had), for the same deadline number and offset (under either
    of its names: :attr:`ReminderJob.names`). What a
    subscription paused while a version is handled keeps: it is told nothing of that version, so it is reminded of
    nothing new in it, and of nothing the version took away or moved."""
    def replaces(job: ReminderJob) -> bool:
        if not job.names.isdisjoint(planned):
            return True
        was = previous_ids.get(job.commitment.id)
        number = numbers_of(job.commitment, numbers)[job.deadline_index]
        return was is not None and any(name(job.subscription_id, was, number, job.offset) in planned
                                       for name in (reminder_id, written_reminder_id))
    return [job for job in jobs if replaces(job)]


@dataclass(frozen=True)
class PlannedReminders:
    """The reminders scheduled for one subscriber and release: the version they were planned
    from, and each job id with its fire time (UTC). ``held``, not recorded: the reminders of that version whose
    time had come when it was planned (not planned again, nor cancelled: due, being fired, retried or fired); None
    when not worked out (every one whose time has come is then taken as held)."""

    version: int
    jobs: dict[str, datetime]
    held: frozenset[str] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, version: int, jobs: Iterable[ReminderJob], *,
           held: frozenset[str] | None = None) -> "PlannedReminders":
        return cls(version, {j.reminder_id: j.fire_at for j in jobs}, held)

    def to_json(self) -> str:
        return json.dumps({"version": self.version, "jobs": {k: v.isoformat() for k, v in self.jobs.items()}})

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> "PlannedReminders | None":
        if not raw:
            return None
        data = json.loads(raw)
        return cls(int(data["version"]), {k: datetime.fromisoformat(v) for k, v in data["jobs"].items()})


def settle_reminders(current: PlannedReminders | None, mine: PlannedReminders, *,
                     now: datetime) -> tuple[list[str], bool]:
    """Reconcile the reminders just scheduled (``mine``) with the record (``current``).

    Returns the job ids to cancel and whether ``mine`` becomes the record. A newer version
    already recorded wins: ours not in it are cancelled. Otherwise the recorded jobs that
    ``mine`` no longer plans are cancelled (a commitment reworded or gone, a deadline moved
    earlier, a withdrawn release), also one whose time has come and that has not fired yet (due
    while no notifier ran, or being retried); one whose time has come that ``mine`` still holds
    (``mine.held``; all of them when it is None) is left alone: it fires, or fired, as planned.
    """
    if current is not None and current.version > mine.version:
        return [rid for rid in mine.jobs if rid not in current.jobs], False
    old = current.jobs if current is not None else {}
    return sorted(rid for rid, at in old.items() if rid not in mine.jobs and (at > now or (mine.held is not None and rid not in mine.held))), True
