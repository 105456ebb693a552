"""Where a running ``pledgewatch run`` can be found: ``<data_dir>/run.json``.

The data folder is PLEDGEWATCH_HOME, or the user's data folder, wherever a command is started, so
``pledgewatch ingest``, ``status`` and ``subscriptions`` find the Redis and the HTTP API of the run
from any folder when REDIS_URL is not set, and the run's key prefix (PLEDGEWATCH_PREFIX) when that is not set.
While a run goes, a REDIS_URL or a PLEDGEWATCH_PREFIX other than the run's is refused; a data folder no run
holds (PLEDGEWATCH_HOME) leaves both as they are.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from services.common.settings import Settings

from .errors import CommandError, usage_error
from .redis_source import RedisSource
from .runlock import is_locked
from services.common.redis_url_shown import redacted

FILE_NAME = "run.json"


def run_state_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def write_run_state(settings: Settings, *, http_url: str, workers: list[int] | None = None,
                    started: list[float] | None = None, embedded: bool = False) -> Path:
    """``run.json``: this process's pid, the Redis and API addresses, whether that Redis is the run's embedded one
    (for what a command advises when it does not answer), the key prefix, the dead letters' cap, the consumer
    name and the heartbeats' interval (for ``status``), and ``workers``: the pids of
    the run's processes, this one first, then its extra workers (``pledgewatch run --workers``), with ``started``:
    when each of them was last started (seconds since the epoch, in the same order), and ``delivery``: the number
    of its delivery process, last of them (``PLEDGEWATCH_DELIVERY_PROCESS``), when it has one."""
    path = run_state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside it, then put in its place: a reader (`status`, the next run) sees the old file or the new one,
    # never one truncated. Owner-only: the Redis URL carries a password (the embedded Redis's, or REDIS_URL's).
    written = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    fd = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # one left by a run that crashed keeps its mode otherwise
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps({"pid": os.getpid(), "redis_url": settings.redis_url, "embedded_redis": embedded,
                              "prefix": settings.prefix,
                              "stream_maxlen": settings.stream_maxlen,
                              "dead_letters_maxlen": settings.dead_letters_maxlen, "http_url": http_url,
                              "consumer": settings.consumer, "heartbeat_seconds": settings.heartbeat_seconds,
                              "workers": [os.getpid(), *(workers or [])],
                              **({"delivery": len(workers or []) + 1} if settings.notifier.delivery_process else {}),
                              **({"started": started} if started is not None else {})}))
    os.replace(written, path)
    return path


def clear_run_state(settings: Settings) -> None:
    path = run_state_path(settings)
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_run_state(settings: Settings) -> dict[str, Any] | None:
    """``{pid, redis_url, prefix, http_url, workers}`` of the run that holds the folder's lock, or None (a pid alone may
    have been reused after a crash or a reboot)."""
    try:
        state = json.loads(run_state_path(settings).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("pid"), int) or not is_alive(state["pid"]) \
            or not is_locked(settings.data_dir):
        return None
    return state


def not_running(settings: Settings, *, otherwise: str = "set REDIS_URL") -> CommandError:
    """No live ``pledgewatch run`` in the data folder; ``otherwise`` is what else makes the command work."""
    return CommandError(
        f"no running pledgewatch found in {settings.data_dir} ({FILE_NAME} missing or stale): start one with "
        f"`pledgewatch run`, set PLEDGEWATCH_HOME to the data folder of the one running, or {otherwise}")


def command_redis(settings: Settings) -> tuple[Settings, RedisSource]:
    """``settings`` with the Redis and the key prefix of a running ``pledgewatch run``: its Redis when REDIS_URL
    is unset, its prefix when PLEDGEWATCH_PREFIX is unset; and where that Redis came from. A REDIS_URL of another
    Redis than the run's is refused: what a command published there would be read by nobody, and what it read
    would not be the run's."""
    state = read_run_state(settings)
    if state is None or not state.get("redis_url"):
        if settings.redis_url:
            return settings, RedisSource(settings.redis_url, settings.data_dir)
        raise not_running(settings)
    if settings.redis_url and not same_redis(settings.redis_url, state["redis_url"]):
        raise usage_error(
            f"REDIS_URL={redacted(settings.redis_url)} but the pledgewatch running in {settings.data_dir} uses the "
            f"Redis at {redacted(state['redis_url'])}: what this command writes there would be read by nobody, and "
            "what it reads is not the run's; unset REDIS_URL, or set PLEDGEWATCH_HOME to the data folder of the run "
            "that uses it (to another folder, to use that Redis apart from this run)")
    embedded = state.get("embedded_redis")
    return joined_to_run(settings, state), RedisSource(state["redis_url"], settings.data_dir, run_pid=state["pid"],
                                                       embedded=embedded if isinstance(embedded, bool) else None)


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def same_redis(one: str, other: str) -> bool:
    """Whether two Redis URLs name the same server and database, whatever their spelling: ``localhost`` and
    ``127.0.0.1``, the default port 6379, database 0 when none is given; credentials aside."""
    return _server(one) == _server(other)


def _server(url: str) -> tuple[str, ...]:
    try:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        if parts.scheme == "unix":
            return ("unix", os.path.normpath(parts.path), query.get("db", ["0"])[0])
        host = (parts.hostname or "localhost").lower()
        db = parts.path.strip("/") or query.get("db", ["0"])[0]
        return ("tcp", "127.0.0.1" if host in LOCAL_HOSTS else host, str(parts.port or 6379), str(int(db)))
    except ValueError:  # an unreadable port or database: only the same text is the same
        return ("text", url)


def joined_to_run(settings: Settings, state: dict[str, Any]) -> Settings:
    """``settings`` on the Redis and under the key prefix of the run ``state`` describes. A PLEDGEWATCH_PREFIX
    other than the run's is refused: what a command published there would be read by nobody."""
    prefix = state.get("prefix")
    if not isinstance(prefix, str):  # a run.json written before it held the prefix
        prefix = settings.prefix
    if "prefix" in settings.model_fields_set and settings.prefix != prefix:
        raise usage_error(
            f"PLEDGEWATCH_PREFIX={settings.prefix!r} but the pledgewatch running in {settings.data_dir} uses "
            f"{prefix!r}: what this command writes there would be read by nobody; unset PLEDGEWATCH_PREFIX, or set "
            "PLEDGEWATCH_HOME to the data folder of the run that uses it")
    return settings.model_copy(update={"redis_url": state["redis_url"], "prefix": prefix})
