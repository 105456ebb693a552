"""The notifier's outbox at scrape time: how many deliveries are queued, due or waiting, and how long the oldest due
one has waited. Three reads of the outbox's sorted set (job -> when due), whatever its size: no label per channel,
which would mean reading every job. Due times are on Redis's clock (the scripts that write them read ``TIME``), so
they are judged at Redis's now, read first, whatever this host's clock says; so are the delivery processes'
heartbeats, read with them, at the same now."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily, Metric

from services.common.redis_clock import redis_now
from services.common.streams import Streams

from .delivery_beats import beats_of
from .delivery_presence import KEY as DELIVERY_BEATS, live

OUTBOX = "notifier:outbox"  # under the prefix (:mod:`.outbox`)


@dataclass(frozen=True)
class OutboxFigures:
    queued: int  # every job the outbox holds
    due: int  # due now: waiting for the notifier, or for a free slot of its endpoint
    oldest_due_seconds: int | None  # how long the oldest due job has waited; None when none is due

    @classmethod
    def of(cls, queued: int, due: int, oldest_due_at: float | None, now: float) -> OutboxFigures:
        """The figures from the set's size, its count due by ``now`` and the earliest due time (epoch seconds)."""
        return cls(queued, due, round(now - oldest_due_at) if due and oldest_due_at is not None else None)


@dataclass(frozen=True)
class OutboxReading:
    """The outbox's figures and the delivery processes' heartbeats, read at one moment of Redis's clock."""

    figures: OutboxFigures
    beats: dict[str, float]  # each delivery process's last heartbeat (epoch seconds); empty when not read
    now: float  # Redis's clock as they were read: the moment to judge the heartbeats at


async def read_outbox(streams: Streams, *, beats: bool = False) -> OutboxReading:
    """The outbox's figures at Redis's now: ``TIME``, then three reads; with ``beats``, the delivery processes'
    heartbeats too, in the same round trip."""
    key = streams.key(OUTBOX)
    now = await redis_now(streams.client)
    async with streams.client.pipeline(transaction=False) as pipe:  # no MULTI: refused at maxmemory
        pipe.zcard(key)
        pipe.zcount(key, "-inf", now)
        pipe.zrange(key, 0, 0, withscores=True)
        if beats:
            pipe.hgetall(streams.key(DELIVERY_BEATS))
        queued, due, oldest, *fields = await pipe.execute()
    return OutboxReading(OutboxFigures.of(queued, due, oldest[0][1] if oldest else None, now),
                         beats_of(fields[0]) if fields else {}, now)


class OutboxCollector:
    """A Prometheus collector of the outbox as last read (:meth:`refresh` before each scrape)."""

    def __init__(self, streams: Streams, *, delivery_beat_limit: float | None = None) -> None:
        """``delivery_beat_limit``: with delivery processes (``PLEDGEWATCH_DELIVERY_PROCESS``), how old a delivery
        process's last heartbeat may be for it to be counted live; None: the notifier sends, nothing to count."""
        self.streams, self.delivery_beat_limit = streams, delivery_beat_limit
        self.figures = OutboxFigures(0, 0, None)
        self.delivery_processes = 0

    async def refresh(self) -> None:
        reading = await read_outbox(self.streams, beats=self.delivery_beat_limit is not None)
        self.figures = reading.figures
        if self.delivery_beat_limit is not None:
            self.delivery_processes = len(live(reading.beats, now=reading.now, limit=self.delivery_beat_limit))

    def collect(self) -> Iterator[Metric]:
        queued = GaugeMetricFamily(
            "pledgewatch_deliveries_queued", "Deliveries in the notifier's outbox, by state: due (waiting for the "
            "notifier or a free slot of their endpoint: a backlog when it grows) or waiting (for a retry, or being "
            "sent).", labels=["state"])
        queued.add_metric(["due"], self.figures.due)
        queued.add_metric(["waiting"], self.figures.queued - self.figures.due)
        oldest = GaugeMetricFamily(
            "pledgewatch_deliveries_oldest_due_seconds", "How long the oldest due delivery has waited (0 when none "
            "is due).")
        oldest.add_metric([], self.figures.oldest_due_seconds or 0)
        yield from (queued, oldest)
        if self.delivery_beat_limit is not None:
            processes = GaugeMetricFamily(
                "pledgewatch_delivery_processes_live", "Delivery processes (PLEDGEWATCH_DELIVERY_PROCESS) whose "
                "heartbeat is recent: at 0 while deliveries are due, none is sent.")
            processes.add_metric([], self.delivery_processes)
            yield processes

    def describe(self) -> Iterator[Metric]:
        return iter(())
