"""A large calendar is built in a worker thread on the real server: while it is being built, the server goes on
answering (``/healthz`` answered before the build ends), and the calendar answered is the one built."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, timedelta

import aiohttp
import pytest

from services.ledger import api as ledger_api
from tests.integration.ledger.test_calendar_conditional import NOW, _served
from tests.unit.notifier.samples import dated, release

pytestmark = pytest.mark.integration

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
    async with _served(settings, [NOW]) as (service, url):
        await service.store.apply(release(*[dated(f"c-{i}", date(2018, 3, 1) + timedelta(days=i))
                                            for i in range(EVENTS)], release_id="gov-uk/many"), now=NOW)
        async with aiohttp.ClientSession() as session:
            async def ask(url: str) -> tuple[int, bytes]:
                async with session.get(url) as answer:
                    return answer.status, await answer.read()

            calendar = asyncio.create_task(ask(url))
            await asyncio.to_thread(started.wait, 60)
            health, _ = await ask(url.split("/subscriptions/")[0] + "/healthz")
            order.append("health")
            status, body = await calendar
    assert health == 200 and status == 200
    assert order == ["health", "built"]
    assert body.count(b"BEGIN:VEVENT") == EVENTS + 1  # and the one _served stores
