"""What reminders are scheduled for each subscriber and release, kept in step with its versions.

``notifier:reminders:planned:<subscription>`` (hash: release id -> JSON
``{"version": n, "jobs": {reminder id: fire time}}``) records the reminders
planned from the latest version handled. A newer version schedules its own and
cancels the recorded ones it no longer plans (a reworded sentence has a new
commitment id, hence new reminder ids); a withdrawn release plans none, so all
its reminders still ahead are cancelled. Scheduling happens before the record is
written and the entry acknowledged, so a crash in between only repeats it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time

from redis.exceptions import WatchError

from schemas.classified import ReleaseClassified
from services.common.streams import Entry, Streams

from .planning import Plan, release_ref
from .quarantine import Quarantined, isolate
from .reminders import PlannedReminders, reminder_jobs, settle_reminders
from .scheduler import ReminderScheduler
from .subscriptions import Subscription


class ReminderAgenda:
    def __init__(self, streams: Streams, scheduler: ReminderScheduler, *, remind_at: time) -> None:
        self.streams, self.scheduler, self.remind_at = streams, scheduler, remind_at

    def key(self, sub_id: str) -> str:
        return self.streams.key(f"notifier:reminders:planned:{sub_id}")

    async def schedule(self, release: ReleaseClassified, plans: list[tuple[Subscription, Plan]], *,
                       now: datetime) -> tuple[list[tuple[str, PlannedReminders]], list[Quarantined]]:
        """Schedule the reminders of this version of ``release`` for each subscriber whose record
        is of an older version (none: already done, or this version is stale). A subscriber whose
        reminders cannot be planned is returned as quarantined; the others are scheduled."""
        if not plans:
            return [], []
        ref = release_ref(release)
        records = await self._records([self.key(sub.id) for sub, _ in plans], release.release_id)
        matched = {sub.id: plan.matched for sub, plan in plans}
        currents = {sub.id: PlannedReminders.from_json(raw) for (sub, _), raw in zip(plans, records)}
        due = [sub for sub, _ in plans
               if currents[sub.id] is None or currents[sub.id].version < release.version]  # type: ignore[union-attr]
        ready, quarantined = isolate(due, "planning reminders", lambda sub: reminder_jobs(
            sub.id, sub.reminders, ref, matched[sub.id], now=now, remind_at=self.remind_at))
        planned, jobs = [], []
        for sub, mine in ready:
            current = currents[sub.id]
            if mine or current is not None or release.version > 1:  # else nothing to plan nor cancel
                jobs.extend(mine)
                planned.append((sub.id, PlannedReminders.of(release.version, mine)))
        if jobs:
            await asyncio.to_thread(self.scheduler.apply, jobs, [])
        return planned, quarantined

    async def _records(self, keys: list[str], release_id: str) -> list[bytes | None]:
        """The planned-reminders records of ``release_id`` under ``keys``, in one round trip (on another
        connection than a WATCH, which still fails the transaction on any write after it)."""
        if not keys:
            return []
        async with self.streams.client.pipeline(transaction=False) as reads:
            for key in keys:
                reads.hget(key, release_id)
            return await reads.execute()

    async def settle(self, release: ReleaseClassified, planned: list[tuple[str, PlannedReminders]],
                     entry: Entry | None, *, now: datetime) -> None:
        """Cancel the reminders no longer planned (see :func:`settle_reminders`), record what is, and XACK."""
        streams = self.streams
        keys = [self.key(sub_id) for sub_id, _ in planned]
        async with streams.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    if keys:
                        await pipe.watch(*keys)
                    cancel, writes = [], []
                    for key, (_, mine), raw in zip(keys, planned, await self._records(keys, release.release_id)):
                        drop, keep = settle_reminders(PlannedReminders.from_json(raw), mine, now=now)
                        cancel.extend(drop)
                        if keep:
                            writes.append((key, mine))
                    if cancel:
                        await asyncio.to_thread(self.scheduler.apply, [], cancel)
                    pipe.multi()
                    for key, mine in writes:
                        pipe.hset(key, release.release_id, mine.to_json())
                    if entry is not None:
                        pipe.xack(entry.stream, entry.group, entry.entry_id)
                    await pipe.execute()
                    return
                except WatchError:
                    continue  # another version of the release was planned meanwhile: settle again
