"""What the leader's tick costs Redis to drop the records of forgotten releases (decision 0052).

    .venv/bin/python benchmarks/retention_tick.py [--ids 10000] [--subscriptions 500] [--budget 2000]
        [--remembered 50000]

One embedded Redis and the notifier's own script (:class:`services.notifier.retention.Retention`), timed by Redis
itself (``INFO commandstats``: the microseconds of ``EVALSHA`` and of the reads before it), tick after tick:

- **nothing due**: the commands a tick sends when no release is due, and whether it read the subscriptions;
- **one large release**: one release of ``--ids`` ids told to two subscribers;
- **many subscriptions**: releases of two ids each, told to ``--subscriptions`` subscribers;
- **at scale**: ``--remembered`` releases remembered (not due) beside one release of ``--ids`` ids due, told to
  ``--subscriptions`` subscribers: Redis's time and this thread's CPU time a tick (sending the script's
  arguments, reading the answer).

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.notifier.retention import Retention  # noqa: E402


def _key(name: str) -> str:
    return f"bench:{name}"


async def _stats(client: aioredis.Redis) -> dict[str, tuple[int, int]]:
    """Per command: calls and microseconds so far."""
    return {name.removeprefix("cmdstat_"): (int(v["calls"]), int(v["usec"]))
            for name, v in (await client.info("commandstats")).items()}


def _delta(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {name: (calls - before.get(name, (0, 0))[0], usec - before.get(name, (0, 0))[1])
            for name, (calls, usec) in after.items() if calls != before.get(name, (0, 0))[0]}


async def _forgotten(client: aioredis.Redis, retention: Retention, releases: dict[str, list[str]],
                     subscriptions: list[str]) -> None:
    """``releases`` (id -> its ids) forgotten, each subscriber told of every id."""
    await _index(client, retention, releases)
    await _subscribed(client, subscriptions)
    every = [i for ids in releases.values() for i in ids]
    for sub in subscriptions:
        await client.hset(_key(f"notifier:sent:{sub}"), mapping={i: "1:abc" for i in every})
        await client.sadd(_key(f"notifier:elapsed:{sub}"), *every)


async def _subscribed(client: aioredis.Redis, subscriptions: list[str]) -> None:
    """``subscriptions``, as ids read from a subscriptions file (where a tick finds them, with the stored ones)."""
    await client.delete(_key("notifier:subscriptions:from-file"))
    for start in range(0, len(subscriptions), 5000):
        await client.sadd(_key("notifier:subscriptions:from-file"), *subscriptions[start:start + 5000])


async def _index(client: aioredis.Redis, retention: Retention, releases: dict[str, list[str]]) -> None:
    """``releases`` (id -> its ids) forgotten: due now."""
    for release, ids in releases.items():
        await client.zadd(_key("notifier:remembered"), {release: 0})
        if hasattr(retention, "index"):
            await retention.index(release, ids)
        else:  # a release of pledgewatch before the ids were kept in pages: one list
            await client.hset(_key("notifier:remembered:ids"), release, json.dumps(ids))


async def _ticks(client: aioredis.Redis, retention: Retention, budget: int, what: str, *, until_left: int = 0
                 ) -> None:
    dropped, usecs, cpus = 0, [], []
    while await client.zcard(_key("notifier:remembered")) > until_left:
        before = await _stats(client)
        cpu = time.thread_time()
        _, done = await retention.prune(now=datetime.now(timezone.utc), budget=budget)
        cpus.append(time.thread_time() - cpu)
        usecs.append(_delta(before, await _stats(client)).get("evalsha", (0, 0))[1])
        dropped += done
    print(f"{what}: {dropped} release(s) dropped in {len(usecs)} ticks, Redis's time a tick: median "
          f"{statistics.median(usecs) / 1000:.1f} ms, the costliest {max(usecs) / 1000:.1f} ms, in all "
          f"{sum(usecs) / 1000:.0f} ms; this thread's CPU a tick: median {statistics.median(cpus) * 1000:.1f} ms, "
          f"the costliest {max(cpus) * 1000:.1f} ms")


async def _remembered(client: aioredis.Redis, count: int) -> None:
    """``count`` releases of two ids each, remembered for a year yet."""
    later = time.time() + 365 * 86_400
    for start in range(0, count, 5000):
        names = [f"kept-{i}" for i in range(start, min(count, start + 5000))]
        await client.zadd(_key("notifier:remembered"), {name: later for name in names})
        await client.hset(_key("notifier:remembered:ids"),
                          mapping={name: json.dumps([f"{name}-c", f"{name}-c:0"]) for name in names})


async def main(redis_url: str, *, ids: int, subscriptions: int, budget: int, remembered: int) -> None:
    client = aioredis.Redis.from_url(redis_url)
    retention = Retention(client, _key)
    await client.zadd(_key("notifier:remembered"), {"young": 4e9})
    before = await _stats(client)
    await retention.prune(now=datetime.now(timezone.utc), budget=budget)
    sent = {name: calls for name, (calls, _) in _delta(before, await _stats(client)).items() if name != "info"}
    print(f"nothing due: commands {sent}")
    await client.flushall()

    await _forgotten(client, retention, {"large": [f"c-{i}" for i in range(ids)]}, ["a", "b"])
    await _ticks(client, retention, budget, f"one release of {ids} ids, 2 subscribers")
    await client.flushall()

    many = [f"s{i:04}" for i in range(subscriptions)]
    await _forgotten(client, retention, {f"r{i}": [f"c-{i}", f"c-{i}:0"] for i in range(10)}, many)
    await _ticks(client, retention, budget, f"10 releases of 2 ids, {subscriptions} subscribers")
    await client.flushall()

    await _remembered(client, remembered)
    # no records: removing an id none has costs as much
    await _index(client, retention, {"large": [f"c-{i}" for i in range(ids)]})
    await _subscribed(client, many)
    await _ticks(client, retention, budget, f"{remembered} releases remembered, one of {ids} ids due, "
                 f"{subscriptions} subscribers", until_left=remembered)
    await client.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--subscriptions", type=int, default=500)
    parser.add_argument("--budget", type=int, default=2000)
    parser.add_argument("--remembered", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis", appendonly=False) as url:
        asyncio.run(main(url, ids=args.ids, subscriptions=args.subscriptions, budget=args.budget,
                         remembered=args.remembered))
