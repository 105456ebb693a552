"""A digest subscriber's reminders of a day, brought forward into that day's digest.

A digest subscriber's reminder goes into its digest buffer when it fires. With the digest earlier in the day than
the reminder time (08:00 and 09:00, the defaults) it would wait for the next day's digest: an "on the day"
reminder would come the day after its deadline. So, when the digest of day D is about to be assembled, the
subscriber's reminders still planned later on D are moved to now (:meth:`ReminderStore.retime`, which leaves one
planned again, cancelled or claimed since it was read as it is, and moves its time in the subscriber's record of
its release) and fired as usual (once per slot, decision 0016), into the buffer the digest then reads. One that
fell due before the digest (a digest later in the day than the reminder time) fired at its time into the same
buffer: the digest of its day carries it too.

A reminder can still be buffered after the digest's last read of its buffer, when a burst of matches overtook its
watched reads and it took the last one as it is (decision 0036): it is sent on its own then, that day
(:func:`reminders_left`), as one firing after its day's digest is, never left for the next day's digest.

Should the notifier stop between the move and the digest, the moved reminders are due: the next leader's tick
fires them before it sends that digest, which was not recorded as sent.

What is planned for the rest of the day is read once per tick that sends digests (the due set from now to
midnight, and those reminders' records), not per subscriber: a subscriber's own record of its releases grows
with every release it was told of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from schemas.alerts import Alert
from services.common.streams import as_text

from .reminder_records import PlannedRecord, Subject
from .reminder_store import ReminderStore


@dataclass(frozen=True)
class LaterToday:
    """A reminder planned later today: its id, its record as read, when it is due (unix seconds), and its
    record parsed."""

    reminder_id: str
    raw: bytes
    at: float
    record: PlannedRecord


def end_of_day(moment: datetime) -> datetime:
    """Midnight after ``moment``'s day, in ``moment``'s zone (a digest's: its subscription's)."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


def by_subscriber(due: Iterable[tuple[str, float, bytes | None]]) -> dict[str, list[LaterToday]]:
    """The reminders of ``due`` (id, when it is due, its record or None when it is no longer planned) by
    subscriber; a record of an earlier layout is left out (it fires at its time)."""
    found: dict[str, list[LaterToday]] = {}
    for rid, at, raw in due:
        record = PlannedRecord.from_json(raw) if raw else None
        if record is not None:
            found.setdefault(record.subscription_id, []).append(LaterToday(rid, raw or b"", at, record))
    return found


def before(reminders: Iterable[LaterToday], until: datetime) -> list[LaterToday]:
    """Those of ``reminders`` due before ``until``: the digest of a day brings forward only that day's."""
    return [r for r in reminders if r.at < until.timestamp()]


async def planned_later_today(store: ReminderStore, client: Any, *, now: datetime) -> dict[str, list[LaterToday]]:
    """Every reminder due after ``now`` and within a day (midnight is before then in every time zone; each
    subscriber's digest takes those before its own, :func:`before`), by subscriber."""
    until = now + timedelta(days=1)
    window = await client.zrangebyscore(store.due_key, f"({now.timestamp()}", f"({until.timestamp()}",
                                        withscores=True)
    if not window:
        return {}
    records = await client.hmget(store.planned_key, [rid for rid, _ in window])
    return by_subscriber((as_text(rid), at, raw) for (rid, at), raw in zip(window, records))


async def bring_forward(store: ReminderStore, client: Any, agenda_key: Callable[[str], str],
                        reminders: list[LaterToday], *, now: datetime) -> int:
    """Move ``reminders`` (one subscriber's) to ``now``, with their times in the subscriber's records of their
    releases (``agenda_key``: subscription id -> its record); returns how many moved."""
    if not reminders:
        return 0
    keys = sorted({r.record.subject for r in reminders})
    releases = {key: Subject.from_json(raw).release.release_id if raw else ""
                for key, raw in zip(keys, await client.hmget(store.subjects_key, keys))}
    return await store.retime([(r.reminder_id, r.raw, now, agenda_key(r.record.subscription_id),
                                releases[r.record.subject]) for r in reminders])


def reminders_left(buffer: list[bytes]) -> list[tuple[bytes, Alert]]:
    """The reminders among the entries of a digest buffer (each as read, and parsed), oldest first: those left
    in it once its day's digest is recorded, which the next day's digest would carry after their day."""
    alerts = ((raw, Alert.model_validate_json(raw)) for raw in buffer)
    return [(raw, alert) for raw, alert in alerts if alert.kind == "reminder"]
