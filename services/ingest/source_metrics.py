"""The polled sources' silence at scrape time: whether each is quiet, how long since it published, its
usual gap. The label is a configured source's name, a bounded set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from prometheus_client.core import GaugeMetricFamily, Metric

from services.common.streams import Streams

from .source_reads import SourceView, read_sources


class SourceCollector:
    """A Prometheus collector of the last :func:`read_sources` (:meth:`refresh` before each scrape)."""

    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self.sources: list[SourceView] = []

    async def refresh(self) -> None:
        self.sources = await read_sources(self.streams, now=datetime.now(timezone.utc))

    def collect(self) -> Iterator[Metric]:
        quiet = GaugeMetricFamily("pledgewatch_source_quiet", "1 while a polled source has published nothing for "
                                  "PLEDGEWATCH_QUIET_AFTER times its usual gap, else 0.", labels=["source"])
        since = GaugeMetricFamily("pledgewatch_source_seconds_since_release",
                                  "Seconds since a polled source last published (absent until it has).",
                                  labels=["source"])
        gap = GaugeMetricFamily("pledgewatch_source_usual_gap_seconds", "The median of a polled source's latest "
                                "gaps between releases (absent until it has enough to be judged).",
                                labels=["source"])
        for source in self.sources:
            quiet.add_metric([source.id], int(source.quiet_since is not None))
            if source.seconds_since_release is not None:
                since.add_metric([source.id], source.seconds_since_release)
            if source.usual_gap_seconds is not None:
                gap.add_metric([source.id], source.usual_gap_seconds)
        yield from (quiet, since, gap)

    def describe(self) -> Iterator[Metric]:
        return iter(())
