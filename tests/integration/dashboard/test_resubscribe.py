"""Undoing an unsubscribe from the dashboard: a signed-in form on the subscription's row, with its session's CSRF
token, that says what it did, answers a repeat as done already, and says plainly when the subscription is gone
or Redis cannot be reached. The same function as the API's ``DELETE /subscriptions/{id}/unsubscribed/{address}``
(and so ``pledgewatch subscriptions resubscribe``) does the work."""

import asyncio
import html
import logging
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
import redis.asyncio as aioredis

from services.common.embedded_redis import EmbeddedRedis, free_port
from services.notifier.store import FileSubscriptions, SubscriptionStore
from services.notifier.subscriptions import parse_subscription
from services.notifier.unsubscribe import Recipient
from services.notifier.unsubscribe_spool import UnsubscribeSpool
from services.notifier.unsubscribed import Unsubscribed

from .conftest import sign_in_form, signed_in

pytestmark = pytest.mark.integration

MAIL = {"id": "mail", "channels": [{"email": {"to": ["desk@example.org", "ops@example.org"]}}]}


async def _unsubscribe(redis_url: str, key, *addresses: str, subscription: dict = MAIL) -> None:
    """Stores ``subscription`` and records each of ``addresses`` as unsubscribed from it, as its link does."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        store = SubscriptionStore(client, key=key("notifier:subscriptions"), file=FileSubscriptions(None))
        await store.put(parse_subscription(subscription))
        unsubscribed = Unsubscribed(client, key, store.generations)
        for address in addresses:
            assert await unsubscribed.add(subscription["id"], address, await unsubscribed.generation(subscription["id"]))
    finally:
        await client.aclose()


async def _unsubscribed(redis_url: str, key, sub_id: str = "mail") -> set[str]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        return await Unsubscribed(client, key, "").of(sub_id)
    finally:
        await client.aclose()



GENERATIONS = "notifier:subscriptions:generations"


async def _link_of(settings, address: str, sub_id: str = "mail") -> Recipient:
    """The recipient of ``address``'s unsubscribe link in an email of the subscription as it is now."""
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        generation = await Unsubscribed(client, settings.key, settings.key(GENERATIONS)).generation(sub_id)
    finally:
        await client.aclose()
    return Recipient(sub_id, address, generation)


def _row(page: str, sub_id: str = "mail") -> str:
    return re.search(rf'<li class="sub" id="sub-{sub_id}">(.*?)</li>\s*(?:<li|</ul>)', page, re.S).group(1)


async def _resubscribe(client: aiohttp.ClientSession, base: str, sub_id: str = "mail",
                       **form: str) -> tuple[int, str, str]:
    """Posts the row's form without following its redirect: the status, its Location and the page."""
    async with client.post(f"{base}/dashboard/subscriptions/{sub_id}/resubscribe", data=form,
                           allow_redirects=False) as answer:
        return answer.status, answer.headers.get("Location", ""), html.unescape(await answer.text())


async def _get(client: aiohttp.ClientSession, base: str, path: str) -> str:
    async with client.get(base + path) as answer:
        assert answer.status == 200
        return html.unescape(await answer.text())


async def test_a_signed_in_row_resubscribes_an_address_says_so_and_a_repeat_changes_nothing(ledger_app, settings,
                                                                                            caplog):
    """Before: the row only named `pledgewatch subscriptions resubscribe`; the dashboard had no way to undo an
    unsubscribe (POST /dashboard/subscriptions/mail/resubscribe answered 404)."""
    caplog.set_level(logging.INFO, logger="services.notifier.resubscribe")
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org", "ops@example.org")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        csrf = await signed_in(client, base)
        row = _row(await _get(client, base, "/"))
        assert 'action="/dashboard/subscriptions/mail/resubscribe#error-mail"' in row
        assert '<input type="hidden" name="address" value="desk@example.org">' in row
        assert ">Resubscribe desk@example.org to mail</button>" in row

        status, location, _ = await _resubscribe(client, base, csrf=csrf, address="Desk@Example.org")
        assert status == 303
        assert await _unsubscribed(settings.redis_url, settings.key) == {"ops@example.org"}
        assert [r.getMessage() for r in caplog.records if r.name == "services.notifier.resubscribe"] == [
            "desk@example.org subscribed again to subscription mail"]  # logged as the API's undo logs it
        where = urlsplit(location)
        assert (where.path, where.fragment) == ("/", "notice-mail")  # the browser focuses what was done
        asked = parse_qs(where.query)
        assert asked.pop("mac") and asked == {"notice": ["resubscribed"], "subscription": ["mail"],
                                              "address": ["desk@example.org"]}
        row = _row(await _get(client, base, location))
        assert ('<p class="notice" role="status" id="notice-mail" tabindex="-1">desk@example.org subscribed again '
                'to ‘mail’: its email channels send to it again.</p>') in row
        assert "<dt>Unsubscribed</dt><dd>ops@example.org: not sent to" in row
        assert "Resubscribe desk@example.org" not in row

        status, location, _ = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")  # again
        assert status == 303
        assert await _unsubscribed(settings.redis_url, settings.key) == {"ops@example.org"}
        assert parse_qs(urlsplit(location).query)["notice"] == ["not-unsubscribed"]
        assert ("desk@example.org is not unsubscribed from ‘mail’: nothing to undo."
                in _row(await _get(client, base, location)))


async def test_an_unsubscribe_kept_on_disk_is_recorded_before_the_resubscribe_not_after_it(ledger_app, settings):
    """Before: the button undid what Redis held and left the notifier's spool as it was; the notifier's replay
    then unsubscribed the address again, seconds after the operator had resubscribed it."""
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    spool = UnsubscribeSpool(settings.data_dir)
    spool.append(await _link_of(settings, "desk@example.org"))  # pressed again while Redis could not take it
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        status, location, _ = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")
    assert status == 303 and "notice=resubscribed" in location
    assert not spool.path.exists()
    redis = aioredis.Redis.from_url(settings.redis_url)
    try:  # the notifier's own replay, a moment later, finds nothing left to record
        assert await spool.replay(Unsubscribed(redis, settings.key, settings.key(GENERATIONS))) == 0
    finally:
        await redis.aclose()
    assert await _unsubscribed(settings.redis_url, settings.key) == set()


async def test_the_rows_list_the_unsubscribes_kept_on_disk(ledger_app, settings):
    """Before: an unsubscribe taken while Redis was down was missing from its row until the notifier recorded it."""
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    UnsubscribeSpool(settings.data_dir).append(await _link_of(settings, "ops@example.org"))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        await signed_in(client, base)
        row = _row(await _get(client, base, "/"))
    assert "Resubscribe desk@example.org to mail" in row and "Resubscribe ops@example.org to mail" in row
    assert not UnsubscribeSpool(settings.data_dir).path.exists()


async def test_the_dashboard_replays_the_unsubscribes_kept_in_the_spool_folder_the_setting_names(
        ledger_app, settings, tmp_path):
    """In the containers the notifier keeps them on a volume shared with the ledger's, not in the data folder.
    Before: the dashboard read the data folder only, and its rows missed them."""
    shared = tmp_path / "shared-spool"
    base = await ledger_app(unsubscribe_spool_dir=shared)
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    UnsubscribeSpool(shared).append(await _link_of(settings, "ops@example.org"))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        await signed_in(client, base)
        row = _row(await _get(client, base, "/"))
    assert "Resubscribe ops@example.org to mail" in row
    assert not UnsubscribeSpool(shared).path.exists()


async def test_a_resubscribe_without_its_session_or_csrf_token_changes_nothing(ledger_app, settings):
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        _, _, csrf = await sign_in_form(client, base)  # a session, not signed in
        status, _, page = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")
        assert status == 401 and "Sign in with the API token to change subscriptions." in page
        await signed_in(client, base)
        status, _, page = await _resubscribe(client, base, csrf="forged", address="desk@example.org")
        assert status == 403 and "did not come from this page" in page
    assert await _unsubscribed(settings.redis_url, settings.key) == {"desk@example.org"}


async def test_a_resubscribe_for_a_subscription_deleted_since_says_it_is_gone(ledger_app, settings):
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        assert "Resubscribe desk@example.org to mail" in await _get(client, base, "/")
        redis = aioredis.Redis.from_url(settings.redis_url)
        try:  # deleted while the page was open
            store = SubscriptionStore(redis, key=settings.key("notifier:subscriptions"), file=FileSubscriptions(None))
            assert await store.delete("mail")
        finally:
            await redis.aclose()
        status, _, page = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")
    assert status == 404
    assert ('<p class="error" role="alert"><strong>Error:</strong> No subscription ‘mail’ (deleted?): '
            'nothing was resubscribed.</p>') in page
    assert 'id="sub-mail"' not in page


@pytest.mark.parametrize("address, error", [
    (" ", "Name the email address to resubscribe, as this subscription lists it."),
    # Before: looked up, not found, and answered "not unsubscribed", which a look at the row contradicted.
    ("de\u200bsk@example.org", "not an email address: 'de\\u200bsk@example.org' (the address holds U+200B ZERO WIDTH "
                               "SPACE, a character shown as nothing or as a space or a line break"),
], ids=["no-address", "an-invisible-character"])
async def test_a_resubscribe_without_an_address_or_with_a_character_no_address_may_hold_is_refused_on_its_row(
        ledger_app, settings, address, error):
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        status, _, page = await _resubscribe(client, base, csrf=csrf, address=address)
    assert status == 422
    assert f"<strong>Error:</strong> {error}" in _row(page)
    assert await _unsubscribed(settings.redis_url, settings.key) == {"desk@example.org"}


async def test_a_subscription_from_the_file_is_resubscribed_too(ledger_app, settings, tmp_path):
    """Who unsubscribed is kept apart from the subscription, so a file's subscription is undone as well."""
    listed = tmp_path / "subscriptions.yaml"
    listed.write_text("subscriptions:\n  - {id: mail, channels: [{email: {to: [desk@example.org]}}]}\n")
    base = await ledger_app(subscriptions=listed)
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        unsubscribed = Unsubscribed(client, settings.key, settings.key("notifier:subscriptions:generations"))
        assert await unsubscribed.add("mail", "desk@example.org", await unsubscribed.generation("mail"))
    finally:
        await client.aclose()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        assert "the subscriptions file" in _row(await _get(client, base, "/"))
        status, location, _ = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")
    assert status == 303 and "notice=resubscribed" in location
    assert await _unsubscribed(settings.redis_url, settings.key) == set()


async def test_with_redis_down_a_resubscribe_says_nothing_changed_and_to_try_again(ledger_app, settings, tmp_path):
    """A browser's form gets a page, not the API's JSON, naming what could not be done and that a retry is safe."""
    port = free_port()
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False, port=port)
    url = await server.start_from_loop()
    try:
        base = await ledger_app(redis_url=url)
        await _unsubscribe(url, settings.key, "desk@example.org")
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            csrf = await signed_in(client, base)
            await asyncio.to_thread(server.kill)
            async with client.post(f"{base}/dashboard/subscriptions/mail/resubscribe",
                                   data={"csrf": csrf, "address": "desk@example.org"}) as answer:
                status, page = answer.status, html.unescape(await answer.text())
                kind, retry = answer.content_type, answer.headers.get("Retry-After")
            assert (status, kind, retry) == (503, "text/html", "5")
            assert "<h1>Could not resubscribe desk@example.org</h1>" in page
            assert ("Redis cannot be reached (ConnectionError): nothing was changed. Try again in a moment: "
                    "resubscribing twice does no harm.") in page
            await server.start_from_loop()
            await _unsubscribe(url, settings.key, "desk@example.org")  # no AOF: as it was
            status, location, _ = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")
            assert status == 303 and "notice=resubscribed" in location
        await ledger_app.stop_all()
    finally:
        await asyncio.to_thread(server.stop)


@pytest.mark.parametrize("crafted", [
    pytest.param({"notice": "resubscribed", "subscription": "mail", "address": "Your account is closed: call"},
                 id="resubscribed-with-any-text"),
    pytest.param({"notice": "not-unsubscribed", "subscription": "mail", "address": "Your account is closed: call"},
                 id="not-unsubscribed-with-any-text"),
    pytest.param({"notice": "created", "subscription": "Your account is closed: call"}, id="created-with-any-text"),
    pytest.param({"notice": "signed-in"}, id="signed-in-unasked"),
])
async def test_a_notice_in_a_crafted_link_is_not_shown(ledger_app, settings, crafted):
    """Before: `/?notice=resubscribed&subscription=mail&address=ANY TEXT` showed "ANY TEXT subscribed again to
    ‘mail’…", for anyone to send as a link."""
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        await signed_in(client, base)
        page = await _get(client, base, "/?" + urlencode(crafted))
    assert 'class="notice"' not in page
    assert "Your account is closed" not in page


async def test_a_notice_is_shown_to_the_session_that_did_the_change_only(ledger_app, settings):
    base = await ledger_app()
    await _unsubscribe(settings.redis_url, settings.key, "desk@example.org")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        status, location, _ = await _resubscribe(client, base, csrf=csrf, address="desk@example.org")
        assert status == 303 and "desk@example.org subscribed again" in await _get(client, base, location)
        altered = location.replace("desk%40example.org", "boss%40example.org")
        assert altered != location and "subscribed again" not in await _get(client, base, altered)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        await signed_in(other, base)
        assert "subscribed again" not in await _get(other, base, location)  # a link sent on from that session
