"""Wrong API tokens are counted in Redis, so that every HttpServer against one Redis shares the limit; while
Redis cannot be reached, or does not answer, each process still limits a guesser in its own memory, and right
tokens pass, without waiting on Redis for each request."""

import asyncio
import logging
import os
import signal

import aiohttp
import pytest
import redis.asyncio as aioredis
from fastapi.responses import JSONResponse

from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.embedded_redis import EmbeddedRedis
from services.common.http import HttpServer
from services.common import wrong_tokens
from services.common.bounded_wait import NoAnswer, within
from services.common.wrong_tokens import KEY, WrongTokens

pytestmark = pytest.mark.integration

WRONG = {"Authorization": "Bearer wrong-token-0123456789"}
HOUR = 3600.0  # the Redis command timeout where Redis is frozen: a request waiting for it fails PROMPT_SECONDS
PROMPT_SECONDS = 30.0
LIMITED = {"wrong_token_limit": 3, "wrong_token_window_seconds": 60.0}


async def _serve(settings, client: aioredis.Redis, **wrong_tokens) -> HttpServer:
    async def write() -> JSONResponse:
        return JSONResponse({"ok": True})

    routes = Routes()
    routes.add_api_route("/thing", write, methods=["POST"])
    auth = ApiAuth.from_settings(settings)
    if wrong_tokens:
        auth = ApiAuth(auth.token, wrong_tokens=WrongTokens(auth.wrong_tokens.limit, auth.wrong_tokens.window,
                                                            **wrong_tokens))
    auth.wrong_tokens.share(client, settings.key(KEY))
    server = HttpServer("127.0.0.1", 0, auth=auth)
    server.add_routes(routes)
    await server.start()
    return server


async def _post(server: HttpServer, headers) -> int:
    async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{server.port}/thing", headers=headers) as answer:
        return answer.status


async def _prompt_post(server: HttpServer, headers) -> int:
    """The status of a POST, which must have been answered long before the Redis command timeout of the tests
    below (an hour, :data:`HOUR`): not by waiting for it."""
    return await asyncio.wait_for(_post(server, headers), PROMPT_SECONDS)


@pytest.fixture
def unanswered(monkeypatch) -> list[float]:
    """The waits on Redis that ended without its answer, each its bound in seconds."""
    waits: list[float] = []

    async def counted(awaitable, seconds, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return await within(awaitable, seconds, **kwargs)
        except NoAnswer:
            waits.append(seconds)
            raise

    monkeypatch.setattr(wrong_tokens, "within", counted)
    return waits


def _memory_notices(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "counted in this process's memory" in r.getMessage()]


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


async def test_while_redis_is_frozen_requests_are_answered_promptly_and_guesses_still_limited(
        settings, api_headers, tmp_path, caplog, unanswered):
    """Before: while Redis took requests and never answered (stopped with SIGSTOP), each token check waited the
    Redis command timeout (5 s) before counting in memory: every request needing the token took 5 s."""
    redis_server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    client = aioredis.Redis.from_url(redis_server.start(), socket_timeout=HOUR)
    server = await _serve(settings.model_copy(update=LIMITED), client)
    try:
        assert await _post(server, WRONG) == 401  # counted in Redis, over a connection that stays open
        caplog.set_level(logging.INFO, "services.common.wrong_tokens")
        os.kill(redis_server.pid, signal.SIGSTOP)
        assert [await _prompt_post(server, api_headers) for _ in range(5)] == [200] * 5
        assert [await _prompt_post(server, WRONG) for _ in range(5)] == [401] * 3 + [429] * 2  # limited in memory
        assert await _prompt_post(server, api_headers) == 429
        assert unanswered == [0.5], "Redis was waited on again after it was found frozen"
        [notice] = _memory_notices(caplog)
        assert "(no answer within 0.5 s)" in notice and "asked again every 5 s" in notice
    finally:
        os.kill(redis_server.pid, signal.SIGCONT)
        await server.stop()
        await client.aclose()
        redis_server.stop()


async def test_a_concurrent_burst_against_a_redis_that_never_answers_is_answered_promptly(
        settings, api_headers, frozen_port, caplog, unanswered):
    """Right tokens all pass, not waiting for Redis's command timeout, Redis waited on in one turn of checks at
    once for the whole burst, and a burst of guesses gets no more 401s than the limit."""
    client = aioredis.Redis.from_url(f"redis://127.0.0.1:{frozen_port}/0", socket_timeout=HOUR)
    server = await _serve(settings.model_copy(update=LIMITED), client)
    caplog.set_level(logging.INFO, "services.common.wrong_tokens")
    try:
        right = await asyncio.gather(*(_prompt_post(server, api_headers) for _ in range(20)))
        assert right == [200] * 20
        assert unanswered and set(unanswered) == {0.5} and len(unanswered) <= wrong_tokens.REDIS_CALLS  # one turn
        wrong = await asyncio.gather(*(_prompt_post(server, WRONG) for _ in range(20)))
        assert wrong.count(401) == 3 and wrong.count(429) == 17, wrong
        assert len(_memory_notices(caplog)) == 1, _memory_notices(caplog)
    finally:
        await server.stop()
        await client.aclose()


async def test_redis_is_asked_again_after_the_cool_down_and_its_return_is_logged_once(
        settings, api_headers, tmp_path, caplog):
    """The cool-down is told by a clock the test moves on, so that the request "within the cool-down" is."""
    now = [0.0]
    redis_server = EmbeddedRedis(tmp_path / "redis", appendonly=False)
    client = aioredis.Redis.from_url(redis_server.start(), socket_timeout=HOUR)
    server = await _serve(settings.model_copy(update=LIMITED), client, cool_down_seconds=1.0, clock=lambda: now[0])
    key = f"{settings.key(KEY)}:127.0.0.1"
    try:
        caplog.set_level(logging.INFO, "services.common.wrong_tokens")
        os.kill(redis_server.pid, signal.SIGSTOP)
        assert [await _prompt_post(server, WRONG) for _ in range(2)] == [401] * 2  # counted in memory
        os.kill(redis_server.pid, signal.SIGCONT)
        assert await _prompt_post(server, WRONG) == 401  # within the cool-down: still in memory
        assert await client.exists(key) == 0
        now[0] += 1.1
        assert await _prompt_post(server, WRONG) == 429  # in Redis again; the window counted in memory honoured
        assert await client.hget(key, "wrong") == b"1"
        back = [r for r in caplog.records if r.getMessage() == "wrong API tokens are counted in Redis again"]
        assert len(_memory_notices(caplog)) == 1 and len(back) == 1
    finally:
        os.kill(redis_server.pid, signal.SIGCONT)
        await server.stop()
        await client.aclose()
        redis_server.stop()
