"""A stored subscription this version cannot read (stored by an earlier one before subscriptions were bounded: more
than 20 reminders, say), on the dashboard and the calendar the ledger serves: shown with what is wrong and how to
fix it, every change of it refused as the API refuses it (409, its problems named), and deleted as the API deletes
it. On the ledger's app (its API and the dashboard on one port), a real Redis and a real HTTP server."""

import html
import json
import re

import aiohttp
import pytest

from tests.conftest import API_TOKEN

from .conftest import signed_in, subscription_store

pytestmark = pytest.mark.integration

UNREADABLE = {"id": "older", "channels": [{"type": "console"}], "reminders": [f"P{day}D" for day in range(1, 25)]}
PROBLEM = "reminders: List should have at most 20 items after validation, not 24"
FIX = "pledgewatch subscriptions add FILE --replace"


async def _stored_unreadable(settings) -> None:
    async with subscription_store(settings) as store:
        await store.client.hset(store.key, "older", json.dumps(UNREADABLE))


async def _still_stored(settings) -> bool:
    async with subscription_store(settings) as store:
        return bool(await store.client.hexists(store.key, "older"))


def _browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # unsafe: an IP host


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _row(page: str, sub_id: str) -> str:
    found = re.search(rf'<li class="sub" id="sub-{sub_id}">(.*?)</li>\s*(?:<li|</ul>)', page, re.S)
    assert found, page
    return found.group(1)


async def _ask(client: aiohttp.ClientSession, method: str, url: str, **form: str) -> tuple[int, str]:
    async with client.request(method, url, data=form or None, allow_redirects=False) as answer:
        return answer.status, await answer.text()


async def test_the_subscriptions_show_one_this_version_cannot_read_with_what_is_wrong_and_how_to_fix_it(
        ledger_app, settings):
    """Before: left out of the page without a word, so that it received nothing unseen."""
    await _stored_unreadable(settings)
    base = await ledger_app()
    async with _browser() as client:
        _, before = await _ask(client, "GET", base + "/")
        await signed_in(client, base)
        status, page = await _ask(client, "GET", base + "/")
    assert status == 200
    for shown in (before, page):
        row = _words(_row(shown, "older"))
        assert "unreadable" in row and PROBLEM in row and "receives nothing" in row and FIX in row, row
    assert 'href="/dashboard/subscriptions/older/delete"' in _row(page, "older")
    assert "/delete" not in _row(before, "older")  # signed out: no change offered
    assert "No subscription yet" not in page


@pytest.mark.parametrize(("change", "form"), [
    pytest.param("pause", {"until": "2030-01-01"}, id="pause"),
    pytest.param("resume", {}, id="resume"),
    pytest.param("resubscribe", {"address": "jane@example.org"}, id="resubscribe"),
])
async def test_a_change_of_one_this_version_cannot_read_is_refused_on_its_row_naming_its_problems(
        ledger_app, settings, change, form):
    """Before: 500, a server error page, for each (a resubscribe's, when it answered, blamed the address)."""
    await _stored_unreadable(settings)
    base = await ledger_app()
    async with _browser() as client:
        csrf = await signed_in(client, base)
        status, page = await _ask(client, "POST", f"{base}/dashboard/subscriptions/older/{change}", csrf=csrf, **form)
    assert status == 409, page
    [error] = re.findall(r'<p class="error" role="alert" id="error-older"[^>]*>(.*?)</p>', page, re.S)
    assert PROBLEM in _words(error) and FIX in _words(error), error
    assert await _still_stored(settings)


async def test_a_new_subscription_of_its_id_is_refused_as_existing(ledger_app, settings):
    """Before: 500."""
    await _stored_unreadable(settings)
    base = await ledger_app()
    async with _browser() as client:
        csrf = await signed_in(client, base)
        status, page = await _ask(client, "POST", base + "/dashboard/subscriptions", csrf=csrf, id="older",
                                  channel="console")
    assert status == 409, page
    words = _words(page)
    assert "'older' exists already" in words and PROBLEM in words, words


async def test_one_this_version_cannot_read_is_deleted_after_a_page_saying_what_is_wrong(ledger_app, settings):
    """Before: the page asking to confirm answered 500, and so did the delete."""
    await _stored_unreadable(settings)
    base = await ledger_app()
    async with _browser() as client:
        csrf = await signed_in(client, base)
        status, page = await _ask(client, "GET", base + "/dashboard/subscriptions/older/delete")
        assert status == 200, page
        words = _words(page)
        assert PROBLEM in words and FIX in words and "Delete older" in words, words
        status, _ = await _ask(client, "POST", base + "/dashboard/subscriptions/older/delete", csrf=csrf)
    assert status == 303
    assert not await _still_stored(settings)


async def test_its_calendar_answers_the_409_the_api_answers_naming_its_problems(ledger_app, settings):
    """Before: 500."""
    await _stored_unreadable(settings)
    base = await ledger_app()
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {API_TOKEN}"}) as client:
        async with client.get(base + "/subscriptions/older/deadlines.ics") as answer:
            status, body = answer.status, await answer.json()
        async with client.get(base + "/openapi.json") as answer:
            document = await answer.json()
    [error] = body["errors"]
    assert (status, error["field"]) == (409, "id")
    assert PROBLEM in error["message"] and "replace it (PUT) or delete it" in error["message"]
    documented = document["paths"]["/subscriptions/{id}/deadlines.ics"]["get"]["responses"]
    assert documented["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Errors"}
