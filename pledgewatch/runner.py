"""``pledgewatch run``: ingest, classifier and notifier in one process.

With no REDIS_URL, a private Redis is started under ``<data_dir>/redis`` for
the lifetime of the process (the embedded default).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from faststream import FastStream

from services.classifier.service import ClassifierService
from services.common.embedded_redis import EmbeddedRedis
from services.common.service import build_app
from services.common.settings import Settings
from services.ingest.service import IngestService

from .api_token import announcement, ensure_api_token
from .runstate import clear_run_state, write_run_state

log = logging.getLogger("pledgewatch")


def build_all(settings: Settings, *, sources: Path | None = None) -> FastStream:
    """The three services on one broker and one HTTP port; ``sources`` overrides PLEDGEWATCH_SOURCES."""
    from services.ledger.service import LedgerService
    from services.notifier.service import NotifierService

    ingest_settings = settings.ingest
    if sources is not None:
        ingest_settings = ingest_settings.model_copy(update={"sources": sources})
    services = [IngestService(settings, ingest=ingest_settings), ClassifierService(settings),
                NotifierService(settings), LedgerService(settings)]
    return build_app(services, settings, title="pledgewatch")


async def _serve(settings: Settings, sources: Path | None, token_notice: str | None) -> None:
    app = build_all(settings, sources=sources)
    runner = asyncio.create_task(app.run())
    while not getattr(app, "running", False) and not runner.done():
        await asyncio.sleep(0.05)
    if not runner.done():
        http = app.http  # type: ignore[attr-defined]
        write_run_state(settings, http_url=f"http://{http.host}:{http.port}")
        if token_notice:
            print(token_notice, flush=True)  # printed, never logged: it may hold the token
        log.info("pledgewatch running; Ctrl+C to stop")
    try:
        await runner
    finally:
        clear_run_state(settings)


def run(settings: Settings, *, watch: list[Path] | None = None, subscriptions: Path | None = None,
        sources: Path | None = None) -> None:
    updates: dict[str, object] = {}
    if watch:
        updates["watch"] = watch
    if subscriptions is not None:
        updates["subscriptions"] = subscriptions
    for folder in updates.get("watch", settings.watch):  # type: ignore[union-attr]
        if not Path(folder).is_dir():
            raise SystemExit(f"--watch {folder}: not a folder")
    for flag, path in (("--subscriptions", subscriptions), ("--sources", sources)):
        if path is not None and not path.is_file():
            raise SystemExit(f"{flag} {path}: no such file")
    settings = settings.model_copy(update=updates)
    configured = settings.api_token_value is not None
    settings, generated = ensure_api_token(settings)
    token_notice = None if configured else announcement(settings, settings.api_token_value if generated else None)
    embedded = None
    if not settings.redis_url:
        embedded = EmbeddedRedis(settings.data_dir / "redis")
        settings = settings.model_copy(update={"redis_url": embedded.start()})
    try:
        asyncio.run(_serve(settings, sources, token_notice))
    except KeyboardInterrupt:
        pass
    finally:
        if embedded is not None:
            embedded.stop()
