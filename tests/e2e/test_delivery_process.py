"""The delivery worker as a process of its own (``PLEDGEWATCH_DELIVERY_PROCESS``): beside separate services
(`faststream run services.delivery.app:app`), killed with SIGKILL while it sends, and under `pledgewatch run`."""

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from schemas.streams import ALERTS, CLASSIFIED, DEFAULT_PREFIX, RELEASES

sys.path.insert(0, str(Path(__file__).parent))  # the backlog of test_separate_services
from test_separate_services import _alive, _backlog  # noqa: E402

pytestmark = pytest.mark.e2e

FASTSTREAM = str(Path(sys.executable).parent / "faststream")
RECEIVER_SECONDS = 0.02  # each answer takes this long: sends are under way whenever the process is killed
OUTBOX = "notifier:outbox"


async def _start(app: str, env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("w") as out:
        return await asyncio.create_subprocess_exec(
            FASTSTREAM, "run", f"services.{app}.app:app", env=env, stdout=out, stderr=asyncio.subprocess.STDOUT)


async def _until(predicate, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, f"{what} not within {timeout} s"
        await asyncio.sleep(0.05)


def _alert_ids(posts: list[dict]) -> set[str]:
    return {post["headers"]["X-Pledgewatch-Alert-Id"] for post in posts}


def _env(tmp_path: Path, url: str, **more: str) -> dict[str, str]:
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(f'subscriptions:\n  - {{id: all, channels: [{{webhook: {{url: "{url}"}}}}]}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_HTTP_PORT": "0", "PLEDGEWATCH_SUBSCRIPTIONS": str(subscriptions),
                "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8", "PLEDGEWATCH_DELIVERY_PROCESS": "true",
                "PLEDGEWATCH_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1", **more})
    return env


async def test_a_delivery_process_killed_while_it_sends_loses_nothing(tmp_path, redis_url, key_prefix,
                                                                      receiver):
    """300 releases; the notifier sends none; the delivery process is killed (SIGKILL) with sends under way and
    another started: every alert arrives, each published once; an alert sent twice is one whose send the kill
    cut short (its lease ended unrecorded), and nothing is left queued."""
    url, posts = receiver
    env = _env(tmp_path, url, REDIS_URL=redis_url, PLEDGEWATCH_PREFIX=key_prefix,
               PLEDGEWATCH_API_TOKEN="delivery-process-token-0123456789", PLEDGEWATCH_DELIVERY_LEASE_SECONDS="2")
    names = ["classifier", "notifier", "delivery"]
    procs = {name: await _start(name, {**env, "PLEDGEWATCH_CONSUMER": name}, tmp_path / f"{name}.log")
             for name in names}
    client = aioredis.Redis.from_url(redis_url)
    n = 300
    try:
        async def started() -> bool:
            return all("HTTP on http" in (tmp_path / f"{name}.log").read_text() for name in names)

        await _until(started, timeout=60, what="every service started")
        await _backlog(client, f"{key_prefix}{RELEASES}", n)

        async def some_sent() -> bool:
            return len(posts) >= 50

        await _until(some_sent, timeout=60, what="some alerts sent")
        procs["delivery"].kill()
        await procs["delivery"].wait()
        killed_at = len(posts)
        assert killed_at < n, "every alert was sent before the kill"
        procs["delivery-2"] = await _start("delivery", {**env, "PLEDGEWATCH_CONSUMER": "delivery-2"},
                                           tmp_path / "delivery-2.log")

        async def all_sent() -> bool:
            return len(_alert_ids(posts)) >= n and await client.zcard(f"{key_prefix}{OUTBOX}") == 0

        await _until(all_sent, timeout=90, what="every alert sent and nothing left queued")
        await asyncio.sleep(1.0)  # a duplicate would arrive now
        assert len(_alert_ids(posts)) == n
        # at most the jobs in flight (64): sent, or sent and not yet recorded, when the kill came
        assert len(posts) - n <= 64, "more alerts sent twice than the jobs the kill could find in flight"
        assert await client.xlen(f"{key_prefix}{CLASSIFIED}") == n
        assert await client.xlen(f"{key_prefix}{ALERTS}") == n
        assert " alert(s) for " in (tmp_path / "notifier.log").read_text()
    finally:
        await client.aclose()
        for proc in procs.values():
            if proc.returncode is None:
                proc.terminate()
        for proc in procs.values():
            await asyncio.wait_for(proc.wait(), timeout=20)


async def test_run_sends_from_a_delivery_process_of_its_own(tmp_path, receiver):
    """`pledgewatch run` with PLEDGEWATCH_DELIVERY_PROCESS: a second process sends; each alert arrives once;
    Ctrl+C stops both."""
    url, posts = receiver
    (tmp_path / "inbox").mkdir()
    data = tmp_path / "data"
    env = _env(tmp_path, url, PLEDGEWATCH_HOME=str(data))
    log = tmp_path / "run.log"
    with log.open("w") as out:
        run = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pledgewatch.cli", "run", "--watch", str(tmp_path / "inbox"), env=env, cwd=tmp_path,
            stdout=out, stderr=asyncio.subprocess.STDOUT)
    n = 100
    state: dict = {"workers": []}
    try:
        async def started() -> bool:
            assert run.returncode is None, log.read_text()
            return (data / "run.json").exists() and "sending the outbox's deliveries" in log.read_text()

        await _until(started, timeout=60, what="the run and its delivery process")
        state = json.loads((data / "run.json").read_text())
        assert len(state["workers"]) == 2 and state["workers"][0] == run.pid, state
        client = aioredis.Redis.from_url(state["redis_url"])
        try:
            await _backlog(client, f"{DEFAULT_PREFIX}{RELEASES}", n)

            async def all_sent() -> bool:
                return len(posts) >= n

            await _until(all_sent, timeout=90, what="every alert sent")
            await asyncio.sleep(1.0)  # a duplicate would arrive now
            assert len(posts) == n and len(_alert_ids(posts)) == n
            assert await client.xlen(f"{DEFAULT_PREFIX}{ALERTS}") == n
        finally:
            await client.aclose()
    finally:
        if run.returncode is None:
            run.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(run.wait(), timeout=60)
    assert code == 0, log.read_text()
    assert not any(_alive(pid) for pid in state["workers"]), "the delivery process outlived the run"
