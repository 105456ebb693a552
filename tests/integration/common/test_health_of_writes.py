"""`/healthz` of a Redis that answers but refuses writes: at its maxmemory (noeviction), stopped by a failed save
(MISCONF), or a read-only replica (after a failover). A probe is told (503, naming the cause) while writes are refused, and 200 again once they are taken."""

from __future__ import annotations

import asyncio
import shutil

import aiohttp
import pytest
import redis.asyncio as aioredis
from redis.exceptions import OutOfMemoryError, ReadOnlyError, ResponseError

from services.common.auth import ApiAuth
from services.common.embedded_redis import EmbeddedRedis, free_port
from services.common.http import HttpServer
from services.common.runtime import Runtime

pytestmark = pytest.mark.integration


async def _healthz(port: int) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def served(redis_server, settings):
    """An HttpServer whose one check is a service's (its Runtime's ping) against the test's own Redis; yields
    the port and a client of that Redis."""
    _, url = redis_server
    runtime = Runtime(settings.model_copy(update={"redis_url": url}), source="/test")
    await runtime.open()
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_check("ledger", runtime.ping)
    await http.start()
    client = aioredis.Redis.from_url(url)
    try:
        yield http.port, client
    finally:
        await client.aclose()
        await http.stop()
        await runtime.close()


async def test_a_redis_at_its_maxmemory_is_unhealthy_until_it_takes_writes_again(served):
    """Before: 200 throughout, since a PING is no write and Redis at its maxmemory answers it."""
    port, client = served
    assert await _healthz(port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})

    await client.config_set("maxmemory", 1)  # noeviction, the default policy
    with pytest.raises(OutOfMemoryError):
        await client.set("probe", "x")
    code, body = await _healthz(port)
    assert code == 503 and body["status"] == "unhealthy", body
    assert "out of memory" in body["checks"]["ledger"] and "maxmemory" in body["checks"]["ledger"], body

    await client.config_set("maxmemory", 0)
    await client.set("probe", "x")
    assert await _healthz(port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})


async def test_a_redis_with_an_eviction_policy_and_keys_to_evict_is_not_judged_full(served):
    """An evicting Redis makes room for each write: a maxmemory its keys are over is no outage while it can evict."""
    port, client = served
    await client.config_set("maxmemory-policy", "allkeys-lru")
    await client.set("big", "x" * 2_000_000)
    await client.config_set("maxmemory", (await client.info("memory"))["used_memory"] - 1_000_000)
    assert await _healthz(port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})
    await client.set("probe", "x")


@pytest.mark.parametrize("policy", ["volatile-lru", "allkeys-lru"])
async def test_a_redis_with_an_eviction_policy_and_nothing_left_to_evict_is_unhealthy(served, policy):
    """Before: 200, taken for a Redis that makes room for each write, while it refused every one. A volatile-*
    policy evicts only keys with a time to live, which most of pledgewatch's have not."""
    port, client = served
    await client.set("kept", "no time to live")
    await client.config_set("maxmemory-policy", policy)
    await client.config_set("maxmemory", 1)
    with pytest.raises(OutOfMemoryError):
        await client.set("probe", "x")
    code, body = await _healthz(port)
    assert code == 503 and f"maxmemory-policy {policy}" in body["checks"]["ledger"], body
    assert "nothing left it may evict" in body["checks"]["ledger"], body


async def test_a_redis_whose_save_failed_is_unhealthy_until_it_takes_writes_again(served, redis_server):
    server, _ = redis_server
    port, client = served
    try:
        shutil.rmtree(server.data_dir)  # its next save cannot create its file
        await client.config_set("save", "3600 1")  # a failed save stops writes only where saves are configured
        await client.config_set("stop-writes-on-bgsave-error", "yes")
        await client.bgsave()
        while (await client.info("persistence"))["rdb_bgsave_in_progress"]:
            await asyncio.sleep(0.01)
        with pytest.raises(ResponseError, match="MISCONF"):
            await client.set("probe", "x")
        code, body = await _healthz(port)
        assert code == 503 and "MISCONF" in body["checks"]["ledger"], body

        await client.config_set("stop-writes-on-bgsave-error", "no")
        await client.set("probe", "x")
        assert await _healthz(port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})
    finally:  # saves off again, as the server was started: its stop would try one more and wait for it
        await client.config_set("save", "")


async def test_a_read_only_replica_is_unhealthy_until_it_is_a_primary_again(served, tmp_path):
    """Before: 200, since a replica answers PING and every read, while each write is refused with READONLY."""
    port, client = served
    primary = EmbeddedRedis(tmp_path / "primary", appendonly=False, port=free_port())
    await primary.start_from_loop()
    try:
        await client.replicaof("127.0.0.1", primary.port)  # what a failover leaves where the primary was
        with pytest.raises(ReadOnlyError):
            await client.set("probe", "x")
        code, body = await _healthz(port)
        assert code == 503 and body["status"] == "unhealthy", body
        assert (f"Redis refuses writes: a read-only replica (master at 127.0.0.1:{primary.port})"
                in body["checks"]["ledger"]), body

        await client.config_set("replica-read-only", "no")  # a writable replica takes the writes
        assert await _healthz(port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})
        await client.config_set("replica-read-only", "yes")
        assert (await _healthz(port))[0] == 503

        await client.replicaof("NO", "ONE")
        await client.set("probe", "x")
        assert await _healthz(port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})
    finally:
        await asyncio.to_thread(primary.stop)
