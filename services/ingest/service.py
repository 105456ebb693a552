"""Ingest service: watched folders and ``POST /releases`` in, release.published out."""

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

from .files import ReleaseFileError, ReleaseInput, field_errors, load_release
from .folder import FolderScanner
from .state import SOURCE, IngestResult, publish_if_changed

log = logging.getLogger(__name__)


class IngestService:
    name = "ingest"

    def __init__(self, settings: Settings, *, watch: list[Path] | None = None) -> None:
        self.settings = settings
        self.runtime = Runtime(settings, source=SOURCE)
        self.scanner = FolderScanner(list(settings.watch if watch is None else watch))
        self._task: asyncio.Task[None] | None = None

    def attach(self, broker: RedisBroker) -> None:
        pass  # ingest reads no stream

    async def start(self) -> None:
        await self.runtime.open()

    async def started(self) -> None:
        if self.scanner.folders:
            log.info("watching %s", ", ".join(str(f) for f in self.scanner.folders))
            self._task = asyncio.create_task(self._watch(), name="ingest-folders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
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
        raw = await request.read()
        try:
            fields = ReleaseInput.model_validate_json(raw)
            release = fields.to_release(source="http")
        except (ValidationError, ValueError) as exc:
            errors = field_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
            return web.json_response({"errors": errors}, status=400)
        result = await publish_if_changed(self.runtime.streams, release)
        return web.json_response(
            {"release_id": result.release_id, "version": result.version, "published": result.published},
            status=202)


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


