"""The subscriptions on the dashboard: where each sends, and who its email channels leave out; and the words of
the subscription form's refusals, which are a dashboard user's to follow."""

import html
import re

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.notifier.store import FileSubscriptions, SubscriptionStore
from services.notifier.subscriptions import parse_subscription
from services.notifier.unsubscribed import Unsubscribed
from tests.conftest import API_TOKEN

from .conftest import sign_in_form

pytestmark = pytest.mark.integration


async def _page(base: str, path: str = "/") -> str:
    async with aiohttp.ClientSession() as client, client.get(base + path) as answer:
        assert answer.status == 200
        return html.unescape(await answer.text())


async def test_a_subscription_names_the_addresses_that_unsubscribed(ledger_app, settings):
    """Before: the row said "Sends to email desk@example.org, ops@example.org" after desk@ had unsubscribed, and
    nothing on the page said why desk@ got no more mail."""
    base = await ledger_app()
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        key = settings.key
        store = SubscriptionStore(client, key=key("notifier:subscriptions"), file=FileSubscriptions(None))
        await store.put(parse_subscription({"id": "mail", "channels": [
            {"email": {"to": ["desk@example.org", "ops@example.org"]}}]}))
        unsubscribed = Unsubscribed(client, key, store.generations)
        page = await _page(base)
        assert "Unsubscribed" not in page
        assert await unsubscribed.add("mail", "desk@example.org", await unsubscribed.generation("mail"))
        page = await _page(base)
    finally:
        await client.aclose()
    row = re.search(r'<li class="sub" id="sub-mail">(.*?)</li>', page, re.S).group(1)
    assert "<dt>Unsubscribed</dt><dd>desk@example.org: not sent to, as they used the link in an email" in row
    assert "pledgewatch subscriptions resubscribe mail ADDRESS" in row
