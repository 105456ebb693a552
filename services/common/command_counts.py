"""What a command counted (``pledgewatch ingest``, its backfill), handed to the ``/metrics`` of the system it
worked on.

A command is a process of its own: its counters would end with it, and a release it published would be counted
nowhere. At its end it adds them to one Redis hash under the deployment's prefix; the next process serving
``/metrics`` to be scraped takes them out (read and delete in one transaction) and adds them to its own
counters, so each is counted once across the deployment's processes, and for as long as that process runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from prometheus_client import Counter
from prometheus_client.core import Metric
from redis.exceptions import RedisError

from .metrics import PROCESS_COUNTERS
from .streams import Streams, as_text

log = logging.getLogger(__name__)

HASH_NAME = "metrics:commands"
KEEP_SECONDS = 7 * 24 * 3600  # counts no process serving /metrics took by then are dropped


def _field(name: str, labels: dict[str, str]) -> str:
    return json.dumps([name, sorted(labels.items())], separators=(",", ":"))


def counted(counters: tuple[Counter, ...] = PROCESS_COUNTERS) -> dict[str, float]:
    """Every non-zero counter value of this process, by ``[family name, sorted labels]`` as JSON."""
    values = {}
    for counter in counters:
        for family in counter.collect():
            for sample in family.samples:
                if sample.name.endswith("_total") and sample.value:
                    values[_field(family.name, sample.labels)] = sample.value
    return values


async def hand_over(streams: Streams) -> None:
    """Add this process's counts to the deployment's hash (a command does it once, at its end). Redis out of
    reach loses only the counts: the command has reported what it did."""
    values = counted()
    if not values:
        return
    key = streams.key(HASH_NAME)
    try:
        async with streams.client.pipeline(transaction=True) as pipe:
            for field, value in values.items():
                pipe.hincrbyfloat(key, field, value)
            pipe.expire(key, KEEP_SECONDS)
            await pipe.execute()
    except RedisError as exc:
        log.warning("this command's counts were not handed over: %s", exc)


def _add(field: str, value: float, by_name: dict[str, Counter]) -> None:
    name, labels = json.loads(field)
    counter = by_name[name]
    (counter.labels(**dict(labels)) if labels else counter).inc(value)


class CommandCounts:
    """A scrape-time collector exporting nothing itself: :meth:`refresh` adds the commands' counts handed over
    since the last scrape to this process's counters."""

    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self._by_name = {family.name: counter for counter in PROCESS_COUNTERS for family in counter.collect()}

    async def refresh(self) -> None:
        async with self.streams.client.pipeline(transaction=True) as pipe:
            pipe.hgetall(self.streams.key(HASH_NAME))
            pipe.delete(self.streams.key(HASH_NAME))
            handed, _ = await pipe.execute()
        for field, value in handed.items():
            try:
                _add(as_text(field), float(value), self._by_name)
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("a command's count %s left out: %s", as_text(field), exc)

    def collect(self) -> Iterator[Metric]:
        return iter(())

    def describe(self) -> Iterator[Metric]:
        return iter(())
