"""Reminders stored by earlier versions, brought into this version's shape when a leader is elected.

Earlier versions kept each reminder whole: a planned record holding its ``reminder.due`` payload (with
one APScheduler job per reminder, whose id is the reminder's) and, while it fired, a record in the hash
``notifier:reminders:firing``. The first leader of this version plans each such reminder again as a
record, a shared subject and a time in the due index (removing its old job), at its old fire time, or
now for one cut short while firing (one attempt further); then it marks the layout migrated
(``notifier:reminders:layout``), so later elections skip the scan. An old job that still runs (written
by a notifier of an earlier version still running) fires its reminder the same way
(:meth:`ReminderFiring.fire_legacy`).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from services.common.errors import failure_text

from .reminder_records import LegacyReminder, from_legacy, from_payload, is_legacy
from .reminder_store import BULK, ReminderStore

log = logging.getLogger(__name__)

LEGACY_FIRING = "notifier:reminders:firing"  # hash of earlier versions: reminder id -> {payload, attempt}
LAYOUT = "notifier:reminders:layout"
LAYOUT_VERSION = "due-index-1"


async def migrate_legacy_reminders(store: ReminderStore, client: Any, key: Any, *, now: datetime) -> int:
    """Plan again, in this version's shape, every reminder stored by an earlier version; returns how many."""
    if await client.get(key(LAYOUT)) == LAYOUT_VERSION.encode():
        return 0
    found: dict[str, tuple[LegacyReminder, datetime]] = {}
    async for rid, raw in client.hscan_iter(store.planned_key, count=BULK):
        if is_legacy(raw):
            _read(found, rid, lambda raw=raw: from_legacy(raw), now=now)
    for rid, raw in (await client.hgetall(key(LEGACY_FIRING))).items():
        current = await client.hget(store.planned_key, rid)
        if current is not None and not is_legacy(current):
            continue  # planned again by this version since
        data = json.loads(raw)  # cut short while firing: due now, one attempt further
        _read(found, rid, lambda d=data: from_payload(d["payload"], int(d["attempt"]) + 1), now=now)
    await store.plan([(legacy.reminder_id, legacy.record, at, legacy.subject.to_json())
                      for legacy, at in found.values()])
    async with client.pipeline(transaction=True) as pipe:
        pipe.delete(key(LEGACY_FIRING))
        pipe.set(key(LAYOUT), LAYOUT_VERSION)
        await pipe.execute()
    if found:
        log.warning("%d reminder(s) stored by an earlier version planned again in this version's shape", len(found))
    return len(found)


def _read(found: dict[str, tuple[LegacyReminder, datetime]], rid: bytes | str, read: Any, *, now: datetime) -> None:
    try:
        legacy: LegacyReminder = read()
    except Exception as exc:  # unreadable: left where it is, and said
        log.error("reminder %r stored by an earlier version cannot be read (%s); left as it is", rid,
                  failure_text(exc))
        return
    found[legacy.reminder_id] = (legacy, legacy.fire_at or now)
