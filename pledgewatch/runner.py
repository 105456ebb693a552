"""``pledgewatch run``: ingest, classifier, notifier and ledger in one process, and with ``--workers N``
the classifier, the notifier and the ledger in N-1 more (:mod:`.workers`).

With no REDIS_URL, a private Redis is started under ``<data_dir>/redis`` for
the lifetime of the run (the embedded default).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from contextlib import nullcontext
from pathlib import Path

from faststream import FastStream

from services.classifier.service import ClassifierService
from services.common.embedded_redis import EmbeddedRedis, EmbeddedRedisLost
from services.common.listen_address import listen_problem
from services.common.service import build_app
from services.common.settings import Settings
from services.ingest.service import IngestService

from .api_token import announcement, ensure_api_token
from .build_info import this_build
from .errors import CommandError, usage_error
from .redis_password import redis_password
from .redis_source import RedisSource
from .runlock import AlreadyLocked, RunLock
from .runstate import clear_run_state, read_run_state, write_run_state
from .stop_signals import LoopStop, keep_stopping, stop_requested
from .workers import Workers, run_processes

log = logging.getLogger("pledgewatch")


def build_all(settings: Settings, *, sources: Path | None = None) -> FastStream:
    """The services on one broker and one HTTP port, the dashboard among the ledger's routes; ``sources``
    overrides PLEDGEWATCH_SOURCES."""
    from services.dashboard.service import LedgerWithDashboard
    from services.notifier.service import NotifierService

    ingest_settings = settings.ingest
    if sources is not None:
        ingest_settings = ingest_settings.model_copy(update={"sources": sources})
    services = [IngestService(settings, ingest=ingest_settings), ClassifierService(settings),
                NotifierService(settings), LedgerWithDashboard(settings)]
    return build_app(services, settings, title="pledgewatch", processes=run_processes(settings))


async def _tidy_groups(settings: Settings, *, starting: bool, embedded: bool) -> None:
    """Consumers of stopped processes out of pledgewatch's own groups: at the start of a run on its own embedded
    Redis (no other pledgewatch process reads it) every idle one, after what they held is handed over; at a
    clean stop this run's own idle ones (every idle one on the embedded Redis). A group of another service, which
    may read the embedded Redis too, is its own: left as it is."""
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError

    from schemas.streams import GROUPS
    from services.common.consumer_names import hand_over_pending, retire_idle_consumers

    from .workers import worker_consumer

    groups = {settings.key(stream): names for stream, names in GROUPS.items()}
    streams = list(groups)
    ours = {worker_consumer(settings.consumer, n) for n in range(1, settings.workers + 1)}
    client = aioredis.Redis.from_url(settings.require_redis_url())
    try:
        if starting:
            # to worker 1's consumer: the stopped run's consumers then hold nothing and are retired below
            await hand_over_pending(client, streams, idle_ms=settings.claim_idle_ms,
                                    to=worker_consumer(settings.consumer, 1), groups=groups)
        await retire_idle_consumers(client, streams, only=None if embedded else ours, groups=groups)
    except RedisError as exc:  # tidying only: the run goes on, or has stopped anyway
        log.warning("could not tidy the consumer groups: %s", exc)
    finally:
        await client.aclose()


async def _keep_up(embedded: EmbeddedRedis, app: FastStream) -> None:
    """The embedded Redis started again whenever it exits; the run stopped when it cannot be."""
    try:
        await embedded.watch()
    except EmbeddedRedisLost:
        app.exit()
        raise


async def _serve(settings: Settings, sources: Path | None, token_notice: str | None, *,
                 embedded: EmbeddedRedis | None = None) -> None:
    stop = LoopStop()
    stop.install()
    if embedded is not None:
        await _tidy_groups(settings, starting=True, embedded=True)
    if stop.requested:
        return
    app = build_all(settings, sources=sources)
    stop.stops(app)
    runner = asyncio.create_task(app.run())
    await asyncio.sleep(0)  # app.run() has put FastStream's signal handlers in place: ours again, over them
    stop.install()
    redis_kept = asyncio.create_task(_keep_up(embedded, app)) if embedded is not None else None
    while not getattr(app, "running", False) and not runner.done():
        await asyncio.sleep(0.05)
    workers = None
    watching = None
    if not runner.done() and not stop.requested:
        http = app.http  # type: ignore[attr-defined]
        http_url = f"http://{http.host}:{http.port}"

        def record(pids: list[int], started: list[float]) -> None:
            write_run_state(settings, http_url=http_url, workers=pids, started=started,
                            embedded=embedded is not None)
            if (run_metrics := getattr(app, "run_metrics", None)) is not None:
                run_metrics.live = set(pids)  # a gauge is added from running workers only

        workers = Workers(settings, on_change=record)
        workers.start()  # once the groups exist and this process's services run: a bad start shows here first
        if (beats := getattr(app, "beats", None)) is not None:
            http.add_workers(functools.partial(workers.health, beats))
        watching = asyncio.create_task(workers.watch(beats))
        record(workers.pids, workers.started_times)
        if token_notice:
            print(token_notice, flush=True)  # printed, never logged: it may hold the token
        log.info("pledgewatch %s running%s%s; Ctrl+C to stop", this_build().named(),
                 f", {settings.workers} workers" if settings.workers > 1 else "",
                 ", sending from a delivery process" if settings.notifier.delivery_process else "")
    lost = None
    try:
        await runner
    finally:
        if redis_kept is not None:
            lost = redis_kept.exception() if redis_kept.done() and not redis_kept.cancelled() else None
            redis_kept.cancel()
        if watching is not None:
            watching.cancel()
        if workers is not None:
            await asyncio.to_thread(workers.stop)
        if runner.done() and not runner.cancelled() and runner.exception() is None and lost is None:
            await _tidy_groups(settings, starting=False, embedded=embedded is not None)
        clear_run_state(settings)
    if lost is not None:
        raise CommandError(str(lost))


def _check_listen_address(settings: Settings) -> None:
    """The API's address can be listened on: checked before Redis starts, rather than failing after."""
    if problem := listen_problem(settings.http_host, settings.http_port):
        raise usage_error(problem)


def _check_files(settings: Settings, sources: Path | None, watch_from: str | None,
                 subscriptions_option: Path | None = None) -> None:
    """The folders and files a run reads, checked before anything starts: one line on the first problem.

    ``watch_from`` is where the watched folders were given (``--watch``, ``PLEDGEWATCH_WATCH``), ``None``
    for the default; ``subscriptions_option`` the ``--subscriptions`` file (``None``: the setting's, if any)."""
    from services.ingest.config import SourcesError, load_sources
    from services.notifier.store import load_file
    from services.notifier.subscriptions import SubscriptionError

    from .model_option import chosen_model
    from .subscriptions_cli import subscriptions_file_error

    for folder in settings.watch:
        if not Path(folder).is_dir():
            raise _not_a_folder(folder, watch_from)
    if sources is not None and not sources.is_file():
        raise usage_error(f"--sources {sources}: {_not_a_file(sources)}")
    if sources is None and settings.ingest.sources is not None and not settings.ingest.sources.is_file():
        raise usage_error(f"PLEDGEWATCH_SOURCES: {settings.ingest.sources}: {_not_a_file(settings.ingest.sources)} "
                          "(give the path of a YAML sources file, or unset it)")
    if settings.subscriptions is not None:
        try:
            load_file(settings.subscriptions, older=lambda errors: None)  # the service logs them
        except SubscriptionError as exc:
            error = subscriptions_file_error(settings.subscriptions, exc)
            if subscriptions_option is None:  # from the environment, not --subscriptions: name the setting
                error = CommandError(f"PLEDGEWATCH_SUBSCRIPTIONS: {error}", exit_code=error.exit_code)
            raise error from None
    if settings.classifier_model is not None:
        chosen_model(None, settings)  # PLEDGEWATCH_CLASSIFIER_MODEL's file, read and checked as the classifier will
    ingest = settings.ingest
    try:
        load_sources(ingest if sources is None else ingest.model_copy(update={"sources": sources}))
    except SourcesError as exc:
        # `PLEDGEWATCH_SOURCES: s.yaml: not YAML`, `--sources s.yaml: not YAML`, as a missing file is told
        path, named_by = ((settings.ingest.sources, "PLEDGEWATCH_SOURCES: ") if sources is None
                          else (sources, "--sources "))
        about_the_file = path is not None and str(exc).startswith(str(path))
        raise CommandError(f"{named_by if about_the_file else ''}{exc} (fix the sources file)") from None


def _not_a_file(path: Path, missing: str = "no such file") -> str:
    return "a folder, not a file" if path.is_dir() else missing


def _not_a_folder(folder: Path, watch_from: str | None) -> CommandError:
    if watch_from is None:
        return usage_error(f"no folder {folder} in {Path.cwd()}: the folder of release files watched by default "
                           f"is ./{folder} in the current folder (run from the checkout, or watch another with "
                           "--watch DIR or PLEDGEWATCH_WATCH)")
    if watch_from == "--watch":
        return usage_error(f"--watch {folder}: not a folder (create it, or watch another with --watch DIR)")
    return usage_error(f"{watch_from}: {folder}: not a folder (create it, or set {watch_from} to another)")


def _already_running(settings: Settings, exc: AlreadyLocked) -> CommandError:
    state = read_run_state(settings) or {}
    api = state.get("http_url") or "not up yet"
    return CommandError(f"pledgewatch is already running, pid {exc.pid or state.get('pid', '?')}, api {api}, "
                        f"data folder {settings.data_dir}: use that one (`pledgewatch status`), stop it first, "
                        "or give this run another folder with PLEDGEWATCH_HOME")


def _unusable_data_folder(folder: Path, exc: OSError) -> CommandError:
    why = "not a folder" if folder.exists() and not folder.is_dir() else (exc.strerror or str(exc)).lower()
    return usage_error(f"data folder {folder}: {why} (set PLEDGEWATCH_HOME to a folder pledgewatch may create and "
                       "write in)")


def run(settings: Settings, *, watch: list[Path] | None = None, subscriptions: Path | None = None,
        sources: Path | None = None, workers: int | None = None) -> None:
    """Run every service until Ctrl+C, the consuming ones in ``workers`` processes (default: the
    PLEDGEWATCH_WORKERS setting). Every setting and file is checked, and the data folder locked,
    before Redis starts; a second run on the same folder is refused with a :class:`CommandError`."""
    updates: dict[str, object] = {}
    if workers is not None:
        updates["workers"] = workers
    if watch:
        updates["watch"] = watch
    if subscriptions is not None:
        if not subscriptions.is_file():
            from services.notifier.subscriptions import NO_SUBSCRIPTIONS_FILE

            raise usage_error(f"--subscriptions {subscriptions}: {_not_a_file(subscriptions, NO_SUBSCRIPTIONS_FILE)}")
        updates["subscriptions"] = subscriptions
    watch_from = "--watch" if watch else "PLEDGEWATCH_WATCH" if "watch" in settings.model_fields_set else None
    settings = settings.model_copy(update=updates)
    _check_files(settings, sources, watch_from, subscriptions)
    lock = RunLock(settings.data_dir)
    try:
        lock.acquire()
    except AlreadyLocked as exc:
        raise _already_running(settings, exc) from None
    except OSError as exc:  # a file where the folder should be, no permission: the first write there fails
        raise _unusable_data_folder(settings.data_dir, exc) from None
    try:
        _check_listen_address(settings)  # after the lock: a second run here is told where the first one is
        if not stop_requested():
            _run_locked(settings, sources)
    finally:
        lock.release()


def _run_locked(settings: Settings, sources: Path | None) -> None:
    configured = settings.api_token_value is not None
    settings, generated = ensure_api_token(settings)
    token_notice = None if configured else announcement(settings, settings.api_token_value if generated else None)
    embedded = None
    told = RedisSource(settings.redis_url, settings.data_dir).told() if settings.redis_url else nullcontext()
    try:
        if not settings.redis_url:
            embedded = EmbeddedRedis(settings.data_dir / "redis", wait_seconds=settings.redis_wait_seconds,
                                     password=redis_password(settings.data_dir))
            settings = settings.model_copy(update={"redis_url": embedded.start()})
        if not stop_requested():
            with told:
                asyncio.run(_serve(settings, sources, token_notice, embedded=embedded))
    except KeyboardInterrupt:
        pass
    finally:
        keep_stopping()
        if embedded is not None:
            embedded.stop()
