"""The counters a pledgewatch process keeps, in the Prometheus text format at ``GET /metrics``.

One set per process: the services run in one process (``pledgewatch run``) share them. They belong to no
registry of their own; each HTTP app registers them in its own (:func:`registry_with`), so building several
apps in one process never registers a name twice. Labels take only bounded values: a source's kind, a
channel type, yes/no, a stream name: never a release id, a URL or a subscriber.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Protocol, get_args, runtime_checkable

from prometheus_client import CollectorRegistry, Counter, Histogram, Info, disable_created_metrics
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from pledgewatch.build_info import this_build

# A counter's *_created series (its creation time) only doubles what the scrape says: not exported.
disable_created_metrics()

SourceKind = Literal["file", "http", "feed", "page", "backfill"]
CHANNEL_TYPES = ("webhook", "email", "apprise", "console")

RELEASES_PUBLISHED = Counter(
    "pledgewatch_releases_published", "Release versions ingest published on the releases stream.",
    ["source_kind"], registry=None)
RELEASES_CLASSIFIED = Counter(
    "pledgewatch_releases_classified", "Release versions the classifier classified.", registry=None)
COMMITMENTS_FOUND = Counter(
    "pledgewatch_commitments_found", "Commitments the classifier found, by whether they concern counter-terrorism.",
    ["counter_terrorism"], registry=None)
ALERTS_QUEUED = Counter(
    "pledgewatch_alerts_queued", "Alert deliveries queued for new commitments (one per alert and channel).",
    registry=None)
DELIVERIES = Counter(
    "pledgewatch_deliveries", "Delivery attempts, by channel type and outcome (sent, failed; cancelled: a delivery "
    "whose subscription was deleted or whose channel was changed to send elsewhere, finished without a further "
    "attempt).",
    ["channel", "outcome"], registry=None)
DELIVERIES_GIVEN_UP = Counter(
    "pledgewatch_deliveries_given_up", "Deliveries that failed for good (attempts spent, or not retryable) and "
    "were dead-lettered, by channel type: the alerts that never reached a channel.", ["channel"], registry=None)
DELIVERY_SEND_SECONDS = Histogram(
    "pledgewatch_delivery_send_seconds", "How long each delivery attempt's send took, in seconds, by channel type "
    "(every attempt, failed and timed out ones too): where deliveries wait, slow endpoints show here.",
    ["channel"], registry=None,
    # up to the longest send bound: a webhook's 10 s, an email's 10 s, an Apprise service's 15 s, and the sum of them
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40))
REMINDERS_FIRED = Counter("pledgewatch_reminders_fired", "Deadline reminders fired.", registry=None)
DEAD_LETTERS_WRITTEN = Counter(
    "pledgewatch_dead_letters_written", "Dead letters written, by the stream or kind of source they came from.",
    ["origin"], registry=None)
DEAD_LETTERS_REPLAYED = Counter(
    "pledgewatch_dead_letters_replayed", "Dead letters replayed (`pledgewatch dlq replay`), by the stream or kind of "
    "source they came from.", ["origin"], registry=None)
DEAD_LETTERS_TRIMMED = Counter(
    "pledgewatch_dead_letters_trimmed", "Dead letters dropped unreplayed, the oldest, because the dead-letter stream "
    "was past its cap (PLEDGEWATCH_DEAD_LETTERS_MAXLEN).", registry=None)
SOURCE_POLLS = Counter(
    "pledgewatch_source_polls", "Polls of each configured source (feed or page), by outcome (ok, failed): a "
    "source that fails every poll never publishes, so it is never judged quiet either.", ["source", "outcome"],
    registry=None)

# pledgewatch_build_info{version, commit} 1, the Prometheus convention: joined on, it tells a scrape's replica's build
BUILD = Info("pledgewatch_build", "The build this process runs: its release, and the git commit of its checkout "
             "(unknown outside one).", registry=None)

# Every bounded label value exported from the start (at 0): a rate over a series that appears late is wrong.
for _kind in get_args(SourceKind):
    RELEASES_PUBLISHED.labels(source_kind=_kind)
for _answer in ("yes", "no"):
    COMMITMENTS_FOUND.labels(counter_terrorism=_answer)
for _channel in CHANNEL_TYPES:
    for _outcome in ("sent", "failed", "cancelled"):
        DELIVERIES.labels(channel=_channel, outcome=_outcome)
    DELIVERIES_GIVEN_UP.labels(channel=_channel)
    DELIVERY_SEND_SECONDS.labels(channel=_channel)

# Each delivery attempt counts and times itself: its series are looked up by label once, then kept (``labels()``
# takes a lock and builds the label tuple: some 2-4 µs a call, where counting is under 1). The ``other`` channel's
# series still appear only once something is counted in them.
_SERIES: dict[tuple[Any, ...], Any] = {}


def _series(metric: Counter | Histogram, *values: str) -> Any:
    """``metric.labels(*values)``, looked up once."""
    series = _SERIES.get((metric, *values))
    if series is None:
        series = _SERIES[(metric, *values)] = metric.labels(*values)
    return series


PROCESS_COUNTERS = (RELEASES_PUBLISHED, RELEASES_CLASSIFIED, COMMITMENTS_FOUND, ALERTS_QUEUED, DELIVERIES,
                    DELIVERIES_GIVEN_UP, DELIVERY_SEND_SECONDS, REMINDERS_FIRED, DEAD_LETTERS_WRITTEN,
                    DEAD_LETTERS_REPLAYED, DEAD_LETTERS_TRIMMED, SOURCE_POLLS)


def _channel_label(channel_type: str) -> str:
    return channel_type if channel_type in CHANNEL_TYPES else "other"


def count_delivery(channel_type: str, *, ok: bool, final: bool = False) -> None:
    """One delivery attempt on a channel of ``channel_type``; a failed ``final`` one is also given up."""
    channel = _channel_label(channel_type)
    _series(DELIVERIES, channel, "sent" if ok else "failed").inc()
    if final and not ok:
        _series(DELIVERIES_GIVEN_UP, channel).inc()


def time_send(channel_type: str, seconds: float) -> None:
    """One send on a channel of ``channel_type`` that took ``seconds``, whatever came of it."""
    _series(DELIVERY_SEND_SECONDS, _channel_label(channel_type)).observe(seconds)


def count_cancelled(channel_type: str, *, attempted: bool) -> None:
    """A delivery on a channel of ``channel_type`` cancelled because its subscription was deleted: ``attempted``,
    after an attempt that failed (counted as failed too), else before one."""
    channel = _channel_label(channel_type)
    if attempted:
        _series(DELIVERIES, channel, "failed").inc()
    _series(DELIVERIES, channel, "cancelled").inc()


def count_commitments(counter_terrorism: int, other: int) -> None:
    COMMITMENTS_FOUND.labels(counter_terrorism="yes").inc(counter_terrorism)
    COMMITMENTS_FOUND.labels(counter_terrorism="no").inc(other)


class ScrapeCollector(Protocol):
    """A collector of values read at scrape time: :meth:`refresh` is awaited before each scrape."""

    def collect(self) -> Iterable[Metric]: ...
    async def refresh(self) -> None: ...


@runtime_checkable
class Measured(Protocol):
    """A service that exports values of its own at ``/metrics``."""

    def collectors(self) -> list[ScrapeCollector]: ...


def registry_with(*collectors: Collector) -> CollectorRegistry:
    """A registry of the process's counters and ``collectors``: one per HTTP app."""
    registry = CollectorRegistry(auto_describe=True)
    build = this_build()
    BUILD.info({"version": build.release, "commit": build.commit})
    for collector in (*PROCESS_COUNTERS, BUILD, *collectors):
        registry.register(collector)
    return registry
