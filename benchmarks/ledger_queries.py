"""Ledger queries at scale: N commitments stored, then the queries a dashboard and an API client make.

    .venv/bin/python benchmarks/ledger_queries.py [--commitments 10000] [--rounds 200] [--http]

Stores ``--commitments`` real-shaped commitments (ten per release, varied actors, categories, money and
deadlines; every tenth release announces again an earlier one's money) through ``LedgerStore.apply`` on an
embedded Redis, then times each query kind ``--rounds`` times through ``LedgerIndex`` (what the API
answers from: the cards in memory, refreshed from Redis first) and the page's entries read back whole:
p50, p99 and max per kind. With ``--http`` the same queries go through the HTTP API instead (the real server
on 127.0.0.1, one kept-alive client connection): ``GET /ledger/commitments`` and ``GET /ledger/deadlines``,
answered as JSON. Prints the time to store them all, Redis memory per commitment (``MEMORY USAGE`` of every
ledger key) and the reader's memory for the cards. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path

import aiohttp
import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas.classified import Commitment, DateDeadline, Money, ReleaseClassified  # noqa: E402
from services.common.auth import ApiAuth  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.http import HttpServer  # noqa: E402
from services.ledger.api import ledger_routes  # noqa: E402
from services.ledger.core.queries import commitments_page, deadlines_in, parse_query  # noqa: E402
from services.ledger.index import LedgerIndex  # noqa: E402
from services.ledger.store import LedgerStore  # noqa: E402

PREFIX = "bench:"
ACTORS = ["UK", "Home Office", "European Commission", "online platforms", "the Council", "Ofcom", "Canada",
          "Australia", "major communications companies", "Europol"]
CATEGORIES = ["funding", "capability_building", "border_security", "online_content", "training", "legislation",
              "sanctions", "prevention", "international_cooperation", "other"]
VERBS = ["invest", "provide", "train", "deploy", "publish", "remove", "adopt", "fund", "support", "build"]
OBJECTS = ["police forces", "border infrastructure", "terrorist content", "a new strategy", "prevention programmes",
           "biometric capabilities", "aviation security", "local partners", "a regulatory code", "research"]
START = datetime(2016, 1, 1, 9, tzinfo=timezone.utc)


def releases(count: int, rng: random.Random) -> list[ReleaseClassified]:
    out = []
    for r in range(count // 10):
        published = START + timedelta(hours=7 * r)
        commitments = []
        for i in range(10):
            actor, verb, thing = rng.choice(ACTORS), rng.choice(VERBS), rng.choice(OBJECTS)
            amount = rng.choice([1, 2, 5, 10, 20, 50, 100]) * 1_000_000 if rng.random() < 0.4 else None
            if r % 10 == 9 and i == 0:  # announced again: an earlier release's first commitment
                actor, verb, thing, amount = ACTORS[(r - 9) % len(ACTORS)], "invest", "police forces", 10_000_000
            money_text = f"£{amount // 1_000_000}m " if amount else ""
            text = f"The {actor} will {verb} {money_text}in {thing} for release {r} item {i}."
            due = published.date() + timedelta(days=rng.randint(-30, 1500))
            commitments.append(Commitment(
                id=f"c-{r}-{i}", text=text, span=(i * 200, i * 200 + len(text)), kind=rng.choice(["pledge", "demand"]),
                actor=actor, category=rng.choice(CATEGORIES), counter_terrorism=rng.random() < 0.5,
                confidence=round(rng.uniform(0.3, 1.0), 2),
                money=Money(amount=amount, currency="GBP", text=money_text.strip(), span=(0, 4)) if amount else None,
                deadlines=[DateDeadline(due=due, text=f"by {due:%-d %B %Y}", span=(0, 10))] if rng.random() < 0.6 else []))
        out.append(ReleaseClassified(
            release_id=f"rel-{r}", version=1, classifier_version="bench", url=f"https://example.org/{r}",
            title=f"Release {r} on {rng.choice(OBJECTS)}", published_at=published, source=rng.choice(["gov-uk", "eu"]),
            is_counter_terrorism=True, counter_terrorism_score=0.9, commitments=commitments))
    return out


QUERIES = {
    "recent (no filter)": {},
    "counter-terrorism funding": {"counter_terrorism": ["true"], "category": ["funding"]},
    "actor + keyword": {"actor": ["Home Office"], "keyword": ["police"]},
    "free text": {"q": ["biometric capabilities"]},
    "due in the next 90 days": {"due_after": ["2018-01-01"], "due_before": ["2018-03-31"]},
}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--http", action="store_true", help="through the HTTP API, not in-process")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, EmbeddedRedis(Path(folder), appendonly=True) as url:
        client = aioredis.Redis.from_url(url)
        key = lambda name: PREFIX + name  # noqa: E731
        store = LedgerStore(client, key)
        batch = releases(args.commitments, rng)
        started = time.perf_counter()
        for release in batch:
            await store.apply(release, now=release.published_at)
        stored = time.perf_counter() - started
        count = len(batch) * 10
        print(f"stored {count} commitments ({len(batch)} releases) in {stored:.1f} s: "
              f"{count / stored:,.0f} commitments/s")
        memory = 0
        async for name in client.scan_iter(match=PREFIX + "ledger:*", count=1000):
            memory += await client.memory_usage(name) or 0
        print(f"Redis memory: {memory / 1e6:.1f} MB, {memory / count:,.0f} bytes per commitment")
        tracemalloc.start()
        index = LedgerIndex(client, key)
        cards = await index.cards()
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"reader's cards in memory: {size / 1e6:.1f} MB for {len(cards)} ({size / len(cards):,.0f} bytes each)")
        measure = _through_http if args.http else _in_process
        print(f"{'query' + (' (HTTP)' if args.http else ''):28} {'matches':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'max ms':>8}")
        for name, params in QUERIES.items():
            times, matched = await measure(store, index, params, args.rounds)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(f"{name:28} {matched:>8} {statistics.median(times):>8.1f} {p99:>8.1f} {times[-1]:>8.1f}")
        await client.aclose()
    return 0


async def _in_process(store: LedgerStore, index: LedgerIndex, params: dict[str, list[str]],
                      rounds: int) -> tuple[list[float], int]:
    query = parse_query({**params, "limit": ["50"]})
    times, matched = [], 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        if "due_after" in params:  # as GET /ledger/deadlines does
            items, _ = deadlines_in(await index.due_order(), query)
            keys = [i.card.key for i in items]
        else:
            keys = [c.key for c in commitments_page(await index.cards(), query).items]
        await store.entries(keys)  # the page, read back whole
        times.append((time.perf_counter() - t0) * 1000)
        matched = len(keys)
    return times, matched


async def _through_http(store: LedgerStore, index: LedgerIndex, params: dict[str, list[str]],
                        rounds: int) -> tuple[list[float], int]:
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth(None))
    server.add_routes(ledger_routes(lambda: store, lambda: index, subscription=_no_subscription,
                                    remind_at=dtime(9, tzinfo=timezone.utc), clock=lambda: START))
    await server.start()
    path = "deadlines" if "due_after" in params else "commitments"
    query = [(k, v) for k, values in {**params, "limit": ["50"]}.items() for v in values]
    times, matched = [], 0
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as session:
            for _ in range(rounds):
                t0 = time.perf_counter()
                async with session.get(f"/ledger/{path}", params=query) as resp:
                    assert resp.status == 200, await resp.text()
                    page = await resp.json()
                times.append((time.perf_counter() - t0) * 1000)
                matched = len(page[path])
    finally:
        await server.stop()
    return times, matched


async def _no_subscription(sub_id: str) -> None:
    return None


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
