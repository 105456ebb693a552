"""What FastStream's Prometheus middleware adds to each stream read, measured alone.

    .venv/bin/python benchmarks/faststream_metrics_cost.py [--reads 20000] [--repeats 5]

The middleware the services' brokers use (``RedisPrometheusMiddleware``, as ``make_broker`` builds it) wraps a
handler that does nothing, around a batch message shaped as the services' subscribers receive one (entries of
a release's size, 1 or 16 a read). It prints this process's CPU per read with and without it (the best of
``--repeats`` runs of ``--reads`` reads): the middleware's own cost, free of Redis and of the noise a whole
pipeline run carries on a shared machine. Per release it is paid once per read of each stream a release
crosses (releases by the classifier, classified by the notifier and by the ledger), divided by the batch
size when a backlog is read. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faststream._internal.context.repository import ContextRepo  # noqa: E402
from faststream.redis import RedisBatchStreamMessage  # noqa: E402
from faststream.redis.prometheus import RedisPrometheusMiddleware  # noqa: E402

from services.common.metrics import registry_with  # noqa: E402

ENTRY = {b"__data__": b'{"type":"pledgewatch.release.classified","data":{"body":"' + b"x" * 1600 + b'"}}'}


async def nothing(msg: RedisBatchStreamMessage) -> None:
    return None


async def per_read(entries: int, *, reads: int, repeats: int, middleware: bool) -> float:
    """The best CPU microseconds per read of ``entries`` entries, over ``repeats`` runs."""
    wrapper = RedisPrometheusMiddleware(registry=registry_with(), app_name="pledgewatch")
    raw = {"type": "bstream", "channel": "pledgewatch:classified", "data": [ENTRY] * entries,
           "message_ids": [f"1-{i}".encode() for i in range(entries)]}
    msg = RedisBatchStreamMessage(raw, b"", consumer=None, group="notifier")
    context = ContextRepo()
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(reads):
            if middleware:
                await wrapper(raw, context=context).consume_scope(nothing, msg)
            else:
                await nothing(msg)
        best = min(best, (time.process_time() - start) / reads * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for entries in (1, 16):
        bare, measured = (asyncio.run(per_read(entries, reads=args.reads, repeats=args.repeats, middleware=m))
                          for m in (False, True))
        print(f"{entries:>2} entr{'y' if entries == 1 else 'ies'} a read: {bare:5.1f} µs without, {measured:5.1f} µs "
              f"with the middleware: {measured - bare:+.1f} µs per read, {(measured - bare) / entries:+.1f} µs "
              "per entry")


if __name__ == "__main__":
    main()
