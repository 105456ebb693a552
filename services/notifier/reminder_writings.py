"""Reminders an earlier version planned for both writings of a commitment written twice in one release: sent once.

Earlier versions told a commitment written twice in one release (its summary and its paragraph) as two, and planned
reminders for each writing; this one tells and reminds the first writing only (decision 0040), and cancels the
second's when it handles a later version of the release. A reminder an earlier version planned for a second writing
and still planned at the upgrade would be sent besides the first writing's, on the same day for the same offset:
the first leader of this version marks it fired by its id (``notifier:reminded:<id>:<due>``, the mark earlier
versions set, which stops it when it comes: :mod:`.firing`), kept until after its day, then records the upgrade done
(``notifier:reminders:writings``), so later elections skip the scan.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from schemas.classified import Commitment

from .announcements import written_twice
from .durations import canonical_duration
from .reminder_records import PlannedRecord, Subject, read_subject
from .reminder_store import BULK, ReminderStore
from .reminders import due_date

log = logging.getLogger(__name__)

WRITINGS = "notifier:reminders:writings"
WRITINGS_VERSION = "1"

Planned = tuple[str, PlannedRecord, Subject, date]  # reminder id, its record, its subject, its deadline's day
Moment = tuple[str, str, date, str]  # subscriber, release, due date, offset (its one spelling)


async def mark_second_writings_fired(store: ReminderStore, client: Any, key: Any, *, now: datetime,
                                     ttl_seconds: int) -> int:
    """Mark fired every planned reminder of a second writing whose first writing is reminded for the same
    subscriber, day and offset; returns how many were marked. Each mark outlives its reminder's day by
    ``ttl_seconds``."""
    if await client.get(key(WRITINGS)) == WRITINGS_VERSION.encode():
        return 0
    by_moment: dict[Moment, list[Planned]] = defaultdict(list)
    for planned in await _planned(store, client):
        rid, record, subject, due = planned
        moment = (record.subscription_id, subject.release.release_id, due, canonical_duration(record.offset))
        by_moment[moment].append(planned)
    seconds = [(rid, due) for group in by_moment.values() if len(group) > 1 for rid, due in _second_writings(group)]
    async with client.pipeline(transaction=False) as writes:
        for rid, due in seconds:
            writes.set(key(f"notifier:reminded:{rid}:{due.isoformat()}"), now.isoformat(), nx=True,
                       ex=_until_after(due, now) + ttl_seconds)
        writes.set(key(WRITINGS), WRITINGS_VERSION)
        await writes.execute()
    if seconds:
        log.warning("%d reminder(s) an earlier version planned for a commitment written again in its release will not "
                    "be sent: the first writing's are", len(seconds))
    return len(seconds)


def _second_writings(group: list[Planned]) -> list[tuple[str, date]]:
    """The reminders of ``group`` (one subscriber, release, day and offset) planned for a writing that writes again an
    earlier one planned there too (:func:`.announcements.written_twice`, in the release's order): (id, day)."""
    commitments: dict[str, Commitment] = {subject.commitment.id: subject.commitment for _, _, subject, _ in group}
    in_order = sorted(commitments.values(), key=lambda c: (c.span[0], c.id))
    firsts = written_twice(in_order)
    return [(rid, due) for rid, _, subject, due in group if firsts.get(subject.commitment.id) in commitments]


async def _planned(store: ReminderStore, client: Any) -> list[Planned]:
    """Every planned reminder of this version's layout whose subject and deadline can be read."""
    records: list[tuple[str, PlannedRecord]] = []
    async for rid, raw in client.hscan_iter(store.planned_key, count=BULK):
        record = PlannedRecord.from_json(raw)
        if record is not None:
            records.append((rid.decode() if isinstance(rid, bytes) else rid, record))
    keys = sorted({record.subject for _, record in records})
    subjects: dict[str, Subject | None] = {}
    for i in range(0, len(keys), BULK):
        chunk = keys[i:i + BULK]
        subjects.update(zip(chunk, map(read_subject, await client.hmget(store.subjects_key, chunk))))
    planned = []
    for rid, record in records:
        subject = subjects.get(record.subject)
        deadlines = subject.commitment.deadlines if subject is not None else []
        if subject is not None and record.deadline_index < len(deadlines):
            due = due_date(deadlines[record.deadline_index])
            if due is not None:
                planned.append((rid, record, subject, due))
    return planned


def _until_after(day: date, now: datetime) -> int:
    """Seconds from ``now`` to the end of ``day`` (UTC), at least 0."""
    end = datetime.combine(day + timedelta(days=1), time(0, tzinfo=timezone.utc))
    return max(0, int((end - now).total_seconds()))
