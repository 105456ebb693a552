"""Shared fixtures of the ledger's integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime

import pytest

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.common.settings import Settings
from services.ledger.service import LedgerService


@pytest.fixture
def ledger_served(settings: Settings) -> Callable[..., AbstractAsyncContextManager[tuple[LedgerService, str]]]:
    """``async with ledger_served(now=…) as (service, server)``: a started LedgerService (on ``now``'s clock, when
    given) with its routes on a free loopback port, ``server`` its base URL."""

    @asynccontextmanager
    async def serve(now: datetime | None = None) -> AsyncIterator[tuple[LedgerService, str]]:
        service = LedgerService(settings) if now is None else LedgerService(settings, clock=lambda: now)
        await service.start()
        http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
        http.add_routes(service.routes())
        await http.start()
        try:
            yield service, f"http://127.0.0.1:{http.port}"
        finally:
            await http.stop()
            await service.stop()
    return serve
