"""The three services as separate processes (`faststream run services.<name>.app:app`),
two classifier replicas in one consumer group, on one Redis."""

import asyncio
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from schemas.streams import CLASSIFIED, EVENT_FIELD

pytestmark = pytest.mark.e2e

FASTSTREAM = str(Path(sys.executable).parent / "faststream")


async def _start(app: str, env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return await asyncio.create_subprocess_exec(
            FASTSTREAM, "run", f"services.{app}.app:app", env=env, stdout=out, stderr=asyncio.subprocess.STDOUT)


async def test_separate_services_deliver_one_alert_with_two_classifier_replicas(
        tmp_path, redis_url, key_prefix, receiver, ct_desk_subscriptions, seed_file):
    _, posts = receiver
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env.update({"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HTTP_PORT": "0",
                "PLEDGEWATCH_WATCH": str(inbox), "PLEDGEWATCH_POLL_SECONDS": "0.1",
                "PLEDGEWATCH_SUBSCRIPTIONS": str(ct_desk_subscriptions("s3cret")),
                "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8,::1",  # the receiver is on loopback
                "PLEDGEWATCH_API_TOKEN": "separate-services-token-0123456789"})
    names = ["ingest", "classifier", "classifier", "notifier"]
    procs = [await _start(name, {**env, "PLEDGEWATCH_CONSUMER": f"{name}-{i}"}, tmp_path / f"{name}-{i}.log")
             for i, name in enumerate(names)]
    try:
        await asyncio.sleep(2.0)  # let every process join its group
        for proc, name in zip(procs, names):
            assert proc.returncode is None, f"{name} exited: {(tmp_path / f'{name}-{names.index(name)}.log').read_text()}"
        shutil.copy(seed_file, inbox / seed_file.name)
        deadline = time.monotonic() + 30
        while not posts and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        assert len(posts) == 1
        client = aioredis.Redis.from_url(redis_url)
        try:
            classified = await client.xrange(f"{key_prefix}{CLASSIFIED}")
        finally:
            await client.aclose()
        assert len(classified) == 1, "the two replicas classified the release twice"
        assert json.loads(classified[0][1][EVENT_FIELD.encode()])["data"]["is_counter_terrorism"] is True
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
        for proc in procs:
            await asyncio.wait_for(proc.wait(), timeout=20)


@pytest.mark.parametrize("name", ["ingest", "notifier"])
async def test_a_separate_service_with_a_write_api_will_not_start_without_a_token(tmp_path, redis_url, key_prefix,
                                                                                  name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env.update({"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HTTP_PORT": "0",
                "PLEDGEWATCH_WATCH": str(tmp_path)})
    proc = await _start(name, env, tmp_path / "log.txt")
    assert await asyncio.wait_for(proc.wait(), timeout=30) != 0
    lines = (tmp_path / "log.txt").read_text().strip().splitlines()
    assert lines[-1].startswith(f"pledgewatch {name}: no API token for its write API: set PLEDGEWATCH_API_TOKEN")
    assert len(lines) == 1, lines
