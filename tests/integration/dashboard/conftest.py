"""Fixtures of the dashboard's tier: the ledger's own app (its API and the dashboard on one port), as its
container runs it, on a real Redis and a real HTTP server on 127.0.0.1."""

import re
from contextlib import asynccontextmanager

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.common.service import build_app
from services.dashboard.service import LedgerWithDashboard
from services.notifier.store import FileSubscriptions, SubscriptionStore
from tests.conftest import API_TOKEN


@pytest.fixture
async def ledger_app(settings):
    """``await ledger_app(**settings)``: the base URL of a started ledger app with those settings changed."""
    started = []

    async def start(**update):
        changed = settings.model_copy(update=update)
        app = build_app([LedgerWithDashboard(changed)], changed, title="pledgewatch ledger")
        await app.start()
        started.append(app)
        return f"http://127.0.0.1:{app.http.port}"

    async def stop_all():
        """Stops every app started so far (a restart: start again after it)."""
        while started:
            await started.pop().stop()

    start.stop_all = stop_all
    yield start
    await stop_all()


async def sign_in_form(client: aiohttp.ClientSession, base: str, headers: dict[str, str] | None = None):
    """The sign-in page's answer, the new visitor's session cookie (its ``Set-Cookie`` morsel) and the CSRF
    token of its form."""
    async with client.get(base + "/dashboard/sign-in", headers=headers or {}) as answer:
        page = await answer.text()
        cookie = answer.cookies.get("pledgewatch_session")
    return answer, cookie, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def signed_in(client: aiohttp.ClientSession, base: str) -> str:
    """Signs ``client`` in (its cookie jar keeps the session); the CSRF token of its signed-in session's forms."""
    _, _, csrf = await sign_in_form(client, base)
    async with client.post(base + "/dashboard/sign-in", data={"csrf": csrf, "token": API_TOKEN}) as answer:
        assert answer.status == 200
        return re.search(r'name="csrf" value="([^"]+)"', await answer.text()).group(1)


async def signed_in_page(browser, base: str, **context):
    """A page of ``browser`` (a new context of its own, made with ``context``) signed in to the dashboard."""
    page = await browser.new_page(**context)
    await page.goto(base + "/dashboard/sign-in")
    await page.get_by_label("API token").fill(API_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("status").filter(has_text="Signed in").wait_for()
    return page


@asynccontextmanager
async def subscription_store(settings):
    """The notifier's store of subscriptions, as the dashboard reads them, on the tests' Redis."""
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        yield SubscriptionStore(client, key=settings.key("notifier:subscriptions"), file=FileSubscriptions(None))
    finally:
        await client.aclose()
