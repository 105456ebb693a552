"""The benchmarks' loopback webhook receiver is a correct HTTP/1.1 server for what webhooks send: keep-alive,
Content-Length and chunked bodies, pipelined requests, HTTP/1.0, and a clear answer to what it cannot serve."""

import asyncio
import sys
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
from loopback_receiver import LoopbackReceiver  # noqa: E402


class _Received:
    def __init__(self):
        self.posts: list[tuple[bytes, bytes]] = []

    def __call__(self, path: bytes, body: bytes) -> None:
        self.posts.append((path, body))


async def _exchange(url: str, data: bytes, *, answers: int = 1) -> bytes:
    """``data`` written at once on a new connection; what comes back until ``answers`` responses or the close."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(data)
    got = b""
    try:
        while got.count(b"HTTP/1.1 ") < answers or not got.endswith(b"\r\n\r\n"):
            chunk = await asyncio.wait_for(reader.read(65536), timeout=5)
            if not chunk:
                break
            got += chunk
    finally:
        writer.close()
    return got


async def _served(data: bytes, *, answers: int) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """What a receiver answers to ``data`` written at once on a new connection, and the POSTs it passed on."""
    received = _Received()
    receiver = LoopbackReceiver(received)
    url = await receiver.start()
    try:
        return await _exchange(url, data, answers=answers), received.posts
    finally:
        await receiver.close()


async def test_posts_over_one_kept_alive_connection_each_reach_the_callback_and_get_204():
    received = _Received()
    receiver = LoopbackReceiver(received)
    url = await receiver.start()
    try:
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector) as session:
            for i in range(20):
                async with session.post(f"{url}/everything?n={i}", data=b'{"n": %d}' % i,
                                        headers={"Content-Type": "application/json"}) as resp:
                    assert resp.status == 204
                    assert resp.headers["Connection"] == "keep-alive" and "Date" in resp.headers
            assert len(receiver._connections) == 1
    finally:
        await receiver.close()
    assert received.posts == [(b"/everything?n=%d" % i, b'{"n": %d}' % i) for i in range(20)]


async def test_a_chunked_body_arrives_whole():
    received = _Received()
    receiver = LoopbackReceiver(received)
    url = await receiver.start()

    async def chunks():
        for part in (b'{"data": ', b'"' + b"x" * 70_000 + b'"', b"}"):
            yield part

    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{url}/hook", data=chunks()) as resp:
                assert resp.status == 204
                assert resp.request_info.headers.get("Transfer-Encoding") == "chunked"
    finally:
        await receiver.close()
    assert received.posts == [(b"/hook", b'{"data": "' + b"x" * 70_000 + b'"}')]


async def test_pipelined_requests_are_answered_in_order_on_the_same_connection():
    requests = (b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n")
    got, posts = await _served(requests, answers=3)
    statuses = [line for line in got.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]
    assert statuses == [b"HTTP/1.1 204 No Content", b"HTTP/1.1 405 Method Not Allowed", b"HTTP/1.1 204 No Content"]
    assert b"Allow: POST" in got
    assert posts == [(b"/a", b"one"), (b"/c", b"two")]


async def test_an_http_1_0_request_is_answered_and_its_connection_closed():
    got, posts = await _served(b"POST /hook HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}", answers=2)
    assert got.startswith(b"HTTP/1.1 204 No Content\r\n") and b"Connection: close\r\n" in got
    assert posts == [(b"/hook", b"{}")]


async def test_what_is_not_http_is_answered_400_and_the_connection_closed():
    got, posts = await _served(b"HELLO THERE\r\n\r\nPOST /hook HTTP/1.1\r\nContent-Length: 0\r\n\r\n", answers=2)
    assert got.startswith(b"HTTP/1.1 400 Bad Request\r\n") and got.count(b"HTTP/1.1 ") == 1
    assert b"Connection: close\r\n" in got
    assert posts == []
