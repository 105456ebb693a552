"""The values ``GET /metrics`` reads from Redis at each scrape, and whether Redis answered them.

A scrape answers 200 whatever Redis does: the process's own counters are what an operator needs most while Redis
is away, and a 503 would have Prometheus mark the whole target down. What could not be read now is left out of the
scrape, never served from an earlier read, and ``pledgewatch_redis_up`` says whether Redis answered
(decision 0083).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from prometheus_client.core import GaugeMetricFamily, Metric
from redis.exceptions import RedisError

from .metrics import ScrapeCollector
from .outages import OutageNotices
from .redis_refusals import UNREACHABLE_REDIS, redis_unavailable


class KeptRead(ScrapeCollector, Protocol):
    """A collector that keeps its last read when a scrape cannot read it (``keeping_last``); :meth:`unread` tells it
    this scrape did not read it."""

    def unread(self) -> None: ...


class ScrapeReads:
    """A Prometheus collector of ``collectors``, each read from Redis by its ``refresh`` before every scrape
    (:meth:`refresh`), and of whether Redis answered.

    A collector whose read Redis refused for now (full, read-only) is left out of that scrape; once Redis is not
    reached or does not answer within the request's bound, the collectors after it are left out unasked, so a
    scrape waits the bound once at most. ``keeping_last``: collectors exported elsewhere (``RunMetrics``, around
    the registry this one is in), read after the others, that keep their last read when one fails, and are told
so (``unread``). A read that
    fails for any other reason (a command Redis refused as wrong) raises, as before."""

    def __init__(self, collectors: Sequence[ScrapeCollector], *, keeping_last: Sequence[KeptRead] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.collectors, self.keeping_last = list(collectors), list(keeping_last)
        self._clock = clock
        self._read: list[ScrapeCollector] = list(self.collectors)  # as built: nothing read yet, nothing to export
        self._up = True
        self._answered_at = clock()  # the process has just opened its connection: Redis answered then
        self._outage = OutageNotices("the values /metrics reads from Redis")

    async def refresh(self) -> None:
        read: list[ScrapeCollector] = []
        self._up = True
        for collector in (*self.collectors, *self.keeping_last):
            try:
                await collector.refresh()
            except RedisError as exc:
                if not redis_unavailable(exc):
                    raise
                self._outage.failed(exc, collector)
                if isinstance(exc, UNREACHABLE_REDIS):
                    self._up = False
                    break
                self._answered_at = self._clock()  # a refusal is an answer
            else:
                self._outage.recovered(collector)
                self._answered_at = self._clock()
                read.append(collector)
        self._read = read
        for kept in self.keeping_last:
            if kept not in read:
                kept.unread()

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            if collector in self._read:
                yield from collector.collect()
        yield GaugeMetricFamily("pledgewatch_redis_up", "1 when Redis answered this scrape's reads, else 0 (not "
                                "reached, or no answer within PLEDGEWATCH_HTTP_REDIS_SECONDS): the series read "
                                "from Redis are left out meanwhile.", value=int(self._up))
        yield GaugeMetricFamily("pledgewatch_redis_seconds_since_answer", "Seconds since Redis last answered this "
                                "process's /metrics reads (0 while it answers).",
                                value=0 if self._up else self._clock() - self._answered_at)

    def describe(self) -> Iterator[Metric]:
        return iter(())
