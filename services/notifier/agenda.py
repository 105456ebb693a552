"""What reminders are scheduled for each subscriber and release, kept in step with its versions.

``notifier:reminders:planned:<subscription>`` (hash: release id -> JSON
``{"version": n, "jobs": {reminder id: fire time}}``) records the reminders
planned from the latest version handled. A newer version schedules its own and
cancels the recorded ones it no longer plans (a reworded sentence has a new
commitment id, hence new reminder ids); a withdrawn release plans none, so all
its reminders are cancelled, one whose time has come and that has not fired yet too
(due while no notifier ran, or being retried). Scheduling happens before the record is
written and the entry acknowledged, so a crash in between only repeats it; cancelling
happens in the script that writes the record, only if the record is still the one the
cancellations were worked out from (another handler may have recorded a newer version
that plans them again), and never of a reminder a newer version planned (another handler
may have planned it again and not yet recorded it): each reminder's record names the
version that planned it (:mod:`.reminder_records`). A release's record is dropped once the release is forgotten
and none of its reminders is still planned (:mod:`.retention`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from datetime import datetime, time
from typing import Any

from redis.asyncio.client import Pipeline

from schemas.alerts import ReleaseRef
from schemas.classified import ReleaseClassified
from services.common.streams import Entry, Streams

from .planning import Plan, release_ref
from .quarantine import Quarantined, isolate
from .reminder_scripts import HELPERS
from .reminders import PlannedReminders, ReminderJob, following, reminder_jobs, settle_reminders
from .reminder_store import FIRED_TTL_SECONDS, ReminderStore
from .subscriptions import Subscription

Records = dict[tuple[str, str], "bytes | None"]  # (key, release id) -> the planned-reminders record read
Generations = Mapping[str, int]  # stored subscription id -> its generation, as read with it

# KEYS: those of the reminder store's planning (``ReminderStore.planning_keys``: the subscriptions' generations, then
# the zones their reminders are recorded at, last). ARGV: the prefix of what cancelled reminders leave and its TTL
# (see ``cancel`` in :mod:`.reminder_scripts`), how many generations to compare, zones planned in, records to compare,
# reminders to cancel, records to write; for each generation its subscription's id and the generation read; for each
# zone a subscription's id and the time zone its reminders were
# planned in; for each record to compare its key, release id, 1/0 (one was read, or none) and the record read; for
# each reminder to cancel its id and the release version cancelling it; for each to write its key, release id and
# record; then the entries to XACK (stream, group, id). If a subscription was deleted (or made again) since it was
# read, nothing is written: returns -1 (the run is planned again, for the subscriptions there now; the reminders
# written for the one deleted are taken out: ``ReminderStore.unplan_stale``). Else cancels, writes and acknowledges only if every record is still as read
# (what to cancel was worked out from them): returns 1, else 0. Writing, it records the zone of a subscription planned
# in another zone than the one recorded as not known (''): planned from the subscription read before its zone changed,
# after the leader's tick had read what to move, its reminders are moved at the next tick (:mod:`.reminder_retime`). A
# reminder a newer version planned is not cancelled: that version's handler may have planned it again after these
# records were read, and will settle against the record written here.
_SETTLE = HELPERS + """
local gone, ttl = ARGV[1], ARGV[2]
local generations, zones, checks = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local cancels, writes, at = tonumber(ARGV[6]), tonumber(ARGV[7]), 8
for _ = 1, generations do
  if not of_generation(KEYS[7], ARGV[at], ARGV[at + 1]) then return -1 end
  at = at + 2
end
local planned_in = at
at = at + 2 * zones
for _ = 1, checks do
  local now = redis.call('HGET', ARGV[at], ARGV[at + 1])
  if ARGV[at + 2] == '1' then
    if now ~= ARGV[at + 3] then return 0 end
  elseif now then
    return 0
  end
  at = at + 4
end
for _ = 1, cancels do
  cancel(ARGV[at], ARGV[at + 1], gone, ttl)
  at = at + 2
end
for _ = 1, writes do
  redis.call('HSET', ARGV[at], ARGV[at + 1], ARGV[at + 2])
  at = at + 3
end
for z = planned_in, planned_in + 2 * zones - 1, 2 do
  if (redis.call('HGET', KEYS[8], ARGV[z]) or 'UTC') ~= ARGV[z + 1] then  -- none recorded: UTC
    redis.call('HSET', KEYS[8], ARGV[z], '')
  end
end
while at <= #ARGV do
  redis.call('XACK', ARGV[at], ARGV[at + 1], ARGV[at + 2])
  at = at + 3
end
return 1
"""


def _may_plan(sub: Subscription, release: ReleaseClassified) -> bool:
    """Whether ``release`` may plan or cancel reminders for ``sub``: a later version may cancel those of an
    earlier one; a first version plans only the subscriber's own reminders."""
    return release.version > 1 or bool(sub.reminders)


class ReminderAgenda:
    def __init__(self, streams: Streams, store: ReminderStore, *, remind_at: time) -> None:
        self.streams, self.store, self.remind_at = streams, store, remind_at
        self._settle_script = streams.client.register_script(_SETTLE)

    def key(self, sub_id: str) -> str:
        return self.streams.key(f"notifier:reminders:planned:{sub_id}")

    def lookups(self, releases: list[ReleaseClassified], subs: list[Subscription]) -> list[tuple[str, str]]:
        """The (key, release id) of each planned-reminder record :meth:`schedule` may need for ``releases`` and
        any of ``subs``: to read beforehand, with other reads (see :meth:`queue_records`)."""
        return [(self.key(sub.id), release.release_id) for release in releases for sub in subs
                if _may_plan(sub, release)]

    async def schedule(self, batch: list[tuple[ReleaseClassified, list[tuple[Subscription, Plan]]]], *,
                       now: datetime, read: Records | None = None, generations: Generations | None = None
                       ) -> list[tuple[list[tuple[str, PlannedReminders]], list[Quarantined]]]:
        """For each (release, plans) of distinct releases: schedule the reminders of this version for each
        subscriber whose record is of an older version (none: already done, or this version is stale).
        Returns, per release, what was planned and the subscribers whose reminders could not be planned
        (quarantined; the others are scheduled). The records are those ``read`` beforehand (of
        :meth:`lookups`), or else read here in one round trip; then one call to the store (:meth:`plan`, then
        :meth:`apply`, with ``generations``)."""
        if read is None or not self.covers(batch, read):
            lookups = self._lookups(batch)
            read = dict(zip(lookups, await self._records(lookups)))
        results, jobs = self.plan(batch, now=now, read=read)
        await self.apply(jobs, generations)
        return results

    def _lookups(self, batch: list[tuple[ReleaseClassified, list[tuple[Subscription, Plan]]]]) -> list[tuple[str, str]]:
        return [(self.key(sub.id), release.release_id) for release, plans in batch for sub, _ in plans
                if _may_plan(sub, release)]

    def covers(self, batch: list[tuple[ReleaseClassified, list[tuple[Subscription, Plan]]]], read: Records) -> bool:
        """Whether ``read`` holds every record :meth:`plan` needs for ``batch``."""
        return all(lookup in read for lookup in self._lookups(batch))

    def plan(self, batch: list[tuple[ReleaseClassified, list[tuple[Subscription, Plan]]]], *, now: datetime,
             read: Records) -> tuple[list[tuple[list[tuple[str, PlannedReminders]], list[Quarantined]]],
                                     list[ReminderJob]]:
        """What :meth:`schedule` does for ``batch``, from records ``read`` (see :meth:`covers`), without I/O:
        per release, what is planned and who is quarantined; and the reminder jobs to schedule
        (:meth:`apply`). A first version for a subscriber without reminders plans nothing, whatever its record
        holds: that record is not read. Nothing planned, no job and none quarantined: nothing to schedule or
        settle, the entries may be acknowledged at once."""
        results, jobs = [], []
        for release, plans in batch:
            ref = release_ref(release)
            matched = {sub.id: plan.matched for sub, plan in plans}
            paused = {sub.id: plan for sub, plan in plans if plan.paused}
            numbers = {sub.id: plan.numbers for sub, plan in plans}
            currents = {sub.id: PlannedReminders.from_json(read.get((self.key(sub.id), release.release_id)))
                        for sub, _ in plans}
            due = [sub for sub, _ in plans  # a paused subscription follows what was planned, if anything was
                   if (currents[sub.id] is None and sub.id not in paused)
                   or (currents[sub.id] is not None
                       and currents[sub.id].version < release.version)]  # type: ignore[union-attr]

            def jobs_of(sub: Subscription, when: datetime | None, ref: ReleaseRef = ref) -> list[ReminderJob]:
                """Its reminders of this version still ahead of ``when`` (None: all); for a paused subscription,
                only those that follow what an earlier version planned."""
                found = reminder_jobs(sub.id, sub.reminders, ref, matched[sub.id], now=when, remind_at=self.remind_at,
                                      zone=sub.timezone,
                                      numbers=numbers[sub.id])
                follow, current = paused.get(sub.id), currents[sub.id]
                if follow is None:
                    return found
                return following(found, current.jobs if current else {}, follow.previous_ids, numbers[sub.id])

            ready, quarantined = isolate(due, "planning reminders", lambda sub: jobs_of(sub, now))
            planned = []
            for sub, mine in ready:
                current = currents[sub.id]
                if mine or current is not None or release.version > 1:  # else nothing to plan nor cancel
                    jobs.extend(mine)
                    held = _held(current, mine, now=now, every=partial(jobs_of, sub, None))
                    planned.append((sub.id, PlannedReminders.of(release.version, mine, held=held)))
            results.append((planned, quarantined))
        return results, jobs

    async def apply(self, jobs: list[ReminderJob], generations: Generations | None = None) -> None:
        """Schedule the reminder ``jobs`` :meth:`plan` gave, in one call to the store. ``generations``: of the
        stored subscriptions planned for, as read with them: a reminder of one deleted or made again since is not
        written (:meth:`settle` then says so)."""
        if jobs:
            await self.store.apply(jobs, generations)

    async def _records(self, lookups: list[tuple[str, str]]) -> list[bytes | None]:
        """The planned-reminders record of each (key, release id), in one round trip."""
        if not lookups:
            return []
        async with self.streams.client.pipeline(transaction=False) as reads:
            parse = self.queue_records(reads, lookups)
            read = parse(await reads.execute())
        return [read[lookup] for lookup in lookups]

    @staticmethod
    def queue_records(reads: Pipeline, lookups: list[tuple[str, str]]) -> Callable[[list[Any]], Records]:
        """Queue on ``reads`` the reads of each (key, release id) record: one HMGET per subscriber, not an HGET
        per subscriber and release. Returns what takes the answers (those of ``reads``, from the first of these
        on) to the records read."""
        fields_of: dict[str, list[str]] = {}
        for key, release_id in lookups:
            fields_of.setdefault(key, []).append(release_id)
        for key, release_ids in fields_of.items():
            reads.hmget(key, release_ids)

        def parse(answers: list[Any]) -> Records:
            return {(key, release_id): raw for (key, release_ids), raws in zip(fields_of.items(), answers)
                    for release_id, raw in zip(release_ids, raws)}
        return parse

    async def settle(self, batch: list[tuple[ReleaseClassified, list[tuple[str, PlannedReminders]], Entry | None]],
                     *, now: datetime, read: Records | None = None, generations: Generations | None = None,
                     zones: Mapping[str, str] | None = None) -> bool:
        """For each (release, planned, entry): cancel the reminders no longer planned (see
        :func:`settle_reminders`), record what is, and XACK the entry. The records are those ``read`` before
        (by :meth:`schedule`'s caller), or read here; one script cancels, writes and acknowledges if each is
        still as read, else they are read again and settled again (another version of the release was planned
        meanwhile, and what a record read before it would cancel may be planned by it). ``generations``: of the
        stored subscriptions the batch was planned for, as read with them: if one was deleted (or made again)
        since, nothing is written and False returned: the batch is to be planned again, for the subscriptions
        there now (what was planned for the one deleted would be recorded under its id), and the reminders
        written for it are taken out (the delete cancelled only those its agenda listed: not yet these).
        ``zones``: the time zone each subscriber's reminders were planned in (see :data:`_SETTLE`)."""
        generations = generations or {}
        compared = [x for pair in generations.items() for x in pair]
        written = {sub_id for _, planned, _ in batch for sub_id, _ in planned}
        planned_in = {sub_id: zone for sub_id, zone in (zones or {}).items() if sub_id in written}
        lookups = [(self.key(sub_id), release.release_id) for release, planned, _ in batch for sub_id, _ in planned]
        if read is None or any(lookup not in read for lookup in lookups):
            read = dict(zip(lookups, await self._records(lookups)))
        acks = [x for _, _, entry in batch if entry is not None
                for x in (entry.stream, entry.group, entry.entry_id)]
        while True:
            cancel: list[tuple[str, int]] = []  # (reminder id, the version cancelling it)
            writes = []
            for release, planned, _ in batch:
                for sub_id, mine in planned:
                    drop, keep = settle_reminders(
                        PlannedReminders.from_json(read[(self.key(sub_id), release.release_id)]), mine, now=now)
                    cancel.extend((rid, mine.version) for rid in drop)
                    if keep:
                        writes.append((self.key(sub_id), release.release_id, mine.to_json()))
            checks = [x for lookup in lookups for x in (*lookup, *_as_read(read[lookup]))]
            counts = [len(lookups), len(cancel), len(writes)]
            if not any(counts) and not acks:
                return True
            args = [self.store.fired_by_prefix, FIRED_TTL_SECONDS, len(compared) // 2, len(planned_in), *counts,
                    *compared, *(x for pair in planned_in.items() for x in pair), *checks,
                    *(x for c in cancel for x in c), *(x for w in writes for x in w), *acks]
            settled = await self._settle_script(keys=self.store.planning_keys, args=args)
            if settled < 0:
                await self.store.unplan_stale({sub_id: list(mine.jobs) for _, planned, _ in batch
                                               for sub_id, mine in planned if sub_id in generations})
            if settled:
                return settled > 0
            read = dict(zip(lookups, await self._records(lookups)))


def _held(current: PlannedReminders | None, mine: list[ReminderJob], *, now: datetime,
          every: Callable[[], list[ReminderJob]]) -> frozenset[str] | None:
    """The reminders of a version whose time has come by ``now`` (those of ``every()``, whenever they fall), worked
    out only when ``current`` (the record read) has one it does not plan again (``mine``): cancelled unless held. Held
    under either of their names (:attr:`.reminders.ReminderJob.names`): one an earlier version planned under its
    offset's other spelling is held as well."""
    planned = {job.reminder_id for job in mine}
    if current is None or all(at > now or rid in planned for rid, at in current.jobs.items()):
        return None
    return frozenset(name for job in every() if job.fire_at <= now for name in job.names)


def _as_read(raw: bytes | None) -> tuple[int, bytes]:
    """A record as read, for the settling script: whether there was one, and what."""
    return (0, b"") if raw is None else (1, raw)
