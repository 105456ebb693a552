"""Ingest service: feeds, web pages, watched folders and ``POST /releases`` in, release.published out."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web
from faststream.redis import RedisBroker
from pydantic import ValidationError

from services.common.service import Runtime
from services.common.settings import Settings

from .config import IngestSettings, SourceConfig, load_sources
from .fetch import Fetcher
from .files import ReleaseFileError, ReleaseInput, field_errors, load_release
from .folder import FolderScanner
from .polling import PollSchedule, SourcePoller
from .readers import Reader
from .state import SOURCE, IngestResult, publish_if_changed

log = logging.getLogger(__name__)


class IngestService:
    name = "ingest"

    def __init__(self, settings: Settings, *, watch: list[Path] | None = None,
                 ingest: IngestSettings | None = None, sources: list[SourceConfig] | None = None) -> None:
        """``ingest`` and ``sources`` default to the environment and its sources file."""
        self.settings = settings
        self.ingest = ingest if ingest is not None else IngestSettings()
        self.sources = sources if sources is not None else load_sources(self.ingest)
        self.runtime = Runtime(settings, source=SOURCE)
        self.scanner = FolderScanner(list(settings.watch if watch is None else watch))
        self.fetcher = Fetcher.from_settings(self.ingest)
        self.schedule: PollSchedule | None = None
        self._task: asyncio.Task[None] | None = None

    def attach(self, broker: RedisBroker) -> None:
        pass  # ingest reads no stream

    async def start(self) -> None:
        await self.runtime.open()

    async def started(self) -> None:
        if self.scanner.folders:
            log.info("watching %s", ", ".join(str(f) for f in self.scanner.folders))
            self._task = asyncio.create_task(self._watch(), name="ingest-folders")
        if self.sources:
            self.schedule = PollSchedule(self.pollers())
            self.schedule.start()
            for source in self.sources:
                log.info("polling %s %s (%s) every %g s", source.type, source.name, source.url,
                         source.interval or self.ingest.feed_interval)

    def pollers(self) -> list[SourcePoller]:
        reader = Reader(self.fetcher, govuk_url=self.ingest.govuk_url)
        return [SourcePoller(source, reader=reader, streams=self.runtime.streams,
                             interval=source.interval or self.ingest.feed_interval,
                             max_backoff=self.ingest.max_backoff, concurrency=self.ingest.fetch_concurrency)
                for source in self.sources]

    async def stop(self) -> None:
        if self.schedule is not None:
            await self.schedule.stop()
            self.schedule = None
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.fetcher.close()
        await self.runtime.close()

    async def ping(self) -> None:
        await self.runtime.ping()

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.post("/releases", self.post_release)]

    async def ingest_file(self, path: Path) -> IngestResult | None:
        """Publish one file if its content is new; bad files are dead-lettered."""
        try:
            release = load_release(path, max_bytes=self.settings.max_release_bytes)
        except ReleaseFileError as exc:
            await self.runtime.streams.dead_letter_input(
                origin=f"file:{path}", payload=_file_payload(path, self.settings.max_release_bytes),
                reason=str(exc))
            return None
        return await publish_if_changed(self.runtime.streams, release)

    async def _watch(self) -> None:
        while True:
            try:
                for path in self.scanner.changed(time.time_ns()):
                    await self.ingest_file(path)
            except Exception:  # a scan failure (Redis restarting, a vanished folder) must not end the watch
                log.exception("folder scan failed; retrying")
                self.scanner.seen.clear()
            await asyncio.sleep(self.settings.poll_seconds)

    async def post_release(self, request: web.Request) -> web.Response:
        """202 with the release id and version; 400 with the field errors (and a dead letter)."""
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"errors": ["body: too large"]}, status=413)
        if len(raw) > self.settings.max_release_bytes:
            return web.json_response(
                {"errors": [f"body: {len(raw)} bytes is over the {self.settings.max_release_bytes}-byte limit"]},
                status=413)
        try:
            fields = ReleaseInput.model_validate_json(raw)
            release = fields.to_release(source="http")
        except (ValidationError, ValueError) as exc:
            errors = field_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
            await self.runtime.streams.dead_letter_input(
                origin="http:POST /releases", payload=_body_payload(raw), reason="; ".join(errors))
            return web.json_response({"errors": errors}, status=400)
        result = await publish_if_changed(self.runtime.streams, release)
        return web.json_response(
            {"release_id": result.release_id, "version": result.version, "published": result.published},
            status=202)


def _body_payload(raw: bytes) -> dict[str, str]:
    try:
        return {"body": raw.decode()}
    except UnicodeDecodeError:
        return {"body": "base64:" + base64.b64encode(raw).decode()}


def _file_payload(path: Path, max_bytes: int) -> dict[str, str]:
    payload = {"path": str(path)}
    try:
        size = path.stat().st_size
        payload["size"] = str(size)
        if 0 < size <= max_bytes:
            raw = path.read_bytes()
            try:
                payload["content"] = raw.decode()
            except UnicodeDecodeError:
                payload["content"] = "base64:" + base64.b64encode(raw).decode()
    except OSError as exc:
        payload["error"] = str(exc)
    return payload


