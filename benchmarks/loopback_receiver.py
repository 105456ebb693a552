"""The benchmarks' webhook receiver: an HTTP/1.1 server on loopback that hands each POST's path and body to a
callback and answers 204, at as little CPU per request as a correct server can spend.

It runs on the cores the services under test run on, so it is an ``asyncio.Protocol`` over httptools' parser
(the one uvicorn uses) rather than an aiohttp application: 0.020 ms of CPU per request against 0.092
(``receiver_cost.py``, docs/PERFORMANCE.md). httptools does the HTTP: request line and headers, Content-Length
and chunked bodies, keep-alive (HTTP/1.1 by default, HTTP/1.0 when asked), several requests in one read
(pipelined: answered in order). A request it cannot parse is answered 400 and its connection closed; a method
other than POST is answered 405.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from email.utils import formatdate

import httptools

OnPost = Callable[[bytes, bytes], None]  # (the request's path and query, its body)

_STATUS = {204: b"204 No Content", 400: b"400 Bad Request", 405: b"405 Method Not Allowed"}
_CONNECTION = {True: b"keep-alive", False: b"close"}


class _Clock:
    """The Date header, formatted once a second."""

    def __init__(self) -> None:
        self._second, self._header = 0, b""

    def date(self) -> bytes:
        second = int(time.time())
        if second != self._second:
            self._second, self._header = second, formatdate(second, usegmt=True).encode()
        return self._header


def response(status: int, *, keep_alive: bool, date: bytes, extra: bytes = b"") -> bytes:
    """A complete response without a body (204), or with ``extra`` header lines and an empty one."""
    length = b"" if status == 204 else b"Content-Length: 0\r\n"
    return (b"HTTP/1.1 " + _STATUS[status] + b"\r\nDate: " + date + b"\r\nConnection: " + _CONNECTION[keep_alive]
            + b"\r\n" + length + extra + b"\r\n")


class _Connection(asyncio.Protocol):
    """One client connection: its requests parsed as they arrive, each answered when complete."""

    def __init__(self, on_post: OnPost, clock: _Clock, connections: set[_Connection]) -> None:
        self._on_post, self._clock, self._connections = on_post, clock, connections
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url, self._body = b"", bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        self._transport = None

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._answer(400, keep_alive=False)  # no protocol switch here
        except httptools.HttpParserError:
            self._answer(400, keep_alive=False)

    # httptools' callbacks
    def on_message_begin(self) -> None:
        self._url, self._body = b"", bytearray()

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_body(self, body: bytes) -> None:
        self._body += body

    def on_message_complete(self) -> None:
        keep_alive = self._parser.should_keep_alive()
        if self._parser.get_method() != b"POST":
            self._answer(405, keep_alive=keep_alive, extra=b"Allow: POST\r\n")
            return
        self._on_post(self._url, bytes(self._body))
        self._answer(204, keep_alive=keep_alive)

    def _answer(self, status: int, *, keep_alive: bool, extra: bytes = b"") -> None:
        transport = self._transport
        if transport is None or transport.is_closing():  # a request after one that closed the connection
            return
        transport.write(response(status, keep_alive=keep_alive, date=self._clock.date(), extra=extra))
        if not keep_alive:
            transport.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class LoopbackReceiver:
    """Serves on a free loopback port: :meth:`start` gives its base URL, :meth:`close` stops it."""

    def __init__(self, on_post: OnPost) -> None:
        self._on_post = on_post
        self._clock = _Clock()
        self._connections: set[_Connection] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self._on_post, self._clock, self._connections), "127.0.0.1", 0)
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for connection in list(self._connections):
            connection.close()
        await self._server.wait_closed()
        self._server = None
