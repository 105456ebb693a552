"""While Redis takes connections and answers nothing (stopped with SIGSTOP), the ledger's app (its JSON API and
the dashboard, on one port) answers every request 503 within PLEDGEWATCH_HTTP_REDIS_SECONDS, saying Redis is not
answering, rather than after the Redis client's 5 s command timeout; once one request found it so, the others are
answered without asking Redis until the cool-down ends. The API answers JSON; the dashboard its own page."""

import asyncio
import html
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.notifier.store import FileSubscriptions, SubscriptionStore
from services.notifier.subscriptions import parse_subscription

from .conftest import signed_in

pytestmark = pytest.mark.integration

BOUND = 0.3  # PLEDGEWATCH_HTTP_REDIS_SECONDS of these tests: far under the client's 5 s command timeout
NOT_ANSWERING = f"Redis is not answering (no answer within {BOUND:g} s)"
NOT_ASKED = f"Redis is not answering (none within {BOUND:g} s lately; asked again every 5 s)"
OUTER = 20.0  # a request still unanswered after this would be hanging on Redis


async def _get(client: aiohttp.ClientSession, url: str) -> tuple[int, str, str | None, str]:
    """Status, content type, Retry-After and body of a GET, which must be answered within :data:`OUTER`."""
    async def get():
        async with client.get(url) as answer:
            return answer.status, answer.content_type, answer.headers.get("Retry-After"), await answer.text()
    return await asyncio.wait_for(get(), OUTER)


async def _post(client: aiohttp.ClientSession, url: str, **form: str) -> tuple[int, str, str | None, str]:
    async def post():
        async with client.post(url, data=form, allow_redirects=False) as answer:
            return (answer.status, answer.content_type, answer.headers.get("Retry-After"),
                    html.unescape(await answer.text()))
    return await asyncio.wait_for(post(), OUTER)


async def test_while_redis_is_frozen_an_api_read_is_a_503_saying_so_and_the_rest_do_not_wait_on_it(
        ledger_app, redis_server, frozen):
    """Before: each read waited out the command timeout (5 s) and answered "cannot reach Redis (TimeoutError)";
    a burst of them each waited as long, holding a connection to Redis each."""
    server, url = redis_server
    base = await ledger_app(redis_url=url, http_redis_seconds=BOUND)
    async with aiohttp.ClientSession() as client:
        assert (await _get(client, base + "/ledger/releases"))[0] == 200
        with frozen(server):
            first = await _get(client, base + "/ledger/releases")
            burst = await asyncio.gather(*(_get(client, base + "/ledger/releases") for _ in range(10)))
        while (again := await _get(client, base + "/ledger/releases"))[0] == 503:  # until the cool-down ends
            await asyncio.sleep(0.2)
    assert first == (503, "application/json", "5", f'{{"errors":[{{"field":"server","message":"service '
                                                   f'unavailable: {NOT_ANSWERING}; try again later"}}]}}')
    assert set(burst) == {(503, "application/json", "5", f'{{"errors":[{{"field":"server","message":"service '
                                                          f'unavailable: {NOT_ASKED}; try again later"}}]}}')}
    assert again[0] == 200


async def _store_subscription(url: str, key, sub_id: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        store = SubscriptionStore(client, key=key("notifier:subscriptions"), file=FileSubscriptions(None))
        await store.put(parse_subscription({"id": sub_id, "channels": [{"console": {}}]}))
    finally:
        await client.aclose()


async def test_while_redis_is_frozen_the_dashboards_forms_and_pages_answer_its_own_page_saying_so(
        ledger_app, redis_server, frozen, settings):
    """Before: create, pause and resume answered the API's JSON 503 to a browser, each after 5 s."""
    server, url = redis_server
    base = await ledger_app(redis_url=url, http_redis_seconds=BOUND)
    await _store_subscription(url, settings.key, "desk")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        with frozen(server):
            create = await _post(client, base + "/dashboard/subscriptions", csrf=csrf, id="new", channel="console",
                                 action="create")
            pause = await _post(client, base + "/dashboard/subscriptions/desk/pause", csrf=csrf, until=tomorrow)
            resume = await _post(client, base + "/dashboard/subscriptions/desk/resume", csrf=csrf)
            home = await _get(client, base + "/")
            api = await _get(client, base + "/ledger/releases")
    for status, kind, retry, _ in (create, pause, resume, home):
        assert (status, kind, retry) == (503, "text/html", "5")
    assert "<h1>Could not create the subscription</h1>" in create[3]
    assert (f"{NOT_ANSWERING}: it may not have been done. Try again in a moment: a subscription created "
            "already is refused as existing, not made twice.") in create[3]
    assert "<h1>Could not pause subscription desk</h1>" in pause[3]
    assert f"{NOT_ASKED}: nothing was changed. Try again in a moment: pausing twice does no harm." in pause[3]
    assert "<h1>Could not resume subscription desk</h1>" in resume[3]
    assert f"{NOT_ASKED}: nothing was changed. Try again in a moment: resuming twice does no harm." in resume[3]
    assert "<h1>Could not show the dashboard</h1>" in home[3] and f"{NOT_ASKED}. Try again in a moment." in \
        html.unescape(home[3])
    assert api[:3] == (503, "application/json", "5")  # the API's clients keep their JSON
