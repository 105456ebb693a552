"""One page of a subscription's planned reminders, as ``GET /subscriptions/{id}/reminders`` reads it, at scale.

    .venv/bin/python benchmarks/reminder_listing_page.py [--reminders 100000] [--limit 20]

Plans ``--reminders`` reminders for one subscription (one release, one commitment per reminder, a day before
deadlines spread over three years: each second its own) through the notifier's ``ReminderStore.apply`` on an
embedded Redis, records them in its agenda, then lists pages of ``--limit`` with ``planned_reminders``: the first,
and (where the listing takes a cursor) the one after the middle reminder, by its cursor. Prints, per page, this
process's CPU time (the worker threads' included) and the wall time, the best of three, and the bytes Redis sent
for one (``INFO stats``). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import Commitment, DateDeadline, ReleaseClassified  # noqa: E402
from services.common.cpu_work import CpuWork  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.notifier.planning import release_ref  # noqa: E402
from services.notifier.reminder_listing import planned_reminders  # noqa: E402
from services.notifier.reminder_store import ReminderStore  # noqa: E402
from services.notifier.reminders import PlannedReminders, reminder_jobs  # noqa: E402
from services.notifier.scheduler import ReminderScheduler  # noqa: E402
from services.notifier.subscriptions import Subscription  # noqa: E402

PREFIX = "bench:"


def jobs_for(n: int) -> list:
    """``n`` reminders of subscription ``desk``, a day before ``n`` deadlines spread over three years."""
    now = datetime.now(timezone.utc)
    first = date(now.year + 1, 1, 1)
    commitments = [Commitment.model_validate({
        "id": f"c-{i:08d}", "kind": "pledge", "actor": "Home Office", "category": "funding",
        "counter_terrorism": True, "text": "The Home Office will invest £10m in counter-terrorism policing by June.",
        "span": [0, 70], "confidence": 0.9,
        "deadlines": [DateDeadline(type="date", text="by June", due=first + timedelta(days=i % 1000),
                                   span=[60, 67]).model_dump(mode="json")]}) for i in range(n)]
    release = ReleaseClassified.model_validate({
        "release_id": "r-1", "version": 1, "url": "https://example.org/r-1", "title": "Policing fund",
        "published_at": now.isoformat(), "source": "bench", "classifier_version": "bench",
        "is_counter_terrorism": True, "counter_terrorism_score": 0.9,
        "commitments": [c.model_dump(mode="json") for c in commitments]})
    return reminder_jobs("desk", ["P1D"], release_ref(release), commitments, now=now)


async def sent_bytes(client: aioredis.Redis) -> int:
    """What Redis has sent its clients so far (``INFO stats``)."""
    return int((await client.info("stats"))["total_net_output_bytes"])


async def timed(client: aioredis.Redis, work) -> tuple[float, float, int, dict]:  # type: ignore[no-untyped-def]
    """The best CPU and wall time of three runs of ``work``, the bytes Redis sent for the last (the ``INFO`` that
    measures them included: a few kB), and its answer."""
    best_cpu, best_wall, read, body = float("inf"), float("inf"), 0, {}
    for _ in range(3):
        cpu, wall, before = time.process_time(), time.perf_counter(), await sent_bytes(client)
        body = await work()
        best_cpu, best_wall = min(best_cpu, time.process_time() - cpu), min(best_wall, time.perf_counter() - wall)
        read = await sent_bytes(client) - before
    return best_cpu, best_wall, read, body


async def main(count: int, limit: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        scheduler = ReminderScheduler(redis_url, PREFIX)
        scheduler.start(None)  # paused: it keeps the jobs, fires none
        client = aioredis.Redis.from_url(redis_url)
        try:
            store = ReminderStore(client, lambda name: f"{PREFIX}{name}", scheduler,
                                  generations=f"{PREFIX}notifier:subscriptions:generations")
            jobs = jobs_for(count)
            await store.apply(jobs)
            agenda = f"{PREFIX}notifier:reminders:planned:desk"
            await client.hset(agenda, "r-1", PlannedReminders.of(1, jobs).to_json())
            sub, cpu = Subscription(id="desk", channels=["console"], reminders=["P1D"]), CpuWork()
            parameters = inspect.signature(planned_reminders).parameters
            paged = "cursor" in parameters
            read = (client, store, agenda) if "agenda_key" in parameters else (client, store)  # before the index

            def page(cursor: str | None = None):  # type: ignore[no-untyped-def]
                extra = {"cursor": cursor} if paged else {}
                return lambda: planned_reminders(*read, sub, cpu, limit=limit, **extra)
            await page()()  # a first listing indexes the reminders planned before the index was kept, once
            memory = {name: await client.memory_usage(f"{PREFIX}{name}") or 0
                      for name in ("notifier:reminders:due", "notifier:reminders:due:desk")}
            print(f"{count:,} planned: the due index {memory['notifier:reminders:due']:,} bytes, desk's time index "
                  f"{memory['notifier:reminders:due:desk']:,} bytes (0: none)")
            cpu_s, wall, sent, body = await timed(client, page())
            print(f"{count:,} planned, first page of {limit}: CPU {cpu_s:.3f} s, wall {wall:.3f} s, "
                  f"{sent:,} bytes read from Redis; planned {body['planned']:,}")
            if paged:  # the page after the middle reminder, with the cursor a page ending there would give
                from services.ledger.core.cursors import encode_cursor

                rid, at = (await store.scheduled())[count // 2]
                cpu_s, wall, sent, body = await timed(client, page(encode_cursor("reminders", at.timestamp(), rid)))
                print(f"{count:,} planned, a page of {limit} from the middle (by its cursor): CPU {cpu_s:.3f} s, "
                      f"wall {wall:.3f} s, {sent:,} bytes read from Redis; {body['more']:,} more after it")
        finally:
            await client.aclose()
            scheduler.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(main(options.reminders, options.limit))
