"""Reminders at scale: schedule many, the bytes each takes in Redis, and many falling due at one second.

    .venv/bin/python benchmarks/reminders_scale.py [--reminders 100000] [--batch 1000] [--at-once 1000]

Builds real reminder jobs (``reminder_jobs`` for a release with a dated commitment, one subscriber per
reminder, offsets of one to thirty days) and schedules them through the notifier's ``ReminderStore.apply``
on an embedded Redis (AOF, appendfsync everysec), ``--batch`` at a time, as the notifier schedules a read's
releases. Prints the time to schedule them all, reminders per second, and Redis memory per reminder (every
key the reminders are kept in: the APScheduler job store, the planned records, the due index, each
subscription's time index and the shared subjects, from ``MEMORY USAGE``). Then it moves them all to another reminder time, as the first leader
after a change of ``PLEDGEWATCH_REMINDER_TIME`` does, and prints that time.

Then ``--at-once`` reminders, each for its own commitment, are scheduled to fall due at the same second, a few
seconds ahead, with a running notifier (leader, delivery worker) and one webhook subscriber on a loopback
receiver in a process of its own (``webhook_receiver.py``); it prints how long after that second they arrived
(p50, p99, max), how many within one second, and the notifier's CPU time from scheduling them to the last arrival
(and how much of it after the due second).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timezone
from pathlib import Path

import redis
import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from schemas import Commitment, DateDeadline  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.notifier.planning import release_ref  # noqa: E402
from services.notifier.reminders import reminder_jobs  # noqa: E402
from services.notifier.reminder_retime import retime_reminders  # noqa: E402
from services.notifier.reminder_store import ReminderStore  # noqa: E402
from services.notifier.scheduler import ReminderScheduler  # noqa: E402

PREFIX = "bench:"


def sample_jobs(n: int, subscriber: str | None = None) -> list:
    """``n`` reminder jobs, 1 to 30 days before a deadline a year on: subscribers ``s0``... each reminded
    once, or (``subscriber``) one subscriber reminded a day before each of ``n`` commitments."""
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
    if subscriber is not None:
        return reminder_jobs(subscriber, ["P1D"], ref, [commitment.model_copy(update={"id": f"c-{i:08d}"})
                                                        for i in range(n)], now=now)
    jobs = []
    for i in range(n):
        jobs += reminder_jobs(f"s{i}", [f"P{i % 30 + 1}D"], ref, [commitment], now=now)
    return jobs


async def fire_at_once(redis_url: str, tmp: Path, count: int) -> None:
    """``count`` reminders due at one second through a running notifier to a loopback webhook in a process of its
    own: arrival delays, and the notifier's CPU time for them."""
    from dataclasses import replace

    import aiohttp

    from services.common.service import freeze_startup_heap
    from services.common.settings import Settings
    from services.notifier.service import NotifierService
    from schemas.streams import REMINDERS
    from webhook_receiver import start_receiver

    receiver, base = start_receiver()
    subscriptions = tmp / "subscriptions.yaml"
    subscriptions.write_text(f'subscriptions:\n  - {{id: desk, reminders: [P1D], channels: [{{webhook: {{url: "{base}/hook"}}}}]}}\n')
    settings = Settings(redis_url=redis_url, prefix="fire:", subscriptions=subscriptions, http_port=0,
                        allow_private_targets=["127.0.0.0/8"], api_token="x" * 32, consumer="bench")
    service = NotifierService(settings)
    try:
        async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=None)) as http:
            async def arrived(timeout: float) -> list[float]:
                query = {"kind": "reminder", "count": str(count), "timeout": str(timeout)}
                async with http.get("/arrivals", params=query) as resp:
                    return await resp.json()

            async def cpu_at(moment: float) -> float:
                await asyncio.sleep(moment - time.time())
                return time.process_time()

            await service.start()
            await service.started()
            freeze_startup_heap()  # as the app does once its services have started
            try:
                while not service.leader.is_leader:
                    await asyncio.sleep(0.05)
                due_at = datetime.fromtimestamp(int(time.time()) + 4, timezone.utc)
                jobs = [replace(job, fire_at=due_at) for job in sample_jobs(count, subscriber="desk")]
                at_due = asyncio.create_task(cpu_at(due_at.timestamp()))
                cpu = time.process_time()
                await service.reminders.apply(jobs)
                late = await arrived(timeout=due_at.timestamp() + 60 - time.time())
                cpu_after = time.process_time() - await at_due
                cpu = time.process_time() - cpu
                entries = await service.runtime.streams.client.xrange(settings.key(REMINDERS))
                fired = sorted(int(entry_id.split(b"-")[0]) / 1000 - due_at.timestamp() for entry_id, _ in entries)
            finally:
                await service.stop()
    finally:
        receiver.terminate()
        receiver.wait()
    late = sorted(t - due_at.timestamp() for t in late)
    if not late:
        print(f"{count:,} due at one second: none arrived")
        return
    p = lambda q: late[min(len(late) - 1, round(q * len(late)) - 1)]  # noqa: E731
    print(f"{count:,} due at one second: {len(fired):,} fired (reminder.due published) by {fired[-1]:.2f} s after it; "
          f"{len(late):,} arrived: p50 {p(0.5):.2f} s, p99 {p(0.99):.2f} s, max {late[-1]:.2f} s; "
          f"{sum(d <= 1.0 for d in late):,} within 1 s; notifier CPU {cpu:.2f} s from scheduling them to the last "
          f"arrival, {cpu_after:.2f} s of it after the due second")


def memory(client: redis.Redis, keys: list[str]) -> int:
    return sum(client.memory_usage(key, samples=0) or 0 for key in keys)


async def run(reminders: int, batch: int, at_once: int) -> None:
    jobs = sample_jobs(reminders)
    print(f"{len(jobs):,} reminders, {batch} per call")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        scheduler = ReminderScheduler(redis_url, PREFIX)
        scheduler.start(None)  # paused, as every notifier replica runs it: it writes to the store, fires nothing
        aclient = aioredis.Redis.from_url(redis_url)
        store = ReminderStore(aclient, lambda name: f"{PREFIX}{name}", scheduler,
                              generations=f"{PREFIX}notifier:subscriptions:generations")
        client = redis.Redis.from_url(redis_url)
        keys = [scheduler.jobs_key, scheduler.run_times_key, store.planned_key, store.due_key, store.subjects_key,
                store.refs_key]
        empty = memory(client, keys)
        start = time.perf_counter()
        for i in range(0, len(jobs), batch):
            await store.apply(jobs[i:i + batch])
        scheduled = time.perf_counter() - start
        stored = client.hlen(store.planned_key)
        per_subscription = [key.decode() for key in client.scan_iter(match=f"{store.due_key}:*", count=1000)]
        used = memory(client, keys + per_subscription) - empty
        print(f"scheduled {stored:,} in {scheduled:.2f} s ({stored / scheduled:,.0f} reminders/s); "
              f"{used / stored:,.0f} bytes each in Redis ({client.hlen(scheduler.jobs_key)} scheduler jobs, "
              f"{client.hlen(store.subjects_key)} subjects, the planned records, the due index and "
              f"{len(per_subscription):,} subscriptions' time indexes)")
        start, cpu = time.perf_counter(), time.process_time()
        moved = await retime_reminders(store, aclient, lambda name: f"{PREFIX}{name}",
                                       remind_at=dtime(10, 0, tzinfo=timezone.utc), now=datetime.now(timezone.utc))
        print(f"moved {moved:,} to another reminder time in {time.perf_counter() - start:.2f} s "
              f"({time.process_time() - cpu:.2f} s CPU in the notifier)")
        scheduler.shutdown()
        await aclient.aclose()
        client.close()
        if at_once:
            await fire_at_once(redis_url, Path(tmp), at_once)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="reminders per apply() call")
    parser.add_argument("--at-once", type=int, default=1000, help="reminders falling due at one second (0: skip)")
    args = parser.parse_args()
    asyncio.run(run(args.reminders, args.batch, args.at_once))


if __name__ == "__main__":
    main()
