"""Deadline reminders as APScheduler 3.11 jobs in a Redis job store.

Every replica adds jobs (its scheduler runs paused, which still writes to the
store); only the holder of the leader lock resumes its scheduler and fires them.
Job ids are the stable reminder ids, so adding one twice replaces it (and a
moved due date moves it). Jobs coalesce; a reminder missed while no scheduler
ran fires once on the next start, unless it is later than the configured grace.

APScheduler deletes a date job as it submits it, whatever then happens, so the
notifier re-schedules a firing that fails (``attempt`` counts them) and recovers
one cut short by a crash (see ``NotifierService.fire_reminder``). The job store
uses the synchronous redis client: call these methods from a thread
(``asyncio.to_thread``), never on the event loop in a handler.
"""

from __future__ import annotations

import json
import logging
import pickle
from datetime import datetime, timezone
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.redis import RedisJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.util import datetime_to_utc_timestamp
from redis.connection import parse_url

from .reminders import ReminderJob

log = logging.getLogger(__name__)

BULK = 1000  # reminders written per transaction
PLANNED = "notifier:reminders:planned"  # hash: reminder id -> {payload, attempt, fire_at} until it has fired

# Running notifiers by key prefix: the job function finds its service here, since
# job arguments must be picklable (ids and JSON, never clients).
_ACTIVE: dict[str, Any] = {}


async def fire_reminder(prefix: str, reminder: str, attempt: int = 1) -> None:
    """The APScheduler job: hand a due reminder (its ``attempt``-th firing) to the running notifier of ``prefix``.
    ``reminder`` is its id, its payload being in the planned record (or, in a job stored by an older version,
    the payload itself)."""
    service = _ACTIVE.get(prefix)
    if service is None:
        raise RuntimeError(f"no running notifier for prefix {prefix!r}")
    await service.fire_reminder(reminder, attempt)


class ReminderScheduler:
    def __init__(self, redis_url: str, prefix: str, *, misfire_grace_seconds: float | None) -> None:
        self.prefix = prefix
        self.planned_key = f"{prefix}{PLANNED}"
        self.store = RedisJobStore(jobs_key=f"{prefix}notifier:reminders:jobs",
                                   run_times_key=f"{prefix}notifier:reminders:run_times", **parse_url(redis_url))
        self.grace = int(misfire_grace_seconds) if misfire_grace_seconds else None
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": self.store}, timezone=timezone.utc,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": self.grace})

    def start(self, service: Any) -> None:
        _ACTIVE[self.prefix] = service
        self.scheduler.start(paused=True)

    def resume(self) -> None:
        self.scheduler.resume()

    def pause(self) -> None:
        self.scheduler.pause()

    def wakeup(self) -> None:
        """Look at the store again: another replica may have added an earlier job."""
        if self.scheduler.running:
            self.scheduler.wakeup()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if _ACTIVE.get(self.prefix) is not None:
            _ACTIVE.pop(self.prefix, None)
        self.store.redis.close()

    def schedule(self, reminder_id: str, fire_at: datetime, payload: str, attempt: int = 1) -> None:
        """Add or move the job ``reminder_id`` to fire at ``fire_at``: see :meth:`apply`."""
        self._write([(reminder_id, fire_at, payload, attempt)])
        self.wakeup()

    def cancel(self, reminder_id: str) -> None:
        self.apply([], [reminder_id])

    def apply(self, schedule: list[ReminderJob], cancel: list[str]) -> None:
        """Add (or move) every job of ``schedule`` and remove those in ``cancel``, a thousand at a time in one
        transaction each. A reminder is recorded as planned (``PLANNED``, with its payload) in the same
        transaction that stores its job: APScheduler deletes the job when it submits it, and the record stays
        until the firing is recorded as done, so a process killed in between loses nothing. The job itself
        holds only the reminder's id."""
        for i in range(0, len(schedule), BULK):
            self._write([(job.reminder_id, job.fire_at, job.due.model_dump_json(), 1) for job in schedule[i:i + BULK]])
        for i in range(0, len(cancel), BULK):
            ids = cancel[i:i + BULK]
            with self.store.redis.pipeline() as pipe:
                pipe.hdel(self.planned_key, *ids)
                pipe.hdel(self.store.jobs_key, *ids)
                pipe.zrem(self.store.run_times_key, *ids)
                pipe.execute()
        if schedule or cancel:
            self.wakeup()

    def _write(self, entries: list[tuple[str, datetime, str, int]]) -> None:
        """Store (reminder id, fire time, payload, attempt) entries: the planned records and the jobs, in the
        job store's own format (what ``add_job(..., replace_existing=True)`` writes, without a round trip
        per job)."""
        planned, states, run_times = {}, {}, {}
        for reminder_id, fire_at, payload, attempt in entries:
            planned[reminder_id] = json.dumps({"payload": payload, "attempt": attempt, "fire_at": fire_at.isoformat()})
            trigger = DateTrigger(run_date=fire_at, timezone=timezone.utc)
            job = Job(self.scheduler, id=reminder_id, func=fire_reminder, args=(self.prefix, reminder_id, attempt),
                      kwargs={}, trigger=trigger, executor="default", name="fire_reminder",
                      misfire_grace_time=self.grace, coalesce=True, max_instances=1, next_run_time=trigger.run_date)
            states[reminder_id] = pickle.dumps(job.__getstate__(), self.store.pickle_protocol)
            run_times[reminder_id] = datetime_to_utc_timestamp(trigger.run_date)
        with self.store.redis.pipeline() as pipe:
            pipe.hset(self.planned_key, mapping=planned)
            pipe.hset(self.store.jobs_key, mapping=states)
            pipe.zadd(self.store.run_times_key, run_times)
            pipe.execute()

    def has_job(self, reminder_id: str) -> bool:
        return self.store.lookup_job(reminder_id) is not None

    def planned(self) -> dict[str, dict]:
        """Every reminder planned and not yet recorded as fired: id -> {payload, attempt, fire_at}."""
        return {rid.decode(): json.loads(raw) for rid, raw in self.store.redis.hgetall(self.planned_key).items()}

    def jobs(self) -> list[tuple[str, datetime]]:
        return [(j.id, j.next_run_time) for j in self.scheduler.get_jobs()
                if j.next_run_time is not None] if self.scheduler.running else [
            (j.id, j.next_run_time) for j in self.store.get_all_jobs()]


def utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)
