"""What a running system keeps in Redis, in its data folder and in its log, as releases accumulate.

    .venv/bin/python benchmarks/key_growth.py --redis-url redis://127.0.0.1:6390/0 [--steps 5000 10000]
    .venv/bin/python benchmarks/key_growth.py --redis-url redis://127.0.0.1:6390/0 --census-only

``pledgewatch run`` (ingest, classifier, notifier, ledger) against the Redis given, under a prefix of its own
(``--prefix``, emptied first), with four webhook subscribers (everything, counter-terrorism, funding, one keyword)
on a loopback receiver, each reminded ``--reminders`` times before a deadline. Real-shaped releases (the labelled
training releases and the seed, cycled, each copy with actors of its own, dated yesterday so that their deadlines
lie ahead) are posted to ``POST /releases`` until each total of ``--steps`` is reached; after each step, once
every alert is delivered and the ledger has caught up, it prints:

- every key family under the prefix (a key's variable part as ``<id>``): keys, bytes (``MEMORY USAGE``), bytes per
  key and per release, and how many of its keys expire (shortest and longest TTL left);
- what grew since the step before, per release posted meanwhile;
- the data folder's files and the run's log, in bytes per release;
- ``/metrics``: series per metric name.

Nothing is asserted. The Redis is the caller's (e.g. ``redis-server --port 6390 --save '' --appendonly no``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import wait_until  # noqa: E402
from pipeline_throughput import (Receiver, base_actors, caught_up, corpus, distinct_copy,  # noqa: E402
                                 subscriptions_yaml)
from schemas.streams import ALERTS, CLASSIFIED, LEDGER_GROUP, NOTIFIER_GROUP, RELEASES  # noqa: E402

# Keys whose name goes on with a variable part (an id, a subscription, a slot): longest first.
VARIABLE = sorted([
    "ingest:release:", "ingest:source:", "ingest:backfill:", "classifier:done:", "classifier:error:",
    "notifier:job:", "notifier:job-event:", "notifier:done:", "notifier:given-up:", "notifier:mailed:",
    "notifier:sent:", "notifier:elapsed:", "notifier:feed:", "notifier:feed-since:", "notifier:digest:",
    "notifier:digest-last:", "notifier:due-week:", "notifier:quarantined:", "notifier:unsubscribed:",
    "notifier:release:", "notifier:chain:", "notifier:announced:", "notifier:reminded:",
    "notifier:reminders:planned:", "notifier:reminders:fired-by:", "ledger:entry:", "ledger:index:",
    "ledger:release:", "ledger:chain:", "workers:beats:", "versions:", "wrong-tokens:", "metrics:",
], key=len, reverse=True)


def family(name: str) -> str:
    """``name`` (under the prefix) with its variable part written ``<id>``; a key of one name is its own family."""
    for start in VARIABLE:
        if name.startswith(start) and len(name) > len(start):
            rest = name[len(start):]
            suffix = re.search(r":(releases|rhythm|lease|counts)$", rest) if start == "ingest:source:" else None
            return f"{start}<id>" + (suffix.group() if suffix else "")
    return name


@dataclass
class Family:
    keys: int = 0
    bytes: int = 0
    expiring: int = 0
    ttls: list[int] = field(default_factory=list)
    types: Counter[str] = field(default_factory=Counter)


def census(client: redis.Redis, prefix: str) -> dict[str, Family]:
    """Every key under ``prefix``, grouped by :func:`family`."""
    out: dict[str, Family] = {}
    names = [k.decode() for k in client.scan_iter(match=f"{prefix}*", count=1000)]
    for i in range(0, len(names), 500):
        chunk = names[i:i + 500]
        with client.pipeline(transaction=False) as pipe:
            for name in chunk:
                pipe.memory_usage(name, samples=0)
                pipe.ttl(name)
                pipe.type(name)
            answers = pipe.execute()
        for j, name in enumerate(chunk):
            size, ttl, kind = answers[3 * j:3 * j + 3]
            if size is None:  # gone meanwhile
                continue
            f = out.setdefault(family(name[len(prefix):]), Family())
            f.keys += 1
            f.bytes += size
            f.types[kind.decode()] += 1
            if ttl >= 0:
                f.expiring += 1
                f.ttls.append(ttl)
    return out


def days(seconds: int) -> str:
    return f"{seconds / 86400:.0f} d" if seconds >= 86400 else f"{seconds / 3600:.1f} h" if seconds >= 3600 \
        else f"{seconds} s"


def print_census(now: dict[str, Family], before: dict[str, Family], releases: int, added: int) -> None:
    print(f"{'key family':<40}{'type':<7}{'keys':>9}{'bytes':>13}{'B/key':>11}{'B/release':>10}"
          f"{'grew B/release':>15}  expire (TTL left)")
    for name, f in sorted(now.items(), key=lambda item: -item[1].bytes):
        grown = f.bytes - (before[name].bytes if name in before else 0)
        expiry = ("none" if not f.expiring else
                  f"{f.expiring}/{f.keys}, {days(min(f.ttls))}..{days(max(f.ttls))}")
        print(f"{name:<40}{','.join(f.types):<7}{f.keys:>9,}{f.bytes:>13,}{f.bytes // f.keys:>11,}"
              f"{f.bytes / releases:>10.0f}{grown / added if added else 0:>15.0f}  {expiry}")
    total = sum(f.bytes for f in now.values())
    print(f"{'all':<47}{sum(f.keys for f in now.values()):>9,}{total:>13,}{'':>11}{total / releases:>10.0f}"
          f"{(total - sum(f.bytes for f in before.values())) / added if added else 0:>15.0f}")


def folder_sizes(home: Path) -> dict[str, int]:
    return {str(p.relative_to(home)): p.stat().st_size for p in sorted(home.rglob("*")) if p.is_file()}


def series_by_metric(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            out[re.split(r"[{ ]", line, maxsplit=1)[0]] += 1
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def release_bodies(base: list[dict], actors: list, start: int, stop: int) -> list[dict]:
    """Releases ``start``..``stop`` as ``POST /releases`` bodies, each copy with actors of its own."""
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    out = []
    for i in range(start, stop):
        item = distinct_copy(base[i % len(base)], actors[i % len(base)], i // len(base))
        out.append({"id": f"growth-{i:06d}", "url": f"https://example.org/releases/{i}", "title": item["title"],
                    "published_at": yesterday, "body": item["body"], "source": "growth",
                    "organisations": item.get("organisations", [])})
    return out


async def post_all(api: str, token: str, bodies: list[dict], concurrency: int = 8) -> None:
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    headers = {"Authorization": f"Bearer {token}"}

    async def poster(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            while True:
                async with session.post(f"{api}/releases", json=body, headers=headers) as answer:
                    if answer.status == 202:
                        break
                    if answer.status != 503:
                        raise SystemExit(f"POST /releases answered {answer.status}: {await answer.text()}")
                await asyncio.sleep(0.5)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(poster(session) for _ in range(concurrency)))


async def run(redis_url: str, prefix: str, steps: list[int], reminders: int, keep: Path | None) -> None:
    client = redis.Redis.from_url(redis_url)
    stale = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for i in range(0, len(stale), 1000):
        client.delete(*stale[i:i + 1000])
    receiver = Receiver()
    hook = await receiver.start()
    base = corpus()
    actors = base_actors(base)
    home = keep or Path(tempfile.mkdtemp(prefix="pledgewatch-growth-"))
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    subscriptions = home / "subscriptions.yaml"
    subscriptions.write_text(subscriptions_yaml(hook, sets=1, reminders=reminders))
    port, token = free_port(), secrets.token_urlsafe(32)
    api = f"http://127.0.0.1:{port}"
    env = {**os.environ, "REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": prefix, "PLEDGEWATCH_HOME": str(home / "data"),
           "PLEDGEWATCH_HTTP_PORT": str(port), "PLEDGEWATCH_API_TOKEN": token, "PYTHONPATH": str(ROOT),
           "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8", "PLEDGEWATCH_SUBSCRIPTIONS": str(subscriptions)}
    env.pop("PLEDGEWATCH_LOG_LEVEL", None)  # the default level's volume is measured
    log = home / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pledgewatch", "run", "--watch", str(home / "inbox")],
                                env=env, cwd=home, stdout=out, stderr=subprocess.STDOUT)
    try:
        async def answers() -> bool:
            try:
                async with aiohttp.ClientSession() as session, session.get(f"{api}/healthz") as answer:
                    return answer.status == 200
            except aiohttp.ClientError:
                return False
        deadline = time.monotonic() + 120
        while not await answers():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the run did not start:\n" + log.read_text()[-2000:])
            await asyncio.sleep(0.5)
        posted, before, log_before = 0, census(client, prefix), log.stat().st_size
        for total in steps:
            start = time.perf_counter()
            await post_all(api, token, release_bodies(base, actors, posted, total))
            await wait_until(lambda: client.xinfo_stream(prefix + RELEASES)["entries-added"] >= total, timeout=3600,
                             what="every release to be published", step=0.5)
            for group in (NOTIFIER_GROUP, LEDGER_GROUP):
                await wait_until(lambda g=group: caught_up(client, prefix + CLASSIFIED, g), timeout=3600,
                                 what=f"the {group} group to catch up", step=0.5)
            alerts = client.xinfo_stream(prefix + ALERTS)["entries-added"]
            await wait_until(lambda: receiver.count >= alerts, timeout=3600, what="every alert to be delivered",
                             step=0.5)
            await asyncio.sleep(3)  # the done marks, the trimmer
            elapsed = time.perf_counter() - start
            added, posted = total - posted, total
            now = census(client, prefix)
            used = client.info("memory")["used_memory"]
            print(f"\n=== {total:,} releases ({added:,} posted in {elapsed:.0f} s); {alerts:,} alerts, "
                  f"{receiver.count:,} delivered; Redis used_memory {used:,} B ({used / total:,.0f} B/release)")
            print_census(now, before, total, added)
            log_size = log.stat().st_size
            lines = log.read_bytes().count(b"\n")
            print(f"\nrun log: {log_size:,} B, {lines:,} lines ({(log_size - log_before) / added:.0f} B per release "
                  "posted this step)")
            files = folder_sizes(home / "data")
            print("data folder: " + ", ".join(f"{name} {size:,} B" for name, size in files.items()))
            async with aiohttp.ClientSession() as session, session.get(
                    f"{api}/metrics", headers={"Authorization": f"Bearer {token}"}) as answer:
                series = series_by_metric(await answer.text())
            print(f"/metrics: {sum(series.values()):,} series; the most: " + ", ".join(
                f"{name} {n}" for name, n in series.most_common(8)))
            before, log_before = now, log_size
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        await receiver.server.close()
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--redis-url", required=True, help="a Redis of your own; keys under --prefix are deleted")
    parser.add_argument("--prefix", default="growth:")
    parser.add_argument("--steps", type=int, nargs="+", default=[5000, 10000], help="totals of releases posted")
    parser.add_argument("--reminders", type=int, default=2, help="reminders per subscriber before a deadline")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="the run's folder (data, log), kept after")
    parser.add_argument("--census-only", action="store_true", help="print the key families under --prefix alone")
    args = parser.parse_args()
    if args.census_only:
        client = redis.Redis.from_url(args.redis_url)
        print_census(census(client, args.prefix), {}, 1, 0)
        return
    asyncio.run(run(args.redis_url, args.prefix, args.steps, args.reminders, args.keep))


if __name__ == "__main__":
    main()
