"""A client that never finishes its request head (slow-loris) is let go: it cannot hold a connection, hence a file
descriptor of the process that also talks to Redis and the channels, for ever."""

import asyncio

import pytest
from starlette.requests import Request

from services.common import http
from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


async def _slow_answer() -> dict:
    await asyncio.sleep(0.6)  # longer than the head's bound: only a head is bounded, not the answer
    return {"ok": True}


async def _serving(auth: ApiAuth, path: str, endpoint, method: str):
    """The port of an HttpServer with one route, while it serves."""
    server = HttpServer("127.0.0.1", 0, auth=auth)
    server.app.add_api_route(path, endpoint, methods=[method])
    await server.start()
    try:
        yield server.port
    finally:
        await server.stop()


@pytest.fixture
async def port(settings, monkeypatch):
    monkeypatch.setattr(http, "HEAD_TIMEOUT_SECONDS", 0.3)
    async for served in _serving(ApiAuth.from_settings(settings), "/slow", _slow_answer, "GET"):
        yield served


async def _closed_by_server(reader: asyncio.StreamReader) -> bool:
    """Whether the server closes the connection (within a bound far past the head's: it never does otherwise)."""
    try:
        return await asyncio.wait_for(reader.read(), 20) == b""
    except asyncio.TimeoutError:
        return False


async def test_a_request_head_sent_in_part_is_cut_off(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    await writer.drain()
    assert await _closed_by_server(reader)
    writer.close()


async def test_a_connection_that_sends_nothing_is_cut_off(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    assert await _closed_by_server(reader)
    writer.close()


async def test_a_kept_alive_connection_must_send_its_next_head_in_time_too(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")  # an answer slower than the head's bound is still given
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    assert await reader.readexactly(length) == b'{"ok":true}'
    writer.write(b"GET /slow HTTP/1.1\r\nHo")
    await writer.drain()
    assert await _closed_by_server(reader)
    writer.close()


TOKEN = "slow-clients-token-0123456789"


async def _echo_length(request: Request) -> dict:
    return {"length": len(await request.body())}


@pytest.fixture
async def body_port(monkeypatch):
    monkeypatch.setattr(http, "BODY_TIMEOUT_SECONDS", 0.3)
    async for port in _serving(ApiAuth(TOKEN), "/echo", _echo_length, "POST"):
        yield port


async def _post_ten_bytes(port: int, headers: str) -> bytes:
    """POSTs ten bytes of body after ``headers`` (each ending in CRLF) and returns all the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n{headers}\r\n"
                 "0123456789".encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 20)
    writer.close()
    return answer


async def test_a_request_body_sent_too_slowly_is_answered_408_and_closed(body_port):
    answer = await _post_ten_bytes(body_port, "Content-Length: 100\r\n")
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert answer.endswith(b'{"errors":[{"field":"body","message":"not received in full within 0.3 s"}]}')


async def test_a_body_sent_in_time_is_read_and_the_answer_may_take_longer(body_port):
    answer = await _post_ten_bytes(body_port, "Connection: close\r\nContent-Length: 10\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'{"length":10}')
