"""The HTTP server answers 503 with a reason and Retry-After whatever keeps Redis from taking the work."""

import asyncio
import logging

import aiohttp
import pytest
from aiohttp import web
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError

from services.common.auth import ApiAuth
from services.common.http import HttpServer

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("error", [RedisConnectionError("refused"), ReadOnlyError("READONLY replica"),
                                   OutOfMemoryError("OOM command not allowed")], ids=["down", "read-only", "full"])
async def test_a_redis_that_cannot_take_the_work_is_a_503_with_retry_after(settings, error):
    async def failing(request: web.Request) -> web.Response:
        raise error

    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes([web.get("/thing", failing)])
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/thing") as response:
                answer = await response.json()
                assert response.status == 503, answer
                assert answer["errors"][0].startswith(f"service unavailable: cannot reach Redis ({type(error).__name__})")
                assert int(response.headers["Retry-After"]) > 0
    finally:
        await server.stop()


@pytest.fixture
async def served(settings):
    """An HttpServer on a free port whose one route answers 400; yields its port."""
    async def refusing(request: web.Request) -> web.Response:
        return web.json_response({"errors": ["body: not JSON"]}, status=400)

    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    server.add_routes([web.get("/thing", refusing)])
    await server.start()
    yield server.port
    await server.stop()


def _client_error_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("aiohttp.server", "services.common.http")]


@pytest.mark.parametrize("raw", [b"GET /thing HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                                 b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n"], ids=["bad-header", "bad-path"])
async def test_a_request_that_cannot_be_parsed_is_answered_400_and_logged_as_one_warning(served, caplog, raw):
    caplog.set_level(logging.INFO)
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    writer.write(raw)
    await writer.drain()
    assert (await reader.read()).startswith(b"HTTP/1.0 400 Bad Request")
    writer.close()
    [record] = _client_error_records(caplog)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith("bad request from 127.0.0.1: 400 ")


@pytest.mark.parametrize(("path", "status"), [("/thing", 400), ("/nowhere", 404)])
async def test_a_client_error_answered_by_a_route_is_logged_as_a_warning(served, caplog, path, status):
    caplog.set_level(logging.INFO)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{served}{path}") as response:
            assert response.status == status
    [record] = _client_error_records(caplog)
    assert (record.levelname, record.getMessage()) == ("WARNING", f"GET {path}: {status} for 127.0.0.1")
