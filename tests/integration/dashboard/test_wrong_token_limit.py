"""Wrong API tokens are limited per client address: after PLEDGEWATCH_WRONG_TOKEN_LIMIT of them within
PLEDGEWATCH_WRONG_TOKEN_WINDOW_SECONDS, whether sent to the API (a write, a read with reads closed) or to the
dashboard's sign-in form, that client's requests needing the token are answered 429 with Retry-After until the
window passes, the right token included (else the answer would tell a right guess from a wrong one). Right
tokens, requests without one and open reads are never counted; other clients are not affected; behind a
trusted proxy the client is the forwarded address, and X-Forwarded-For from anyone else is ignored."""

import asyncio
import logging

import aiohttp
import pytest
import redis.asyncio as aioredis

from tests.conftest import API_TOKEN

from .conftest import sign_in_form

pytestmark = pytest.mark.integration

WRONG = {"Authorization": "Bearer wrong-token-0123456789"}
RIGHT = {"Authorization": f"Bearer {API_TOKEN}"}
BACKTEST = {"since": "2017-01-01T00:00:00Z"}
LIMITED = {"wrong_token_limit": 3, "wrong_token_window_seconds": 60.0}


async def _write(base, headers, *, local=None):
    """``POST /ledger/backtest`` (a write: it needs the token): its status and Retry-After."""
    connector = aiohttp.TCPConnector(local_addr=(local, 0)) if local else None
    async with aiohttp.ClientSession(connector=connector) as client, client.post(
            base + "/ledger/backtest", json=BACKTEST, headers=headers) as answer:
        return answer.status, answer.headers.get("Retry-After")


async def _read(base, path, headers=None):
    async with aiohttp.ClientSession() as client, client.get(base + path, headers=headers or {}) as answer:
        return answer.status, answer.headers.get("Retry-After")


async def _sign_in(base, token, headers=None):
    """A sign-in with ``token`` from a new visitor: its status, Retry-After and page."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        _, _, csrf = await sign_in_form(client, base, headers)
        async with client.post(base + "/dashboard/sign-in", data={"csrf": csrf, "token": token},
                               headers=headers or {}, allow_redirects=False) as answer:
            return answer.status, answer.headers.get("Retry-After"), await answer.text()


async def test_past_the_limit_of_wrong_tokens_a_client_is_answered_429_until_the_window_passes(ledger_app):
    """Before: any number of wrong tokens, at full speed, each told 401."""
    base = await ledger_app(**LIMITED)
    assert [(await _write(base, WRONG))[0] for _ in range(3)] == [401, 401, 401]
    status, retry_after = await _write(base, WRONG)
    assert status == 429 and 55 <= int(retry_after) <= 60
    assert (await _write(base, RIGHT))[0] == 429  # no answer tells a right guess from a wrong one
    assert (await _read(base, "/ledger/releases"))[0] == 200  # an open read needs no token: not limited
    assert (await _read(base, "/healthz"))[0] == 200


async def test_right_tokens_and_requests_without_one_are_never_counted(ledger_app):
    base = await ledger_app(**LIMITED)
    assert [(await _write(base, WRONG))[0] for _ in range(2)] == [401, 401]
    assert [(await _write(base, RIGHT))[0] for _ in range(5)] == [200] * 5
    assert [(await _write(base, {}))[0] for _ in range(5)] == [401] * 5
    assert (await _write(base, WRONG))[0] == 401  # the third wrong one
    assert (await _write(base, WRONG))[0] == 429


async def test_reads_closed_count_wrong_tokens_too(ledger_app):
    base = await ledger_app(open_reads=False, **LIMITED)
    assert [(await _read(base, "/ledger/releases", WRONG))[0] for _ in range(3)] == [401, 401, 401]
    assert (await _read(base, "/ledger/releases", RIGHT))[0] == 429
    assert (await _read(base, "/healthz"))[0] == 200


async def test_the_dashboard_sign_in_is_limited_and_shares_the_count_with_the_api(ledger_app):
    base = await ledger_app(**LIMITED)
    assert (await _write(base, WRONG))[0] == 401
    for _ in range(2):
        status, _, page = await _sign_in(base, "not-the-token-0123456789")
        assert status == 401 and "That API token is not valid." in page
    status, retry_after, page = await _sign_in(base, API_TOKEN)
    assert status == 429 and 55 <= int(retry_after) <= 60
    assert "Too many wrong API tokens from your address: try again in 1 minute." in page
    assert (await _write(base, RIGHT))[0] == 429


async def test_after_the_window_the_client_is_heard_again(ledger_app):
    """The window is 3 s, so that three requests fall within it however busy the machine."""
    base = await ledger_app(wrong_token_limit=2, wrong_token_window_seconds=3.0)
    assert [(await _write(base, WRONG))[0] for _ in range(3)] == [401, 401, 429]
    await asyncio.sleep(3.1)
    assert (await _write(base, RIGHT))[0] == 200
    assert [(await _write(base, WRONG))[0] for _ in range(3)] == [401, 401, 429]


async def test_other_clients_are_not_limited(ledger_app):
    base = await ledger_app(**LIMITED)
    assert [(await _write(base, WRONG))[0] for _ in range(4)] == [401, 401, 401, 429]
    assert (await _write(base, RIGHT, local="127.0.0.2"))[0] == 200
    assert (await _write(base, WRONG, local="127.0.0.2"))[0] == 401


async def test_behind_a_trusted_proxy_each_forwarded_client_is_limited_on_its_own(ledger_app):
    base = await ledger_app(trusted_proxies=["127.0.0.1"], **LIMITED)
    one, other = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.1, 203.0.113.8"}
    assert [(await _write(base, {**WRONG, **one}))[0] for _ in range(4)] == [401, 401, 401, 429]
    status, _, _ = await _sign_in(base, API_TOKEN, one)
    assert status == 429
    assert (await _write(base, {**RIGHT, **other}))[0] == 200  # the proxy's own address is not what is limited
    status, _, _ = await _sign_in(base, API_TOKEN, other)
    assert status == 303


async def test_x_forwarded_for_from_a_peer_not_trusted_is_ignored(ledger_app):
    """A client cannot dodge the limit by naming another address for itself."""
    base = await ledger_app(**LIMITED)
    statuses = [(await _write(base, {**WRONG, "X-Forwarded-For": f"203.0.113.{n}"}))[0] for n in range(4)]
    assert statuses == [401, 401, 401, 429]


async def test_a_limited_client_is_logged_once_per_window_not_per_request(ledger_app, caplog):
    base = await ledger_app(**LIMITED)
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        await _write(base, WRONG)
    caplog.clear()
    for _ in range(5):
        assert (await _write(base, WRONG))[0] == 429
        assert (await _sign_in(base, API_TOKEN))[0] == 429
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, lines
    assert lines[0].startswith("127.0.0.1: 3 wrong API tokens within 60 s: its requests needing the token "
                               "are refused (429) for ")
    assert "wrong-token" not in lines[0] and API_TOKEN not in lines[0]


async def test_every_process_serving_http_against_one_redis_shares_the_limit(ledger_app, caplog):
    """Before: each process counted its own, so N replicas behind one address gave a guesser N times the
    attempts."""
    one, other = await ledger_app(**LIMITED), await ledger_app(**LIMITED)
    caplog.set_level(logging.WARNING)
    assert [(await _write(one, WRONG))[0] for _ in range(2)] == [401, 401]
    assert (await _write(other, WRONG))[0] == 401  # the third, wherever it lands
    assert (await _write(one, RIGHT))[0] == 429
    assert (await _write(other, RIGHT))[0] == 429
    status, _, _ = await _sign_in(other, API_TOKEN)
    assert status == 429
    lines = [r.getMessage() for r in caplog.records if "wrong API tokens within" in r.getMessage()]
    assert len(lines) == 1, lines  # logged once per window, whichever process refuses


async def test_a_restart_keeps_the_count(ledger_app):
    """Before: a restarted process had forgotten every client."""
    base = await ledger_app(**LIMITED)
    assert [(await _write(base, WRONG))[0] for _ in range(2)] == [401, 401]
    await ledger_app.stop_all()
    base = await ledger_app(**LIMITED)
    assert (await _write(base, WRONG))[0] == 401
    status, retry_after = await _write(base, RIGHT)
    assert status == 429 and 55 <= int(retry_after) <= 60


async def test_a_clients_window_is_one_key_of_the_prefix_that_expires_with_it(ledger_app, settings):
    """The window is 3 s, so that the second wrong token falls within it however busy the machine."""
    base = await ledger_app(wrong_token_limit=2, wrong_token_window_seconds=3.0)
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        assert (await _write(base, WRONG))[0] == 401
        keys = [key.decode() async for key in client.scan_iter(match=f"{settings.prefix}http:wrong-tokens:*")]
        assert keys == [f"{settings.prefix}http:wrong-tokens:127.0.0.1"]
        assert 0 < await client.pttl(keys[0]) <= 3000
        await asyncio.sleep(0.4)
        assert (await _write(base, WRONG))[0] == 401
        assert 0 < await client.pttl(keys[0]) <= 2650  # a later wrong token does not lengthen the window
        await asyncio.sleep(await client.pttl(keys[0]) / 1000 + 0.1)
        assert not await client.exists(keys[0])
        assert (await _write(base, RIGHT))[0] == 200
    finally:
        await client.aclose()
