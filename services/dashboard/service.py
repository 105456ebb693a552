"""The dashboard, served beside the ledger: it reads what the ledger service holds (its store, its cards in
memory, the subscriptions it reads) rather than a second copy, and writes subscriptions as the notifier's API
does, through the same store. It consumes nothing and starts nothing of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from faststream.redis import RedisBroker

from schemas.streams import DELIVERIES
from services.common.api import Routes
from services.common.settings import Settings
from services.ledger.service import LedgerService

from .routes import DashboardParts, dashboard_routes


class DashboardService:
    name = "dashboard"

    def __init__(self, settings: Settings, ledger: LedgerService, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.settings, self.ledger, self.clock = settings, ledger, clock

    def attach(self, broker: RedisBroker) -> None:
        pass

    async def start(self) -> None:
        pass

    async def started(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def ping(self) -> None:
        pass  # the ledger's own check reports the Redis both read

    def parts(self) -> DashboardParts:
        ledger = self.ledger
        if ledger.store is None or ledger.index is None or ledger.subscriptions is None:
            raise RuntimeError("dashboard: the ledger has not started")
        return DashboardParts(ledger.store, ledger.index, ledger.subscriptions,
                              deliveries=self.settings.key(DELIVERIES))

    def routes(self) -> Routes:
        return dashboard_routes(self.parts, api_token=self.settings.api_token_value,
                                open_reads=self.settings.open_reads, clock=self.clock)


def with_dashboard(settings: Settings, ledger: LedgerService) -> list[LedgerService | DashboardService]:
    """The ledger and the dashboard that reads it: the services of a process that serves the dashboard."""
    return [ledger, DashboardService(settings, ledger)]
