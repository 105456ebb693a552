"""Wrong API tokens are counted in Redis, so that every HttpServer against one Redis shares the limit; while
Redis cannot be reached each process still limits a guesser in its own memory, and right tokens pass."""

import asyncio
import logging

import aiohttp
import pytest
import redis.asyncio as aioredis
from fastapi.responses import JSONResponse

from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.embedded_redis import EmbeddedRedis
from services.common.http import HttpServer
from services.common.wrong_tokens import KEY

pytestmark = pytest.mark.integration

WRONG = {"Authorization": "Bearer wrong-token-0123456789"}
LIMITED = {"wrong_token_limit": 3, "wrong_token_window_seconds": 60.0}


async def _serve(settings, client: aioredis.Redis) -> HttpServer:
    async def write() -> JSONResponse:
        return JSONResponse({"ok": True})

    routes = Routes()
    routes.add_api_route("/thing", write, methods=["POST"])
    auth = ApiAuth.from_settings(settings)
    auth.wrong_tokens.share(client, settings.key(KEY))
    server = HttpServer("127.0.0.1", 0, auth=auth)
    server.add_routes(routes)
    await server.start()
    return server


async def _post(server: HttpServer, headers) -> int:
    async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{server.port}/thing", headers=headers) as answer:
        return answer.status


async def test_two_servers_on_one_redis_share_the_count(settings, api_headers):
    changed = settings.model_copy(update=LIMITED)
    client = aioredis.Redis.from_url(settings.redis_url)
    one, other = await _serve(changed, client), await _serve(changed, client)
    try:
        assert [await _post(one, WRONG), await _post(other, WRONG), await _post(one, WRONG)] == [401] * 3
        assert await _post(other, api_headers) == 429
        assert await _post(one, api_headers) == 429
    finally:
        await one.stop()
        await other.stop()
        await client.aclose()


async def test_while_redis_is_down_each_process_limits_in_its_memory(settings, api_headers, tmp_path, caplog):
    """Neither every token refused for want of Redis, nor every guess let through."""
    changed = settings.model_copy(update=LIMITED)
    redis_server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    client = aioredis.Redis.from_url(redis_server.start(), socket_timeout=2.0)
    server = await _serve(changed, client)
    try:
        assert await _post(server, WRONG) == 401  # counted in Redis
        caplog.set_level(logging.INFO, "services.common.wrong_tokens")
        redis_server.stop()
        assert await _post(server, api_headers) == 200  # the right token is not refused for want of Redis
        assert [await _post(server, WRONG) for _ in range(3)] == [401] * 3
        assert await _post(server, WRONG) == 429
        assert await _post(server, api_headers) == 429
        lines = [r.getMessage() for r in caplog.records if "counted in this process's memory" in r.getMessage()]
        assert len(lines) == 1, lines
    finally:
        await server.stop()
        await client.aclose()
        redis_server.stop()


async def test_a_concurrent_burst_of_wrong_tokens_gets_no_more_answers_than_the_limit(settings, api_headers):
    """Before: every request of a burst was checked against the count before any of its wrong tokens was counted,
    so 60 concurrent guesses had 60 tokens tested (401) against a limit of 3, and a right one among them passed."""
    changed = settings.model_copy(update=LIMITED)
    client = aioredis.Redis.from_url(settings.redis_url)
    one, other = await _serve(changed, client), await _serve(changed, client)
    try:
        async with aiohttp.ClientSession() as session:
            async def post(server: HttpServer, headers) -> int:
                async with session.post(f"http://127.0.0.1:{server.port}/thing", headers=headers) as answer:
                    return answer.status

            codes = await asyncio.gather(*(post(one if i % 2 else other, WRONG) for i in range(60)))
        assert codes.count(401) == 3 and codes.count(429) == 57, codes
        assert await _post(one, api_headers) == 429
    finally:
        await one.stop()
        await other.stop()
        await client.aclose()
