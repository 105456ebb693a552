"""Ledger service: release.classified in; every commitment kept across releases and versions.

Reads ``classified`` in a consumer group of its own, so the ledger keeps up or catches up on its own
without holding back the notifier. Each release version is one transaction with its XACK
(:class:`.store.LedgerStore`): a version delivered twice is recorded once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timezone

from faststream.redis import RedisBroker

from schemas import CloudEvent, ReleaseClassified, ReleaseClassifiedEvent
from schemas.streams import CLASSIFIED, LEDGER_GROUP
from services.common.api import Routes
from services.common.consumer import StreamConsumer
from services.common.service import Runtime, RuntimeService
from services.common.settings import Settings
from services.common.streams import Entry
from services.notifier.store import FileSubscriptions, SubscriptionStore

from .api import ledger_routes
from .core.entries import VersionUpdate
from .ids import index_earlier_ids
from .index import LedgerIndex
from .store import LedgerPaused, LedgerStore
from .withdrawals import tell_earlier_withdrawals

log = logging.getLogger(__name__)

SOURCE = "/pledgewatch/ledger"
PAUSED_WAIT_SECONDS = 0.5


def version_summary(release: ReleaseClassified, update: VersionUpdate) -> str:
    """What one version did to the ledger, for the log: a withdrawal is not a removal."""
    if release.withdrawn:
        count = len(update.removed)
        return (f"{release.release_id} v{release.version}: withdrawn, {count} "
                f"commitment{'' if count == 1 else 's'} marked withdrawn")
    return (f"{release.release_id} v{release.version}: {len(update.added)} new, {len(update.changed)} changed, "
            f"{len(update.removed)} removed")


def touched(update: VersionUpdate) -> list[str]:
    """The ledger keys of the entries one version added, changed or removed (or withdrew), each once, for the
    log's ``commitment_ids``."""
    return list(dict.fromkeys([*update.added, *update.changed, *update.removed]))


class LedgerService(RuntimeService):
    name = "ledger"

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.settings, self.clock = settings, clock
        self.remind_at = settings.notifier.remind_at  # the subscriptions' calendar feeds place their alarms by it
        self.runtime = Runtime(settings, source=SOURCE)
        self.store: LedgerStore | None = None
        self.index: LedgerIndex | None = None
        self.subscriptions: SubscriptionStore | None = None
        # read now, as the notifier does: a file that cannot be used stops a ledger started alone in one line
        self.file = FileSubscriptions(settings.subscriptions, report=False)
        self.consumer = StreamConsumer(
            streams=lambda: self.runtime.streams, stream=settings.key(CLASSIFIED), group=LEDGER_GROUP,
            consumer=settings.consumer, expect=(ReleaseClassifiedEvent,), handler=self.on_release_classified,
            claim_idle_ms=settings.claim_idle_ms, max_deliveries=settings.max_deliveries, read_count=settings.read_count,
            read_linger_ms=settings.read_linger_ms, read_ahead=settings.read_ahead)

    def attach(self, broker: RedisBroker) -> None:
        self.consumer.attach(broker, title="ledger:release.classified")

    async def start(self) -> None:
        streams = await self.runtime.open()
        await streams.ensure_group(self.settings.key(CLASSIFIED), LEDGER_GROUP, self.settings.consumer)
        self.store = LedgerStore(streams.client, self.settings.key)
        if upgraded := await self.store.upgrade_cards():
            log.info("ledger: %d card(s) written again with what queries now read of them", upgraded)
        if indexed := await index_earlier_ids(streams.client, self.settings.key):
            log.info("ledger: %d edited commitment(s) now found by their current id too", indexed)
        if told := await tell_earlier_withdrawals(streams.client, self.settings.key):
            log.info("ledger: %d release(s) recorded before withdrawals were kept now listed as withdrawn", told)
        self.index = LedgerIndex(streams.client, self.settings.key)
        self.subscriptions = SubscriptionStore(streams.client, key=self.settings.key("notifier:subscriptions"),
                                               file=self.file)

    def routes(self) -> Routes:
        return ledger_routes(lambda: self._started(self.store), lambda: self._started(self.index),
                             subscription=lambda sub_id: self._started(self.subscriptions).get(sub_id),
                             remind_at=self.remind_at, clock=self.clock)

    @staticmethod
    def _started(part):  # type: ignore[no-untyped-def]
        if part is None:
            raise RuntimeError("ledger: not started")
        return part

    async def on_release_classified(self, event: CloudEvent, entry: Entry) -> None:
        release: ReleaseClassified = event.data
        assert self.store is not None
        while True:
            try:
                update = await self.store.apply(release, now=self.clock(), ack=entry)
                break
            except LedgerPaused:  # a rebuild is under way: it reads this version too, or this waits for it
                await asyncio.sleep(PAUSED_WAIT_SECONDS)
        ids = {"release_id": release.release_id, "version": release.version}
        if update.stale:
            log.info("ledger: %s v%d already read", release.release_id, release.version, extra=ids)
            return
        log.info("ledger: %s", version_summary(release, update), extra={**ids, "commitment_ids": touched(update)})
