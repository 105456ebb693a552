"""Reminders at scale: schedule many, and the bytes each takes in Redis.

    .venv/bin/python benchmarks/reminders_scale.py [--reminders 100000] [--batch 1000]

Builds real reminder jobs (``reminder_jobs`` for a release with a dated commitment, one subscriber per
reminder, offsets of one to thirty days) and schedules them through the notifier's ``ReminderScheduler.apply``
on an embedded Redis (AOF, appendfsync everysec), ``--batch`` at a time, as the notifier schedules a read's
releases. Prints the time to schedule them all, reminders per second, and Redis memory per reminder (the
APScheduler job store and the planned record together, from ``MEMORY USAGE`` of their keys). Then it cancels
them all and prints that time. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import Commitment, DateDeadline  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.notifier.planning import release_ref  # noqa: E402
from services.notifier.reminders import reminder_jobs  # noqa: E402
from services.notifier.scheduler import ReminderScheduler  # noqa: E402

PREFIX = "bench:"


def sample_jobs(n: int) -> list:
    """``n`` reminder jobs: subscribers ``s0``..., each reminded once, 1 to 30 days before a deadline a year on."""
    from schemas import ReleaseClassified

    now = datetime.now(timezone.utc)
    due = date(now.year + 1, 6, 30)
    commitment = Commitment.model_validate({
        "id": "c-0123456789abcdef", "kind": "pledge", "actor": "Home Office", "category": "funding",
        "counter_terrorism": True, "text": "The Home Office will invest £10m in counter-terrorism policing by June.",
        "span": [0, 70], "confidence": 0.9,
        "deadlines": [DateDeadline(type="date", text="by June", due=due, span=[60, 67]).model_dump(mode="json")]})
    release = ReleaseClassified.model_validate({
        "release_id": "r-1", "version": 1, "url": "https://example.org/r-1", "title": "Policing fund",
        "published_at": now.isoformat(), "source": "bench", "classifier_version": "bench",
        "is_counter_terrorism": True, "counter_terrorism_score": 0.9, "commitments": [commitment.model_dump(mode="json")]})
    ref = release_ref(release)
    jobs = []
    for i in range(n):
        jobs += reminder_jobs(f"s{i}", [f"P{i % 30 + 1}D"], ref, [commitment], now=now)
    return jobs


def memory(client: redis.Redis, keys: list[str]) -> int:
    return sum(client.memory_usage(key, samples=0) or 0 for key in keys)


async def run(reminders: int, batch: int) -> None:
    jobs = sample_jobs(reminders)
    print(f"{len(jobs):,} reminders, {batch} per call")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        scheduler = ReminderScheduler(redis_url, PREFIX, misfire_grace_seconds=None)
        scheduler.start(None)  # paused, as every notifier replica runs it: it writes to the store, fires nothing
        client = redis.Redis.from_url(redis_url)
        keys = [scheduler.store.jobs_key, scheduler.store.run_times_key, scheduler.planned_key]
        empty = memory(client, keys)
        start = time.perf_counter()
        for i in range(0, len(jobs), batch):
            await asyncio.to_thread(scheduler.apply, jobs[i:i + batch], [])
        scheduled = time.perf_counter() - start
        stored = client.hlen(scheduler.store.jobs_key)
        used = memory(client, keys) - empty
        print(f"scheduled {stored:,} in {scheduled:.2f} s ({stored / scheduled:,.0f} reminders/s); "
              f"{used / stored:,.0f} bytes each in Redis (job store and planned record)")
        start = time.perf_counter()
        ids = [job.reminder_id for job in jobs]
        for i in range(0, len(ids), batch):
            await asyncio.to_thread(scheduler.apply, [], ids[i:i + batch])
        print(f"cancelled them in {time.perf_counter() - start:.2f} s; {client.hlen(scheduler.store.jobs_key)} left")
        scheduler.shutdown()
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="reminders per apply() call")
    args = parser.parse_args()
    asyncio.run(run(args.reminders, args.batch))


if __name__ == "__main__":
    main()
