"""A large dead-letter queue: how long `pledgewatch status`, `dlq list` and `dlq list --stream` take, and how many
bytes Redis sends them.

    .venv/bin/python benchmarks/dlq_scale.py [--letters 300000] [--runs 3] [--code PATH]

Writes ``--letters`` dead letters on an embedded Redis (no AOF) as ingest writes refused inputs (letter and
count in one MULTI/EXEC, a thousand per round trip): one refused file first, then feed entries and POSTs. Then
runs each command ``--runs`` times as a process of its own and prints the best time (from after the process's
imports to the command's end) and Redis's ``total_net_output_bytes`` for one run. ``--code`` runs the commands
of another checkout (``PYTHONPATH``) on the same letters, to compare with an earlier version.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.streams import Streams  # noqa: E402

PREFIX = "bench:"
BATCH = 1_000
COMMANDS = (["status", "--json"], ["dlq", "list"], ["dlq", "list", "--stream", "file"])
# The command run in a process of its own, timed from after its imports (start-up here is 1-3 s of loading
# modules, the same before and after); the time on stderr's last line.
TIMED = """
import contextlib, io, sys, time
from pledgewatch.cli import main
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])
print(time.perf_counter() - started, file=sys.stderr)
"""


async def write_letters(url: str, count: int) -> None:
    client = aioredis.Redis.from_url(url)
    streams = Streams(client, prefix=PREFIX, maxlen=10_000, source="/bench")
    origins = ["file:/in/2020-01-01-empty.txt"] + [
        "http:POST /releases" if n % 6 == 0 else "feed:home-office" for n in range(1, count)]
    for start in range(0, count, BATCH):
        async with client.pipeline(transaction=True) as pipe:
            for origin in origins[start:start + BATCH]:
                streams.add_letter(pipe, streams.dead_letter_event(
                    stream=origin, payload={"body": '{"title": ""}'}, reason="no title: add a 'title:' line"))
            await pipe.execute()
    await client.aclose()


def run(command: list[str], url: str, code: Path) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env |= {"REDIS_URL": url, "PLEDGEWATCH_PREFIX": PREFIX, "PYTHONPATH": str(code),
            "PLEDGEWATCH_HOME": tempfile.mkdtemp()}
    client = redis.Redis.from_url(url)
    before = client.info("stats")["total_net_output_bytes"]
    done = subprocess.run([sys.executable, "-c", TIMED, *command], env=env, capture_output=True, text=True,
                          cwd=code)
    sent = client.info("stats")["total_net_output_bytes"] - before
    client.close()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr}")
    return float(done.stderr.splitlines()[-1]), sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose commands run (default: this)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, EmbeddedRedis(Path(folder), appendonly=False) as url:
        started = time.perf_counter()
        asyncio.run(write_letters(url, args.letters))
        print(f"{args.letters} letters written in {time.perf_counter() - started:.1f} s; commands of {args.code}")
        for command in COMMANDS:
            runs = [run(command, url, args.code) for _ in range(args.runs)]
            best = min(took for took, _ in runs)
            print(f"  pledgewatch {' '.join(command):<28} best of {args.runs}: {best:6.2f} s, "
                  f"Redis sent {runs[0][1] / 1e6:8.3f} MB")


if __name__ == "__main__":
    main()
