"""Signing in from a page that asked for it (reads closed: a release's page opened from an emailed link) goes back
to that page; the page to go back to is a path of the dashboard, checked on the server, never another site."""

import re
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.conftest import API_TOKEN

pytestmark = pytest.mark.integration


async def _asked(client: aiohttp.ClientSession, url: str) -> tuple[str, dict[str, str]]:
    """The page's status and the hidden fields of its sign-in form."""
    async with client.get(url) as answer:
        assert answer.status == 401
        page = await answer.text()
    return page, dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


async def _sign_in(client: aiohttp.ClientSession, base: str, **form: str) -> str:
    async with client.post(base + "/dashboard/sign-in", data={"token": API_TOKEN, **form},
                           allow_redirects=False) as answer:
        assert answer.status == 303
        return answer.headers["Location"]


@pytest.mark.parametrize("path", ["/dashboard/releases/rel-b0d3aaae84ea9513", "/dashboard/deadlines?q=fund&show=past"])
async def test_signing_in_where_a_page_asked_for_it_goes_back_to_that_page(ledger_app, path):
    """Before: the form carried only its CSRF token and the token, and every sign-in landed on the subscriptions."""
    base = await ledger_app(open_reads=False)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
        _, hidden = await _asked(client, base + path)
        assert hidden["back"] == path.replace("&", "&amp;")
        assert await _sign_in(client, base, csrf=hidden["csrf"], back=path) == path
        async with client.get(base + path) as answer:
            assert answer.status in (200, 404)  # read now: the release's page, or that the ledger holds none


@pytest.mark.parametrize("back", [
    "https://evil.example/", "//evil.example/dashboard/", "/\\evil.example", "\\\\evil.example", "/dashboard\\..\\x",
    "/%2F%2Fevil.example", "/dashboard/%2F%2Fevil.example", "/dashboard/%5C%5Cevil.example", "/dashboard/../x",
    "/dashboard/%2e%2e/x", "javascript:alert(1)", "/dashboard/\r\nSet-Cookie:x=1", "/\t/evil.example",
    "/ledger/releases", "", "/dashboard/" + "x" * 3000,
])
async def test_a_page_to_go_back_to_that_is_not_the_dashboards_is_not_followed(ledger_app, back):
    """Open-redirect attempts: the sign-in goes to the subscriptions as without one."""
    base = await ledger_app(open_reads=False)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        _, hidden = await _asked(client, base + "/")
        assert "back" not in hidden  # the home page is where a sign-in goes anyway
        where = urlsplit(await _sign_in(client, base, csrf=hidden["csrf"], back=back))
    assert (where.scheme, where.netloc, where.path, where.fragment) == ("", "", "/", "notice")
