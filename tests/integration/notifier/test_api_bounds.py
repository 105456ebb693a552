"""The subscriptions API never answers 5xx: bad JSON and out-of-bounds fields are a 4xx with a JSON reason.

Before: deep JSON, huge integers and P99999999999D gave 500; http://[::1, digest_at 800, a pause until
9999 or 0001 and reminders P3000Y were accepted. Hypothesis then throws arbitrary bodies at every write.
"""

from __future__ import annotations

import json

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration

GOOD = {"id": "desk", "channels": [{"webhook": {"url": "https://hooks.example.org/in", "secret": "s"}}],
        "reminders": ["P7D"], "digest_at": "08:00"}


async def _send(session, method, url, body: bytes | None):
    headers = {"Content-Type": "application/json"}
    async with session.request(method, url, data=body, headers=headers) as resp:
        answer = await resp.json() if resp.content_type == "application/json" else await resp.text()
        return resp.status, answer


def _with(**fields) -> bytes:
    return json.dumps({**GOOD, **fields}).encode()


def _raw(field: str, raw_value: str) -> bytes:
    return json.dumps({**GOOD, field: "__HOLE__"}).replace('"__HOLE__"', raw_value).encode()


@pytest.mark.parametrize(("body", "status", "field", "message"), [
    pytest.param(b"[" * 50_000 + b"]" * 50_000, 400, "body", "nested deeper than 32 levels", id="deep-json"),
    pytest.param(_raw("filter", '{"min_confidence": ' + "9" * 5000 + "}"), 400, "body", "integer too large",
                 id="huge-int"),
    pytest.param(_with(reminders=["P99999999999D"]), 422, "reminders", "longer than P5Y", id="overflowing-offset"),
    pytest.param(_with(reminders=["P3000Y"]), 422, "reminders", "longer than P5Y", id="offset-3000-years"),
    pytest.param(_with(channels=[{"webhook": {"url": "http://[::1"}}]), 422, "channels.0.url",
                 "not a well-formed URL", id="broken-ipv6-url"),
    pytest.param(_with(digest_at=800), 422, "digest_at", "HH:MM", id="digest-at-800"),
    pytest.param(_with(paused_until="9999-12-31T23:00:00-05:00"), 422, "paused_until", "before 2100",
                 id="pause-9999"),
    pytest.param(_with(paused_until="0001-01-01T00:00:00Z"), 422, "paused_until", "from 2000", id="pause-0001"),
    pytest.param(_with(paused_until="2001-01-01T00:00:00Z"), 422, "paused_until", "in the past", id="pause-past"),
])
async def test_bad_subscription_is_a_4xx_with_a_json_reason(notifier, body, status, field, message):
    n = await notifier(http=True)
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        answer = await _send(session, "POST", f"{n.url}/subscriptions", body)
    assert answer[0] == status, answer
    (error,) = answer[1]["errors"]
    assert error["field"] == field and message in error["message"], error


@pytest.mark.parametrize("until", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2001-01-01T00:00:00Z",
                                   12345, True, None])
async def test_a_pause_out_of_range_is_a_422(notifier, until):
    n = await notifier(http=True)
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        assert (await _send(session, "POST", f"{n.url}/subscriptions", _with()))[0] == 201
        status, answer = await _send(session, "POST", f"{n.url}/subscriptions/desk/pause",
                                     json.dumps({"until": until}).encode())
    assert status == 422 and answer["errors"][0]["field"] == "until", answer


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=12,
)
_FIELDS = ["id", "filter", "channels", "mode", "digest_at", "reminders", "paused_until"]
_VALUES = _JSON | st.sampled_from([
    "P99999999999D", "P3000Y", "PT" + "9" * 40 + "S", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
    "http://[::1", "https://x.org:0/", "25:61", "24:00", 10**40, -(10**40), 1e308, ["P99999999999D"], ["P3000Y"],
    [{"webhook": {"url": "http://[::1"}}], [{"webhook": "https://" + "a" * 300 + ".org/"}],
    [{"email": {"to": "x@" + "y" * 300 + ".org"}}], [{"apprise": "slack://" + "%" * 50}],
    {"keywords": ["a" * 300]}, {"min_confidence": 10**30}, {"sources": ["*"]}])
_BODIES = (
    st.builds(lambda fields: json.dumps({**GOOD, **fields}).encode(), st.dictionaries(st.sampled_from(_FIELDS),
                                                                                      _VALUES, max_size=3))
    | _JSON.map(lambda v: json.dumps(v).encode())
    | st.builds(lambda field, depth, digits: _raw(field, "[" * depth + "7" * digits + "]" * depth),
                st.sampled_from(_FIELDS), st.integers(0, 3000), st.integers(1, 6000))
    | st.binary(max_size=100)
)
_CALLS = st.sampled_from([("POST", "/subscriptions"), ("PUT", "/subscriptions/desk"),
                          ("PATCH", "/subscriptions/desk"), ("POST", "/subscriptions/desk/pause")])


@pytest.fixture(name="settings")
def _patient_settings(settings):
    """Redis waited for as long as the services' commands wait: these examples are about bodies, and a machine
    busy enough to hold Redis's answer past the HTTP bound's 2 s would answer them 503."""
    return settings.model_copy(update={"http_redis_seconds": 5.0})


@pytest.fixture
async def api(notifier):
    n = await notifier(http=True)
    async with aiohttp.ClientSession(headers=n.api_headers) as session:
        assert (await _send(session, "POST", f"{n.url}/subscriptions", _with()))[0] == 201
        yield session, n.url


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(call=_CALLS, body=_BODIES | st.builds(lambda until: json.dumps({"until": until}).encode(), _VALUES))
async def test_no_body_gives_a_server_error(api, call, body):
    session, url = api
    method, path = call
    status, answer = await _send(session, method, url + path, body)
    assert status < 500, (status, answer)
    if status >= 400:
        assert isinstance(answer, dict) and answer["errors"], answer
    if method != "PATCH" or status >= 400:  # keep "desk" there for the next example
        await _send(session, "PUT", url + "/subscriptions/desk", _with())
