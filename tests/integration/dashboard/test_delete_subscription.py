"""Deleting a subscription from the dashboard: a link on its row leads to a page asking to confirm (no script
needed), whose form, signed in and with its session's CSRF token, deletes it as the API's ``DELETE
/subscriptions/{id}`` (and so ``pledgewatch subscriptions delete``) does, what is kept for it included, then
leads back to the subscriptions with a notice. One the subscriptions file defines is refused in the API's words."""

import html
import re
from urllib.parse import urlsplit

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.notifier.delivery_parts import subscription_records
from services.notifier.feed import feed_key
from services.notifier.subscriptions import parse_subscription

from .conftest import sign_in_form, signed_in, subscription_store

pytestmark = pytest.mark.integration

DESK = {"id": "desk", "channels": ["console"]}


async def _stored(settings, *subscriptions: dict) -> list[str]:
    """Stores ``subscriptions`` and, for the first, records the notifier keeps for one (what it was told, its
    digest, its feed); those records' keys."""
    async with subscription_store(settings) as store:
        for subscription in subscriptions:
            await store.put(parse_subscription(subscription))
    kept = [*subscription_records(settings.key, subscriptions[0]["id"]), feed_key(settings.key, subscriptions[0]["id"])]
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        for key in kept:
            await client.set(key, "x")
    finally:
        await client.aclose()
    return kept


async def _existing(settings, keys: list[str]) -> int:
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        return await client.exists(*keys)
    finally:
        await client.aclose()


async def _ids(settings) -> set[str]:
    async with subscription_store(settings) as store:
        return {sub.id for sub in await store.stored()}


async def _page(client: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with client.get(url, allow_redirects=False) as answer:
        return answer.status, html.unescape(await answer.text())


async def _delete(client: aiohttp.ClientSession, base: str, sub_id: str, **form: str) -> tuple[int, str, str]:
    async with client.post(f"{base}/dashboard/subscriptions/{sub_id}/delete", data=form,
                           allow_redirects=False) as answer:
        return answer.status, answer.headers.get("Location", ""), html.unescape(await answer.text())


def _browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # unsafe: an IP host


def _row(page: str, sub_id: str) -> str:
    return re.search(rf'<li class="sub" id="sub-{sub_id}">(.*?)</li>\s*(?:<li|</ul>)', page, re.S).group(1)


async def test_a_signed_in_user_deletes_a_subscription_after_confirming_it(ledger_app, settings):
    kept = await _stored(settings, DESK, {"id": "other", "channels": ["console"]})
    base = await ledger_app()
    async with _browser() as client:
        await signed_in(client, base)
        _, home = await _page(client, base + "/")
        assert 'href="/dashboard/subscriptions/desk/delete"' in _row(home, "desk")
        status, confirm = await _page(client, base + "/dashboard/subscriptions/desk/delete")
        assert status == 200 and "Delete subscription ‘desk’?" in confirm
        assert await _ids(settings) == {"desk", "other"}  # asking is not deleting
        csrf = re.search(r'name="csrf" value="([^"]+)"', confirm).group(1)
        status, location, _ = await _delete(client, base, "desk", csrf=csrf)
        assert (status, urlsplit(location).path, urlsplit(location).fragment) == (303, "/", "notice")
        _, after = await _page(client, base + location)
    assert await _ids(settings) == {"other"}
    assert await _existing(settings, kept) == 0  # dropped as the API's delete drops them
    assert "Subscription ‘desk’ deleted." in after and 'id="sub-desk"' not in after


async def test_a_delete_without_the_forms_csrf_token_is_refused(ledger_app, settings):
    kept = await _stored(settings, DESK)
    base = await ledger_app()
    async with _browser() as client:
        await signed_in(client, base)
        status, _, page = await _delete(client, base, "desk", csrf="forged")
    assert status == 403 and "This form has expired or did not come from this page" in page
    assert await _ids(settings) == {"desk"} and await _existing(settings, kept) == len(kept)


async def test_a_delete_by_a_visitor_not_signed_in_is_refused(ledger_app, settings):
    await _stored(settings, DESK)
    base = await ledger_app()
    async with _browser() as client:
        status, confirm = await _page(client, base + "/dashboard/subscriptions/desk/delete")
        assert status == 401 and "Sign in with the API token to delete a subscription." in confirm
        assert 'action="/dashboard/subscriptions/desk/delete"' not in confirm
        _, _, csrf = await sign_in_form(client, base)  # a session's own token, not signed in
        status, _, page = await _delete(client, base, "desk", csrf=csrf)
    assert status == 401 and "Sign in with the API token to change subscriptions." in page
    assert await _ids(settings) == {"desk"}


async def test_a_subscription_of_the_subscriptions_file_is_not_deleted_and_the_page_says_why(ledger_app, settings,
                                                                                           tmp_path):
    path = tmp_path / "subs.yaml"
    path.write_text("subscriptions:\n  - id: filed\n    channels: [console]\n")
    base = await ledger_app(subscriptions=path)
    why = f"'filed' is defined in the subscriptions file {path.absolute()}: change or remove it there"
    async with _browser() as client:
        csrf = await signed_in(client, base)
        _, home = await _page(client, base + "/")
        assert "/dashboard/subscriptions/filed/delete" not in _row(home, "filed")
        status, confirm = await _page(client, base + "/dashboard/subscriptions/filed/delete")
        assert status == 409 and why in confirm and 'action="/dashboard/subscriptions/filed/delete"' not in confirm
        status, _, page = await _delete(client, base, "filed", csrf=csrf)
    assert status == 409 and why in page  # the API's 409, in the same words


async def test_deleting_a_subscription_that_is_gone_says_so(ledger_app, settings):
    base = await ledger_app()
    async with _browser() as client:
        csrf = await signed_in(client, base)
        status, confirm = await _page(client, base + "/dashboard/subscriptions/gone/delete")
        assert status == 404 and "No subscription ‘gone’" in confirm
        status, _, page = await _delete(client, base, "gone", csrf=csrf)
    assert status == 404 and "No subscription ‘gone’ (deleted already?): nothing was deleted." in page
