"""The streams' values at scrape time: each stream's length, each consumer group's pending count and lag, the
dead letters waiting. Read from Redis in one pipelined round trip, and a second only where Redis 6 leaves a
group's lag to be counted (bounded by :data:`~services.common.stream_stats.LAG_COUNT_LIMIT`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from redis.exceptions import ResponseError

from schemas.streams import ALL, DEAD_LETTERS

from .held_back import by_group, count_older_limit, first_entry_range, oldest_needed, to_count
from .streams import Streams, as_text, parse_stream_id
from .stream_stats import lag_range, reported_lag

HELD_BACK_SERIES_LIMIT = 20  # groups named in pledgewatch_consumer_group_held_back; more are summed as "other"


@dataclass(frozen=True)
class GroupStats:
    stream: str
    group: str
    pending: int
    lag: int
    held_back: int = 0  # entries kept past the streams' cap for this group (services.common.held_back)


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
    held = {name: await _held_back(streams, keys[name], [g for n, _, g in found if n == name], lengths[name])
            for name in keys if name != DEAD_LETTERS}
    stats = [GroupStats(name, as_text(group["name"]), int(group["pending"]),
                        lag if (lag := reported_lag(group)) is not None else next(counts),
                        held.get(name, {}).get(as_text(group["name"]), 0))
             for name, key, group in found]
    return StreamStats(lengths, stats)


async def _held_back(streams: Streams, key: str, groups: list[dict[str, Any]], length: int) -> dict[str, int]:
    """Entries each of ``groups`` keeps in the stream past its cap (see :mod:`.held_back`): a read of the
    stream's first entry and at most one count, only for a stream past its cap."""
    limit = count_older_limit(length, streams.cap)
    if not limit or not groups:
        return {}
    needed = [oldest_needed(parse_stream_id(group["last-delivered-id"]),
                            None if (pending := await _oldest_pending(streams, key, group)) is None
                            else parse_stream_id(pending)) for group in groups]
    first_entries = await streams.client.xrange(**first_entry_range(key))
    if not first_entries:  # trimmed meanwhile
        return {}
    first = parse_stream_id(first_entries[0][0])
    older = len(await streams.client.xrange(**count)) if (count := to_count(key, needed, first, limit)) else 0
    return {as_text(group["name"]): entries
            for group, entries in zip(groups, by_group(needed, first, length, streams.cap, older))}


async def _oldest_pending(streams: Streams, key: str, group: dict[str, Any]) -> Any:
    return (await streams.client.xpending(key, group["name"]))["min"] if int(group["pending"]) else None


def held_back_series(groups: list[GroupStats]) -> list[tuple[str, str, int]]:
    """``(stream, group, entries)`` of each group holding back trimming, the most first; past
    :data:`HELD_BACK_SERIES_LIMIT` the rest summed as group ``other``, so the labels stay few."""
    holding = sorted((g for g in groups if g.held_back), key=lambda g: -g.held_back)
    named = [(g.stream, g.group, g.held_back) for g in holding[:HELD_BACK_SERIES_LIMIT]]
    rest: dict[str, int] = {}
    for g in holding[HELD_BACK_SERIES_LIMIT:]:
        rest[g.stream] = rest.get(g.stream, 0) + g.held_back
    return named + [(stream, "other", entries) for stream, entries in rest.items()]


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
        held = GaugeMetricFamily("pledgewatch_consumer_group_held_back",
                                 "Entries a consumer group keeps in a stream past PLEDGEWATCH_STREAM_MAXLEN, unread "
                                 "or unacknowledged (only groups holding back trimming).", labels=["stream", "group"])
        for stream, group_name, entries in held_back_series(self.stats.groups):
            held.add_metric([stream, group_name], entries)
        waiting = GaugeMetricFamily("pledgewatch_dead_letters", "Dead letters waiting to be replayed or dropped.",
                                    value=self.stats.lengths.get(DEAD_LETTERS, 0))
        yield from (length, pending, lag, held, waiting)

    def describe(self) -> Iterator[Metric]:
        return iter(())
