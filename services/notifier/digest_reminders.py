"""A digest subscriber's reminders of a day, brought forward into that day's digest.

A digest subscriber's reminder goes into its digest buffer when it fires. With the digest earlier in the day than
the reminder time (08:00 and 09:00, the defaults) it would wait for the next day's digest: an "on the day"
reminder would come the day after its deadline. So, when the digest of day D is about to be assembled, the
subscriber's reminders still planned later on D are moved to now (:meth:`ReminderStore.retime`, which leaves one
planned again, cancelled or claimed since it was read as it is) and fired as usual (once per slot, decision 0016),
into the buffer the digest then reads. One that fell due before the digest (a digest later in the day than the
reminder time) fired at its time into the same buffer: the digest of its day carries it too.

Should the notifier stop between the move and the digest, the moved reminders are due: the next leader's tick
fires them before it sends that digest, which was not recorded as sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from .reminder_store import ReminderStore
from .reminders import PlannedReminders


def end_of_day(moment: datetime) -> datetime:
    """Midnight after ``moment``'s day (in ``moment``'s zone: the digest moments are UTC)."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


def later_that_day(due: Iterable[tuple[str, str, float | None]], *, now: datetime,
                   until: datetime) -> list[tuple[str, str]]:
    """The (release id, reminder id) of ``due`` (release id, reminder id, when it is due or None when it is not
    planned) due after ``now`` and before ``until``."""
    after, before = now.timestamp(), until.timestamp()
    return [(release_id, rid) for release_id, rid, at in due if at is not None and after < at < before]


async def bring_forward(store: ReminderStore, client: Any, agenda_key: str, *, now: datetime,
                        until: datetime) -> int:
    """Move the reminders of one subscriber (``agenda_key``: its record of what it has planned, by release) due
    after ``now`` and before ``until`` to ``now``; returns how many moved."""
    plans = {release_id.decode(): PlannedReminders.from_json(raw)
             for release_id, raw in (await client.hgetall(agenda_key)).items()}
    listed = [(release_id, rid) for release_id, plan in plans.items() if plan is not None for rid in plan.jobs]
    if not listed:
        return 0
    times = await client.zmscore(store.due_key, [rid for _, rid in listed])
    wanted = later_that_day([(release_id, rid, at) for (release_id, rid), at in zip(listed, times)],
                            now=now, until=until)
    if not wanted:
        return 0
    records = await client.hmget(store.planned_key, [rid for _, rid in wanted])
    return await store.retime([(rid, raw, now, agenda_key, release_id)
                               for (release_id, rid), raw in zip(wanted, records) if raw is not None])
