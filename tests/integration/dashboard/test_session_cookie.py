"""The session cookie is Secure whenever the browser reached the dashboard over HTTPS: directly, or through a
TLS-terminating reverse proxy listed in PLEDGEWATCH_TRUSTED_PROXIES (its X-Forwarded-Proto believed), or
always with PLEDGEWATCH_SECURE_COOKIES=true. X-Forwarded-Proto from any other peer is ignored."""

import aiohttp
import pytest

from tests.conftest import API_TOKEN

from .conftest import sign_in_form

pytestmark = pytest.mark.integration

BEHIND_TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


async def _cookies(base: str, headers: dict[str, str]):
    """The visitor's first session cookie, and the one sign-in sets, each a ``Set-Cookie`` morsel."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        _, first, csrf = await sign_in_form(client, base, headers)
        async with client.post(base + "/dashboard/sign-in", data={"csrf": csrf, "token": API_TOKEN},
                               headers={**headers, "Cookie": f"pledgewatch_session={first.value}"},
                               allow_redirects=False) as answer:
            assert answer.status == 303, await answer.text()
            signed_in = answer.cookies["pledgewatch_session"]
    for morsel in (first, signed_in):
        assert morsel["httponly"] and morsel["samesite"].lower() == "lax"
    return first, signed_in


@pytest.mark.parametrize(("update", "headers", "secure"), [
    pytest.param({}, {}, False, id="plain-http"),
    pytest.param({}, BEHIND_TLS, False, id="forwarded-proto-from-a-peer-not-trusted-is-ignored"),
    pytest.param({"trusted_proxies": ["10.0.0.0/8"]}, BEHIND_TLS, False, id="another-proxy-trusted"),
    pytest.param({"trusted_proxies": ["127.0.0.1"]}, BEHIND_TLS, True, id="trusted-proxy-says-https"),
    pytest.param({"trusted_proxies": ["127.0.0.0/8"]}, BEHIND_TLS, True, id="trusted-proxy-network"),
    pytest.param({"trusted_proxies": ["127.0.0.1"]}, {"X-Forwarded-For": "203.0.113.7"}, False,
                 id="trusted-proxy-says-nothing-of-tls"),
    pytest.param({"trusted_proxies": ["127.0.0.1"]}, {"X-Forwarded-Proto": "http"}, False,
                 id="trusted-proxy-says-http"),
    pytest.param({"secure_cookies": True}, {}, True, id="forced"),
])
async def test_the_session_cookie_is_secure_when_the_browser_came_over_https(ledger_app, update, headers, secure):
    """Before: Secure only when the server itself saw https, so behind a TLS-terminating proxy (which speaks
    plain HTTP to the app) the session cookie, worth the API token's powers, went out without it."""
    base = await ledger_app(**update)
    for morsel in await _cookies(base, headers):
        assert bool(morsel["secure"]) is secure, morsel.OutputString()
