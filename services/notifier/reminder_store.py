"""The reminders planned and not yet fired, in Redis, with the scheduler's jobs that fire them.

Keys (under the prefix):

- ``notifier:reminders:planned`` (hash): reminder id -> its record (:class:`PlannedRecord` JSON);
- ``notifier:reminders:due`` (sorted set): reminder id -> when it fires next (unix seconds), and
  ``notifier:reminders:due:<subscription id>`` (sorted set) the same of one subscription's, for its listing
  (:mod:`.reminder_listing`; built for reminders planned before it existed by :mod:`.reminder_index`);
- ``notifier:reminders:subjects`` (hash): subject key -> the commitment and release it reminds of, stored once
  for all the reminders that refer to it, and ``notifier:reminders:subject-refs`` (hash): subject key -> how
  many planned records refer to it (the subject goes with the last);
- ``notifier:reminders:claimed`` (hash): reminder id -> record, while a leader fires it, and
  ``notifier:reminders:leases`` (sorted set): reminder id -> when its claim's lease ends, on Redis's clock;
- ``notifier:reminders:fired-by:<reminder id>`` (string, for as long as the fired mark): the release version that
  planned a reminder finished as planned (fired, dropped or dead-lettered), or that cancelled it. Its record is
  gone, but a handler of an older version may have read its records before, and plans it again from them (at
  that version's date, which the fired mark does not stop when it differs): planning refuses a version older
  than this one.

APScheduler holds one job per second at which reminders fall due (``due:<unix second>``, see
:mod:`.scheduler`), written in the same script as the reminders, so a reminder is never planned without a
job to fire it; planning writes the job of a second only if it writes a reminder due then (not for a plan it
refuses). A firing *claims* what is due: the claim leases each reminder (a leader that dies mid-fire leaves
them to fire again when the lease ends, or at the next election) and records it as claimed. The lease is on
Redis's clock, which every host shares, where the due times are judged by the leader's: a leader whose host
clock is off from the previous one's neither takes a reminder still held nor leaves a dead one's claim held
past its lease (decision 0080). Finishing removes a reminder only if its record is still the one claimed: a newer version may
have planned it again meanwhile (same id, another record and time), and that plan stands.

Every write is one Lua script per thousand reminders, so scheduling and firing are bulk operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


from schemas.streams import EVENT_FIELD, REMINDERS
from services.common.dead_letter_counts import counts_key
from services.common.streams import as_text

from .alert_effects import AlertEffects
from .feed import FEED_SIZE
from .outbox import Outbox
from .reminder_records import PlannedRecord, Subject, subject_key
from .reminder_scripts import APPLY, CLAIM, FAIL, FIRE, RECLAIM, RETIME, UNPLAN_STALE
from .reminders import ReminderJob
from .scheduler import ReminderScheduler, second_job_id

BULK = 1000  # reminders written per script call
PLANNED = "notifier:reminders:planned"
DUE = "notifier:reminders:due"
SUBJECTS = "notifier:reminders:subjects"
SUBJECT_REFS = "notifier:reminders:subject-refs"
CLAIMED = "notifier:reminders:claimed"
LEASES = "notifier:reminders:leases"
INDEXED = "notifier:reminders:indexed"  # set once every subscription's time index holds its reminders (reminder_index)
FIRED_BY = "notifier:reminders:fired-by:"
# subscription id -> the time zone its planned reminders are at (none: UTC; '': not known, see reminder_retime)
ZONES = "notifier:reminders:zones"
DEFAULT_ZONE = "UTC"
# How long a fired mark stops its slot firing again, and a finished or dropped reminder's version stops an older
# one planning it again (from records read before; nothing bounds how long a paused handler holds a read)
FIRED_TTL_SECONDS = 400 * 86400


@dataclass(frozen=True)
class ReminderKeys:
    """Where reminders are planned: the planned records, when each is due, their subjects and the subjects'
    reference counts (in the order the scripts take them), each subscription's agenda (its reminders by
    release: :mod:`.agenda`) and its time index (:func:`by_time`)."""

    planned: list[str]
    agenda: Callable[[str], str]
    by_time: Callable[[str], str]

    @classmethod
    def of(cls, key: Callable[[str], str]) -> "ReminderKeys":
        """Under the prefix ``key`` adds."""
        return cls([key(PLANNED), key(DUE), key(SUBJECTS), key(SUBJECT_REFS)],
                   lambda sub_id: key(f"{PLANNED}:{sub_id}"), lambda sub_id: by_time(key(DUE), sub_id))


def by_time(due_key: str, sub_id: str) -> str:
    """The time index of subscription ``sub_id``'s planned reminders, beside the due index ``due_key`` (as the
    scripts' ``by_subscription`` names it)."""
    return f"{due_key}:{sub_id}"


@dataclass(frozen=True)
class Claimed:
    """A reminder taken for firing: its id, when it was due (unix seconds), its record as claimed (raw, to
    finish it only if unchanged) and parsed, and its subject (None if it could not be read)."""

    reminder_id: str
    due_at: float
    raw: bytes
    record: PlannedRecord
    subject: Subject | None


@dataclass(frozen=True)
class Firing:
    """What firing a claimed reminder writes, unless it fired before, as the arguments of the script that
    records it (serialised when the firing is built, not when it is recorded): its fired mark, its
    ``reminder.due`` event, and its alert's effects (its event, also recorded in its subscriber's feed, and its
    delivery jobs or digest entry). A digest subscriber's firing carries both its digest entry and the jobs that
    send it alone, with its digest record (``notifier:digest-last:<id>``) and its day's digest moment: the
    script buffers it only if that day's digest is not recorded as sent when it commits."""

    claimed: Claimed
    args: tuple[Any, ...]

    @classmethod
    def of(cls, claimed: Claimed, *, fired_key: str, earlier_key: str, event: bytes,
           effects: AlertEffects, digest_day: tuple[str, datetime] | None = None) -> "Firing":
        """``fired_key``: the mark of its reminder slot, set when it fires; ``earlier_key``: the mark earlier
        versions set for this one reminder, which also stops it; ``digest_day``: for an alert with a digest
        entry, the subscriber's digest record and the digest moment of the firing's day (``effects``' jobs
        are then those that send it alone)."""
        digest_key, digest = effects.digest or ("", "")
        last_key, moment = (digest_day[0], digest_day[1].isoformat()) if digest_day else ("", "")
        args: list[Any] = [claimed.reminder_id, claimed.raw, fired_key, earlier_key, event, effects.event_json,
                           digest_key, digest, last_key, moment, effects.feed, len(effects.jobs)]
        for job in effects.jobs:
            args += [job.job_id, job.model_dump_json(), job.destination]
        return cls(claimed, tuple(args))


class ReminderStore:
    def __init__(self, client: Any, key: Any, scheduler: ReminderScheduler, *, generations: str) -> None:
        """``generations``: the hash of each stored subscription's generation (:mod:`.store`), compared with the
        one a reminder is planned for when it is written."""
        self.client, self.scheduler, self.generations_key = client, scheduler, generations
        self.planned_key, self.due_key = key(PLANNED), key(DUE)
        self.subjects_key, self.refs_key, self.claimed_key = key(SUBJECTS), key(SUBJECT_REFS), key(CLAIMED)
        self.leases_key, self.fired_by_prefix, self.indexed_key = key(LEASES), key(FIRED_BY), key(INDEXED)
        jobs = [scheduler.jobs_key, scheduler.run_times_key]
        self.zones_key = key(ZONES)
        self.planning_keys = [self.planned_key, self.due_key, self.subjects_key, self.refs_key, *jobs, generations,
                              self.zones_key]
        self._keys = {"apply": self.planning_keys,
                      "claim": [self.due_key, self.planned_key, self.subjects_key, self.claimed_key, self.leases_key],
                      "finish": [self.planned_key, self.due_key, self.subjects_key, self.refs_key, self.claimed_key],
                      "retry": [self.planned_key, self.due_key, self.claimed_key, *jobs]}
        self._apply = client.register_script(APPLY)
        self._claim, self._fail = client.register_script(CLAIM), client.register_script(FAIL)
        self._reclaim = client.register_script(RECLAIM)
        self._fire, self._retime = client.register_script(FIRE), client.register_script(RETIME)
        self._unplan_stale = client.register_script(UNPLAN_STALE)

    # --- planning ---------------------------------------------------------------------------
    async def apply(self, schedule: list[ReminderJob], generations: Mapping[str, int] | None = None) -> None:
        """Plan (or move) every reminder of ``schedule``, a thousand per script. Planning a reminder again
        replaces it (same id): a moved date moves it. A reminder a newer version planned is not replaced.
        ``generations``: of the stored subscriptions among its subscribers, as read when they were planned for
        (none: the file's); a reminder of one deleted or made again since is not written (see :meth:`plan`).
        Reminders are dropped by the agenda's settling script, which writes the record that drops them."""
        generations = generations or {}
        subjects: dict[tuple[int, int], tuple[str, str]] = {}  # built once per release and commitment object
        entries = []
        for job in schedule:
            ident = (id(job.release), id(job.commitment))
            if ident not in subjects:
                text = Subject(job.release, job.commitment).to_json()
                subjects[ident] = (subject_key(text), text)
            key, text = subjects[ident]
            entries.append((job.reminder_id, PlannedRecord(key, job.deadline_index, job.offset, job.subscription_id,
                                                           version=job.release.version,
                                                           generation=generations.get(job.subscription_id)),
                            job.fire_at, text))
        await self.plan(entries)

    async def plan(self, entries: list[tuple[str, PlannedRecord, datetime, str]]) -> None:
        """Write (reminder id, record, fire time, subject JSON) entries, a thousand per script, with the jobs
        for their seconds, except over a record a newer version planned, or one it planned that has fired since,
        and a record for a generation of its subscription other than the one stored now (see
        :class:`.PlannedRecord`); then let a running scheduler look at its jobs again."""
        for i in range(0, len(entries), BULK):
            chunk = entries[i:i + BULK]
            subjects = {record.subject: text for _, record, _, text in chunk}
            args: list[Any] = [self.fired_by_prefix, len(subjects), 0]
            for key, text in subjects.items():
                args += [key, text]
            jobs = self.scheduler.second_jobs({at.timestamp() for _, _, at, _ in chunk})
            args[2] = len(jobs)
            number = {}
            for n, job in enumerate(jobs, 1):
                number[job[0]] = n
                args += job
            for rid, record, at, _ in chunk:
                args += [rid, record.to_json(), record.subject, at.timestamp(), number[second_job_id(at.timestamp())],
                         record.subscription_id, "" if record.generation is None else record.generation]
            await self._apply(keys=self._keys["apply"], args=args)
        if entries:
            self.scheduler.wakeup()

    async def unplan_stale(self, planned: Mapping[str, list[str]]) -> int:
        """Take out each of the reminders ``planned`` (by subscription id, their ids) still planned for another
        generation of its subscription than the one stored now: written for one deleted (or made again) since, and
        recorded in no agenda, which its delete would have cancelled them from. Returns how many."""
        args: list[Any] = [x for sub_id, ids in planned.items() if ids for x in (sub_id, len(ids), *ids)]
        if not args:
            return 0
        return int(await self._unplan_stale(keys=[*self.planning_keys[:4], self.generations_key], args=args))

    def _job_args(self, times: Iterable[float]) -> tuple[int, list[Any]]:
        jobs = self.scheduler.second_jobs(times)
        return len(jobs), [v for job in jobs for v in job]

    async def retime(self, moves: list[tuple[str, bytes, datetime, str, str]]) -> int:
        """Move each (reminder id, record as read, new time, its subscriber's agenda key, its release id) to its
        new time, with the jobs for their seconds, a thousand per script; one planned again, cancelled or
        claimed since it was read is left as it is. Returns how many moved."""
        moved = 0
        for i in range(0, len(moves), BULK):
            chunk = moves[i:i + BULK]
            count, jobs = self._job_args({at.timestamp() for _, _, at, _, _ in chunk})
            args: list[Any] = [count, *jobs]
            for rid, raw, at, agenda_key, release_id in chunk:
                args += [rid, raw, at.timestamp(), agenda_key, release_id, at.isoformat()]
            moved += int(await self._retime(keys=self._keys["retry"], args=args))
        if moves:
            self.scheduler.wakeup()
        return moved

    # --- firing -----------------------------------------------------------------------------
    async def claim(self, *, until: float, lease_seconds: float, limit: int) -> list[Claimed]:
        """Take up to ``limit`` reminders due by ``until`` (unix seconds) and not held by another claim, soonest
        first: each is leased for ``lease_seconds`` from Redis's now and recorded as claimed until :meth:`fire`
        or :meth:`fail` ends it (or the lease does)."""
        return await self._read_due(until, lease_seconds, limit)

    async def due_by(self, *, until: float, limit: int) -> list[Claimed]:
        """Up to ``limit`` reminders due by ``until``, soonest first, read as :meth:`claim` takes them but left
        as they are: firing them (:meth:`fire`) still fires each once, and only if it is still planned so."""
        return await self._read_due(until, "", limit)

    async def _read_due(self, until: float, lease_seconds: float | str, limit: int) -> list[Claimed]:
        raw_claimed, raw_subjects = await self._claim(keys=self._keys["claim"], args=[until, lease_seconds, limit])
        subjects: dict[str, Subject | None] = {}
        for i in range(0, len(raw_subjects), 2):
            try:
                subjects[as_text(raw_subjects[i])] = Subject.from_json(raw_subjects[i + 1])
            except ValueError:  # missing ('') or unreadable: its reminders fail, and are retried
                subjects[as_text(raw_subjects[i])] = None
        claimed = []
        for i in range(0, len(raw_claimed), 3):
            record = PlannedRecord.from_json(raw_claimed[i + 2])
            assert record is not None  # the script claims only records of this version
            claimed.append(Claimed(as_text(raw_claimed[i]), float(raw_claimed[i + 1]), raw_claimed[i + 2], record,
                                   subjects.get(record.subject)))
        return claimed

    async def fire(self, firings: list[Firing], dropped: list[Claimed], *, outbox: Outbox, streams: tuple[str, str],
                   at: datetime, ttl_seconds: int) -> list[bool]:
        """In one script: each of ``firings`` whose slot was not fired before (nor itself, by an earlier version)
        is marked fired (``at``, for ``ttl_seconds``), its events published (on ``streams``: reminders, alerts),
        its alert recorded in its subscriber's feed and its jobs queued in ``outbox``, due at Redis's now (or its
        digest entry buffered); all of them and ``dropped`` are finished, each leaving the version that planned it for
        ``ttl_seconds`` too (see :meth:`plan`). Returns, per firing, whether it fired now."""
        args: list[Any] = [at.isoformat(), ttl_seconds, EVENT_FIELD, outbox.job_key(""), FEED_SIZE,
                           self.fired_by_prefix]
        for f in firings:
            args += f.args
        for c in dropped:
            args += [c.reminder_id, c.raw, "", "", "", "", "", "", "", "", "", 0]
        keys = [*self._keys["finish"], *streams, outbox.zset, outbox.dests, self.leases_key]
        fired = await self._fire(keys=keys, args=args)
        return [bool(flag) for flag in fired[:len(firings)]]

    async def fail(self, failed: list[tuple[Claimed, datetime | None, bytes]], *, dead_letters: str,
                   ttl_seconds: int) -> list[bool]:
        """In one script: each (reminder, when it fires again or None, its dead letter event) whose firing failed
        fires again then, one attempt further, or (None) is dead-lettered on ``dead_letters`` and finished, if
        it is still planned as it was read; not one that another firing of it retried, dead-lettered or fired
        since (a letter counted as from ``reminders``). Returns, per reminder, whether it was."""
        if not failed:
            return []
        count, jobs = self._job_args({at.timestamp() for _, at, _ in failed if at is not None})
        args: list[Any] = [self.fired_by_prefix, ttl_seconds, EVENT_FIELD, REMINDERS, count, *jobs]
        for c, at, letter in failed:
            args += [c.reminder_id, c.raw, c.record.retried().to_json() if at is not None else "",
                     at.timestamp() if at is not None else 0, letter]
        done = await self._fail(keys=[*self._keys["finish"], *self._keys["retry"][3:], dead_letters,
                                      counts_key(dead_letters), self.leases_key], args=args)
        return [bool(flag) for flag in done]

    async def reclaim(self, *, now: datetime) -> int:
        """At an election: every reminder claimed by a previous leader and not finished is taken back, due
        again at its time, its lease ended; the scheduler's job for ``now`` fires them. Returns how many."""
        count, job = self._job_args([now.timestamp()])
        return int(await self._reclaim(keys=[*self._keys["retry"], self.leases_key], args=[count, *job]))

    # --- reading ----------------------------------------------------------------------------
    async def generations(self, sub_ids: Iterable[str]) -> dict[str, int]:
        """The generation of each of the stored subscriptions ``sub_ids`` now (0 when none is counted)."""
        ids = sorted(set(sub_ids))
        if not ids:
            return {}
        return {sub_id: int(g or 0) for sub_id, g in zip(ids, await self.client.hmget(self.generations_key, ids))}

    async def scheduled(self) -> list[tuple[str, datetime]]:
        """Every reminder planned and not fired, with when it fires next (UTC), soonest first."""
        return [(as_text(rid), datetime.fromtimestamp(at, timezone.utc))
                for rid, at in await self.client.zrange(self.due_key, 0, -1, withscores=True)]

    async def planned(self) -> dict[str, bytes]:
        """Every planned record by reminder id."""
        return {as_text(rid): raw for rid, raw in (await self.client.hgetall(self.planned_key)).items()}
