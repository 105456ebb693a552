"""POST /releases needs the API token: refused (401) without it or with a wrong one, taken with it."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest

pytestmark = pytest.mark.integration

RELEASE = {"url": "https://www.gov.uk/government/news/x", "title": "Port security fund",
           "published_at": "2023-03-14T09:30:00+00:00", "body": "The UK will invest £24m in port security."}


async def _post(url: str, headers: dict[str, str]) -> tuple[int, dict, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=json.dumps(RELEASE), headers=headers) as resp:
            return resp.status, await resp.json(), dict(resp.headers)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        pytest.param({}, "POST needs an API token: send Authorization: Bearer <token>", id="no-token"),
        pytest.param({"Authorization": "Bearer wrong-token-0123456789"}, "the API token is not valid",
                     id="wrong-token"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"},
                     "POST needs an API token: send Authorization: Bearer <token>", id="other-scheme"),
    ],
)
async def test_post_releases_without_the_right_token_is_refused_and_publishes_nothing(
        http_service, published, headers, message, caplog):
    caplog.set_level(logging.DEBUG)
    _, url = http_service
    status, answer, response_headers = await _post(url, headers)
    assert status == 401
    assert answer == {"errors": [{"field": "authorization", "message": message}]}
    assert response_headers["WWW-Authenticate"].startswith('Bearer realm="pledgewatch"')
    assert await published() == []
    assert "wrong-token" not in caplog.text


async def test_post_releases_with_the_token_is_taken_and_the_token_never_logged(
        http_service, published, api_headers, settings, caplog):
    caplog.set_level(logging.DEBUG)
    _, url = http_service
    status, answer, _ = await _post(url, api_headers)
    assert status == 202, answer
    assert [r.title for r in await published()] == ["Port security fund"]
    assert settings.api_token_value not in caplog.text
