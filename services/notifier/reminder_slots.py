"""Slots fired by an earlier version, marked as this version marks them: once, by the first leader.

Earlier versions marked a fired reminder by its id alone (``notifier:reminded:<id>:<due>``); this one marks its
slot (:func:`.reminders.reminder_slot`: subscriber, chain, due date, offset), so that a commitment announced
twice for one day is reminded once. A reminder still planned at the upgrade whose slot an earlier version fired
through another announcement's reminder (both fall due at the same second, so only one whose firing failed and
is retried, or one cut short) would be sent again: the first leader of this version marks fired the slot of
every such reminder, then records the upgrade done (``notifier:reminders:slots``), so later elections skip the
scan. The same holds of a slot the version before this one marked under its offset as written (``P1W``), which
this one names by the moment the offset names (``P7D``, :func:`.reminders.reminder_slot`): its mark is read too.
A reminder's own earlier mark is read when it fires (:mod:`.firing`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from .announcement_index import AnnouncementIndex
from .reminder_records import PlannedRecord, Subject, read_subject
from .reminder_store import BULK, ReminderStore
from .reminders import due_date, fired_mark, reminder_slot, sibling_reminder_ids, written_reminder_slot

log = logging.getLogger(__name__)

SLOTS = "notifier:reminders:slots"
SLOTS_VERSION = "2"  # 2: slots named by the moment their offset names (P1W as P7D), marked again from their spelling


async def mark_slots_fired_earlier(store: ReminderStore, index: AnnouncementIndex, client: Any, key: Any, *,
                                   now: datetime, ttl_seconds: int) -> int:
    """Mark fired the slot of every planned reminder whose chain's other announcements have a reminder of that
    slot an earlier version fired; returns how many were marked. Read a thousand reminders at a time (their
    subjects and announcement records are a kilobyte or two each)."""
    if await client.get(key(SLOTS)) == SLOTS_VERSION.encode():
        return 0
    records = []
    async for _, raw in client.hscan_iter(store.planned_key, count=BULK):
        record = PlannedRecord.from_json(raw)
        if record is not None:  # those of earlier layouts were planned again before (reminder_migration)
            records.append(record)
    records.sort(key=lambda r: r.subject)  # a subject's reminders together: each read once, mostly
    marked = 0
    for i in range(0, len(records), BULK):
        earlier = await _earlier(await _with_subjects(store, client, records[i:i + BULK]), index, key)
        marked += await _mark(client, earlier, value=now.isoformat(), ttl_seconds=ttl_seconds)
    await client.set(key(SLOTS), SLOTS_VERSION)
    if marked:
        log.warning("%d reminder(s) whose day an earlier version already reminded through another announcement of "
                    "their commitment will not be sent again", marked)
    return marked


async def _earlier(planned: list[tuple[PlannedRecord, Subject]], index: AnnouncementIndex, key: Any
                   ) -> list[tuple[str, list[str]]]:
    """For each planned reminder of a commitment announced more than once whose siblings plan reminders of its
    slot: (its slot's mark, the marks an earlier version set for those reminders when they fired)."""
    chains = await index.chains_of(subject.commitment.id for _, subject in planned)
    linked = {name: members for name, members in chains.values() if len(members) > 1}
    announced = await index.announced(a.commitment_id for members in linked.values() for a in members)
    commitments = {name: [r.commitment for r in (announced[a.commitment_id] for a in members) if r is not None]
                   for name, members in linked.items()}
    earlier = []
    for record, subject in planned:
        name, deadlines = chains[subject.commitment.id][0], subject.commitment.deadlines
        due = due_date(deadlines[record.deadline_index]) if record.deadline_index < len(deadlines) else None
        if name not in linked or due is None:
            continue
        siblings = [c for c in commitments[name] if c.id != subject.commitment.id]
        ids = sibling_reminder_ids(record.subscription_id, siblings, due, record.offset)
        if ids:
            slot = reminder_slot(record.subscription_id, name, due, record.offset)
            written = written_reminder_slot(record.subscription_id, name, due, record.offset)
            marks = [key(f"notifier:reminded:{i}:{due}") for i in ids]
            earlier.append((key(fired_mark(slot, record.generation)),
                            marks if written == slot else [*marks, key(f"notifier:reminded:{written}")]))
    return earlier


async def _with_subjects(store: ReminderStore, client: Any, records: list[PlannedRecord]
                         ) -> list[tuple[PlannedRecord, Subject]]:
    """``records`` with their subjects; those whose subject cannot be read are left out (they fail when fired)."""
    keys = sorted({r.subject for r in records})
    subjects = {k: read_subject(raw) for k, raw in zip(keys, await client.hmget(store.subjects_key, keys))} if keys else {}
    return [(r, subject) for r in records if (subject := subjects[r.subject]) is not None]


async def _mark(client: Any, earlier: list[tuple[str, list[str]]], *, value: str, ttl_seconds: int) -> int:
    """Set each slot's mark whose siblings' earlier marks exist (at least one); returns how many were set."""
    if not earlier:
        return 0
    async with client.pipeline(transaction=False) as reads:
        for _, marks in earlier:
            reads.exists(*marks)
        found = await reads.execute()
    fired = [slot for (slot, _), count in zip(earlier, found) if count]
    async with client.pipeline(transaction=False) as writes:
        for slot in fired:
            writes.set(slot, value, nx=True, ex=ttl_seconds)
        await writes.execute()
    return len(fired)
