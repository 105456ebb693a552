"""POST /releases refuses JSON past the shared bounds (depth, integer size) with a 400 and a reason,
and no body whatever gives a 5xx (Hypothesis: arbitrary JSON and release-shaped bodies)."""

from __future__ import annotations

import json

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration

RELEASE = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
           "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m."}


@pytest.fixture
def releases_url(http_service):
    return http_service[1]


async def _post(session, url, body: bytes):
    async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
        answer = await resp.json() if resp.content_type == "application/json" else await resp.text()
        return resp.status, answer


def _with_extra(raw_value: str) -> bytes:
    return json.dumps({**RELEASE, "extra": "__HOLE__"}).replace('"__HOLE__"', raw_value).encode()


@pytest.mark.parametrize(("body", "reason"), [
    pytest.param(_with_extra("[" * 100 + "]" * 100), "nested deeper than 32 levels", id="deep-extra-field"),
    pytest.param(_with_extra("[" * 100_000 + "]" * 100_000), "nested deeper than 32 levels", id="very-deep"),
    pytest.param(_with_extra("9" * 5000), "integer too large: 5000 digits", id="huge-int"),
])
async def test_json_past_the_bounds_is_refused_with_a_reason(releases_url, api_headers, body, reason):
    async with aiohttp.ClientSession(headers=api_headers) as session:
        status, answer = await _post(session, releases_url, body)
    assert status == 400 and any(e["field"] == "request body" and reason in e["message"] for e in answer["errors"]), answer


LONE = "is a lone surrogate, not a character (half of a UTF-16 pair without its other half)"


@pytest.mark.parametrize(("body", "error"), [
    pytest.param(json.dumps({**RELEASE, "title": "__HOLE__"}).replace("__HOLE__", "Port \\ud800 fund").encode(),
                 f"title: \\ud800 {LONE}", id="title"),
    pytest.param(json.dumps({**RELEASE, "organisations": ["Home Office", "__HOLE__"]}).replace(
        "__HOLE__", "\\udc00").encode(), f"organisations.1: \\udc00 {LONE}", id="list-item"),
    pytest.param(json.dumps({**RELEASE, "__HOLE__": 1}).replace("__HOLE__", "k\\uD83D").encode(),
                 f"a key: \\uD83D {LONE}", id="key"),
])
async def test_a_lone_surrogate_is_refused_naming_the_field(releases_url, api_headers, body, error):
    async with aiohttp.ClientSession(headers=api_headers) as session:
        status, answer = await _post(session, releases_url, body)
    assert (status, answer) == (400, {"errors": [{"field": "request body", "message": error}]})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=12,
)
_BODIES = (
    _JSON.map(lambda v: json.dumps(v).encode())
    | st.builds(lambda field, value: json.dumps({**RELEASE, field: value}).encode(),
                st.sampled_from(["url", "title", "published_at", "body", "source", "locale", "id",
                                 "document_type", "organisations", "withdrawn", "withdrawn_notice"]), _JSON)
    | st.builds(lambda depth, digits: _with_extra("[" * depth + "7" * digits + "]" * depth),
                st.integers(0, 2000), st.integers(1, 5000))
    | st.binary(max_size=200)
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=_BODIES)
async def test_no_body_gives_a_server_error(releases_url, api_headers, body):
    async with aiohttp.ClientSession(headers=api_headers) as session:
        status, answer = await _post(session, releases_url, body)
    assert status < 500, (status, answer)
