"""A large calendar is built in a worker thread on the real server: while it is being built, the server goes on
answering (``/healthz`` answered before the build ends), and the calendar answered is the one built."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime, timedelta, timezone

import aiohttp
import pytest

from services.common.auth import ApiAuth
from services.common.http import HttpServer
from services.ledger import api as ledger_api
from services.ledger.service import LedgerService
from services.notifier.subscriptions import parse_subscription
from tests.unit.notifier.samples import dated, release

pytestmark = pytest.mark.integration

NOW = datetime(2018, 1, 1, tzinfo=timezone.utc)
EVENTS = 1500  # a build of about two seconds: far longer than a health answer takes


async def test_the_server_answers_health_while_a_large_calendar_is_being_built(settings, monkeypatch):
    started, order = threading.Event(), []
    build = ledger_api.deadlines_calendar

    def watched(*args, **kwargs):
        started.set()
        body = build(*args, **kwargs)
        order.append("built")
        return body

    monkeypatch.setattr(ledger_api, "deadlines_calendar", watched)
    service = LedgerService(settings, clock=lambda: NOW)
    await service.start()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_routes(service.routes())
    await http.start()
    try:
        await service.store.apply(release(*[dated(f"c-{i}", date(2018, 2, 1) + timedelta(days=i))
                                            for i in range(EVENTS)]), now=NOW)
        await service.subscriptions.put(parse_subscription({"id": "desk", "channels": [{"console": {}}]}))
        base = f"http://127.0.0.1:{http.port}"
        async with aiohttp.ClientSession() as session:
            async def ask(path: str) -> tuple[int, bytes]:
                async with session.get(base + path) as answer:
                    return answer.status, await answer.read()

            calendar = asyncio.create_task(ask("/subscriptions/desk/deadlines.ics"))
            await asyncio.to_thread(started.wait, 60)
            health, _ = await ask("/healthz")
            order.append("health")
            status, body = await calendar
        assert health == 200 and status == 200
        assert order == ["health", "built"]
        assert body.count(b"BEGIN:VEVENT") == EVENTS
    finally:
        await http.stop()
        await service.stop()
