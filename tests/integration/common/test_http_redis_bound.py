"""An HTTP request's Redis commands wait the server's bound for an answer, whatever they go through (a command, a
script, a WATCHed transaction), against a Redis that takes connections and never answers (a loopback port nobody
reads): 503 saying Redis is not answering, and the requests of the cool-down after it are not sent to Redis. The
same client's commands outside a request (the consumers') keep the command timeout."""

import asyncio
import os
import signal
import socket

import aiohttp
import pytest
from fastapi.responses import JSONResponse
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.answer_bound import AnswerBound, RedisNotAnswering, RedisNotConnected
from services.common.api import Routes
from services.common.auth import ApiAuth
from services.common.embedded_redis import EmbeddedRedis, free_port
from services.common.http import HttpServer
from services.common.runtime import command_client

pytestmark = pytest.mark.integration

BOUND = 0.3
OUTER = 20.0  # a request still unanswered after this would be hanging on Redis


async def _command(client) -> None:
    await client.get("thing")


async def _script(client) -> None:
    await client.register_script("return redis.call('GET', KEYS[1])")(keys=["thing"])


async def _transaction(client) -> None:
    async with client.pipeline(transaction=True) as pipe:
        await pipe.watch("thing")
        pipe.multi()
        pipe.set("thing", "1")
        await pipe.execute()


async def _serve(settings, client, work) -> HttpServer:
    """A started server whose one route, ``GET /thing``, does ``work`` on ``client``."""
    async def route() -> JSONResponse:
        await work(client)
        return JSONResponse({"ok": True})

    routes = Routes()
    routes.add_api_route("/thing", route, methods=["GET"])
    server = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings), redis_seconds=BOUND)
    server.add_routes(routes)
    await server.start()
    return server


async def _status(session: aiohttp.ClientSession, server: HttpServer) -> tuple[int, str | None]:
    """Status and first error's message of ``GET /thing``, which must be answered within :data:`OUTER`."""
    async def get() -> tuple[int, str | None]:
        async with session.get(f"http://127.0.0.1:{server.port}/thing") as answer:
            return answer.status, (await answer.json()).get("errors", [{"message": None}])[0]["message"]
    return await asyncio.wait_for(get(), OUTER)


async def _statuses(settings, client, work) -> list[tuple[int, str | None]]:
    """Status and first error of a request doing ``work`` on ``client``, then of five at once after it."""
    server = await _serve(settings, client, work)
    try:
        async with aiohttp.ClientSession() as session:
            first = await _status(session, server)
            return [first, *await asyncio.gather(*(_status(session, server) for _ in range(5)))]
    finally:
        await server.stop()


@pytest.mark.parametrize("work", [_command, _script, _transaction], ids=["command", "script", "transaction"])
async def test_a_request_on_a_redis_that_never_answers_is_a_503_saying_so_and_the_next_ones_do_not_ask_it(
        settings, frozen_port, work):
    client = command_client(f"redis://127.0.0.1:{frozen_port}/0", max_connections=16)
    try:
        statuses = await _statuses(settings, client, work)
    finally:
        await client.aclose()
    assert statuses == [  # a new connection, its handshake not answered
        (503, f"service unavailable: Redis is not answering (no connection made within {BOUND:g} s); try again "
              "later"),
        *[(503, f"service unavailable: Redis is not answering (none within {BOUND:g} s lately; asked again "
                "every 5 s); try again later")] * 5]


async def test_a_redis_that_takes_no_more_connections_is_not_answering_either(settings):
    """Its queue of connections full (a Redis stopped with SIGSTOP and as many clients as its backlog): a new
    connection is not made, with no socket timeout yet to bound it."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener, socket.socket() as queued:
        queued.connect(listener.getsockname())  # the one connection its queue holds
        client = command_client(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", max_connections=16)
        try:
            statuses = await _statuses(settings, client, _command)
        finally:
            await client.aclose()
    assert statuses[0] == (503, f"service unavailable: Redis is not answering (no connection made within {BOUND:g} "
                                "s); try again later")
    assert {status for status, _ in statuses[1:]} == {503}


@pytest.mark.parametrize("unanswered", ["connect", "handshake"])
async def test_a_connection_not_made_within_the_bound_is_told_from_a_command_sent_and_not_answered(
        frozen_port, redis_server, frozen, unanswered):
    """Not sent, so not done: the pages for browsers say nothing was changed (a reply not read says it may have).
    A connection not taken (the queue of them full) or whose handshake is not answered is not made."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener, socket.socket() as queued:
        queued.connect(listener.getsockname())
        port = listener.getsockname()[1] if unanswered == "connect" else frozen_port
        unreached = command_client(f"redis://127.0.0.1:{port}/0", max_connections=16)
        try:
            with AnswerBound(BOUND).applied(), pytest.raises(RedisNotConnected):
                await asyncio.wait_for(unreached.get("thing"), OUTER)
        finally:
            await unreached.aclose()
    server, url = redis_server
    connected = command_client(url, max_connections=16)
    try:
        await connected.ping()
        with frozen(server), AnswerBound(BOUND).applied(), pytest.raises(RedisNotAnswering):
            await asyncio.wait_for(connected.get("thing"), OUTER)
    finally:
        await connected.aclose()


async def test_a_request_finding_every_connection_in_use_waits_the_bound_not_the_pools_wait(settings, key_prefix):
    """The pool full (its connections held by consumers waiting out a frozen Redis; here one held outright): a 503
    saying so within the bound, not the pool's 30 s. Redis itself may be fine, so the breaker stays closed: the
    request after the connection is back reaches it."""
    client = command_client(settings.redis_url, max_connections=1)
    held = await client.connection_pool.get_connection()
    server = await _serve(settings, client, lambda c: c.get(f"{key_prefix}thing"))
    try:
        async with aiohttp.ClientSession() as session:
            in_use = await _status(session, server)
            await client.connection_pool.release(held)
            after = await _status(session, server)
    finally:
        await server.stop()
        await client.aclose()
    assert in_use == (503, f"service unavailable: all connections to Redis are in use (none free within {BOUND:g} "
                           "s); try again later")
    assert after == (200, None)


async def test_outside_a_request_the_same_client_waits_its_command_timeout(frozen_port):
    """The consumers share the pools: a bound meant for a person at the API must not cut their reads short."""
    client = command_client(f"redis://127.0.0.1:{frozen_port}/0", max_connections=16)
    try:
        with pytest.raises(RedisTimeoutError) as raised:
            await asyncio.wait_for(client.get("thing"), OUTER)
    finally:
        await client.aclose()
    assert not isinstance(raised.value, RedisNotAnswering)
    assert str(raised.value).startswith("Timeout")


@pytest.mark.parametrize("protocol", [2, 3], ids=["resp2", "resp3"])
async def test_once_redis_answers_again_the_requests_after_the_cool_down_reach_it(settings, tmp_path, protocol):
    """Before: the one request the breaker let through had to connect again (its connection dropped with the
    read that went unanswered), and in RESP2 the second command of the connection's handshake (CLIENT SETINFO
    twice, sent before either answer is read) was refused as if it were another request: the breaker never
    closed while the HTTP requests were all that used the client."""
    redis_server = EmbeddedRedis(tmp_path / "redis", appendonly=False, port=free_port())
    url = await redis_server.start_from_loop()
    client = command_client(f"{url}?protocol={protocol}", max_connections=16)
    server = await _serve(settings, client, _command)
    server.redis_answers.breaker.cool_down = 0.5
    try:
        async with aiohttp.ClientSession() as session:
            assert (await _status(session, server))[0] == 200
            os.kill(redis_server.pid, signal.SIGSTOP)
            try:
                assert (await _status(session, server))[0] == 503
            finally:
                os.kill(redis_server.pid, signal.SIGCONT)

            async def until_answered() -> None:
                while (await _status(session, server))[0] != 200:
                    await asyncio.sleep(0.1)

            await asyncio.wait_for(until_answered(), OUTER)
    finally:
        await server.stop()
        await client.aclose()
        await asyncio.to_thread(redis_server.stop)
