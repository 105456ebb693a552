"""The streams' values at scrape time: each stream's length, each consumer group's pending count and lag, the
dead letters waiting. Read from Redis in one pipelined round trip, and a second only where Redis 6 leaves a
group's lag to be counted (bounded by :data:`~services.common.stream_stats.LAG_COUNT_LIMIT`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily, Metric
from redis.exceptions import ResponseError

from schemas.streams import ALL, DEAD_LETTERS

from .streams import Streams, as_text
from .stream_stats import lag_range, reported_lag


@dataclass(frozen=True)
class GroupStats:
    stream: str
    group: str
    pending: int
    lag: int


@dataclass(frozen=True)
class StreamStats:
    lengths: dict[str, int]  # stream name (without the prefix) -> entries
    groups: list[GroupStats]


async def read_stream_stats(streams: Streams) -> StreamStats:
    """Every stream's length and every group's pending count and lag."""
    keys = {name: streams.key(name) for name in ALL}
    async with streams.client.pipeline(transaction=False) as pipe:
        for key in keys.values():
            pipe.xlen(key)
            pipe.xinfo_groups(key)
        answers = await pipe.execute(raise_on_error=False)
    lengths, found = {}, []
    for (name, key), length, groups in zip(keys.items(), answers[::2], answers[1::2]):
        lengths[name] = int(length) if not isinstance(length, Exception) else 0
        if isinstance(groups, ResponseError):  # no such stream yet
            continue
        if isinstance(groups, Exception):
            raise groups
        found += [(name, key, group) for group in groups]
    uncounted = [(key, as_text(group["last-delivered-id"])) for _, key, group in found if reported_lag(group) is None]
    counted: list[int] = []
    if uncounted:
        async with streams.client.pipeline(transaction=False) as pipe:
            for key, last_delivered in uncounted:
                pipe.xrange(**lag_range(key, last_delivered))
            counted = [len(entries) for entries in await pipe.execute()]
    counts = iter(counted)
    stats = [GroupStats(name, as_text(group["name"]), int(group["pending"]),
                        lag if (lag := reported_lag(group)) is not None else next(counts))
             for name, _, group in found]
    return StreamStats(lengths, stats)


class StreamCollector:
    """A Prometheus collector of the last :class:`StreamStats` read (:meth:`refresh` before each scrape)."""

    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self.stats = StreamStats({}, [])

    async def refresh(self) -> None:
        self.stats = await read_stream_stats(self.streams)

    def collect(self) -> Iterator[Metric]:
        length = GaugeMetricFamily("pledgewatch_stream_length", "Entries in each stream.", labels=["stream"])
        for name, value in self.stats.lengths.items():
            length.add_metric([name], value)
        pending = GaugeMetricFamily("pledgewatch_consumer_group_pending",
                                    "Entries delivered to a consumer group and not yet acknowledged.",
                                    labels=["stream", "group"])
        lag = GaugeMetricFamily("pledgewatch_consumer_group_lag",
                                "Entries a consumer group has yet to read (counted up to 10001 on Redis 6).",
                                labels=["stream", "group"])
        for group in self.stats.groups:
            pending.add_metric([group.stream, group.group], group.pending)
            lag.add_metric([group.stream, group.group], group.lag)
        waiting = GaugeMetricFamily("pledgewatch_dead_letters", "Dead letters waiting to be replayed or dropped.",
                                    value=self.stats.lengths.get(DEAD_LETTERS, 0))
        yield from (length, pending, lag, waiting)

    def describe(self) -> Iterator[Metric]:
        return iter(())
