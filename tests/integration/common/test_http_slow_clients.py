"""A client that never finishes its request head (slow-loris) is let go: it cannot hold a connection, hence a file
descriptor of the process that also talks to Redis and the channels, for ever."""

import asyncio

import pytest

from services.common import http
from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


async def _slow_answer() -> dict:
    await asyncio.sleep(0.6)  # longer than the head's bound: only a head is bounded, not the answer
    return {"ok": True}


@pytest.fixture
async def port(settings, monkeypatch):
    monkeypatch.setattr(http, "HEAD_TIMEOUT_SECONDS", 0.3)
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.app.add_api_route("/slow", _slow_answer, methods=["GET"])
    await server.start()
    try:
        yield server.port
    finally:
        await server.stop()


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
    writer.write(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")  # an answer slower than the head's bound is still given
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    assert await reader.readexactly(length) == b'{"ok":true}'
    writer.write(b"GET /slow HTTP/1.1\r\nHo")
    await writer.drain()
    assert await _closed_by_server(reader)
    writer.close()
