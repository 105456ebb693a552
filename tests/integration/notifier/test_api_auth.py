"""The subscriptions API: every write needs the API token; reads are open unless PLEDGEWATCH_OPEN_READS is false;
/healthz is always open."""

import aiohttp
import pytest

pytestmark = pytest.mark.integration

HOOK = {"id": "desk", "channels": [{"webhook": {"url": "https://hooks.example.org/in", "secret": "k"}}]}
WRITES = [
    pytest.param("POST", "/subscriptions", HOOK, id="create"),
    pytest.param("PUT", "/subscriptions/desk", HOOK, id="replace"),
    pytest.param("PATCH", "/subscriptions/desk", {"mode": "digest"}, id="update"),
    pytest.param("POST", "/subscriptions/desk/pause", {"until": "2030-01-01T00:00:00Z"}, id="pause"),
    pytest.param("POST", "/subscriptions/desk/resume", None, id="resume"),
    pytest.param("DELETE", "/subscriptions/desk", None, id="delete"),
]


async def _call(method, url, json=None, headers=None):
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, json=json, headers=headers or {}) as resp:
            body = await resp.json() if resp.content_type == "application/json" else None
            return resp.status, body, resp.headers.get("WWW-Authenticate")


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-token"),
    pytest.param({"Authorization": "Bearer wrong-token-0123456789"}, id="wrong-token"),
])
async def test_every_write_without_the_right_token_is_refused(notifier, api_headers, method, path, body, headers):
    n = await notifier(http=True)
    assert (await _call("POST", f"{n.url}/subscriptions", HOOK, api_headers))[0] == 201
    status, answer, challenge = await _call(method, n.url + path, body, headers)
    assert status == 401, answer
    assert answer["errors"][0]["field"] == "authorization"
    assert challenge.startswith("Bearer ")
    status, shown, _ = await _call("GET", f"{n.url}/subscriptions/desk")
    assert (status, shown["mode"], shown.get("paused_until")) == (200, "immediate", None)


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
async def test_every_write_with_the_token_is_done(notifier, api_headers, method, path, body):
    n = await notifier(http=True)
    if not (method, path) == ("POST", "/subscriptions"):
        assert (await _call("POST", f"{n.url}/subscriptions", HOOK, api_headers))[0] == 201
    status, answer, _ = await _call(method, n.url + path, body, api_headers)
    assert status in (200, 201, 204), answer


async def test_reads_are_open_by_default(notifier):
    n = await notifier(http=True)
    assert (await _call("GET", f"{n.url}/subscriptions"))[0] == 200
    assert (await _call("GET", f"{n.url}/healthz"))[0] == 200


async def test_reads_need_the_token_when_open_reads_is_off_but_health_stays_open(notifier, settings, api_headers):
    n = await notifier(http=True, open_reads=False)
    status, answer, challenge = await _call("GET", f"{n.url}/subscriptions")
    assert (status, answer["errors"][0]["message"]) == (401, "GET needs an API token: send Authorization: Bearer <token>")
    assert (await _call("GET", f"{n.url}/subscriptions", headers=api_headers))[0] == 200
    assert (await _call("GET", f"{n.url}/healthz"))[0] == 200
