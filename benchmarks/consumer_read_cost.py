"""What FastStream costs a consumer per stream read, and what a consumer costs while its stream is empty.

    .venv/bin/python benchmarks/consumer_read_cost.py [--reads 20000] [--repeats 5] [--idle-seconds 8]

One embedded Redis and a broker built as the services build theirs (``make_broker``), a ``StreamConsumer``
attached to it as the classifier's and the notifier's are, its handler doing nothing:

- **dispatch**: the process's CPU per read of one entry handed to the subscriber (``consume``, what FastStream
  does between a read and its handler: the message scope, the middlewares, the parser and decoder, the
  handler's call), with FastStream's Prometheus middleware and without, against the handler called alone;
  the best of ``--repeats`` runs of ``--reads`` reads. No Redis round trip is in it.
- **idle**: the process's CPU per second while the consumer's two subscribers wait on an empty stream (the
  blocking XREADGROUP and the reclaiming XAUTOCLAIM polls), and how many of each Redis answered.

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.consumer import StreamConsumer  # noqa: E402
from services.common.embedded_redis import EmbeddedRedis  # noqa: E402
from services.common.metrics import registry_with  # noqa: E402
from services.common.service import make_broker  # noqa: E402
from services.common.settings import Settings  # noqa: E402
from services.common.streams import Streams  # noqa: E402

STREAM, GROUP = "bench:stream", "bench"
READ = {"type": "bstream", "channel": STREAM, "data": [{b"__data__": b"x" * 2000}], "message_ids": [b"1-0"]}


async def _nothing(*_: Any) -> None:
    return None


def _consumer(streams: Streams | None, settings: Settings) -> StreamConsumer:
    return StreamConsumer(streams=lambda: streams, stream=STREAM, group=GROUP, consumer="c", expect=(),
                          handler=_nothing, claim_idle_ms=settings.claim_idle_ms,
                          max_deliveries=settings.max_deliveries, batch_handler=_nothing)


async def dispatch(redis_url: str, *, metrics: bool, reads: int, repeats: int) -> tuple[float, float]:
    """CPU µs per read through ``consume`` and for the handler alone (best of ``repeats``)."""
    settings = Settings(redis_url=redis_url, faststream_metrics=metrics)
    broker = make_broker(settings, registry=registry_with())
    consumer = _consumer(None, settings)

    async def decoded(entry: Any) -> object:  # no event decoding: only the framework's part is measured
        return entry

    consumer._decode = decoded  # type: ignore[method-assign]
    consumer.attach(broker, title="bench")
    await broker.start()
    try:
        reading = next(s for s in broker.subscribers if s.stream_sub.min_idle_time is None)
        handler = reading.calls[0].handler._original_call

        async def best(call: Any) -> float:
            fastest = float("inf")
            for _ in range(repeats):
                start = time.process_time()
                for _ in range(reads):
                    await call(READ)
                fastest = min(fastest, (time.process_time() - start) / reads * 1e6)
            return fastest

        return await best(reading.consume), await best(handler)
    finally:
        await broker.stop()


async def idle(redis_url: str, *, seconds: float) -> tuple[float, dict[str, int]]:
    """CPU ms per second of a consumer on an empty stream, and the reads Redis answered meanwhile."""
    settings = Settings(redis_url=redis_url)
    client = aioredis.Redis.from_url(redis_url)
    streams = Streams(client, prefix="", maxlen=1000, source="/bench")
    await streams.ensure_group(STREAM, GROUP, "c")
    broker = make_broker(settings, registry=registry_with())
    _consumer(streams, settings).attach(broker, title="bench")
    await broker.start()
    try:
        await asyncio.sleep(1.0)
        before = await client.info("commandstats")
        start = time.process_time()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - start
        after = await client.info("commandstats")
        calls = {name: after.get(f"cmdstat_{name}", {}).get("calls", 0)
                 - before.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("xreadgroup", "xautoclaim")}
        return 1000 * cpu / seconds, calls
    finally:
        await broker.stop()
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--idle-seconds", type=float, default=8.0)
    args = parser.parse_args()
    os.environ.pop("PLEDGEWATCH_FASTSTREAM_METRICS", None)
    logging.getLogger("services.common.outages").setLevel(logging.ERROR)  # the reads cut short by each stop
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as redis_url:
        for metrics in (True, False):
            through, alone = asyncio.run(dispatch(redis_url, metrics=metrics, reads=args.reads,
                                                  repeats=args.repeats))
            print(f"dispatch of a read of one entry, Prometheus middleware {'on ' if metrics else 'off'}: "
                  f"{through:5.1f} µs through FastStream, {alone:4.1f} µs the handler alone: "
                  f"{through - alone:5.1f} µs per read")
        cpu, calls = asyncio.run(idle(redis_url, seconds=args.idle_seconds))
        print(f"idle, {args.idle_seconds:.0f} s on an empty stream: {cpu:.2f} ms CPU per second; "
              f"XREADGROUP {calls['xreadgroup'] / args.idle_seconds:.1f}/s, "
              f"XAUTOCLAIM {calls['xautoclaim'] / args.idle_seconds:.1f}/s")


if __name__ == "__main__":
    main()
