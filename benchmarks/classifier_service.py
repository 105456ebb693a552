"""The classifier's process beside ``classify`` alone: what the consumer path costs it, per release and per read.

    .venv/bin/python benchmarks/classifier_service.py [--releases 3000] [--read-count 64] [--profile DIR]

One embedded Redis and the classifier as a ``faststream run`` process (as ``pipeline_throughput.py`` starts it),
nothing downstream. The releases of ``pipeline_throughput.py`` are written to the releases stream as a backlog;
the run times how long the classifier takes to publish and acknowledge them all, and prints its CPU per release
against ``classify`` over the same releases in this process (the difference is the consumer path: reading,
decoding, the event built and dumped, the commit script), Redis's CPU, the commands and bytes per release, and
the reads it took. ``--read-count 1`` makes every read hold one entry, as a trickle of releases does. It also
prints what decoding one event costs (``decode_event``, best of 7 over the cycled releases) for the two events
the pipeline decodes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import cpu_split, start_service, wait_until  # noqa: E402
from pipeline_throughput import (PREFIX, caught_up, command_calls, corpus, events, feed_backlog,  # noqa: E402
                                 profile_process, traffic)
from schemas import ReleaseClassifiedEvent, ReleasePublishedEvent, decode_event  # noqa: E402
from schemas.streams import CLASSIFIED, CLASSIFIER_GROUP, RELEASES  # noqa: E402
from services.classifier.core import classify  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402


def best_microseconds(call, items: list, repeats: int = 7) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for item in items:
            call(item)
        best = min(best, time.process_time() - start)
    return 1e6 * best / len(items)


def decode_costs(payloads: list[bytes]) -> str:
    """``decode_event`` of each kind of event the pipeline decodes, per event."""
    now = datetime.now(timezone.utc)
    classified = [ReleaseClassifiedEvent.wrap(classify(event.data), id="bench/v1/classified", source="/bench",
                                              time=now, subject="bench").to_json()
                  for event in (decode_event(p) for p in payloads)]
    published_us = best_microseconds(lambda p: decode_event(p, expect=(ReleasePublishedEvent,)), payloads)
    classified_us = best_microseconds(lambda p: decode_event(p, expect=(ReleaseClassifiedEvent,)), classified)
    published_size = sum(map(len, payloads)) / len(payloads)
    classified_size = sum(map(len, classified)) / len(classified)
    return (f"decode_event: release.published ({published_size:,.0f} B) {published_us:.1f} µs, "
            f"release.classified ({classified_size:,.0f} B) {classified_us:.1f} µs")


async def run(n: int, read_count: int, profile: Path | None) -> None:
    base = corpus()
    batch = events(n, base)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        client = redis.Redis.from_url(redis_url)
        start = time.process_time()
        for release, _ in batch:
            classify(release)
        alone = (time.process_time() - start) / n
        env = {**os.environ, "REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": PREFIX, "PLEDGEWATCH_LOG_LEVEL": "WARNING",
               "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONPATH": str(ROOT), "PLEDGEWATCH_CONSUMER": "classifier-0",
               "PLEDGEWATCH_READ_COUNT": str(read_count), "PLEDGEWATCH_API_TOKEN": secrets.token_urlsafe(32)}
        process = start_service("classifier", env, Path(tmp) / "classifier.log")
        redis_pid = int(client.info("server")["process_id"])
        try:
            def ready() -> bool:
                try:
                    return any(g["name"] == CLASSIFIER_GROUP.encode() for g in client.xinfo_groups(PREFIX + RELEASES))
                except redis.ResponseError:
                    return False
            await wait_until(ready, timeout=60, what="the classifier to start", step=0.2)
            await asyncio.sleep(1.0)
            cpu_before = {"classifier": cpu_split(process.pid), "redis": cpu_split(redis_pid)}
            calls_before, traffic_before = command_calls(client), traffic(client)
            spy = profile_process(process.pid, profile / "classifier.collapsed") if profile else None
            start = time.perf_counter()
            feed_backlog(client, [payload for _, payload in batch])
            await wait_until(lambda: client.xlen(PREFIX + CLASSIFIED) >= n, timeout=600,
                             what="every release classified")
            done = await wait_until(lambda: caught_up(client, PREFIX + RELEASES, CLASSIFIER_GROUP), timeout=60,
                                    what="every release acknowledged")
            cpu_after = {"classifier": cpu_split(process.pid), "redis": cpu_split(redis_pid)}
            calls, moved = command_calls(client) - calls_before, traffic(client) - traffic_before
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=30)
        finally:
            process.terminate()
            process.wait(timeout=15)
            client.close()
    cpu = {name: (sum(cpu_after[name]) - sum(cpu_before[name])) / n for name in cpu_after}
    kernel = {name: (cpu_after[name][1] - cpu_before[name][1]) / n for name in cpu_after}
    print(f"{n} releases, reads of up to {read_count}: {n / (done - start):,.0f} releases/s classified and "
          f"acknowledged (load average {os.getloadavg()[0]:.1f})")
    print(f"  classifier process {1000 * cpu['classifier']:.3f} ms CPU per release "
          f"(system {1000 * kernel['classifier']:.3f}); classify alone {1000 * alone:.3f}; "
          f"the rest {1000 * (cpu['classifier'] - alone):.3f} ms")
    print(f"  Redis {1000 * cpu['redis']:.3f} ms CPU per release (system {1000 * kernel['redis']:.3f})")
    print(f"  reads {calls['xreadgroup']:,} ({n / max(calls['xreadgroup'], 1):.1f} releases a read); "
          "commands per release: "
          + ", ".join(f"{name} {count / n:.2f}" for name, count in calls.most_common(8))
          + f"; {moved['in'] / n:,.0f} B to Redis and {moved['out'] / n:,.0f} B back per release")
    print("  " + decode_costs([payload for _, payload in batch[:len(base)]]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--releases", type=int, default=3000)
    parser.add_argument("--read-count", type=int, default=64,
                        help="entries a read takes at most (PLEDGEWATCH_READ_COUNT)")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="sample the classifier with py-spy into DIR")
    args = parser.parse_args()
    asyncio.run(run(args.releases, args.read_count, args.profile))


if __name__ == "__main__":
    main()
