"""Each header API.md tells a client to read is in ``/openapi.json`` beside the answer that carries it, so that a
client generated from the document reads it: a feed's validators and caching, and a 401's ``WWW-Authenticate``."""

from __future__ import annotations

import aiohttp
import pytest

from tests.conftest import undocumented_headers

pytestmark = pytest.mark.integration


async def test_the_headers_a_client_reads_are_documented_with_their_answers(whole_api, api_headers):
    """Before: the feeds' ``ETag``, ``Last-Modified`` and ``Cache-Control`` (which a client sends back as
    ``If-None-Match``, or keeps by) and a 401's ``WWW-Authenticate`` were served, and in API.md, but not in the
    document."""
    feed = "/subscriptions/{id}/alerts.atom"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{whole_api}/openapi.json") as resp:
            document = await resp.json()
        async with session.post(f"{whole_api}/subscriptions", json={"id": "desk", "channels": ["console"]},
                                headers=api_headers) as resp:
            assert resp.status == 201
        served = []
        async with session.get(f"{whole_api}/subscriptions/desk/alerts.atom") as resp:
            served.append(("get", feed, resp.status, set(resp.headers)))
            etag = resp.headers["ETag"]
        async with session.get(f"{whole_api}/subscriptions/desk/alerts.atom", headers={"If-None-Match": etag}) as resp:
            served.append(("get", feed, resp.status, set(resp.headers)))
        async with session.post(f"{whole_api}/subscriptions", json={}) as resp:
            served.append(("post", "/subscriptions", resp.status, set(resp.headers)))
    assert [status for _, _, status, _ in served] == [200, 304, 401]
    assert [name for answer in served for name in undocumented_headers(document, *answer)] == []
