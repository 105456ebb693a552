"""Classifier service: release.published in, release.classified out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timezone

from aiohttp import web
from faststream.redis import RedisBroker

from schemas import CloudEvent, ReleaseClassified, ReleaseClassifiedEvent, ReleasePublished, ReleasePublishedEvent
from schemas.streams import CLASSIFIED, CLASSIFIER_GROUP, RELEASES
from services.common.consumer import StreamConsumer
from services.common.service import Runtime
from services.common.settings import Settings
from services.common.streams import Entry

from .core import classify

log = logging.getLogger(__name__)

DONE_TTL_SECONDS = 30 * 86400
INLINE_BODY_CHARS = 64_000  # a body longer than this is classified off the event loop
SOURCE = "/pledgewatch/classifier"


class ClassifierService:
    name = "classifier"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = Runtime(settings, source=SOURCE)
        self.consumer = StreamConsumer(
            streams=lambda: self.runtime.streams, stream=settings.key(RELEASES), group=CLASSIFIER_GROUP,
            consumer=settings.consumer, expect=(ReleasePublishedEvent,), handler=self.on_release_published,
            claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries, read_count=settings.read_count,
        )

    def attach(self, broker: RedisBroker) -> None:
        self.consumer.attach(broker, title="classifier:release.published")

    async def start(self) -> None:
        streams = await self.runtime.open()
        await streams.ensure_group(self.settings.key(RELEASES), CLASSIFIER_GROUP)

    async def started(self) -> None:
        pass

    async def stop(self) -> None:
        await self.runtime.close()

    def routes(self) -> Iterable[web.RouteDef]:
        return ()

    async def ping(self) -> None:
        await self.runtime.ping()

    async def _classify(self, release: ReleasePublished) -> ReleaseClassified:
        """Small releases (nearly all) are read in place; a big one in a worker thread, so the event loop
        (health checks, the other services of `pledgewatch run`) goes on, and within a time budget."""
        if len(release.body) <= INLINE_BODY_CHARS:
            return classify(release)
        return await asyncio.to_thread(classify, release, budget_seconds=self.settings.classify_budget_seconds,
                                       clock=time.monotonic)

    async def on_release_published(self, event: CloudEvent, entry: Entry) -> None:
        release = event.data
        streams = self.runtime.streams
        done_key = streams.key(f"classifier:done:{release.release_id}:{release.version}")
        if await streams.client.exists(done_key):
            log.info("already classified %s v%d", release.release_id, release.version)
            await streams.commit(entry)
            return
        result = await self._classify(release)
        out = ReleaseClassifiedEvent.wrap(
            result, id=f"{release.release_id}/v{release.version}/classified", source=SOURCE,
            time=datetime.now(timezone.utc), subject=release.release_id,
        )
        published = await streams.commit(entry, [(streams.key(CLASSIFIED), out)], unless_exists=done_key,
                                         ttl_seconds=DONE_TTL_SECONDS)
        if not published:  # another delivery of the same entry got there first
            log.info("already classified %s v%d", release.release_id, release.version)
            return
        flagged = sum(c.counter_terrorism for c in result.commitments)
        log.info("classified %s v%d: %d commitment(s), %d on counter-terrorism", release.release_id,
                 release.version, len(result.commitments), flagged)
