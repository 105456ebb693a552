"""``nosniff`` on every answer, once: an answer that says it already is left as it is."""

import pytest

from services.common.http_middleware import NoSniff


async def _headers_sent(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    sent = []

    async def send(message):
        sent.append(message)

    await NoSniff(app)({"type": "http", "method": "GET", "path": "/"}, None, send)
    return sent[0]["headers"]


async def test_an_answer_is_marked_nosniff():
    headers = await _headers_sent([(b"content-type", b"application/json")])
    assert headers == [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff")]


@pytest.mark.parametrize("name", [b"x-content-type-options", b"X-Content-Type-Options"])
async def test_an_answer_saying_it_already_says_it_once(name):
    assert await _headers_sent([(name, b"nosniff")]) == [(name, b"nosniff")]
