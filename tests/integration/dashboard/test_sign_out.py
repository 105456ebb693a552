"""Signing out ends the session itself, not only the browser's copy of its cookie: a copy of the signed-in cookie
kept elsewhere (another tab's jar, a proxy's log, a shared machine) is signed out too."""

import asyncio
import re

import aiohttp
import pytest

from services.common.embedded_redis import EmbeddedRedis, free_port
from tests.conftest import API_TOKEN

from .conftest import signed_in

pytestmark = pytest.mark.integration


async def _signed_in_cookie(base: str) -> tuple[str, str]:
    """A session signed in, its cookie's value and its forms' CSRF token."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        csrf = await signed_in(client, base)
        return next(m.value for m in client.cookie_jar if m.key == "pledgewatch_session"), csrf


async def _sign_out(base: str, cookie: str, csrf: str) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        async with client.post(base + "/dashboard/sign-out", data={"csrf": csrf}, allow_redirects=False,
                               headers={"Cookie": f"pledgewatch_session={cookie}"}) as answer:
            assert answer.status == 303, await answer.text()


async def test_a_copy_of_a_signed_out_cookie_changes_nothing(ledger_app):
    """Before: the cookie carried its own "signed in until", so a copy taken before sign-out stayed signed in
    for the rest of its 12 hours and could still pause, resume and create subscriptions."""
    base = await ledger_app()
    cookie, csrf = await _signed_in_cookie(base)
    await _sign_out(base, cookie, csrf)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                     headers={"Cookie": f"pledgewatch_session={cookie}"}) as client:
        async with client.get(base + "/") as answer:
            page = await answer.text()
            assert answer.status == 200
            assert 'action="/dashboard/sign-out"' not in page
        async with client.post(base + "/dashboard/subscriptions/any-id/pause",
                               data={"csrf": csrf, "until": "2030-01-01"}, allow_redirects=False) as answer:
            assert answer.status == 401, await answer.text()
            assert "Sign in with the API token" in await answer.text()


async def test_another_signed_in_session_stays_signed_in(ledger_app):
    base = await ledger_app()
    kept, _ = await _signed_in_cookie(base)
    ended, csrf = await _signed_in_cookie(base)
    await _sign_out(base, ended, csrf)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        async with client.get(base + "/", headers={"Cookie": f"pledgewatch_session={kept}"}) as answer:
            assert 'action="/dashboard/sign-out"' in await answer.text()


async def test_the_signed_out_session_can_sign_in_again(ledger_app):
    """The ended session's own forms (the sign-in form it is shown) still work: signing in gives a new one."""
    base = await ledger_app()
    cookie, csrf = await _signed_in_cookie(base)
    await _sign_out(base, cookie, csrf)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        async with client.get(base + "/dashboard/sign-in", headers={"Cookie": f"pledgewatch_session={cookie}"}) as a:
            page_csrf = re.search(r'name="csrf" value="([^"]+)"', await a.text()).group(1)
        async with client.post(base + "/dashboard/sign-in", data={"csrf": page_csrf, "token": API_TOKEN},
                               headers={"Cookie": f"pledgewatch_session={cookie}"}, allow_redirects=False) as a:
            assert a.status == 303
            assert a.cookies["pledgewatch_session"].value != cookie


async def test_with_redis_down_sign_out_says_it_was_not_done(ledger_app, tmp_path):
    """Sign-out cannot end the session's other copies without Redis: it says so, and does not seem done."""
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False, port=free_port())
    url = await server.start_from_loop()
    try:
        base = await ledger_app(redis_url=url)
        cookie, csrf = await _signed_in_cookie(base)
        await asyncio.to_thread(server.kill)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
            async with client.post(base + "/dashboard/sign-out", data={"csrf": csrf}, allow_redirects=False,
                                   headers={"Cookie": f"pledgewatch_session={cookie}"}) as answer:
                assert (answer.status, answer.content_type) == (503, "text/html")
                assert "Could not sign out" in await answer.text()
        await server.start_from_loop()
        await _sign_out(base, cookie, csrf)
        await ledger_app.stop_all()
    finally:
        await asyncio.to_thread(server.stop)
