"""A large dead-letter queue: how long `pledgewatch status`, `dlq list`, `dlq list --stream`, `dlq replay --all`
and `dlq drop --all` take, how much memory each takes at its peak, and how many bytes Redis sends them.

    .venv/bin/python benchmarks/dlq_scale.py [--letters 300000] [--runs 3] [--code PATH] [--against PATH]
                                             [--only reads|replay|drop]

Writes ``--letters`` dead letters on an embedded Redis (no AOF) as ingest writes refused inputs (letter and
count in one MULTI/EXEC, a thousand per round trip): one refused file first, then feed entries and POSTs. Then
runs each reading command ``--runs`` times as a process of its own and prints the best time (from after the
process's imports to the command's end), the process's peak RSS and Redis's ``total_net_output_bytes`` for one
run. Then the commands that go through every letter (``replay --all``, ``drop --all --yes``), each run on the
same letters put back first (``DUMP``/``RESTORE``): for the replay, ``--letters`` entries of ``releases`` given
up on by the classifier, every one replayable. ``--code`` runs the commands of another checkout
(``PYTHONPATH``); ``--against`` a second one, each run of it right after the same run of ``--code``, to compare
two versions on one machine under the same load. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis
import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas.streams import CLASSIFIER_GROUP, DEAD_LETTERS, RELEASES  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.streams import Streams  # noqa: E402

PREFIX = "bench:"
BATCH = 1_000
READS = (["status", "--json"], ["dlq", "list"], ["dlq", "list", "--stream", "file"])
SWEEPS = (["dlq", "replay", "--all"], ["dlq", "drop", "--all", "--yes"])
# The command run in a process of its own (stdout to /dev/null), timed from after its imports (start-up here is
# 1-3 s of loading modules, the same before and after); on stderr's last line the time and the peak RSS (KB), as
# the kernel keeps it for this program (VmHWM: getrusage's ru_maxrss would count the benchmark's own memory,
# held when it forked the process, in the child's peak).
TIMED = """
import re, sys, time
from pledgewatch.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1)
print(time.perf_counter() - started, peak, code, file=sys.stderr)
"""


async def write_letters(url: str, count: int) -> None:
    origins = ["file:/in/2020-01-01-empty.txt"] + [
        "http:POST /releases" if n % 6 == 0 else "feed:home-office" for n in range(1, count)]
    await _write(url, count, lambda streams, n: streams.dead_letter_event(
        stream=origins[n], payload={"body": '{"title": ""}'}, reason="no title: add a 'title:' line"))


async def write_replayable_letters(url: str, count: int) -> None:
    """``count`` entries of ``releases`` given up on by the classifier, as the consumer leaves them."""
    stream = PREFIX + RELEASES
    client = redis.Redis.from_url(url)
    client.xgroup_create(stream, CLASSIFIER_GROUP, id="$", mkstream=True)
    client.close()
    await _write(url, count, lambda streams, n: streams.dead_letter_event(
        stream=stream, payload={"event": '{"specversion": "1.0", "title": "' + "x" * 200 + '"}'},
        reason="unknown schema version 3", entry_id=f"{1_700_000_000_000 + n}-0", group=CLASSIFIER_GROUP,
        deliveries=4))


async def _write(url: str, count: int, letter: Callable) -> None:
    client = aioredis.Redis.from_url(url)
    streams = Streams(client, prefix=PREFIX, maxlen=10_000, source="/bench")
    for start in range(0, count, BATCH):
        async with client.pipeline(transaction=True) as pipe:
            for n in range(start, min(start + BATCH, count)):
                streams.add_letter(pipe, letter(streams, n))
            await pipe.execute()
    await client.aclose()


def saved(url: str) -> dict[bytes, bytes]:
    """Every key of the Redis, dumped: what :func:`restore` puts back."""
    client = redis.Redis.from_url(url)
    dumps = {key: client.dump(key) for key in client.scan_iter(count=1_000)}
    client.close()
    return dumps


def restore(url: str, dumps: dict[bytes, bytes]) -> None:
    client = redis.Redis.from_url(url)
    client.flushall()
    for key, value in dumps.items():
        client.restore(key, 0, value)
    client.close()


def run(command: list[str], url: str, code: Path) -> tuple[float, int, int]:
    """The command's time (s), peak RSS (MB) and the bytes Redis sent while it ran."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env |= {"REDIS_URL": url, "PLEDGEWATCH_PREFIX": PREFIX, "PYTHONPATH": str(code),
            "PLEDGEWATCH_HOME": tempfile.mkdtemp()}
    client = redis.Redis.from_url(url)
    before = client.info("stats")["total_net_output_bytes"]
    done = subprocess.run([sys.executable, "-c", TIMED, *command], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, cwd=code)
    sent = client.info("stats")["total_net_output_bytes"] - before
    client.close()
    took, peak_kb, exit_code = done.stderr.splitlines()[-1].split() if done.stderr else ("0", "0", "-")
    if done.returncode != 0 or exit_code not in ("0", "1"):
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr[-2000:]}")
    return float(took), int(peak_kb) // 1024, sent


def _letters_left(url: str) -> int:
    client = redis.Redis.from_url(url)
    left = client.xlen(PREFIX + DEAD_LETTERS)
    client.close()
    return int(left)


def line(command: list[str], code: Path, runs: list[tuple[float, int, int]]) -> str:
    times = ", ".join(f"{took:.2f}" for took, _, _ in runs)
    return (f"  {code.name:<10} pledgewatch {' '.join(command):<28} {times} s (best {min(t for t, _, _ in runs):.2f}),"
            f" peak RSS {max(rss for _, rss, _ in runs)} MB, Redis sent {runs[0][2] / 1e6:8.3f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose commands run (default: this)")
    parser.add_argument("--against", type=Path, help="another checkout, each run of it after the same of --code")
    parser.add_argument("--only", choices=("reads", "replay", "drop"),
                        help="only the reading commands, or only one of the commands going through every letter")
    args = parser.parse_args()
    codes = [args.code, *([args.against] if args.against else [])]
    with tempfile.TemporaryDirectory() as folder, EmbeddedRedis(Path(folder), appendonly=False) as url:
        if args.only in (None, "reads"):
            started = time.perf_counter()
            asyncio.run(write_letters(url, args.letters))
            print(f"{args.letters} refused inputs written in {time.perf_counter() - started:.1f} s")
            for command in READS:
                results: dict[Path, list] = {code: [] for code in codes}
                for _ in range(args.runs):
                    for code in codes:
                        results[code].append(run(command, url, code))
                for code in codes:
                    print(line(command, code, results[code]))
        if args.only == "reads":
            return
        for command, write in zip(SWEEPS, (write_replayable_letters, write_letters)):
            if args.only not in (None, command[1]):
                continue
            restore(url, {})
            asyncio.run(write(url, args.letters))
            letters = saved(url)
            print(f"{args.letters} letters for `{' '.join(command)}`, put back before each run")
            results = {code: [] for code in codes}
            for _ in range(args.runs):
                for code in codes:
                    restore(url, letters)
                    results[code].append(run(command, url, code))
                    if left := _letters_left(url):
                        raise SystemExit(f"{code}: {' '.join(command)} left {left} letters")
            for code in codes:
                print(line(command, code, results[code]))


if __name__ == "__main__":
    main()
