"""What FastStream's Prometheus middleware costs per stream entry read, measured alone.

    .venv/bin/python benchmarks/faststream_metrics_cost.py [--entries 20000] [--rounds 5]

One embedded Redis; a backlog of ``--entries`` release-sized entries on a stream; a RedisBroker built by the
services' own ``make_broker`` reads them through a group subscriber shaped as the services' (batch reads, manual
acknowledgement) and a handler that only counts, once with the middleware and once without, alternating, for
``--rounds`` rounds, at two batch sizes: 16 (a backlog, as ``read_count``) and 1 (entries arriving one at a
time, the middleware's worst case). It prints this process's CPU per entry for each, and the difference: the
middleware's cost per read. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faststream import AckPolicy  # noqa: E402
from faststream.redis import RedisBatchStreamMessage, StreamSub  # noqa: E402

from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.metrics import registry_with  # noqa: E402
from services.common.service import make_broker  # noqa: E402
from services.common.settings import Settings  # noqa: E402

PAYLOAD = b'{"specversion":"1.0","type":"pledgewatch.release.published","data":{"body":"' + b"x" * 1600 + b'"}}'


def fill(client: redis.Redis, stream: str, entries: int) -> None:
    client.delete(stream)
    for start in range(0, entries, 500):
        with client.pipeline(transaction=False) as pipe:
            for _ in range(min(500, entries - start)):
                pipe.xadd(stream, {"__data__": PAYLOAD})
            pipe.execute()
    client.xgroup_create(stream, "bench", id="0")


async def consume(redis_url: str, stream: str, entries: int, *, batch: int, middleware: bool) -> float:
    """CPU seconds this process spent reading ``entries`` through one subscriber."""
    settings = Settings(redis_url=redis_url, faststream_metrics=middleware)
    broker = make_broker(settings, registry=registry_with())
    seen, done = 0, asyncio.Event()

    @broker.subscriber(stream=StreamSub(stream, group="bench", consumer="c1", batch=True, max_records=batch),
                       ack_policy=AckPolicy.MANUAL)
    async def on_entries(msg: RedisBatchStreamMessage) -> None:
        nonlocal seen
        seen += len(msg.raw_message["data"])
        if seen >= entries:
            done.set()

    await broker.start()
    start = time.process_time()
    await asyncio.wait_for(done.wait(), timeout=600)
    spent = time.process_time() - start
    await broker.stop()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis", appendonly=False) as url:
        client = redis.Redis.from_url(url)
        for batch in (16, 1):
            spent: dict[bool, list[float]] = {False: [], True: []}
            for round_ in range(args.rounds):
                for middleware in (False, True) if round_ % 2 == 0 else (True, False):
                    stream = f"bench:{batch}:{round_}:{int(middleware)}"
                    fill(client, stream, args.entries)
                    spent[middleware].append(asyncio.run(
                        consume(url, stream, args.entries, batch=batch, middleware=middleware)))
                    client.delete(stream)
            per = {m: [1e6 * s / args.entries for s in values] for m, values in spent.items()}
            off, on = statistics.median(per[False]), statistics.median(per[True])
            print(f"batch {batch:>2}: without {off:6.1f} µs/entry (range {min(per[False]):.1f}-{max(per[False]):.1f}), "
                  f"with {on:6.1f} µs/entry (range {min(per[True]):.1f}-{max(per[True]):.1f}); "
                  f"middleware {on - off:+.1f} µs per entry ({100 * (on - off) / off:+.0f} %), "
                  f"{batch * (on - off):+.1f} µs per read")


if __name__ == "__main__":
    main()
