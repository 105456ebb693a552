"""Releases fed while every service process is killed with SIGKILL at random and Redis is killed -9 once:
every release classified once, every matching subscriber alerted once, every reminder due in the window
fired once. Separate processes (`faststream run`), two classifier replicas, a Redis of its own.

Sizes (defaults: CI's): PLEDGEWATCH_CHAOS_RELEASES=200, PLEDGEWATCH_CHAOS_KILLS=3 (per process),
PLEDGEWATCH_CHAOS_SECONDS (the window, default max(40, 10 x kills)), PLEDGEWATCH_CHAOS_REMINDER_RELEASES=10,
PLEDGEWATCH_CHAOS_REMINDER_OFFSETS=5, PLEDGEWATCH_CHAOS_SEED (printed, to replay a run's schedule);
PLEDGEWATCH_CHAOS_DELIVERY_PROCESS=1: the notifier sends nothing, a delivery process of its own does (and is
killed as the others are); PLEDGEWATCH_CHAOS_READ_AHEAD=1: every consumer reads its next read while it handles one
(PLEDGEWATCH_READ_AHEAD). The full run:

    PLEDGEWATCH_CHAOS_RELEASES=1000 PLEDGEWATCH_CHAOS_KILLS=10 .venv/bin/python -m pytest tests/chaos -s
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
import redis

sys.path.insert(0, str(Path(__file__).parent))  # chaos_harness.py
sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "notifier"))  # notifier_harness.py

from chaos_harness import (  # noqa: E402
    ChaosSize, KillableRedis, ServiceProcess, Timeline, drop, kill_loop, post, redis_kill, release_json,
    reminder_offsets, reminder_release_json, subscriptions_yaml, tally, utc_midnight_in)
from notifier_harness import Receiver, wait_for  # noqa: E402
from services.common.embedded_redis import free_port  # noqa: E402
from services.notifier.reminder_store import PLANNED  # noqa: E402

SIZE = ChaosSize.from_env()
DRAIN_SECONDS = 60 + SIZE.releases * 0.06
DELIVERY_PROCESS = os.environ.get("PLEDGEWATCH_CHAOS_DELIVERY_PROCESS", "") not in ("", "0")
READ_AHEAD = os.environ.get("PLEDGEWATCH_CHAOS_READ_AHEAD", "") not in ("", "0")
SENDERS = ("notifier", "redis", "delivery")  # a kill of one of these may cut a send short: it is sent again
LEASE_SECONDS = 4.0  # the outbox lease: a killed notifier's claimed sends are retried after it

pytestmark = pytest.mark.chaos

# A token the HTTP write endpoints may require; sent whether or not they do.
TOKEN = "chaos-test-token-0123456789abcdef"


def _service_env(redis_url: str, prefix: str, inbox: Path, subscriptions: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_") and k != "REDIS_URL"}
    env.update({
        "REDIS_URL": redis_url, "PLEDGEWATCH_PREFIX": prefix, "PLEDGEWATCH_HTTP_PORT": "0",
        "PLEDGEWATCH_WATCH": str(inbox), "PLEDGEWATCH_POLL_SECONDS": "0.2",
        "PLEDGEWATCH_SUBSCRIPTIONS": str(subscriptions),
        "PLEDGEWATCH_ALLOW_PRIVATE_TARGETS": "127.0.0.0/8,::1",  # the receiver is on loopback
        "PLEDGEWATCH_CLAIM_IDLE_MS": "2000",  # a killed consumer's entries are reclaimed after 2 s
        "PLEDGEWATCH_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS), "PLEDGEWATCH_WEBHOOK_TIMEOUT": "2",
        "PLEDGEWATCH_RETRY_BASE_SECONDS": "0.2", "PLEDGEWATCH_RETRY_MAX_SECONDS": "1",
        "PLEDGEWATCH_LEADER_TTL_SECONDS": "1.5", "PLEDGEWATCH_REMINDER_TIME": "00:00",
        "PLEDGEWATCH_REMINDER_RETRY_BASE_SECONDS": "0.5", "PLEDGEWATCH_REMINDER_RETRY_MAX_SECONDS": "2",
        "PLEDGEWATCH_API_TOKEN": TOKEN, "PLEDGEWATCH_LOG_LEVEL": "INFO",
        "PLEDGEWATCH_DELIVERY_PROCESS": "true" if DELIVERY_PROCESS else "false",
        "PLEDGEWATCH_READ_AHEAD": "true" if READ_AHEAD else "false",
    })
    return env


def _reason(log_tail: str) -> str:
    """The error a process ended with: the last log line naming one."""
    lines = log_tail.strip().splitlines() or [""]
    return next((line.strip() for line in reversed(lines) if "Error" in line), lines[-1])[:100]


@pytest.mark.timeout(int(SIZE.seconds + DRAIN_SECONDS + 120))
async def test_kills_of_every_process_and_of_redis_lose_and_duplicate_nothing(tmp_path, capsys):
    rng = random.Random(SIZE.seed)
    started = time.monotonic()
    server = KillableRedis(tmp_path / "redis")
    server.start()
    receiver = Receiver()
    await receiver.start()
    procs: list[ServiceProcess] = []
    timeline, prefix = Timeline(), "chaos:"
    inbox, logs = tmp_path / "inbox", tmp_path / "logs"
    inbox.mkdir()
    logs.mkdir()
    try:
        # Reminders: one per offset for each reminder release, falling due inside the chaos window.
        due = utc_midnight_in(days=2)
        lead = 15.0  # setup (start, feed and plan the reminder releases) must finish before the first fires
        t0 = datetime.now(timezone.utc)
        fire_at = [t0 + timedelta(seconds=lead + SIZE.seconds * 0.7 * k / max(1, SIZE.reminder_offsets - 1))
                   for k in range(SIZE.reminder_offsets)]
        subscriptions = tmp_path / "subscriptions.yaml"
        subscriptions.write_text(subscriptions_yaml(f"http://127.0.0.1:{receiver.port}",
                                                    reminder_offsets(due, fire_at)))
        env = _service_env(server.url, prefix, inbox, subscriptions)
        ingest_port = free_port()
        for name, app in [("ingest", "ingest"), ("classifier-1", "classifier"), ("classifier-2", "classifier"),
                          ("notifier", "notifier"), *([("delivery", "delivery")] if DELIVERY_PROCESS else [])]:
            procs.append(ServiceProcess(name, app, {
                **env, "PLEDGEWATCH_CONSUMER": name,
                "PLEDGEWATCH_HTTP_PORT": str(ingest_port) if app == "ingest" else "0"}, logs))
            procs[-1].start()

        published_at = datetime.now(timezone.utc) - timedelta(hours=1)
        for i in range(SIZE.reminder_releases):
            drop(inbox, reminder_release_json(i, published_at=published_at, due=due))
        planned = SIZE.reminder_releases * SIZE.reminder_offsets
        client = redis.Redis.from_url(server.url)
        try:
            await wait_for(lambda: client.hlen(f"{prefix}{PLANNED}") >= planned, timeout=lead - 2,
                           what=f"{planned} reminders planned before the first fires")
        finally:
            client.close()
        assert datetime.now(timezone.utc) < fire_at[0] - timedelta(seconds=1), "setup too slow for the reminders"

        # The chaos window: releases fed evenly over its first 80 %, kills in it, Redis killed once mid-way.
        loop = asyncio.get_running_loop()
        window_start = loop.time()
        chaos = [asyncio.create_task(kill_loop(p, kills=SIZE.kills, window=SIZE.seconds, rng=rng, timeline=timeline))
                 for p in procs]
        chaos.append(asyncio.create_task(redis_kill(server, at=SIZE.seconds * rng.uniform(0.35, 0.65),
                                                    down=rng.uniform(1.0, 2.0), timeline=timeline)))
        posts = []
        async with aiohttp.ClientSession() as session:
            url, headers = f"http://127.0.0.1:{ingest_port}/releases", {"Authorization": f"Bearer {TOKEN}"}
            for i in range(SIZE.releases):
                await asyncio.sleep(max(0.0, window_start + SIZE.seconds * 0.8 * i / SIZE.releases - loop.time()))
                release = release_json(i, published_at=published_at)
                if i % 2:
                    posts.append(asyncio.create_task(post(session, url, release, headers)))
                else:
                    drop(inbox, release)
            await asyncio.gather(*chaos)
            post_attempts = await asyncio.gather(*posts)
        for p in procs:
            p.restart_if_exited()
        fed = SIZE.releases + SIZE.reminder_releases

        # Drain: wait for everything expected, then for one more lease, so a resend would be seen.
        async def settled():
            for p in procs:
                p.restart_if_exited()
            t = await asyncio.to_thread(tally, server.url, prefix, subscriptions, list(receiver.requests), fed=fed)
            return (not t.lost_releases and not t.unclassified and not t.lost_alerts and not t.missed_reminders
                    and datetime.now(timezone.utc) > fire_at[-1])

        try:
            await wait_for(settled, timeout=DRAIN_SECONDS, what="every release, alert and reminder through")
        except AssertionError:
            pass  # the figures below say what is missing
        await asyncio.sleep(LEASE_SECONDS + 2)
        result = tally(server.url, prefix, subscriptions, receiver.requests, fed=fed)
        elapsed = time.monotonic() - started
    finally:
        for p in procs:
            p.stop()
        await receiver.stop()
        server.stop()

    resends = result.resends()
    unexplained = {a: times for a, times in resends.items()
                   if not timeline.any_between(min(times) - 0.05, max(times), SENDERS)}
    # A process that ended on its own (one started while Redis was down exits at once) was started again.
    exits = {p.name: [_reason(e) for e in p.exits] for p in procs if p.exits}
    figures = (
        f"chaos (seed {SIZE.seed}{', a delivery process' if DELIVERY_PROCESS else ''}): {SIZE.releases} releases (+{SIZE.reminder_releases} with reminders), "
        f"kills {', '.join(f'{p.name} {p.kills}' for p in procs)}, Redis restarts "
        f"{sum(1 for _, w in timeline.faults if w == 'redis') // 2}, exits on their own {exits or 0}\n"
        f"  published {len(result.published)}/{fed} (lost {result.lost_releases}, duplicates "
        f"{result.duplicate_published}); classified {len(result.classified)} (unclassified {result.unclassified}, "
        f"duplicates {result.duplicate_classified})\n"
        f"  alerts {len(result.expected_alerts)} expected, lost {len(result.lost_alerts)}, duplicates "
        f"{len(result.duplicate_alerts)}; resends of one alert id {sum(len(t) - 1 for t in resends.values())} "
        f"({len(unexplained)} with no kill between); reminders {len(result.expected_reminders)} due, fired "
        f"{len(result.expected_reminders) - len(result.missed_reminders)}, missed {len(result.missed_reminders)}, "
        f"duplicates {len(result.duplicate_reminders)}\n"
        f"  dead letters {len(result.dead_letters)}, POST retries {sum(post_attempts) - len(post_attempts)}, "
        f"webhook requests {len(receiver.requests)}, elapsed {elapsed:.0f} s")
    with capsys.disabled():
        print("\n" + figures)
    assert all(p.kills >= SIZE.kills for p in procs), figures
    assert result.lost_releases == 0 and result.duplicate_published == 0, figures
    assert result.unclassified == 0 and result.duplicate_classified == 0, figures
    assert not result.lost_alerts and not result.duplicate_alerts, (figures, sorted(result.lost_alerts)[:5],
                                                                      sorted(result.duplicate_alerts)[:5])
    assert not result.missed_reminders and not result.duplicate_reminders, (
        figures, sorted(result.missed_reminders)[:5], sorted(result.duplicate_reminders)[:5])
    assert not unexplained, (figures, list(unexplained.items())[:5])
    assert not result.dead_letters, (figures, result.dead_letters[:5])
