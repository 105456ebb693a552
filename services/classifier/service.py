"""Classifier service: release.published in, release.classified out."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone

from faststream.redis import RedisBroker

from schemas import CloudEvent, ReleaseClassified, ReleaseClassifiedEvent, ReleasePublished, ReleasePublishedEvent
from schemas.streams import CLASSIFIED, CLASSIFIER_GROUP, RELEASES
from services.common.consumer import StreamConsumer
from services.common.metrics import RELEASES_CLASSIFIED, count_commitments
from services.common.service import Runtime, RuntimeService
from services.common.settings import Settings
from services.common.streams import Entry, OnceCommit

from .core import classify

log = logging.getLogger(__name__)

DONE_TTL_SECONDS = 30 * 86400
INLINE_BODY_CHARS = 64_000  # a body longer than this is classified off the event loop
SOURCE = "/pledgewatch/classifier"


class ClassifierService(RuntimeService):
    name = "classifier"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = Runtime(settings, source=SOURCE)
        self.consumer = StreamConsumer(
            streams=lambda: self.runtime.streams, stream=settings.key(RELEASES), group=CLASSIFIER_GROUP,
            consumer=settings.consumer, expect=(ReleasePublishedEvent,), handler=self.on_release_published,
            claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries, read_count=settings.read_count,
            batch_handler=self.on_releases_published,
        )

    def attach(self, broker: RedisBroker) -> None:
        self.consumer.attach(broker, title="classifier:release.published")

    async def start(self) -> None:
        streams = await self.runtime.open()
        await streams.ensure_group(self.settings.key(RELEASES), CLASSIFIER_GROUP, self.settings.consumer)

    async def _classify(self, release: ReleasePublished) -> ReleaseClassified:
        """Small releases (nearly all) are read in place; a big one in a worker thread, so the event loop
        (health checks, the other services of `pledgewatch run`) goes on, and within a time budget."""
        if len(release.body) <= INLINE_BODY_CHARS:
            return classify(release)
        return await asyncio.to_thread(classify, release, budget_seconds=self.settings.classify_budget_seconds,
                                       clock=time.monotonic)

    async def on_release_published(self, event: CloudEvent, entry: Entry) -> None:
        """One release: see :meth:`on_releases_published`."""
        await self.on_releases_published([(event, entry)])

    async def on_releases_published(self, items: list[tuple[CloudEvent, Entry]]) -> None:
        """Each release version classified once: the versions already done are only acknowledged; the
        others classified, then published, marked done and acknowledged, each by its own script (a second
        delivery racing this one publishes nothing), all in one round trip."""
        streams = self.runtime.streams
        done_keys = [streams.key(f"classifier:done:{e.data.release_id}:{e.data.version}") for e, _ in items]
        async with streams.client.pipeline(transaction=False) as pipe:
            for key in done_keys:
                pipe.exists(key)
            already = await pipe.execute()
        commits, results = [], []
        for (event, entry), done_key, done in zip(items, done_keys, already):
            release: ReleasePublished = event.data
            result = None if done else await self._classify(release)
            publish = [] if result is None else [(streams.key(CLASSIFIED), ReleaseClassifiedEvent.wrap(
                result, id=f"{release.release_id}/v{release.version}/classified", source=SOURCE,
                time=datetime.now(timezone.utc), subject=release.release_id))]
            commits.append(OnceCommit(entry, publish, done_key, DONE_TTL_SECONDS))
            results.append((release, result))
        for (release, result), published in zip(results, await streams.commit_once_many(commits)):
            if result is None or not published:  # done before, or another delivery got there first
                log.info("already classified %s v%d", release.release_id, release.version)
                continue
            flagged = sum(c.counter_terrorism for c in result.commitments)
            RELEASES_CLASSIFIED.inc()
            count_commitments(flagged, len(result.commitments) - flagged)
            log.info("classified %s v%d: %d commitment(s), %d on counter-terrorism", release.release_id,
                     release.version, len(result.commitments), flagged)
