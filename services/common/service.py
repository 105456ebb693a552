"""What a service is, and the FastStream app that runs one or several of them."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from faststream import FastStream
from faststream.redis import RedisBroker
from faststream.redis.prometheus import RedisPrometheusMiddleware
from prometheus_client import CollectorRegistry

from pledgewatch import __version__

from .api import Routes
from .auth import READ_METHODS, ApiAuth
from .command_counts import CommandCounts
from .consumer import StreamConsumer
from .consumer_names import leave_groups
from .errors import StartupError
from .heartbeats import Beats, Heartbeat
from .http import HttpServer
from .listen_address import listen_problem
from .metrics import Measured, registry_with
from .publishers import declare_publishers
from .runtime import Runtime
from .scrape_reads import ScrapeReads
from .settings import Settings
from .specification import ContractAsyncAPI
from .start_steps import StartSteps, Step
from .stream_metrics import StreamCollector
from .tidying import tidied
from .trimming import StreamTrimmer
from .versions import VersionRecord
from .wire import CloudEventJSONFormat
from .wrong_tokens import KEY as WRONG_TOKENS_KEY
from .worker_metrics import MetricsShipper, RunMetrics

__all__ = ["Runtime", "RuntimeService", "Service", "attach_all", "build_app", "make_broker"]

log = logging.getLogger(__name__)

# FastStream logs through this logger, so its records take our format (its own logger adds colour codes).
FASTSTREAM_LOGGER = "pledgewatch.faststream"


class Service(Protocol):
    name: str

    def attach(self, broker: RedisBroker) -> None: ...
    async def start(self) -> None: ...  # before the broker: connections, consumer groups
    async def started(self) -> None: ...  # after the broker: background tasks
    async def stop(self) -> None: ...
    def routes(self) -> Routes: ...
    async def ping(self) -> None: ...


class RuntimeService:
    """What a service that only consumes and publishes does beyond its handlers: nothing to do once the broker
    runs, no routes, its Redis closed when it stops and pinged for health. Subclasses set ``runtime``."""

    runtime: Runtime

    async def started(self) -> None:
        pass

    async def stop(self) -> None:
        await self.runtime.close()

    def routes(self) -> Routes:
        return Routes()

    async def ping(self) -> None:
        await self.runtime.ping()


# Young objects allowed before a collection (CPython's default: 700). Handling a message makes and drops thousands
# of containers (models, dicts, lists), nearly all freed by their reference counts, yet each 700 of them made a
# collection: in a backlog of 2,000 releases the notifier ran 900 and spent 6 % of its CPU in them.
YOUNG_OBJECTS = 50_000


def freeze_startup_heap() -> None:
    """Leave what startup made (modules, models, schemas: most of the heap, and it lives as long as the process)
    out of every later garbage collection. A full collection walks the whole heap: in a burst of a thousand
    reminders two of them took a third of a second, mostly on these objects. Collect young objects less often
    (:data:`YOUNG_OBJECTS`): what is left for the collector is the few cycles a message makes."""
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, 20, 100)


def make_broker(settings: Settings, *, registry: CollectorRegistry | None = None) -> RedisBroker:
    """The services' broker; with a ``registry`` (and ``PLEDGEWATCH_FASTSTREAM_METRICS`` on), FastStream's
    Prometheus middleware counts in it what each subscriber received and processed, and how long it took."""
    middlewares = ([RedisPrometheusMiddleware(registry=registry, app_name="pledgewatch")]
                   if registry is not None and settings.faststream_metrics else [])
    # Per-message access logs ("Received", "Processed") only at DEBUG: services log what they did.
    # No dependency injection: every handler takes the read as its one argument (StreamConsumer), so resolving
    # and validating its parameters on each read would only cost time.
    return RedisBroker(settings.require_redis_url(), message_format=CloudEventJSONFormat,
                       logger=logging.getLogger(FASTSTREAM_LOGGER), log_level=logging.DEBUG,
                       middlewares=middlewares, apply_types=False)


def attach_all(broker: RedisBroker, services: Sequence[Service], settings: Settings) -> None:
    """Each service's subscribers, and the streams it writes, on ``broker``."""
    for service in services:
        service.attach(broker)
        declare_publishers(broker, service.name, settings.key)


def _has_write_routes(services: Sequence[Service]) -> bool:
    return any(method not in READ_METHODS for service in services for route in service.routes().routes
               for method in getattr(route, "methods", ()))


def build_app(services: Sequence[Service], settings: Settings, *, title: str,
              on_startup_error: Callable[[StartupError], None] | None = None, serve_http: bool = True,
              worker: tuple[str, int] | None = None, processes: int | None = None) -> FastStream:
    """One FastStream app running ``services`` on one broker and one HTTP port.

    Exits with a one-line reason when a service has a write API and no API token is configured.
    A :class:`StartupError` while the services (or the metrics' Redis connection) start goes to
    ``on_startup_error`` when given. ``GET /metrics`` serves the process's counters and the streams' values.
    ``serve_http=False``: the services' consumers and background work only, for a replica beside a process
    that serves the API, the metrics and the streams' trimming (``pledgewatch run --workers``); such a
    ``worker`` (the run's consumer name, its number) writes its counters for the run's ``/metrics``.
    ``processes``: the run's processes, this one among them (default ``PLEDGEWATCH_WORKERS``); with more than one,
    this one serves their counters and judges their heartbeats."""
    if not serve_http:
        return _consuming_app(services, settings, title=title, on_startup_error=on_startup_error, worker=worker)
    if settings.api_token_value is None and _has_write_routes(services):
        raise SystemExit(f"error: {title}: no API token for its write API: set PLEDGEWATCH_API_TOKEN (or "
                         "PLEDGEWATCH_API_TOKEN_FILE, a file holding it); make one with: "
                         "python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    registry = registry_with()  # the broker's middleware registers FastStream's metrics in it now, ours later
    broker = make_broker(settings, registry=registry)
    attach_all(broker, services, settings)
    auth = ApiAuth.from_settings(settings)
    http = HttpServer(settings.http_host, settings.http_port, auth=auth, trusted_proxies=settings.trusted_proxies,
                      redis_seconds=settings.http_redis_seconds)
    trimmer = StreamTrimmer(Runtime(settings, source="/pledgewatch/trimmer"))
    metrics_runtime = Runtime(settings, source="/pledgewatch/metrics")
    version = VersionRecord(Runtime(settings, source=title), settings.consumer,  # its wait for Redis, told as the app's
                            classifier=_classifier_of(services))
    heartbeats: list[Heartbeat] = []

    def failed(exc: StartupError) -> None:
        if on_startup_error is None:
            raise exc
        on_startup_error(exc)

    async def start() -> None:
        if problem := listen_problem(settings.http_host, settings.http_port):  # before Redis is waited for
            failed(StartupError(problem))
        try:
            await version.start()  # before any service joins a group: not beside another key schema
        except StartupError as exc:
            failed(exc)
        for service in services:
            try:
                await service.start()
            except StartupError as exc:
                failed(exc)
            http.add_routes(service.routes())
            http.add_check(service.name, service.ping)
        try:
            opened = await metrics_runtime.open()
        except StartupError as exc:
            failed(exc)
        else:
            # every process serving HTTP against this Redis counts wrong tokens into the same windows
            auth.wrong_tokens.share(opened.client, settings.key(WRONG_TOKENS_KEY))
            streams = StreamCollector(opened)
            reads = ScrapeReads([CommandCounts(streams.streams), streams,
                                 *(c for s in services if isinstance(s, Measured) for c in s.collectors())])
            registry.register(reads)  # type: ignore[arg-type]  # a collector by its collect()
            exported: CollectorRegistry | RunMetrics = registry
            if (processes or settings.workers) > 1:
                exported = app.run_metrics = RunMetrics(registry, streams.streams, settings.consumer)  # type: ignore[attr-defined]
                await exported.clear()
                reads.keeping_last.append(exported)
                app.beats = Beats(opened, settings.consumer)  # type: ignore[attr-defined]  # the run judges them
                await app.beats.clear()  # type: ignore[attr-defined]
                heartbeats.append(Heartbeat(opened, settings.consumer, 1, every=settings.heartbeat_seconds))
            http.add_metrics(exported, reads.refresh)

    async def started() -> None:
        await http.start()
        for service in services:
            await service.started()
        await trimmer.start()
        for heartbeat in heartbeats:
            heartbeat.start()
        freeze_startup_heap()

    async def stopping() -> None:
        log.info("%s stopping", title)
        await http.stop()

    async def stopped() -> None:
        for heartbeat in heartbeats:
            await heartbeat.stop()
        await trimmer.stop()
        for service in reversed(services):
            await service.stop()
        await _leave_groups(metrics_runtime, settings, services)
        await metrics_runtime.close()
        await version.stop()
        log.info("%s stopped", title)

    app = FastStream(broker, specification=ContractAsyncAPI(
                         title=title, version=__version__, prefix=settings.prefix,
                         webhooks=any(service.name == "notifier" for service in services)),
                     logger=logging.getLogger(FASTSTREAM_LOGGER),
                     **_hooks(start, started, stopping, stopped))
    app.http = http  # type: ignore[attr-defined]  # tests and the CLI read the bound port
    app.services = list(services)  # type: ignore[attr-defined]
    return app


def _hooks(start: Step, started: Step, stopping: Step, stopped: Step) -> dict[str, list[Step]]:
    """FastStream's hooks of an app: its start (before the broker, after it) cancelled by its stop where under
    way, and left undone after it (:class:`~.start_steps.StartSteps`)."""
    steps = StartSteps()

    async def on_startup() -> None:
        await steps.before_broker(start)

    async def after_startup() -> None:
        await steps.after_broker(started)

    async def on_shutdown() -> None:
        await steps.stop()
        await stopping()

    return {"on_startup": [on_startup], "after_startup": [after_startup], "on_shutdown": [on_shutdown],
            "after_shutdown": [stopped]}


def _classifier_of(services: Sequence[Service]) -> dict[str, Any] | None:
    """Which model the classifier among ``services`` runs (``ClassifierService.model_record``), for the process's
    version record; None when none of them classifies."""
    return next((record for service in services if (record := getattr(service, "model_record", None)) is not None),
                None)


async def _leave_groups(runtime: Runtime, settings: Settings, services: Sequence[Service]) -> None:
    """This process's consumer out of the groups its services read, where it holds nothing, once they have
    stopped: else each replica of a service started alone (a container recreated, scaled down) would stay
    listed in its group, and `pledgewatch status` would count it. What it still holds keeps it listed, to be
    reclaimed."""
    readers = [(c.stream, c.group) for s in services if isinstance(c := getattr(s, "consumer", None), StreamConsumer)]
    if runtime.opened and readers:  # tidying only: the process stops anyway
        await tidied(leave_groups(runtime.streams.client, readers, settings.consumer),
                     f"could not take consumer {settings.consumer} out of the groups", logger=log)


def _consuming_app(services: Sequence[Service], settings: Settings, *, title: str,
                   on_startup_error: Callable[[StartupError], None] | None,
                   worker: tuple[str, int] | None) -> FastStream:
    registry = registry_with() if worker is not None else None
    broker = make_broker(settings, registry=registry)
    attach_all(broker, services, settings)
    metrics_runtime = Runtime(settings, source="/pledgewatch/metrics")
    version = VersionRecord(Runtime(settings, source=title), settings.consumer,  # its wait for Redis, told as the app's
                            classifier=_classifier_of(services))
    shippers: list[MetricsShipper] = []
    heartbeats: list[Heartbeat] = []

    async def start() -> None:
        try:
            await version.start()  # before any service joins a group: not beside another key schema
        except StartupError as exc:
            if on_startup_error is None:
                raise
            on_startup_error(exc)
        for service in services:
            try:
                await service.start()
            except StartupError as exc:
                if on_startup_error is None:
                    raise
                on_startup_error(exc)
        if registry is not None and worker is not None:
            try:
                opened = await metrics_runtime.open()
            except StartupError as exc:
                if on_startup_error is None:
                    raise
                on_startup_error(exc)
            else:
                shippers.append(MetricsShipper(registry, opened, *worker))
                heartbeats.append(Heartbeat(opened, *worker, every=settings.heartbeat_seconds))

    async def started() -> None:
        for service in services:
            await service.started()
        for shipper in shippers:
            shipper.start()
        for heartbeat in heartbeats:
            heartbeat.start()

    async def stopping() -> None:
        log.info("%s stopping", title)

    async def stopped() -> None:
        for heartbeat in heartbeats:
            await heartbeat.stop()
        for shipper in shippers:
            await shipper.stop()  # after the services: their last counts go with it
        for service in reversed(services):
            await service.stop()
        await metrics_runtime.close()
        await version.stop()
        log.info("%s stopped", title)

    app = FastStream(broker, logger=logging.getLogger(FASTSTREAM_LOGGER), **_hooks(start, started, stopping, stopped))
    app.services = list(services)  # type: ignore[attr-defined]
    return app
