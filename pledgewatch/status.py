"""``pledgewatch status``: what runs, how far each consumer group is behind, what was dead-lettered.

Found like every command finds the system: the ``run.json`` of a ``pledgewatch run`` in the data folder
(PLEDGEWATCH_HOME or the user's data folder), which gives the run's Redis and key prefix (a REDIS_URL of another
Redis is refused while the run goes), else REDIS_URL.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import redis

from schemas.streams import ALL, DEAD_LETTERS
from services.common.dead_letter_cap import near_cap
from services.common.dead_letter_counts import by_origin, counts_key, overcounted
from services.common.heartbeats import hash_name
from services.common.held_back import by_group, count_older_limit, first_entry_range, oldest_needed, since_iso, to_count
from services.common.worker_liveness import Expected, beat_limit, judge, parse_beats
from services.common.settings import Settings
from services.common.stream_stats import lag_range, lag_text, reported_lag
from services.common.redis_clock import time_seconds
from services.common.redis_url_shown import redacted
from services.common.streams import parse_stream_id
from services.common.version_presence import live, mixed_models, mixed_versions, parse_presences
from services.common.versions import KEY as VERSIONS_KEY, LIVE_SECONDS

from services.ingest.source_failures import POLLED, failing_key, failing_source, polled_source
from services.ingest.source_rhythm import REGISTRY
from services.notifier.delivery_presence import (KEY as DELIVERY_BEATS, live as live_processes,
                                                  parse_beats as parse_delivery_beats, unsent_text)
from services.notifier.outbox_metrics import OutboxFigures

from .configuration import load_settings
from .dead_letters import OUTBOX, brief, read_letter
from .refused_files import read_fine_since_now
from .runstate import command_redis, is_alive, read_run_state
from .status_view import render

NEWEST_DEAD_LETTERS = 3  # the dead letters `status` shows beneath their counts
HEALTH_TIMEOUT_SECONDS = 3.0  # the API's own checks give up after 2 s
REDIS_TIMEOUT_SECONDS = 2.0  # asked while the API's health is: a frozen Redis costs 3 s in all, not 3 + 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the status as one JSON object")
    parser.add_argument("--show-secrets", action="store_true", help="show the Redis password in its URL")


def cmd_status(args: argparse.Namespace) -> int:
    settings = load_settings()
    state = read_run_state(settings)
    settings, redis_source = command_redis(settings)
    redis_url = settings.require_redis_url()
    status: dict[str, Any] = {
        "data_folder": str(settings.data_dir),
        "run": {"pid": state["pid"], "api": state.get("http_url"), "workers": _workers(state)} if state else None,
        "redis_url": redis_url if args.show_secrets else redacted(redis_url),
        "prefix": settings.prefix,
        "api": None,
        "streams": None,
        "dead_letters": None,
        "deliveries": None,
        "reminders": None,
        "subscriptions": None,
        "sources": None,
        "polled": None,
        "versions": None,
    }
    with ThreadPoolExecutor(max_workers=1) as pool:
        health = pool.submit(_health, state["http_url"]) if state and state.get("http_url") else None
        try:
            status |= _redis_status(redis_url, settings, dead_letter_cap(state, settings), stream_cap(state, settings),
                                    heartbeat_seconds(state, settings) if state else settings.heartbeat_seconds)
            if state and (beats_key := _beats_key(state, settings)):
                workers = status["run"]["workers"]
                status["run"]["workers"] = _judged(workers, started_times(state, len(workers)), redis_url,
                                                   beats_key, heartbeat_seconds(state, settings))
            failure = None
        except redis.AuthenticationError as exc:  # a ConnectionError to redis-py, but Redis did answer
            failure = redis_source.refusing(str(exc))
        except redis.InvalidResponse as exc:  # answered, in another protocol: another program's port
            failure = redis_source.not_redis(str(exc).splitlines()[0])
        except redis.OutOfMemoryError as exc:  # answered: its maxmemory reached, under the noeviction policy
            failure = redis_source.out_of_memory(str(exc))
        except redis.RedisError as exc:
            failure = redis_source.not_answering(str(exc))
        status["api"] = health.result() if health is not None else None
    print(json.dumps(status, indent=2) if args.json else render(status))
    if failure is not None:
        raise failure
    healthy = status["api"] is None or status["api"]["status"] == "ok"
    healthy = healthy and not any(w.get("state") == "stopped" for w in (status["run"] or {}).get("workers", []))
    healthy = healthy and not ((status["deliveries"] or {}).get("delivery_processes") or {}).get("warning")
    return 0 if healthy else 1


def dead_letter_cap(state: dict[str, Any] | None, settings: Settings) -> int:
    """The dead letters' cap (``PLEDGEWATCH_DEAD_LETTERS_MAXLEN``) of the run ``state`` describes, which trims
    them; without one (or a run.json written before it held the cap), this command's own setting."""
    return _run_cap(state, "dead_letters_maxlen", settings.dead_letters_maxlen)


def stream_cap(state: dict[str, Any] | None, settings: Settings) -> int:
    """The streams' cap (``PLEDGEWATCH_STREAM_MAXLEN``) of the run ``state`` describes, which trims them; without
    one (or a run.json written before it held the cap), this command's own setting."""
    return _run_cap(state, "stream_maxlen", settings.stream_maxlen)


def _run_cap(state: dict[str, Any] | None, name: str, own: int) -> int:
    cap = state.get(name) if state else None
    return cap if isinstance(cap, int) and not isinstance(cap, bool) else own


def _redis_status(redis_url: str, settings: Any, cap: int, streams_cap: int, every: float) -> dict[str, Any]:
    """The streams (length, groups, lag, entries held back past ``streams_cap``), the dead letters (with
    ``cap``, and whether they are near it) and the deliveries (with the delivery processes beating every
    ``every`` seconds), read from Redis."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                  socket_timeout=REDIS_TIMEOUT_SECONDS, decode_responses=True)
    try:
        dead = _dead_letters(client, settings.key(DEAD_LETTERS), settings.prefix)
        return {"streams": [_stream(client, settings.key(name), name, streams_cap) for name in ALL],
                "dead_letters": {**dead, "cap": cap, "near_cap": near_cap(dead["total"], cap)},
                "deliveries": _deliveries(client, settings, every),
                "reminders": _planned_reminders(client, settings),
                "subscriptions": _subscriptions(client, settings),
                **_polled_sources(client, settings),
                "versions": _versions(client, settings)}
    finally:
        client.close()


def _workers(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's processes (``pledgewatch run --workers``): number, pid, whether it runs, whether it is the run's
    delivery process (``PLEDGEWATCH_DELIVERY_PROCESS``); the first one also runs ingest and the HTTP API."""
    pids = [pid for pid in state.get("workers") or [state["pid"]] if isinstance(pid, int)]
    delivery = state.get("delivery")
    return [{"number": number, "pid": pid, "running": is_alive(pid), "delivery": number == delivery}
            for number, pid in enumerate(pids, start=1)]


def started_times(state: dict[str, Any], count: int) -> list[float | None]:
    """When each of the run's ``count`` processes was last started, as its run.json says; None for each when it
    does not (a run.json written before it held them, or unreadable)."""
    started = state.get("started")
    if (not isinstance(started, list) or len(started) != count
            or not all(isinstance(at, (int, float)) and not isinstance(at, bool) for at in started)):
        return [None] * count
    return [float(at) for at in started]


def _beats_key(state: dict[str, Any], settings: Settings) -> str | None:
    """The hash of the run's heartbeats, written when it has several workers (and a run.json naming its consumer)."""
    consumer = state.get("consumer")
    if len(state.get("workers") or []) < 2 or not isinstance(consumer, str):
        return None
    return settings.key(hash_name(consumer))


def heartbeat_seconds(state: dict[str, Any], settings: Settings) -> float:
    """The heartbeats' interval of the run ``state`` describes; without one in its run.json, this command's own."""
    every = state.get("heartbeat_seconds")
    if isinstance(every, (int, float)) and not isinstance(every, bool) and every > 0:
        return float(every)
    return settings.heartbeat_seconds


def _judged(workers: list[dict[str, Any]], started: list[float | None], redis_url: str, key: str,
            every: float) -> list[dict[str, Any]]:
    """``workers`` (each ``started`` when, if known) each with its state and last heartbeat (read from Redis), and
    why it is taken for stopped."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                  socket_timeout=REDIS_TIMEOUT_SECONDS, decode_responses=True)
    try:
        beats = parse_beats(client.hgetall(key))
    finally:
        client.close()
    expected = [Expected(w["number"], w["pid"], at, None if w["running"] else "is not running", w["delivery"])
                for w, at in zip(workers, started)]
    judged = judge(expected, beats, now=time.time(), heartbeat_seconds=every)
    return [{**worker, **health.model_dump(exclude={"number", "pid"})} for worker, health in zip(workers, judged)]


def _health(api: str) -> dict[str, Any]:
    """The HTTP API's health: ``{url, status, checks}``; status "not answering" when it does not."""
    try:
        with urllib.request.urlopen(f"{api}/healthz", timeout=HEALTH_TIMEOUT_SECONDS) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:  # 503: a service's check failed; the body says which
        try:
            body = json.loads(exc.read())
        except ValueError:
            body = {"status": f"HTTP {exc.code}", "checks": {}}
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return {"url": api, "status": "not answering", "checks": {}, "reason": str(getattr(exc, "reason", exc))}
    return {"url": api, "status": body.get("status", "?"), "checks": body.get("checks", {})}


def _stream(client: redis.Redis, key: str, name: str, cap: int) -> dict[str, Any]:
    if not client.exists(key):
        return {"name": name, "length": 0, "cap": cap, "groups": []}
    found, length = client.xinfo_groups(key), client.xlen(key)
    held = _held_back(client, key, found, length, cap) if name != DEAD_LETTERS else [(0, None)] * len(found)
    groups = []
    for group, (entries, since) in zip(found, held):
        lag = reported_lag(group)
        if lag is None:
            lag = len(client.xrange(**lag_range(key, group["last-delivered-id"])))
        groups.append({"name": group["name"], "consumers": group["consumers"], "pending": group["pending"],
                       "lag": lag_text(lag), "held_back": entries, "held_back_since": since})
    return {"name": name, "length": length, "cap": cap, "groups": groups}


def _held_back(client: redis.Redis, key: str, groups: list[dict[str, Any]], length: int,
               cap: int) -> list[tuple[int, str | None]]:
    """How many entries each of ``groups`` keeps in the stream past ``cap``, and since when (its oldest pending or
    unread entry's time); a few reads, only for the groups holding back trimming (see
    :mod:`services.common.held_back`), and none while the stream is within its cap."""
    limit = count_older_limit(length, cap)
    first_entries = client.xrange(**first_entry_range(key)) if limit else []
    if not first_entries:
        return [(0, None)] * len(groups)
    pending = [client.xpending(key, group["name"])["min"] if group["pending"] else None for group in groups]
    needed = [oldest_needed(parse_stream_id(group["last-delivered-id"]), None if p is None else parse_stream_id(p))
              for group, p in zip(groups, pending)]
    first = parse_stream_id(first_entries[0][0])
    older = len(client.xrange(**count)) if (count := to_count(key, needed, first, limit)) else 0
    return [_since(client, key, group, p, entries)
            for group, p, entries in zip(groups, pending, by_group(needed, first, length, cap, older))]


def _since(client: redis.Redis, key: str, group: dict[str, Any], pending: str | None,
           entries: int) -> tuple[int, str | None]:
    """``entries`` held back by ``group`` and since when: its oldest pending entry's time, else its oldest unread's."""
    if not entries:
        return 0, None
    last = group["last-delivered-id"]
    oldest = pending or next((entry_id for entry_id, _ in client.xrange(key, min=f"({last}", count=1)), None)
    return (entries, since_iso(parse_stream_id(oldest)[0])) if oldest is not None else (0, None)


def _dead_letters(client: redis.Redis, key: str, prefix: str) -> dict[str, Any]:
    """How many entries the dead-letter stream holds, by where each came from (the counts kept as letters are
    written and deleted), and the newest few: a few reads, however many letters there are."""
    with client.pipeline(transaction=True) as pipe:
        pipe.xlen(key)
        pipe.hgetall(counts_key(key))
        pipe.xrevrange(key, count=NEWEST_DEAD_LETTERS)
        total, counted, newest = pipe.execute()
    excess = overcounted(counted, total)
    letters = [read_letter(entry_id, {k.encode(): v.encode() for k, v in fields.items()}) for entry_id, fields in newest]
    fine = read_fine_since_now(client, prefix, letters)
    return {"total": total, "by_origin": by_origin(counted, total), **({"overcounted": excess} if excess else {}),
            "newest": [brief(item, prefix, read_fine_since=item.id in fine) for item in letters]}


def _planned_reminders(client: redis.Redis, settings: Settings) -> dict[str, Any]:
    """How many reminders are planned and not fired (the notifier's due index), and when the next goes out (UTC; a
    reminder being fired is due again when its lease ends). The ``reminders`` stream holds those fired."""
    from services.notifier.reminder_store import DUE  # its scheduler's imports only when Redis is read

    key = settings.key(DUE)
    with client.pipeline(transaction=False) as pipe:  # no MULTI: a Redis at its maxmemory refuses even its reads
        pipe.zcard(key)
        pipe.zrange(key, 0, 0, withscores=True)
        planned, first = pipe.execute()
    return {"planned": planned,
            "next_at": datetime.fromtimestamp(first[0][1], timezone.utc).isoformat() if first else None}


def _subscriptions(client: redis.Redis, settings: Settings) -> dict[str, Any]:
    """The stored subscriptions this version cannot read (stored by an earlier one, before a bound it now keeps),
    each with its problems: they receive nothing until replaced or deleted. One whose id the subscriptions file
    defines is left out, as the notifier leaves it: the file's is the one used."""
    from services.notifier.retention import SUBSCRIPTIONS
    from services.notifier.store import UnreadableSubscription, read_subscription

    in_file = _ids_in_file(settings.subscriptions)
    unreadable = []
    for sub_id, data in sorted(client.hgetall(settings.key(SUBSCRIPTIONS)).items()):
        if sub_id in in_file:
            continue
        try:
            read_subscription(sub_id, data)
        except UnreadableSubscription as exc:
            unreadable.append({"id": sub_id, "problems": exc.errors})
    return {"unreadable": unreadable}


def _ids_in_file(path: Path | None) -> set[str]:
    """The ids the subscriptions file at ``path`` defines; none when there is no file or it cannot be read (the
    notifier refuses to start on it, and says why)."""
    from services.notifier.store import load_file
    from services.notifier.subscriptions import SubscriptionError

    if path is None:
        return set()
    try:
        return {sub.id for sub in load_file(path, older=lambda errors: None)}
    except SubscriptionError:
        return set()


def _polled_sources(client: redis.Redis, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """``sources``: the configured polled sources whose latest polls failed; ``polled``: when each last answered
    a poll (:mod:`services.ingest.source_failures`); both by name."""
    kinds = client.hgetall(settings.key(REGISTRY))
    names = sorted(kinds)
    if not names:
        return {"sources": [], "polled": []}
    with client.pipeline(transaction=False) as pipe:  # no MULTI: a Redis at its maxmemory refuses even its reads
        for name in names:
            pipe.hgetall(settings.key(failing_key(name)))
        pipe.hmget(settings.key(POLLED), names)
        *kept, polled = pipe.execute()
    return {"sources": [failing for name, fields in zip(names, kept) if (failing := failing_source(name, fields))],
            "polled": [polled_source(name, kinds[name], when) for name, when in zip(names, polled)]}


def _versions(client: redis.Redis, settings: Settings) -> dict[str, Any]:
    """The live processes' releases and key schemas (:mod:`services.common.versions`) and the models their
    classifiers run, and a warning for each mix of them."""
    with client.pipeline(transaction=False) as pipe:  # no MULTI: a Redis at its maxmemory refuses even its reads
        pipe.hgetall(settings.key(VERSIONS_KEY))
        pipe.time()  # the records' clock: Redis's, whatever this host's reads
        records, redis_now = pipe.execute()
    running = live(parse_presences(records), now=time_seconds(redis_now), live_seconds=LIVE_SECONDS)
    return {"live": [asdict(p) for p in running], "warnings": mixed_versions(running) + mixed_models(running)}


def _deliveries(client: redis.Redis, settings: Settings, every: float) -> dict[str, Any]:
    """The notifier's outbox (job -> when due; a job being sent is due when its lease ends): how many jobs it
    holds, how many are due (waiting for the notifier or a free slot of their endpoint: a backlog when it grows),
    and how long the oldest of those has waited; and the delivery processes (``delivery_processes``) when they
    send (this command's PLEDGEWATCH_DELIVERY_PROCESS, or a delivery process's heartbeat found), else None. All
    judged at Redis's now (``TIME``, read first), the clock the due times and the heartbeats are written on,
    whatever this host's reads."""
    key = settings.key(OUTBOX)
    now = time_seconds(client.time())
    with client.pipeline(transaction=False) as pipe:  # no MULTI: a Redis at its maxmemory refuses even its reads
        pipe.zcard(key)
        pipe.zcount(key, "-inf", now)
        pipe.zrange(key, 0, 0, withscores=True)
        pipe.hgetall(settings.key(DELIVERY_BEATS))
        queued, due, oldest, beats = pipe.execute()
    figures = OutboxFigures.of(queued, due, oldest[0][1] if oldest else None, now)
    return {**asdict(figures), "delivery_processes": _delivery_processes(
        figures, parse_delivery_beats(beats), expected=settings.notifier.delivery_process, every=every, now=now)}


def _delivery_processes(figures: OutboxFigures, beats: dict[str, float], *, expected: bool, every: float,
                        now: float) -> dict[str, Any] | None:
    """The delivery processes live (by consumer name), and the warning of deliveries waiting with none live."""
    if not expected and not beats:
        return None
    limit = beat_limit(every)
    running = live_processes(beats, now=now, limit=limit)
    return {"live": running, "warning": unsent_text(figures.due, figures.oldest_due_seconds, len(running),
                                                    limit=limit)}
