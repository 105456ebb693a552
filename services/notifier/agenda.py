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

from datetime import datetime, time

from redis.exceptions import WatchError

from schemas.classified import ReleaseClassified
from services.common.streams import Entry, Streams

from .planning import Plan, release_ref
from .quarantine import Quarantined, isolate
from .reminders import PlannedReminders, reminder_jobs, settle_reminders
from .reminder_store import ReminderStore
from .subscriptions import Subscription


def _may_plan(sub: Subscription, release: ReleaseClassified) -> bool:
    """Whether ``release`` may plan or cancel reminders for ``sub``: a later version may cancel those of an
    earlier one; a first version plans only the subscriber's own reminders."""
    return release.version > 1 or bool(sub.reminders)


class ReminderAgenda:
    def __init__(self, streams: Streams, store: ReminderStore, *, remind_at: time) -> None:
        self.streams, self.store, self.remind_at = streams, store, remind_at

    def key(self, sub_id: str) -> str:
        return self.streams.key(f"notifier:reminders:planned:{sub_id}")

    async def schedule(self, batch: list[tuple[ReleaseClassified, list[tuple[Subscription, Plan]]]], *,
                       now: datetime) -> list[tuple[list[tuple[str, PlannedReminders]], list[Quarantined]]]:
        """For each (release, plans) of distinct releases: schedule the reminders of this version for each
        subscriber whose record is of an older version (none: already done, or this version is stale).
        Returns, per release, what was planned and the subscribers whose reminders could not be planned
        (quarantined; the others are scheduled). One round trip to read, one call to the store. A first version
        for a subscriber without reminders plans nothing, whatever its record holds: that record is not read."""
        lookups = [(self.key(sub.id), release.release_id) for release, plans in batch for sub, _ in plans
                   if _may_plan(sub, release)]
        read = dict(zip(lookups, await self._records(lookups)))
        results, jobs = [], []
        for release, plans in batch:
            ref = release_ref(release)
            matched = {sub.id: plan.matched for sub, plan in plans}
            currents = {sub.id: PlannedReminders.from_json(read.get((self.key(sub.id), release.release_id)))
                        for sub, _ in plans}
            due = [sub for sub, _ in plans
                   if currents[sub.id] is None or currents[sub.id].version < release.version]  # type: ignore[union-attr]
            ready, quarantined = isolate(due, "planning reminders", lambda sub, ref=ref: reminder_jobs(
                sub.id, sub.reminders, ref, matched[sub.id], now=now, remind_at=self.remind_at))
            planned = []
            for sub, mine in ready:
                current = currents[sub.id]
                if mine or current is not None or release.version > 1:  # else nothing to plan nor cancel
                    jobs.extend(mine)
                    planned.append((sub.id, PlannedReminders.of(release.version, mine)))
            results.append((planned, quarantined))
        if jobs:
            await self.store.apply(jobs, [])
        return results

    async def _records(self, lookups: list[tuple[str, str]]) -> list[bytes | None]:
        """The planned-reminders record of each (key, release id), in one round trip (on another connection
        than a WATCH, which still fails the transaction on any write after it)."""
        if not lookups:
            return []
        fields_of: dict[str, list[str]] = {}  # one HMGET per subscriber, not an HGET per subscriber and release
        for key, release_id in lookups:
            fields_of.setdefault(key, []).append(release_id)
        async with self.streams.client.pipeline(transaction=False) as reads:
            for key, release_ids in fields_of.items():
                reads.hmget(key, release_ids)
            answers = await reads.execute()
        read = {(key, release_id): raw for (key, release_ids), raws in zip(fields_of.items(), answers)
                for release_id, raw in zip(release_ids, raws)}
        return [read[lookup] for lookup in lookups]

    async def settle(self, batch: list[tuple[ReleaseClassified, list[tuple[str, PlannedReminders]], Entry | None]],
                     *, now: datetime) -> None:
        """For each (release, planned, entry): cancel the reminders no longer planned (see
        :func:`settle_reminders`), record what is, and XACK the entry; all in one transaction."""
        streams = self.streams
        lookups = [(self.key(sub_id), release.release_id) for release, planned, _ in batch for sub_id, _ in planned]
        keys = sorted({key for key, _ in lookups})
        async with streams.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    if keys:
                        await pipe.watch(*keys)
                    raws = iter(await self._records(lookups))
                    cancel, writes = [], []
                    for release, planned, _ in batch:
                        for sub_id, mine in planned:
                            drop, keep = settle_reminders(PlannedReminders.from_json(next(raws)), mine, now=now)
                            cancel.extend(drop)
                            if keep:
                                writes.append((self.key(sub_id), release.release_id, mine))
                    if cancel:
                        await self.store.apply([], cancel)
                    pipe.multi()
                    for key, release_id, mine in writes:
                        pipe.hset(key, release_id, mine.to_json())
                    for _, _, entry in batch:
                        if entry is not None:
                            pipe.xack(entry.stream, entry.group, entry.entry_id)
                    await pipe.execute()
                    return
                except WatchError:
                    continue  # another version of the release was planned meanwhile: settle again
