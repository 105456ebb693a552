"""Classifier service: release.published in, release.classified out."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone
from typing import Any

from faststream.redis import RedisBroker

from schemas import CloudEvent, ReleaseClassified, ReleaseClassifiedEvent, ReleasePublished, ReleasePublishedEvent
from schemas.streams import CLASSIFIED, CLASSIFIER_GROUP, RELEASES
from services.common.consumer import StreamConsumer
from services.common.metrics import RELEASES_CLASSIFIED, count_commitments
from services.common.service import Runtime, RuntimeService
from services.common.errors import StartupError
from services.common.settings import Settings
from services.common.streams import Entry, OnceCommit

from .budget import budget_of
from .core import build, classify
from .model_choice import MODEL_SETTING, ChosenModel, ModelFileError, choose_model

log = logging.getLogger(__name__)

DONE_TTL_SECONDS = 30 * 86400
SOURCE = "/pledgewatch/classifier"


class ClassifierService(RuntimeService):
    name = "classifier"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.chosen = running_model(settings)  # the decision model it runs
        self.runtime = Runtime(settings, source=SOURCE)
        self.consumer = StreamConsumer(
            streams=lambda: self.runtime.streams, stream=settings.key(RELEASES), group=CLASSIFIER_GROUP,
            consumer=settings.consumer, expect=(ReleasePublishedEvent,), handler=self.on_release_published,
            claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries, read_count=settings.read_count,
            read_linger_ms=settings.read_linger_ms, read_ahead=settings.read_ahead,
            batch_handler=self.on_releases_published,
        )

    def attach(self, broker: RedisBroker) -> None:
        self.consumer.attach(broker, title="classifier:release.published")

    async def start(self) -> None:
        streams = await self.runtime.open()
        await streams.ensure_group(self.settings.key(RELEASES), CLASSIFIER_GROUP, self.settings.consumer)
        built = build()
        (log.warning if built == "compiled, older than its source" else log.info)(
            "classifier %s, %s build, %s", self.chosen.version, built, self.chosen.described())

    @property
    def model_record(self) -> dict[str, Any]:
        """Which model it runs, for this process's version record (``pledgewatch status``)."""
        return self.chosen.record()

    async def _classify(self, release: ReleasePublished) -> ReleaseClassified:
        """Small releases (nearly all) are read in place; a big one in a worker thread, so the event loop
        (health checks, the other services of `pledgewatch run`) goes on, and within a time budget."""
        model = self.chosen.model
        budget = budget_of(release, self.settings.classify_budget_seconds)
        if budget is None:
            return classify(release, model=model)
        return await asyncio.to_thread(classify, release, model=model, budget_seconds=budget, clock=time.monotonic)

    async def on_release_published(self, event: CloudEvent, entry: Entry) -> None:
        """One release, delivered again (reclaimed) or left over from a failed batch: acknowledged alone if its
        version is done, else as in :meth:`on_releases_published`."""
        done_key = self._done_key(event)
        already = bool(await self.runtime.streams.client.exists(done_key))
        await self._publish_once([(event, entry)], [done_key], [already])

    async def on_releases_published(self, items: list[tuple[CloudEvent, Entry]]) -> None:
        """A read of new entries: each release version classified, then published, marked done and
        acknowledged by its own script, which publishes nothing if the version is done already (a second
        delivery racing this one, a release published twice); all in one round trip. New entries are not
        looked up first: one of a version already done is rare, and classifying it again costs less than a
        round trip on every read."""
        await self._publish_once(items, [self._done_key(e) for e, _ in items], [False] * len(items))

    def _done_key(self, event: CloudEvent) -> str:
        return self.runtime.streams.key(f"classifier:done:{event.data.release_id}:{event.data.version}")

    async def _publish_once(self, items: list[tuple[CloudEvent, Entry]], done_keys: list[str], already: list[bool]
                            ) -> None:
        streams = self.runtime.streams
        commits, results = [], []
        for (event, entry), done_key, done in zip(items, done_keys, already):
            release: ReleasePublished = event.data
            result = None if done else await self._classify(release)
            publish = [] if result is None else [(streams.key(CLASSIFIED), ReleaseClassifiedEvent.wrap(
                result, id=f"{release.release_id}/v{release.version}/classified", source=SOURCE,
                time=datetime.now(timezone.utc), subject=release.release_id))]
            commits.append(OnceCommit(entry, publish, done_key, DONE_TTL_SECONDS))
            results.append((release, result))
        classified = flagged_in_all = found = 0  # counted once a read
        for (release, result), published in zip(results, await streams.commit_once_many(commits)):
            if result is None or not published:  # done before, or another delivery got there first
                log.info("already classified %s v%d", release.release_id, release.version)
                continue
            flagged = sum(c.counter_terrorism for c in result.commitments)
            classified += 1
            flagged_in_all += flagged
            found += len(result.commitments)
            log.info("classified %s v%d: %d commitment(s), %d on counter-terrorism", release.release_id,
                     release.version, len(result.commitments), flagged,
                     extra={"release_id": release.release_id, "version": release.version})
        if classified:
            RELEASES_CLASSIFIED.inc(classified)
            count_commitments(flagged_in_all, found - flagged_in_all)


def running_model(settings: Settings) -> ChosenModel:
    """The model ``PLEDGEWATCH_CLASSIFIER_MODEL`` names (else the shipped one); a ``StartupError`` naming the
    setting when its file cannot be used."""
    try:
        return choose_model(settings.classifier_model)
    except ModelFileError as exc:
        raise StartupError(f"{MODEL_SETTING}: {exc}") from None
