"""The chaos tier's parts: a Redis it may kill, service processes it kills and restarts, releases to feed,
and the tally of what came out. Only processes started here are ever signalled."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import redis

from schemas import decode_event
from schemas.streams import CLASSIFIED, DEAD_LETTERS, EVENT_FIELD, RELEASES
from services.common.embedded_redis import EmbeddedRedis, free_port
from services.common.parent_death import launched_ending_with
from services.notifier.matching import matching_commitments
from services.notifier.store import load_file

FASTSTREAM = str(Path(sys.executable).parent / "faststream")
REMINDER_SOURCE = "chaos-reminder"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class ChaosSize:
    """How big a run is, from ``PLEDGEWATCH_CHAOS_*`` (the defaults are CI's size)."""

    releases: int
    kills: int  # per service process
    seconds: float  # the chaos window: releases fed, processes killed, reminders falling due
    reminder_releases: int
    reminder_offsets: int
    seed: int

    @classmethod
    def from_env(cls) -> ChaosSize:
        kills = env_int("PLEDGEWATCH_CHAOS_KILLS", 3)
        return cls(releases=env_int("PLEDGEWATCH_CHAOS_RELEASES", 200), kills=kills,
                   seconds=float(os.environ.get("PLEDGEWATCH_CHAOS_SECONDS") or max(40, 10 * kills)),
                   reminder_releases=env_int("PLEDGEWATCH_CHAOS_REMINDER_RELEASES", 10),
                   reminder_offsets=min(env_int("PLEDGEWATCH_CHAOS_REMINDER_OFFSETS", 5), 20),
                   seed=env_int("PLEDGEWATCH_CHAOS_SEED", random.SystemRandom().randrange(1 << 30)))


def terminate(process: subprocess.Popen[bytes] | None, timeout: float = 15.0) -> None:
    """SIGTERM a process started here, SIGKILL if it has not ended within ``timeout``."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class KillableRedis(EmbeddedRedis):
    """A private redis-server on a free loopback port, AOF with ``appendfsync always`` (an acknowledged
    write survives a kill -9), that can be killed with SIGKILL and started again on the same port and data."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, port=free_port(), appendfsync="always")


class ServiceProcess:
    """One ``faststream run services.<app>.app:app`` process, restarted after each kill."""

    def __init__(self, name: str, app: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.app, self.env, self.logs = name, app, env, logs
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self.exits: list[str] = []  # exits nobody asked for, with the log's tail

    def start(self) -> None:
        self.starts += 1
        log = self.logs / f"{self.name}.{self.starts}.log"
        with log.open("wb") as out:  # the child keeps its own copy of the descriptor
            command = launched_ending_with(os.getpid(), [FASTSTREAM, "run", f"services.{self.app}.app:app"])
            self.process = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.kills += 1
        self.process.wait()

    def restart_if_exited(self) -> None:
        """A process that ended on its own (not killed here) is noted, then started again."""
        if self.process is not None and self.process.poll() is not None:
            tail = (self.logs / f"{self.name}.{self.starts}.log").read_text(errors="replace")[-2000:]
            self.exits.append(f"exit {self.process.returncode}: {tail}")
            self.start()

    def stop(self) -> None:
        terminate(self.process)


@dataclass
class Timeline:
    """When each fault happened (the event loop's clock, as the receiver records its requests)."""

    faults: list[tuple[float, str]] = field(default_factory=list)

    def note(self, what: str) -> None:
        self.faults.append((asyncio.get_running_loop().time(), what))

    def any_between(self, start: float, end: float, kinds: tuple[str, ...]) -> bool:
        return any(start <= at <= end and what in kinds for at, what in self.faults)


async def kill_loop(proc: ServiceProcess, *, kills: int, window: float, rng: random.Random,
                    timeline: Timeline) -> None:
    """``kills`` SIGKILLs at random moments, one in each equal slot of ``window``; each is restarted
    after a random pause (sometimes at once)."""
    loop = asyncio.get_running_loop()
    start, slot = loop.time(), window / kills
    for k in range(kills):
        at = start + slot * (k + rng.uniform(0.15, 0.85))
        while loop.time() < at:
            proc.restart_if_exited()
            await asyncio.sleep(min(0.1, max(0.0, at - loop.time())))
        proc.restart_if_exited()
        proc.kill()
        timeline.note(proc.name)
        await asyncio.sleep(rng.choice([0.0, rng.uniform(0.1, 1.5)]))
        proc.start()


async def redis_kill(server: KillableRedis, *, at: float, down: float, timeline: Timeline) -> None:
    await asyncio.sleep(at)
    server.kill()
    timeline.note("redis")
    await asyncio.sleep(down)
    await server.start_from_loop()
    timeline.note("redis")


# --- releases -------------------------------------------------------------------------------------------
_PLACES = ["Leeds", "Cardiff", "Belfast", "Glasgow", "Dover", "Bristol", "Norwich", "Hull", "Derby", "Bath"]
_TEMPLATES = [
    "The Home Office will invest £{m}m in counter-terrorism policing in {place} by March 2030.",
    "The Department for Transport will invest £{m}m in bus routes around {place} over the next three years.",
    "The UK will provide £{m}m to strengthen border security against terrorist threats at {place} by 2029.",
    "The minister visited a community centre in {place} on Tuesday and met {m} volunteers.",
]


def release_json(i: int, *, published_at: datetime, body: str | None = None, source: str = "chaos") -> dict:
    place = _PLACES[i % len(_PLACES)]
    body = body or _TEMPLATES[i % len(_TEMPLATES)].format(m=i + 1, place=place)
    return {"id": f"chaos-{i:05d}", "url": f"https://example.org/chaos/{i}", "title": f"Chaos release {i}",
            "published_at": published_at.isoformat(), "source": source,
            "body": body + f"\n\nRelease number {i} of the chaos run."}


def reminder_release_json(i: int, *, published_at: datetime, due: datetime) -> dict:
    body = (f"The Home Office will invest £{i + 1}m in counter-terrorism training in {_PLACES[i % len(_PLACES)]} "
            f"by {due.day} {due.strftime('%B %Y')}.")
    return release_json(100_000 + i, published_at=published_at, body=body, source=REMINDER_SOURCE)


def drop(folder: Path, release: dict) -> None:
    """Into the watched folder atomically: written as a temporary file (ignored), then renamed."""
    tmp = folder / f"{release['id']}.json.tmp"
    tmp.write_text(json.dumps(release))
    tmp.rename(folder / f"{release['id']}.json")


async def post(session: aiohttp.ClientSession, url: str, release: dict, headers: dict[str, str]) -> int:
    """POST /releases until it is accepted (202): a refused connection, a 5xx or a timeout while ingest
    or Redis is down is tried again. Returns the attempts it took."""
    attempts = 0
    while True:
        attempts += 1
        try:
            async with session.post(url, json=release, headers=headers,
                                    timeout=aiohttp.ClientTimeout(total=5)) as resp:
                if resp.status == 202:
                    return attempts
                if resp.status < 500:
                    raise AssertionError(f"POST /releases refused {release['id']}: {resp.status} {await resp.text()}")
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(0.2)


# --- the tally ------------------------------------------------------------------------------------------
@dataclass
class Tally:
    fed: int = 0
    published: Counter = field(default_factory=Counter)  # release id -> release.published entries
    classified: Counter = field(default_factory=Counter)  # (release id, version) -> release.classified entries
    expected_alerts: set = field(default_factory=set)  # (subscription, release id, version)
    expected_reminders: set = field(default_factory=set)  # (subscription, commitment id, offset)
    alert_ids: dict = field(default_factory=lambda: defaultdict(set))  # (sub, release, version) -> alert ids
    reminder_ids: dict = field(default_factory=lambda: defaultdict(set))  # (sub, commitment, offset) -> ids
    receipts: dict = field(default_factory=lambda: defaultdict(list))  # alert id -> receipt times
    dead_letters: list = field(default_factory=list)

    @property
    def lost_releases(self) -> int:
        return self.fed - len(self.published)

    @property
    def duplicate_published(self) -> int:
        return sum(n - 1 for n in self.published.values())

    @property
    def unclassified(self) -> int:
        classified = {rid for rid, _ in self.classified}
        return sum(1 for rid in self.published if rid not in classified)

    @property
    def duplicate_classified(self) -> int:
        return sum(n - 1 for n in self.classified.values())

    @property
    def lost_alerts(self) -> set:
        return _missing(self.expected_alerts, self.alert_ids)

    @property
    def duplicate_alerts(self) -> set:
        """Told twice under different ids, or told what it should not have been."""
        return _extra(self.expected_alerts, self.alert_ids)

    @property
    def missed_reminders(self) -> set:
        return _missing(self.expected_reminders, self.reminder_ids)

    @property
    def duplicate_reminders(self) -> set:
        return _extra(self.expected_reminders, self.reminder_ids)

    def resends(self) -> dict[str, list[float]]:
        """Alert ids received more than once (the same alert sent again)."""
        return {a: times for a, times in self.receipts.items() if len(times) > 1}


def _missing(expected: set, received: dict) -> set:
    return {k for k in expected if not received.get(k)}


def _extra(expected: set, received: dict) -> set:
    """Keys received under more than one id, or not expected at all."""
    return {k for k, ids in received.items() if len(ids) > 1 or k not in expected}


def tally(redis_url: str, prefix: str, subscriptions: Path, requests: list, *, fed: int) -> Tally:
    """Reads the streams and the receiver's requests into a :class:`Tally`."""
    out = Tally(fed=fed)
    client = redis.Redis.from_url(redis_url)
    try:
        for _, fields in client.xrange(f"{prefix}{RELEASES}"):
            out.published[decode_event(fields[EVENT_FIELD.encode()]).data.release_id] += 1
        releases = []
        for _, fields in client.xrange(f"{prefix}{CLASSIFIED}"):
            release = decode_event(fields[EVENT_FIELD.encode()]).data
            out.classified[(release.release_id, release.version)] += 1
            releases.append(release)
        out.dead_letters = [decode_event(f[EVENT_FIELD.encode()]).data.reason
                            for _, f in client.xrange(f"{prefix}{DEAD_LETTERS}")]
    finally:
        client.close()
    subs = load_file(subscriptions)
    for release in releases:
        for sub in subs:
            matched = matching_commitments(sub.filter, release)
            if matched:
                out.expected_alerts.add((sub.id, release.release_id, release.version))
            for c in matched:
                for deadline in c.deadlines:
                    if getattr(deadline, "type", None) == "date":
                        out.expected_reminders.update((sub.id, c.id, offset) for offset in sub.reminders)
    for _, headers, body, at in requests:
        alert_id, data = headers["X-Pledgewatch-Alert-Id"], json.loads(body)["data"]
        out.receipts[alert_id].append(at)
        if data["kind"] == "reminder":
            key = (data["subscription_id"], data["commitments"][0]["id"], data["reminder"]["offset"])
            out.reminder_ids[key].add(alert_id)
        else:
            out.alert_ids[(data["subscription_id"], data["release"]["release_id"], data["release"]["version"])].add(alert_id)
    return out


def reminder_offsets(due: datetime, fire_at: list[datetime]) -> list[str]:
    """ISO offsets that make reminders for ``due`` (a midnight, UTC, reminder time 00:00) fire at ``fire_at``."""
    return [f"PT{int((due - at).total_seconds())}S" for at in fire_at]


def subscriptions_yaml(hook: str, offsets: list[str]) -> str:
    """Four webhook subscribers: everything, counter-terrorism, funding, and one reminded of the reminder
    releases' deadlines. Only that one has reminders, so APScheduler holds only the jobs this run waits for."""
    return f"""subscriptions:
  - {{id: everything, reminders: [], channels: [{{webhook: {{url: "{hook}/everything"}}}}]}}
  - {{id: ct-desk, filter: {{counter_terrorism: true}}, reminders: [], channels: [{{webhook: {{url: "{hook}/ct"}}}}]}}
  - {{id: funding, filter: {{categories: [funding]}}, reminders: [], channels: [{{webhook: {{url: "{hook}/funding"}}}}]}}
  - id: reminded
    filter: {{sources: [{REMINDER_SOURCE}]}}
    reminders: [{", ".join(offsets)}]
    channels: [{{webhook: {{url: "{hook}/reminded"}}}}]
"""


def utc_midnight_in(days: int) -> datetime:
    today = datetime.now(timezone.utc).date() + timedelta(days=days)
    return datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc)
