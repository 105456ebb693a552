"""Reminders planned at another ``PLEDGEWATCH_REMINDER_TIME``, moved to the current one when a leader is elected.

A reminder fires on its day (its deadline's due date, less its offset) at the reminder time of the notifier that
planned it. ``notifier:reminders:remind-at`` records the time the planned reminders are at (``HH:MM``); a leader
elected with another (or with none recorded: planned by an earlier version, at a time not known) plans each
reminder still ahead again at its own, then records it, so that later elections, and the other replicas, find
nothing to do. A leader that dies midway leaves the record as it was: the next one moves what is left.

Only a reminder still ahead and at its first attempt moves (one due already fires as it is; a retry keeps its
backoff), and only if it is still planned as read and not claimed (:meth:`ReminderStore.retime`), so a newer
version's plan, made at the new time meanwhile, stands. One whose new time has passed fires at once. With it
moves its time in its subscriber's record of its release (:mod:`.agenda`), which a later version cancels against.
A reminder that fired at the old time is no longer planned: nothing fires it again.

A subscription's time zone places its reminders as well (:func:`.reminders.fire_time`). ``notifier:reminders:zones``
records, by subscription, the zone its planned reminders are at (none recorded: UTC, as all were before
subscriptions had one); the leader, at each tick, moves those of a subscription whose zone is now another, as
above (its own reminders only, found from its record of what each release planned), then records the zone. A
release planned from the subscription read before its zone changed may write its reminders after the tick recorded
the new one: their script then records the zone as not known (``''``), so that the next tick moves them too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from .reminder_records import PlannedRecord, Subject
from .reminder_store import BULK, DEFAULT_ZONE, ZONES, ReminderStore
from .reminders import PlannedReminders, due_date, fire_time

log = logging.getLogger(__name__)

# Recorded for a subscription while its reminders are being moved: a leader that dies midway leaves it, so the next
# tick moves them again; a release that settles reminders in another zone meanwhile records the zone unknown ('').
MOVING = "moving"
# KEYS: the zones. ARGV: the subscription id, the mark its move began with, its zone ('' for UTC: none recorded).
# Recorded only if the mark is still there: else reminders settled meanwhile are to be moved at the next tick.
_RECORD_ZONE = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
"""

REMIND_AT = "notifier:reminders:remind-at"


async def retime_reminders(store: ReminderStore, client: Any, key: Any, *, remind_at: time, now: datetime,
                           zones: Mapping[str, str] = {}) -> int:
    """Move every reminder still ahead of ``now`` to ``remind_at`` in its subscription's zone (``zones``: by
    subscription id; UTC when not there), unless the record says they are at it already; returns how many
    moved."""
    wanted = remind_at.strftime("%H:%M")
    recorded = await client.get(key(REMIND_AT))
    if recorded is not None and recorded.decode() == wanted:
        return 0
    subjects: dict[str, Subject | None] = {}
    moved, batch = 0, []
    async for rid, raw in client.hscan_iter(store.planned_key, count=BULK):
        batch.append((rid, raw))
        if len(batch) >= BULK:
            moved += await _move(store, client, key, batch, subjects, remind_at=remind_at, now=now, zones=zones)
            batch = []
    moved += await _move(store, client, key, batch, subjects, remind_at=remind_at, now=now, zones=zones)
    await client.set(key(REMIND_AT), wanted)
    if recorded is None and not moved:
        return 0  # the first start (of this version): nothing was planned at another time
    log.info("reminder time %s (planned at %s): %d reminder(s) still ahead moved to it", wanted,
             recorded.decode() if recorded is not None else "an unrecorded time", moved)
    return moved


async def rezone_reminders(store: ReminderStore, client: Any, key: Any, zones: Mapping[str, str], *,
                           remind_at: time, now: datetime) -> int:
    """Move the reminders still ahead of ``now`` of each subscription whose zone (``zones``: by subscription id)
    is not the one recorded for it to ``remind_at`` in its zone, then record it (UTC, the default, by no record);
    returns how many moved. The record of a subscription no longer there is dropped: each move is worked out from
    the zone alone, so the record only spares the work, and one missing costs a look at reminders already right."""
    recorded = {sub.decode(): zone.decode() for sub, zone in (await client.hgetall(key(ZONES))).items()}
    gone = [sub_id for sub_id in recorded if sub_id not in zones]
    if gone:
        await client.hdel(key(ZONES), *gone)
    moved = 0
    for sub_id, zone in zones.items():
        if recorded.get(sub_id, DEFAULT_ZONE) == zone:
            continue
        # moving, before what to move is read: reminders settled after that read, in another zone, mark it unknown
        await client.hset(key(ZONES), sub_id, MOVING)
        ids = sorted(await _planned_ids(client, key(f"notifier:reminders:planned:{sub_id}")))
        subjects: dict[str, Subject | None] = {}
        its = 0
        for i in range(0, len(ids), BULK):
            chunk = ids[i:i + BULK]
            raws = await client.hmget(store.planned_key, chunk)
            batch = [(rid.encode(), raw) for rid, raw in zip(chunk, raws) if raw is not None]
            its += await _move(store, client, key, batch, subjects, remind_at=remind_at, now=now, zones=zones)
        await client.eval(_RECORD_ZONE, 1, key(ZONES), sub_id, MOVING, "" if zone == DEFAULT_ZONE else zone)
        moved += its
        was = recorded.get(sub_id, DEFAULT_ZONE)
        # a subscription made in a zone has its zone recorded here too: only a move is news
        log.log(logging.INFO if its else logging.DEBUG,
                "subscription %s: time zone %s (planned in %s); its %d reminder(s) still ahead moved to it", sub_id,
                zone, was if was not in ("", MOVING) else "another zone", its)
    return moved


async def _planned_ids(client: Any, agenda_key: str) -> set[str]:
    """The ids of the reminders a subscriber's record (:mod:`.agenda`) says each release planned."""
    ids: set[str] = set()
    for raw in (await client.hgetall(agenda_key)).values():
        try:
            planned = PlannedReminders.from_json(raw)
        except ValueError:  # unreadable: its reminders stay where they are
            continue
        if planned is not None:
            ids.update(planned.jobs)
    return ids


async def _move(store: ReminderStore, client: Any, key: Any, batch: list[tuple[bytes, bytes]],
                subjects: dict[str, Subject | None], *, remind_at: time, now: datetime,
                zones: Mapping[str, str]) -> int:
    """Move the reminders of ``batch`` (id, record) that are ahead of ``now`` and not at ``remind_at`` in their
    subscription's zone."""
    records = [(rid.decode(), raw, PlannedRecord.from_json(raw)) for rid, raw in batch]
    records = [(rid, raw, r) for rid, raw, r in records if r is not None and r.attempt == 1]  # legacy: not here
    if not records:
        return 0
    scores = await client.zmscore(store.due_key, [rid for rid, _, _ in records])
    wanted = sorted({r.subject for _, _, r in records} - set(subjects))
    if wanted:
        for subject_key, text in zip(wanted, await client.hmget(store.subjects_key, wanted)):
            subjects[subject_key] = _subject(text)
    moves = []
    for (rid, raw, record), score in zip(records, scores):
        subject = subjects.get(record.subject)
        if score is None or score <= now.timestamp() or subject is None:
            continue
        at = _fire_time(subject, record, remind_at=remind_at, zone=zones.get(record.subscription_id, DEFAULT_ZONE))
        if at is None or at.timestamp() == score:
            continue
        moves.append((rid, raw, max(at, now), key(f"notifier:reminders:planned:{record.subscription_id}"),
                      subject.release.release_id))
    return await store.retime(moves)


def _subject(text: bytes | None) -> Subject | None:
    try:
        return Subject.from_json(text) if text else None
    except ValueError:  # unreadable: its reminder stays where it is (and fails when it fires, as before)
        return None


def _fire_time(subject: Subject, record: PlannedRecord, *, remind_at: time, zone: str) -> datetime | None:
    try:
        due = due_date(subject.commitment.deadlines[record.deadline_index])
        return None if due is None else fire_time(due, record.offset, remind_at=remind_at, zone=zone)
    except (IndexError, ValueError):
        return None
