"""The subscriptions on the dashboard: where each sends, and who its email channels leave out; and the words of
the subscription form's refusals, which are a dashboard user's to follow."""

import html
import re
from datetime import datetime, timezone

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.notifier.store import FileSubscriptions, SubscriptionStore
from services.notifier.subscriptions import parse_subscription
from services.notifier.unsubscribed import Unsubscribed
from .conftest import signed_in, subscription_store

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


async def _submit(client: aiohttp.ClientSession, base: str, **form: str) -> tuple[int, str]:
    async with client.post(base + "/dashboard/subscriptions", data=form) as answer:
        return answer.status, html.unescape(await answer.text())


async def test_the_forms_refusals_are_worded_for_what_was_pressed_and_for_a_dashboard_user(ledger_app):
    """Before: "Try it on the last 90 days" with a bad value said "The subscription was not saved" (nothing was
    being saved), and saving an id that exists said "use PUT to replace", which no one on the page can do."""
    base = await ledger_app()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        csrf = await signed_in(client, base)
        status, page = await _submit(client, base, csrf=csrf, id="desk", channel="console", min_confidence="lots",
                                     action="backtest")
        assert status == 422
        assert "Nothing was tried: the filter is not valid:" in page and "not saved" not in page
        status, page = await _submit(client, base, csrf=csrf, id="desk", channel="console", min_confidence="lots",
                                     action="create")
        assert status == 422 and "The subscription was not saved:" in page
        status, _ = await _submit(client, base, csrf=csrf, id="desk", channel="console", action="create")
        assert status == 200  # saved, and the page it was redirected to
        status, page = await _submit(client, base, csrf=csrf, id="desk", channel="console", action="create")
    assert status == 409
    assert ("Subscription name: a subscription 'desk' exists already: choose another id (that one is changed with "
            "`pledgewatch subscriptions update desk FILE`)") in page
    assert "PUT" not in page


async def _submit_signed_in(base: str, **form: str) -> tuple[int, str]:
    """The form saved (``action=create``) in a session of its own."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        return await _submit(client, base, csrf=await signed_in(client, base), action="create", **form)


async def test_the_summary_of_refusals_names_the_fields_as_the_form_labels_them(ledger_app):
    """Before: the summary at the top said "channels.0.url: Field required" and "filter.min_confidence: …", paths
    of the JSON API that no label on the page shows."""
    base = await ledger_app()
    status, page = await _submit_signed_in(base, id="desk", channel="webhook", min_confidence="lots")
    assert status == 422
    summary = re.search(r'<div class="error" role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', summary) == [
        'Minimum confidence: expected a number, not "lots"', "To: Field required"]


async def test_two_refusals_of_one_field_are_one_description_of_its_input(ledger_app):
    """Before: two bad addresses gave two elements with the id ``target-error``, and the input's
    ``aria-describedby`` named only the first of them."""
    base = await ledger_app()
    status, page = await _submit_signed_in(base, id="desk", channel="email", target="bad1, bad2")
    assert status == 422
    assert page.count('id="target-error"') == 1
    described = re.search(r'<div[^>]* id="target-error">(.*?)</div>', page, re.S).group(1)
    assert "'bad1'" in described and "'bad2'" in described


async def test_the_pause_form_takes_what_the_cli_and_api_take(ledger_app, settings):
    """Before: the dashboard took a day alone, the CLI and the API a time with its zone alone; one reading now."""
    base = await ledger_app()
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        store = SubscriptionStore(client, key=settings.key("notifier:subscriptions"), file=FileSubscriptions(None))
        await store.put(parse_subscription({"id": "desk", "channels": ["console"]}))
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            csrf = await signed_in(browser, base)
            paused = {}
            for until in ("2031-02-01", "2031-02-01T09:30:00Z", "2031-02-01T09:30"):
                async with browser.post(f"{base}/dashboard/subscriptions/desk/pause",
                                        data={"csrf": csrf, "until": until}) as answer:
                    page = html.unescape(await answer.text())
                paused[until] = answer.status, (await store.get("desk")).paused_until, page
    finally:
        await client.aclose()
    assert paused["2031-02-01"][:2] == (200, datetime(2031, 2, 1, tzinfo=timezone.utc))
    assert paused["2031-02-01T09:30:00Z"][:2] == (200, datetime(2031, 2, 1, 9, 30, tzinfo=timezone.utc))
    status, _, page = paused["2031-02-01T09:30"]
    assert status == 422 and "Give the day to pause until as YYYY-MM-DD" in page


def _hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the page's New subscription form, as a browser sends them back."""
    form = re.search(r'<form class="create".*?</form>', page, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


async def test_a_secret_typed_before_a_try_is_not_dropped_silently_by_the_save_after_it(ledger_app, settings):
    """Before: "Try it on the last 90 days" showed the form again without the webhook's secret (it is never sent
    back to the page) and "Save subscription" then saved the webhook without one: every POST went out unsigned.
    Now a save without the secret typed before is refused once, beside the secret, saying what to do."""
    base = await ledger_app()
    secret = "desk-secret-4f1c"
    typed = {"id": "desk", "channel": "webhook", "target": "http://127.0.0.1:9911/hook", "keywords": "spend"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        status, page = await _submit(client, base, csrf=csrf, secret=secret, action="backtest", **typed)
        assert status == 200 and secret not in page
        status, page = await _submit(client, base, **_hidden_fields(page), action="create", **typed)
        assert status == 422 and "The subscription was not saved:" in page and secret not in page
        assert ("the webhook secret typed before is not kept on the page: type it again to sign the POSTs, "
                "or press Save subscription again to save it without one") in page
        status, _ = await _submit(client, base, **_hidden_fields(page), action="create", secret=secret, **typed)
        assert status == 200  # saved, and the page it was redirected to
    async with subscription_store(settings) as store:
        saved = await store.get("desk")
    assert saved.channels[0].secret == secret


async def test_a_webhook_is_saved_unsigned_when_the_save_is_pressed_again_without_its_secret(ledger_app):
    base = await ledger_app()
    typed = {"id": "desk", "channel": "webhook", "target": "http://127.0.0.1:9911/hook"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        status, page = await _submit(client, base, csrf=csrf, secret="s3cret", action="backtest", **typed)
        status, page = await _submit(client, base, **_hidden_fields(page), action="backtest", **typed)
        assert status == 200  # a second try keeps the secret's mark
        status, page = await _submit(client, base, **_hidden_fields(page), action="create", **typed)
        assert status == 422
        status, _ = await _submit(client, base, **_hidden_fields(page), action="create", **typed)
        assert status == 200


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/"])
async def test_the_dashboards_own_path_leads_to_the_dashboard(ledger_app, path):
    """Before: 404 as JSON, while /dashboard/releases/ID and /dashboard/sign-in are pages."""
    base = await ledger_app()
    async with aiohttp.ClientSession() as client:
        async with client.get(base + path, allow_redirects=False) as answer:
            assert answer.status == 307 and answer.headers["Location"] == "/"
        async with client.get(base + path) as answer:
            assert answer.status == 200 and "text/html" in answer.headers["Content-Type"]


async def test_the_forms_time_zone_is_saved_and_an_unknown_one_refused_beside_it(ledger_app):
    base = await ledger_app()
    status, page = await _submit_signed_in(base, id="desk", channel="console", timezone="Sydney")
    assert status == 422 and 'value="Sydney"' in page
    beside = re.search(r'<div id="timezone-error">(.*?)</div>', page, re.S).group(1)
    assert "unknown time zone 'Sydney'; expected an IANA name such as Europe/London or UTC" in beside
    assert '<option value="Australia/Sydney">' in page  # the zones offered
    status, page = await _submit_signed_in(base, id="desk", channel="console", timezone="Australia/Sydney")
    assert status == 200 and "at 09:00 Australia/Sydney" in page  # its row: reminders in its zone


async def test_a_webhook_url_as_shown_typed_in_the_form_is_refused_beside_it(ledger_app):
    """Before: a URL copied from a subscription's row (``https://hooks.example.org/***``) was saved as typed, and
    every alert then went to it."""
    base = await ledger_app()
    status, page = await _submit_signed_in(base, id="desk", channel="webhook", target="https://hooks.example.org/***")
    assert status == 422
    beside = re.search(r'<div id="target-error">(.*?)</div>', page, re.S).group(1)
    assert "give its whole URL" in beside


async def test_a_webhook_secret_as_shown_typed_in_the_form_is_refused_beside_it(ledger_app):
    """Before: ``***`` typed as the secret (as a subscription's row shows one) was saved as the secret, and every
    POST was signed with it."""
    base = await ledger_app()
    status, page = await _submit_signed_in(base, id="desk", channel="webhook", target="https://hooks.example.org/in",
                                           secret="***")
    assert status == 422
    beside = re.search(r'<div id="secret-error">(.*?)</div>', page, re.S).group(1)
    assert "give the secret itself" in beside


async def test_a_webhook_url_and_secret_both_as_shown_are_refused_together_each_beside_its_field(ledger_app):
    """Before: only the URL was refused; the secret's refusal came on the next try."""
    base = await ledger_app()
    status, page = await _submit_signed_in(base, id="desk", channel="webhook", target="https://hooks.example.org/***",
                                           secret="***", min_confidence="lots")
    assert status == 422
    assert "give its whole URL" in re.search(r'<div id="target-error">(.*?)</div>', page, re.S).group(1)
    assert "give the secret itself" in re.search(r'<div id="secret-error">(.*?)</div>', page, re.S).group(1)
    assert re.search(r'<div id="min_confidence-error">(.*?)</div>', page, re.S)
    summary = re.search(r'<div class="error" role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert [label for label in re.findall(r'<li><a href="#[^"]+">([^:]+):', summary)] == [
        "To", "Webhook secret", "Minimum confidence"]


@pytest.mark.parametrize("action", ["explode", "Create"])
async def test_a_form_pressed_with_no_button_of_the_form_is_refused_and_saves_nothing(ledger_app, settings, action):
    """Before: any ``action`` but ``backtest`` saved the subscription (``action=explode`` answered 303 "created")."""
    base = await ledger_app()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        csrf = await signed_in(client, base)
        status, page = await _submit(client, base, csrf=csrf, action=action, id="desk", channel="console")
    assert status == 400
    assert "<title>Error: " in page and f"‘{action}’" in page
    async with subscription_store(settings) as store:
        assert await store.get("desk") is None


async def test_a_subscription_stored_with_a_keyword_of_only_a_dash_is_paused_from_the_dashboard(ledger_app, settings):
    """Before: refused, "entry 1 ('-') is only dashes or accents", a value stored before that check, not given."""
    base = await ledger_app()
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        store = SubscriptionStore(client, key=settings.key("notifier:subscriptions"), file=FileSubscriptions(None))
        await client.hset(store.key, "desk", '{"id": "desk", "channels": [{"type": "console"}], '
                                             '"filter": {"keywords": ["-", "bomb"]}}')
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            csrf = await signed_in(browser, base)
            async with browser.post(f"{base}/dashboard/subscriptions/desk/pause",
                                    data={"csrf": csrf, "until": "2031-02-01"}) as answer:
                status = answer.status
        paused = await store.get("desk")
    finally:
        await client.aclose()
    assert (status, paused.paused_until, paused.filter.keywords) == (
        200, datetime(2031, 2, 1, tzinfo=timezone.utc), ["-", "bomb"])
