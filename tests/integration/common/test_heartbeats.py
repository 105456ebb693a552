"""Heartbeats written to Redis by each process and judged by `/healthz`: degraded (200) naming a silent one,
ok again once it beats; unhealthy (503) still wins when a service's check fails."""

from __future__ import annotations

import asyncio
import os
import time

import aiohttp
import pytest

from pledgewatch.build_info import this_build
from services.common.auth import ApiAuth
from services.common.heartbeats import Beats, Heartbeat
from services.common.http import HttpServer
from services.common.runtime import Runtime
from services.common.worker_liveness import Expected, judge

pytestmark = pytest.mark.integration

EVERY = 0.1


async def _healthz(port: int) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
            return resp.status, await resp.json()


async def _until(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while not (value := await predicate()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return value


async def test_a_process_that_stops_beating_degrades_the_health_naming_it_until_it_beats_again(settings):
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    beats = Beats(streams, settings.consumer)
    await beats.clear()
    one, two = (Heartbeat(streams, settings.consumer, number, every=EVERY) for number in (1, 2))
    pid = os.getpid()  # both beat from this process: the judge knows them by number and pid

    async def report():
        # Judged as at worker 1's last beat, so that it is alive however late a busy machine runs its beats;
        # worker 2, once stopped, is so when worker 1 has beaten on past the limit.
        read = await beats.read()
        now = read[1].at if 1 in read else time.time()
        return judge([Expected(1, pid), Expected(2, pid)], read, now=now, heartbeat_seconds=EVERY)

    failing = False

    async def redis_check() -> None:
        if failing:
            raise ConnectionError("Redis is away")

    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))
    http.add_check("ledger", redis_check)
    http.add_workers(report)
    await http.start()
    one.start()
    two.start()
    try:
        async def ok():  # "starting" (no beat yet) is ok too: wait for both to have beaten
            code, body = await _healthz(http.port)
            alive = all(w["state"] == "alive" for w in body["workers"])
            return (code, body) if body["status"] == "ok" and alive else None

        async def not_ok():
            code, body = await _healthz(http.port)
            return (code, body) if body["status"] != "ok" else None

        code, body = await _until(ok, timeout=30)
        assert code == 200 and body["checks"] == {"ledger": "ok", "workers": "ok"}, body
        assert [(w["number"], w["state"]) for w in body["workers"]] == [(1, "alive"), (2, "alive")], body

        await two.stop()
        said = await _until(not_ok, timeout=30)
        assert said, "worker 2 not told stopped"
        code, body = said
        assert code == 200 and body["status"] == "degraded", body
        assert body["checks"]["workers"].startswith(f"worker 2 (pid {pid}): no heartbeat since "), body
        assert [w["state"] for w in body["workers"]] == ["alive", "stopped"], body

        failing = True  # a failing service's check still makes it a 503, the workers' reason beside it
        code, body = await _healthz(http.port)
        assert code == 503 and body["status"] == "unhealthy", body
        assert body["checks"]["ledger"] == "ConnectionError: Redis is away" and "worker 2" in body["checks"]["workers"]
        failing = False

        two.start()
        code, body = await _until(ok, timeout=30)
        assert code == 200 and [w["state"] for w in body["workers"]] == ["alive", "alive"], body
    finally:
        await one.stop()
        await two.stop()
        await http.stop()
        await runtime.close()


async def test_a_process_alone_reports_no_workers(settings):
    http = HttpServer("127.0.0.1", 0, auth=ApiAuth.from_settings(settings))

    async def fine() -> None:
        pass

    http.add_check("ledger", fine)
    await http.start()
    try:
        assert await _healthz(http.port) == (200, {"status": "ok", "checks": {"ledger": "ok"}})
    finally:
        await http.stop()


async def test_a_heartbeat_carries_the_build_of_its_process(settings):
    runtime = Runtime(settings, source="/test")
    streams = await runtime.open()
    try:
        beats = Beats(streams, settings.consumer)
        await beats.clear()
        await Heartbeat(streams, settings.consumer, 2, every=EVERY).beat()
        beat = (await beats.read())[2]
        assert (beat.release, beat.commit) == (this_build().release, this_build().commit)
    finally:
        await runtime.close()
