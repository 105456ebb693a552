"""The ledger service with the dashboard among its routes: the dashboard reads what the ledger holds (its
store, its cards in memory, the subscriptions it reads) rather than a second copy, and writes subscriptions as
the notifier's API does, through the same store. It consumes nothing and starts nothing of its own, so it has
no health of its own either: the ledger's check covers the Redis both read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from schemas.streams import DELIVERIES
from services.common.api import Routes
from services.common.settings import Settings
from services.ledger.service import LedgerService
from services.notifier.delivery_parts import subscription_store
from services.notifier.unsubscribe_spool import UnsubscribeSpool

from .routes import DashboardParts, dashboard_routes
from .signed_out import SignedOutSessions


class LedgerWithDashboard(LedgerService):
    """``page_clock``: the time the pages are as of (the ledger's own clock stamps what it records)."""

    def __init__(self, settings: Settings, *, page_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self.page_clock = page_clock

    async def start(self) -> None:
        await super().start()
        # the notifier's own store: a subscription deleted (or made again) here drops what is kept for it (its
        # records, feed and planned reminders), as the API's delete does
        self.subscriptions = subscription_store(self.runtime.streams, self.file, self.clock)

    def dashboard_parts(self) -> DashboardParts:
        if self.store is None or self.index is None or self.subscriptions is None:
            raise RuntimeError("dashboard: the ledger has not started")
        return DashboardParts(self.store, self.index, self.subscriptions,
                              deliveries=self.settings.key(DELIVERIES), streams=self.runtime.streams,
                              signed_out=SignedOutSessions(self.runtime.streams.client, self.settings.key),
                              unsubscribe_spool=UnsubscribeSpool(self.settings.unsubscribe_spool_folder))

    def routes(self) -> Routes:
        routes = super().routes()
        routes.include(dashboard_routes(self.dashboard_parts, api_token=self.settings.api_token_value,
                                        open_reads=self.settings.open_reads, clock=lambda: self.page_clock(),
                                        secure_cookies=self.settings.secure_cookies,
                                        url_refusal=self.settings.target_policy.url_refusal,
                                        remind_at=self.remind_at))
        return routes
