"""The three services as separate processes (`faststream run services.<name>.app:app`), and `pledgewatch
run --workers`: replicas sharing their consumer groups, on one Redis."""

import asyncio
import json
import os
import re
import shutil
import signal
import sys
import time
from collections import Counter
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


async def _backlog(client: aioredis.Redis, stream: str, n: int) -> None:
    """``n`` distinct releases, each with one counter-terrorism commitment, published to ``stream`` at once."""
    from datetime import datetime, timezone

    from schemas import ReleasePublished, ReleasePublishedEvent
    from services.ingest.identity import content_hash

    async with client.pipeline(transaction=False) as pipe:
        for i in range(n):
            title, body = f"Release {i}", f"The Home Office will invest £{i + 1}m in counter-terrorism policing."
            release = ReleasePublished(release_id=f"r-{i}", version=1, url=f"https://example.org/{i}", title=title,
                                       published_at=datetime(2026, 1, 5, tzinfo=timezone.utc), source="test",
                                       body=body, content_hash=content_hash(title, body))
            event = ReleasePublishedEvent.wrap(release, id=f"r-{i}/v1", source="/test",
                                               time=datetime.now(timezone.utc), subject=release.release_id)
            pipe.xadd(stream, {EVENT_FIELD: event.to_json()})
        await pipe.execute()


async def _each_alert_arrives_once(client: aioredis.Redis, prefix: str, posts: list[dict], n: int, *,
                                   timeout: float) -> None:
    """``n`` releases classified once, ``n`` alerts published, and each posted to the receiver once."""
    from schemas.streams import ALERTS

    deadline = time.monotonic() + timeout
    while len(posts) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # a duplicate would arrive now
    ids = [post["headers"]["X-Pledgewatch-Alert-Id"] for post in posts]
    assert len(ids) == n and len(set(ids)) == n, f"{len(ids)} alerts, {len(set(ids))} distinct"
    assert await client.xlen(f"{prefix}{CLASSIFIED}") == n
    assert await client.xlen(f"{prefix}{ALERTS}") == n


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


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
    assert lines[-1].startswith(f"error: pledgewatch {name}: no API token for its write API: set PLEDGEWATCH_API_TOKEN")
    assert len(lines) == 1, lines


async def test_two_classifiers_and_two_notifiers_share_a_backlog_with_no_duplicate_effect(
        tmp_path, redis_url, key_prefix, receiver):
    """300 releases published at once to four replicas (two per group): each group's replicas split the work,
    every release is classified once and every alert arrives once."""
    from schemas.streams import RELEASES

    url, posts = receiver
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(f'subscriptions:\n  - {{id: all, channels: [{{webhook: {{url: "{url}"}}}}]}}\n')
    client = aioredis.Redis.from_url(redis_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    env.update({"REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": key_prefix, "PLEDGEWATCH_HTTP_PORT": "0",
                "PLEDGEWATCH_SUBSCRIPTIONS": str(subscriptions), "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8",
                "PLEDGEWATCH_API_TOKEN": "replicas-token-0123456789abcdef", "PLEDGEWATCH_LOG_LEVEL": "INFO"})
    names = ["classifier-0", "classifier-1", "notifier-0", "notifier-1"]
    procs = [await _start(name.split("-")[0], {**env, "PLEDGEWATCH_CONSUMER": name}, tmp_path / f"{name}.log")
             for name in names]
    n = 300

    try:
        deadline = time.monotonic() + 60  # every replica reading before the backlog arrives, however slow its start
        while time.monotonic() < deadline and not all(  # HTTP starts once the broker's subscribers run
                "HTTP on http" in (tmp_path / f"{name}.log").read_text() for name in names):
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        await _backlog(client, f"{key_prefix}{RELEASES}", n)
        await _each_alert_arrives_once(client, key_prefix, posts, n, timeout=60)
        logs = {name: (tmp_path / f"{name}.log").read_text() for name in names}
        classified = {name: len(re.findall(r"\bclassified r-\d+ v1: ", logs[name])) for name in names[:2]}
        alerted = {name: logs[name].count(" alert(s) for ") for name in names[2:]}
        assert sum(classified.values()) == n and all(classified.values()), classified  # both classifiers worked
        assert sum(alerted.values()) == n and all(alerted.values()), alerted  # both notifiers worked
    finally:
        await client.aclose()
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
        for proc in procs:
            await asyncio.wait_for(proc.wait(), timeout=20)


def _counter_values(text: str, names: list[str]) -> dict[str, float]:
    values = dict.fromkeys(names, 0.0)
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in values:
            values[name] = float(value)
    return values


async def _counters_reach(http_url: str, floors: dict[str, float], *, timeout: float) -> dict[str, float]:
    """The values of the counters in ``floors`` at ``/metrics`` once each reaches its floor (or at ``timeout``)."""
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.get(f"{http_url}/metrics") as resp:
                assert resp.status == 200
                values = _counter_values(await resp.text(), list(floors))
            if all(values[name] >= floor for name, floor in floors.items()) or time.monotonic() > deadline:
                assert values == floors, values  # neither short of the work done, nor past it
                return values
            await asyncio.sleep(0.5)


async def test_run_with_two_workers_shares_a_backlog_with_no_duplicate_effect(tmp_path, receiver):
    """`pledgewatch run --workers 2` on its embedded Redis: both processes classify, alert and record in the
    ledger part of 300 releases, each effect happens once, `status` shows both, a killed worker is started
    again, Ctrl+C stops both."""
    from schemas.streams import DEFAULT_PREFIX, RELEASES

    url, posts = receiver
    (tmp_path / "inbox").mkdir()
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(f'subscriptions:\n  - {{id: all, channels: [{{webhook: {{url: "{url}"}}}}]}}\n')
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({"PLEDGEWATCH_HOME": str(data), "PLEDGEWATCH_HTTP_PORT": "0", "PYTHONUNBUFFERED": "1",
                "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8"})
    log = tmp_path / "run.log"
    with log.open("w") as out:
        run = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pledgewatch.cli", "run", "--workers", "2", "--watch", str(tmp_path / "inbox"),
            "--subscriptions", str(subscriptions), env=env, cwd=tmp_path, stdout=out, stderr=asyncio.subprocess.STDOUT)
    n = 300
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ((data / "run.json").exists()
                                                    and "worker 2 reading as consumer" in log.read_text()):
            assert run.returncode is None, log.read_text()
            await asyncio.sleep(0.1)
        state = json.loads((data / "run.json").read_text())
        assert len(state["workers"]) == 2 and state["workers"][0] == run.pid, state
        client = aioredis.Redis.from_url(state["redis_url"])
        try:
            await asyncio.sleep(0.5)
            await _backlog(client, f"{DEFAULT_PREFIX}{RELEASES}", n)
            await _each_alert_arrives_once(client, DEFAULT_PREFIX, posts, n, timeout=90)
        finally:
            await client.aclose()
        # /metrics, served by worker 1, counts what both did (worker 2 writes its counters every few seconds)
        counted = await _counters_reach(state["http_url"], {"pledgewatch_releases_classified_total": n,
                                                            "pledgewatch_alerts_queued_total": n}, timeout=20)

        status = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pledgewatch.cli", "status", "--json", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE)
        report = json.loads((await status.communicate())[0])
        assert [w["pid"] for w in report["run"]["workers"]] == state["workers"]
        assert all(w["running"] for w in report["run"]["workers"]), report["run"]
        assert report["api"]["status"] == "ok", report["api"]  # served by worker 1 alone

        os.kill(state["workers"][1], signal.SIGKILL)  # a worker that dies is started again
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and json.loads((data / "run.json").read_text())["workers"] == state["workers"]:
            await asyncio.sleep(0.1)
        restarted = json.loads((data / "run.json").read_text())["workers"]
        assert restarted[0] == run.pid and restarted[1] != state["workers"][1] and _alive(restarted[1]), restarted
        assert f"worker 2 (pid {state['workers'][1]}) was killed by signal 9" in log.read_text()
        state["workers"] = restarted
        after = await _counters_reach(state["http_url"], counted, timeout=20)  # the dead worker's counts stay
        assert after == counted, (after, counted)
    finally:
        if run.returncode is None:
            run.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(run.wait(), timeout=60)
    text = log.read_text()
    assert code == 0, text
    assert not any(_alive(pid) for pid in state["workers"]), "a worker outlived the run"
    for what, pattern in (("classified", r"\[worker (\d)\] \S+: classified r-\d+ v1: "),
                          ("alerted", r"\[worker (\d)\] \S+: r-\d+ v1: 1 alert\(s\) for "),
                          ("recorded in the ledger", r"\[worker (\d)\] \S+: ledger: r-\d+ v1: ")):
        by_worker = Counter(re.findall(pattern, text))
        assert sum(by_worker.values()) == n and set(by_worker) == {"1", "2"}, (what, by_worker)
