"""The HTTP server answers 503 with a reason and Retry-After whatever keeps Redis from taking the work."""

import asyncio
import logging
from email.utils import parsedate_to_datetime

import aiohttp
import pytest
from fastapi import Request
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError, ResponseError

from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("error", [RedisConnectionError("refused"), ReadOnlyError("READONLY replica"),
                                   OutOfMemoryError("OOM command not allowed"),
                                   ResponseError("MISCONF Redis is configured to save RDB snapshots")],
                         ids=["down", "read-only", "full", "disk"])
async def test_a_redis_that_cannot_take_the_work_is_a_503_with_retry_after(settings, error):
    status, answer, headers = await _answer_when_raised(settings, error)
    assert status == 503, answer
    assert answer["errors"][0]["field"] == "server"
    assert answer["errors"][0]["message"].startswith(
        f"service unavailable: cannot reach Redis ({type(error).__name__})")
    assert int(headers["Retry-After"]) > 0


async def _answer_when_raised(settings, error: Exception) -> tuple[int, dict, dict]:
    """The status, JSON answer and headers of a route that raises ``error``."""
    async def failing() -> None:
        raise error

    routes = Routes()
    routes.add_api_route("/thing", failing, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/thing") as response:
                return response.status, await response.json(), dict(response.headers)
    finally:
        await server.stop()


@pytest.fixture
async def served(settings):
    """An HttpServer on a free port whose one route answers 400; yields its port."""
    async def refusing() -> JSONResponse:
        return JSONResponse({"errors": ["body: not JSON"]}, status_code=400)

    routes = Routes()
    routes.add_api_route("/thing", refusing, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    await server.start()
    yield server.port
    await server.stop()


def _client_error_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("uvicorn.error", "services.common.http")]


@pytest.mark.parametrize("body", [b"zz\r\n\r\n", b"5\r\nabcde\r\nzz\r\n\r\n"], ids=["first-chunk", "second-chunk"])
async def test_a_body_that_cannot_be_parsed_while_its_route_answers_is_no_error(served, caplog, body):
    """uvicorn answers 400 itself and closes, while the route, started by the head, answers too: that answer
    raised in uvicorn's send, an ERROR with a traceback that any client could have written to the log at will."""
    caplog.set_level(logging.INFO)
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    writer.write(b"GET /thing HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    await writer.drain()
    assert (await reader.read()).startswith(b"HTTP/1.1 400 Bad Request")
    writer.close()
    await asyncio.sleep(0.2)  # the route's task ends after the connection
    assert [r.levelname for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Invalid HTTP request received." in [r.getMessage() for r in _client_error_records(caplog)]


@pytest.mark.parametrize(("framing", "body"), [
    pytest.param("Transfer-Encoding: chunked", b'5\r\n{"a":\r\nzz\r\n\r\n', id="malformed-chunk"),
    pytest.param("Content-Length: 100", b'{"a":', id="client-gone-mid-body"),
])
async def test_a_body_a_route_cannot_read_in_full_is_one_warning(settings, caplog, framing, body):
    """The route reading it learns that the client is gone (Starlette's ClientDisconnect), which was an ERROR with
    a traceback: a client closing its connection half-way through a body could write them at will."""
    async def reading(request: Request) -> JSONResponse:
        return JSONResponse({"length": len(await request.body())})

    routes = Routes()
    routes.add_api_route("/reading", reading, methods=["POST"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes(routes)
    await server.start()
    caplog.set_level(logging.INFO)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"POST /reading HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {settings.api_token_value}"
                     f"\r\nContent-Type: application/json\r\n{framing}\r\n\r\n".encode() + body)
        await writer.drain()
        writer.write_eof()
        await reader.read()
        writer.close()
        await asyncio.sleep(0.2)  # the route's task ends after the connection
    finally:
        await server.stop()
    assert [r.levelname for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "POST /reading: 400 for 127.0.0.1" in [r.getMessage() for r in _client_error_records(caplog)]


@pytest.mark.parametrize("raw", [b"GET /thing HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                                 b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n"], ids=["bad-header", "bad-path"])
async def test_a_request_that_cannot_be_parsed_is_answered_400_and_logged_as_one_warning(served, caplog, raw):
    caplog.set_level(logging.INFO)
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    writer.write(raw)
    await writer.drain()
    assert (await reader.read()).startswith(b"HTTP/1.1 400 Bad Request")
    writer.close()
    [record] = _client_error_records(caplog)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage() == "Invalid HTTP request received."  # uvicorn's line: it does not name the client


@pytest.mark.parametrize(("path", "status"), [("/thing", 400), ("/nowhere", 404)])
async def test_a_client_error_answered_by_a_route_is_logged_as_a_warning(served, caplog, path, status):
    caplog.set_level(logging.INFO)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{served}{path}") as response:
            assert response.status == status
    [record] = _client_error_records(caplog)
    assert (record.levelname, record.getMessage()) == ("WARNING", f"GET {path}: {status} for 127.0.0.1")


@pytest.mark.parametrize("error", [ResponseError("wrong number of arguments for 'hmget' command"),
                                   ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")],
                         ids=["arguments", "wrong-type"])
async def test_a_command_redis_refuses_is_a_500_logged_with_its_traceback_not_a_503(settings, caplog, error):
    """A ResponseError is Redis refusing what was asked (a bug of ours), not Redis out of reach: no Retry-After."""
    status, answer, headers = await _answer_when_raised(settings, error)
    assert status == 500, answer
    assert "Retry-After" not in headers and "cannot reach Redis" not in answer["errors"][0]
    [record] = [r for r in caplog.records if r.name == "services.common.http" and r.levelname == "ERROR"]
    assert record.exc_info is not None and str(error) in record.getMessage()


async def test_a_health_check_that_swallows_its_cancellation_is_still_a_503_at_the_bound(settings):
    """A client stuck on a frozen Redis may absorb the cancellation the bound sends it and answer later: the
    probe's answer must not wait for it, nor take its late answer for health."""
    from services.common.http import HEALTH_CHECK_SECONDS

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await asyncio.sleep(HEALTH_CHECK_SECONDS)  # absorbed: finishes, later, as if all were well

    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_check("stuck", stubborn)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                report = await response.json()
    finally:
        await server.stop()
    assert response.status == 503, report
    assert report["checks"]["stuck"] == f"no answer within {HEALTH_CHECK_SECONDS:g} s"


@pytest.mark.parametrize("raw", [b"GET /thing HTTP/1.1 extra\r\nHost: x\r\n\r\n",
                                 b"GET /thing HTTP/1.1\r\nHost x\r\n\r\n",
                                 b"GET /thing HTTP/1.1\r\nX-Big: " + b"a" * 20_000],  # a head past h11's bound, unended
                         ids=["bad-request-line", "bad-header", "oversize-head"])
async def test_the_servers_own_400_says_nosniff_and_is_dated_as_every_answer(served, raw):
    """uvicorn answers these itself, before the app (and its middleware) sees a request."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    writer.write(raw)
    await writer.drain()
    head = (await reader.read()).split(b"\r\n\r\n")[0].decode().split("\r\n")
    writer.close()
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in head[1:])}
    assert head[0] == "HTTP/1.1 400 Bad Request"
    assert headers["x-content-type-options"] == "nosniff"
    assert parsedate_to_datetime(headers["date"]).tzinfo is not None
