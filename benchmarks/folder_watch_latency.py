"""Latency of the folder watcher: a release file dropped into a watched folder to its release.published
entry on the stream, for this checkout and an earlier revision, side by side.

    .venv/bin/python benchmarks/folder_watch_latency.py [--before main] [--releases 20] [--rounds 2] [--aged]

The earlier revision is exported with ``git archive`` and run with this checkout's interpreter. Each round
runs both, one after the other, each in its own process with its own embedded Redis and default settings.
Each file is written beside the folder and renamed into it (whole, as a finished download appears), at a
random moment, so a poll's phase is not in step with the drops; its modification time is that moment, so
the watcher waits for it to settle (PLEDGEWATCH_SETTLE_SECONDS), unless ``--aged`` dates it 5 s back (a file that sat finished
elsewhere before it was moved in). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
SEED = HERE / "seeds" / "2017-11-29-uk-counterterror-iraq.txt"


async def measure(releases: int, seed: int, aged: bool = False) -> list[float]:
    """Seconds from each drop to its entry on the releases stream, with the code on ``sys.path``."""
    from schemas.streams import RELEASES
    from services.common.embedded_redis import EmbeddedRedis
    from services.common.settings import Settings
    from services.ingest.service import IngestService

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        settings = Settings(redis_url=redis_url, data_dir=Path(tmp) / "data", watch=[inbox], http_port=0)
        service = IngestService(settings, watch=[inbox], sources=[])
        await service.start()
        await service.started()
        client, stream = service.runtime.streams.client, settings.key(RELEASES)
        last_id, latencies = "0-0", []
        try:
            for i in range(releases):
                await asyncio.sleep(rng.uniform(0.0, 1.0))
                staging = Path(tmp) / f"2017-11-29-release-{i}.txt"
                staging.write_text(SEED.read_text() + f"\n\nThe UK will invest £{i + 1}m in port screening.\n")
                if aged:
                    past = time.time() - 5
                    os.utime(staging, (past, past))
                dropped = time.monotonic()
                staging.rename(inbox / staging.name)
                answer = await client.xread({stream: last_id}, count=1, block=30_000)
                if not answer:
                    continue
                latencies.append(time.monotonic() - dropped)
                last_id = answer[0][1][-1][0]
        finally:
            await service.stop()
    return latencies


def _child(root: str, releases: int, seed: int, aged: bool) -> list[float]:
    code = (f"import asyncio, json, sys; sys.path.insert(0, {root!r}); sys.path.insert(1, {str(HERE)!r});"
            "from benchmarks.folder_watch_latency import measure;"
            f"print(json.dumps(asyncio.run(measure({releases}, {seed}, {aged}))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return (f"{name:<36} n={len(ms):<3} median {statistics.median(ms):7.1f} ms   mean {statistics.mean(ms):7.1f} ms"
            f"   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the revision to compare with (default: main)")
    parser.add_argument("--releases", type=int, default=20, help="files dropped per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternating")
    parser.add_argument("--aged", action="store_true", help="files last modified 5 s before they are dropped")
    args = parser.parse_args()
    results: dict[str, list[float]] = {args.before: [], "this checkout": []}
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", args.before], cwd=HERE, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for round_ in range(args.rounds):
            for name, root in ((args.before, tmp), ("this checkout", str(HERE))):
                results[name] += _child(root, args.releases, round_, args.aged)
    print(f"{args.releases} files x {args.rounds} rounds, dropped at random moments"
          f"{', modified 5 s before' if args.aged else ''}, embedded Redis, default settings")
    for name, seconds in results.items():
        print(_summary(f"{name}: drop -> published", seconds))


if __name__ == "__main__":
    main()
