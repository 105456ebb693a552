"""Deadline reminders fired by APScheduler 3.11 from a Redis job store: one job per second at which reminders
fall due.

A job (id ``due:<unix second>``) holds no reminder: it runs :data:`LEAD_SECONDS` before its second, and the
notifier claims the reminders due by then and builds what firing them writes, commits them when the second
comes, and fires anything else due (:mod:`.reminder_store` keeps them, :mod:`.firing` fires them), a
thousand falling due at one second being one job. Jobs are written by the store's scripts, in APScheduler's own format, with the reminders
they fire. Every replica writes them (its scheduler runs paused, which still lets it pickle jobs); only the
holder of the leader lock resumes its scheduler and runs them. A job missed while no scheduler ran runs on
the next start; whether its reminders are then too late is for the firing to decide (its grace).

Jobs stored by earlier versions (id = a reminder's id, running :func:`fire_reminder`) still run: the firing
reads the reminder in its old shape and fires it the new way.

The job store uses the synchronous redis client; APScheduler calls it on the event loop when it wakes. So each
of its calls is bounded (:data:`STORE_TIMEOUT_SECONDS`, no retry): a frozen Redis would otherwise hold the whole
process (its HTTP API and health checks too) for as long as it stays frozen. A call that fails is APScheduler's
to retry (it looks at the store again ten seconds later).
"""

from __future__ import annotations

import logging
import math
import pickle
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.redis import RedisJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.retry import Retry

log = logging.getLogger(__name__)

JOB_PREFIX = "due:"
LEAD_SECONDS = 2.0  # a second's job runs this long before it, so that its reminders are ready when it comes
STORE_TIMEOUT_SECONDS = 0.5  # the longest the job store may hold the event loop on one call

# Running notifiers by key prefix: the job function finds its service here, since
# job arguments must be picklable (ids, never clients).
_ACTIVE: dict[str, Any] = {}


def second_job_id(t: float) -> str:
    """The id of the job that fires reminders due at ``t`` (unix seconds): that of its whole second, rounded up."""
    return f"{JOB_PREFIX}{math.ceil(t)}"


def _service(prefix: str) -> Any:
    service = _ACTIVE.get(prefix)
    if service is None:
        raise RuntimeError(f"no running notifier for prefix {prefix!r}")
    return service


async def fire_due(prefix: str, second: int) -> None:
    """The APScheduler job of ``second``: fire the reminders due by then, and any due before, with the running
    notifier of ``prefix``."""
    await _service(prefix).fire_second(second)


async def fire_reminder(prefix: str, reminder: str, attempt: int = 1) -> None:
    """A job stored by an earlier version, one per reminder: ``reminder`` is its id (its payload in the planned
    record) or, older still, the payload itself; ``attempt`` the firing it was at."""
    await _service(prefix).fire_reminder(reminder, attempt)


class ReminderScheduler:
    def __init__(self, redis_url: str, prefix: str) -> None:
        self.prefix = prefix
        self.store = RedisJobStore(jobs_key=f"{prefix}notifier:reminders:jobs",
                                   run_times_key=f"{prefix}notifier:reminders:run_times",
                                   socket_timeout=STORE_TIMEOUT_SECONDS, socket_connect_timeout=STORE_TIMEOUT_SECONDS,
                                   retry=Retry(NoBackoff(), 0), **parse_url(redis_url))
        self.jobs_key, self.run_times_key = self.store.jobs_key, self.store.run_times_key
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": self.store}, timezone=timezone.utc,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})

    def start(self, service: Any) -> None:
        _ACTIVE[self.prefix] = service
        self.scheduler.start(paused=True)

    def resume(self) -> None:
        self.scheduler.resume()

    def pause(self) -> None:
        self.scheduler.pause()

    def wakeup(self) -> None:
        """Look at the store again: an earlier job may have been added."""
        if self.scheduler.running:
            self.scheduler.wakeup()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if _ACTIVE.get(self.prefix) is not None:
            _ACTIVE.pop(self.prefix, None)
        self.store.redis.close()

    def second_jobs(self, times: Iterable[float]) -> list[tuple[str, bytes, float]]:
        """The jobs that fire reminders due at ``times`` (unix seconds), one per whole second (rounded up) and
        run :data:`LEAD_SECONDS` before it, as (job id, pickled state, run time) in the job store's format: what
        ``add_job(..., replace_existing=True)`` would write."""
        jobs = []
        for second in sorted({math.ceil(t) for t in times}):
            run_at = datetime.fromtimestamp(second - LEAD_SECONDS, timezone.utc)
            trigger = DateTrigger(run_date=run_at, timezone=timezone.utc)
            job_id = second_job_id(second)
            job = Job(self.scheduler, id=job_id, func=fire_due, args=(self.prefix, second), kwargs={},
                      trigger=trigger, executor="default", name="fire_due", misfire_grace_time=None,
                      coalesce=True, max_instances=1, next_run_time=trigger.run_date)
            jobs.append((job_id, pickle.dumps(job.__getstate__(), self.store.pickle_protocol), run_at.timestamp()))
        return jobs

    def jobs(self) -> list[tuple[str, datetime]]:
        """Every job in the store (id, next run time), soonest first."""
        return [(j.id, j.next_run_time) for j in self.store.get_all_jobs()]
