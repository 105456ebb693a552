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
from datetime import datetime, timezone
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.redis import RedisJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from redis.connection import parse_url

from .reminders import ReminderJob

log = logging.getLogger(__name__)

PLANNED = "notifier:reminders:planned"  # hash: reminder id -> {payload, attempt, fire_at} until it has fired

# Running notifiers by key prefix: the job function finds its service here, since
# job arguments must be picklable (ids and JSON, never clients).
_ACTIVE: dict[str, Any] = {}


async def fire_reminder(prefix: str, payload: str, attempt: int = 1) -> None:
    """The APScheduler job: hand a due reminder (its ``attempt``-th firing) to the running notifier of ``prefix``."""
    service = _ACTIVE.get(prefix)
    if service is None:
        raise RuntimeError(f"no running notifier for prefix {prefix!r}")
    await service.fire_reminder(payload, attempt)


class ReminderScheduler:
    def __init__(self, redis_url: str, prefix: str, *, misfire_grace_seconds: float | None) -> None:
        self.prefix = prefix
        self.planned_key = f"{prefix}{PLANNED}"
        self.store = RedisJobStore(jobs_key=f"{prefix}notifier:reminders:jobs",
                                   run_times_key=f"{prefix}notifier:reminders:run_times", **parse_url(redis_url))
        grace = int(misfire_grace_seconds) if misfire_grace_seconds else None
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": self.store}, timezone=timezone.utc,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace})

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
        """Add or move the job ``reminder_id`` to fire at ``fire_at``. The reminder is first recorded as
        planned (``PLANNED``): APScheduler deletes the job when it submits it, and the record stays until
        the firing is recorded as done, so a process killed in between loses nothing."""
        self.store.redis.hset(self.planned_key, reminder_id, json.dumps(
            {"payload": payload, "attempt": attempt, "fire_at": fire_at.isoformat()}))
        self.scheduler.add_job(fire_reminder, trigger="date", run_date=fire_at, id=reminder_id,
                               args=[self.prefix, payload, attempt], replace_existing=True, name=reminder_id)

    def cancel(self, reminder_id: str) -> None:
        self.store.redis.hdel(self.planned_key, reminder_id)
        try:
            self.scheduler.remove_job(reminder_id)
        except JobLookupError:
            pass

    def apply(self, schedule: list[ReminderJob], cancel: list[str]) -> None:
        """Add (or move) every job of ``schedule`` and remove those in ``cancel``."""
        for job in schedule:
            self.schedule(job.reminder_id, job.fire_at, job.due.model_dump_json())
        for reminder_id in cancel:
            self.cancel(reminder_id)

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
