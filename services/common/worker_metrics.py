"""The counters of ``pledgewatch run --workers N`` summed into the one ``/metrics`` the run serves.

Workers 2..N serve no HTTP. Each writes what its registry holds (our counters and FastStream's) to one Redis
hash of the run every :data:`SHIP_SECONDS` and when it stops, under a field of its own process
(``<number>:<pid>``); the run adds every field to its own values at each scrape. A worker started again
gets a new field and the old one stays: a counter's total never falls while the run lasts (a killed worker
loses only what it counted since its last write). Gauges say what is true now, so only live processes'
gauges are added, and none while the hash cannot be read (Redis away: the last read's would look current); an
info (``pledgewatch_build_info``) is 1 for each build a live process runs. The run clears the hash when it
starts: a new run starts its counters at zero, as one process does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from .outages import UNREACHABLE, OutageNotices
from .streams import Streams, as_text

log = logging.getLogger(__name__)

SHIP_SECONDS = 5.0
KEEP_SECONDS = 3600
HASH_NAME = "metrics:workers"

SampleKey = tuple[str, tuple[tuple[str, str], ...]]  # a sample's name and its sorted labels


def hash_name(run_consumer: str) -> str:
    """The hash of one run's workers (runs on one Redis each have a consumer name of their own)."""
    return f"{HASH_NAME}:{run_consumer}"


def field_name(number: int, pid: int) -> str:
    return f"{number}:{pid}"


def field_pid(name: str) -> int | None:
    _, _, pid = name.partition(":")
    return int(pid) if pid.isdigit() else None


def snapshot(registry: CollectorRegistry) -> str:
    """The registry's families as JSON: name, type, help and every sample's name, labels and value."""
    return json.dumps([
        {"name": family.name, "type": family.type, "help": family.documentation,
         "samples": [[s.name, s.labels, s.value] for s in family.samples]}
        for family in registry.collect()], separators=(",", ":"))


@dataclass
class _Family:
    name: str
    type: str
    help: str
    values: dict[SampleKey, float] = field(default_factory=dict)

    def add(self, samples: Iterable[tuple[str, dict[str, str], float]]) -> None:
        for name, labels, value in samples:
            key = (name, tuple(sorted(labels.items())))
            self.values[key] = value if self.type == "info" else self.values.get(key, 0.0) + value

    def metric(self) -> Metric:
        metric = Metric(self.name, self.help, self.type)
        for (name, labels), value in self.values.items():
            metric.add_sample(name, dict(labels), value)
        return metric


def merged(own: Iterable[Metric], shipped: dict[str, str], live: Collection[int], *,
           current: bool = True) -> Iterator[Metric]:
    """``own`` families with every shipped snapshot's samples added (a gauge's or an info's only from ``live`` pids);
    a family only the workers have is added as it is. A snapshot that does not parse is left out. ``current``
    False: ``shipped`` could not be read now (Redis away), so its gauges, which say what is true now, are left out;
    its counters are added as last read."""
    families: dict[str, _Family] = {}
    for metric in own:
        family = families.setdefault(metric.name, _Family(metric.name, metric.type, metric.documentation))
        family.add((s.name, s.labels, s.value) for s in metric.samples)
    for name, text in shipped.items():
        try:
            shipped_families = json.loads(text)
            for shipped_family in shipped_families:
                if shipped_family["type"] in ("gauge", "info") and field_pid(name) not in live:
                    continue
                if shipped_family["type"] == "gauge" and not current:
                    continue
                family = families.setdefault(shipped_family["name"], _Family(
                    shipped_family["name"], shipped_family["type"], shipped_family["help"]))
                family.add((sample_name, labels, float(value))
                           for sample_name, labels, value in shipped_family["samples"])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("worker metrics %s left out: %s", name, exc)
    for family in families.values():
        yield family.metric()


class MetricsShipper:
    """A worker's side: writes its registry to the run's hash every :data:`SHIP_SECONDS` and at :meth:`stop`."""

    def __init__(self, registry: CollectorRegistry, streams: Streams, run_consumer: str, number: int) -> None:
        self.registry, self.streams = registry, streams
        self.key = streams.key(hash_name(run_consumer))
        self.field = field_name(number, os.getpid())
        self._task: asyncio.Task[None] | None = None

    async def ship(self) -> None:
        async with self.streams.client.pipeline(transaction=False) as pipe:
            pipe.hset(self.key, self.field, snapshot(self.registry))
            pipe.expire(self.key, KEEP_SECONDS)  # gone an hour after the run's last worker stopped
            await pipe.execute()

    def start(self) -> None:
        self._task = asyncio.create_task(self._every_while(), name="metrics-shipper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        try:
            await self.ship()
        except RedisError as exc:
            log.warning("could not write this worker's last counters: %s", exc)

    async def _every_while(self) -> None:
        outage = OutageNotices("writing this worker's counters")
        while True:
            await asyncio.sleep(SHIP_SECONDS)
            try:
                await self.ship()
            except UNREACHABLE as exc:  # the next write carries the totals: nothing is lost but time
                outage.failed(exc)
            except RedisError as exc:
                log.warning("could not write this worker's counters: %s", exc)
            else:
                outage.recovered()


class RunMetrics(Collector):
    """The run's side: its own registry with the workers' snapshots added, for ``generate_latest``;
    ``live`` holds the pids of the workers running now (the run sets it as it starts them)."""

    def __init__(self, registry: CollectorRegistry, streams: Streams, run_consumer: str) -> None:
        self.registry, self.streams = registry, streams
        self.key = streams.key(hash_name(run_consumer))
        self.live: Collection[int] = ()
        self._shipped: dict[str, str] = {}
        self._current = False  # whether the last scrape read the workers' snapshots

    async def clear(self) -> None:
        """At the run's start: the last run's workers counted nothing of this one."""
        await self.streams.client.delete(self.key)

    async def refresh(self) -> None:
        self._current = False
        self._shipped = {as_text(k): as_text(v) for k, v in (await self.streams.client.hgetall(self.key)).items()}
        self._current = True

    def unread(self) -> None:
        """This scrape could not read the snapshots: the last read's counters stay, its gauges are not true now."""
        self._current = False

    def collect(self) -> Iterator[Metric]:
        return merged(self.registry.collect(), self._shipped, set(self.live), current=self._current)
