"""Where a running ``pledgewatch run`` can be found: ``<data_dir>/run.json``.

The data folder is PLEDGEWATCH_HOME, or the user's data folder, wherever a command is started, so
``pledgewatch ingest``, ``status`` and ``subscriptions`` find the Redis and the HTTP API of the run
from any folder when REDIS_URL is not set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from services.common.settings import Settings

from .errors import CommandError
from .runlock import is_locked

FILE_NAME = "run.json"


def run_state_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def write_run_state(settings: Settings, *, http_url: str, workers: list[int] | None = None) -> Path:
    """``run.json``: this process's pid, the Redis and API addresses, and ``workers``: the pids of the
    run's processes, this one first, then its extra workers (``pledgewatch run --workers``)."""
    path = run_state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only: a REDIS_URL may carry a password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps({"pid": os.getpid(), "redis_url": settings.redis_url, "http_url": http_url,
                              "workers": [os.getpid(), *(workers or [])]}))
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
    """``{pid, redis_url, http_url, workers}`` of the run that holds the folder's lock, or None (a pid alone may
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


def with_running_redis(settings: Settings) -> Settings:
    """``settings`` with the Redis of a running ``pledgewatch run`` when REDIS_URL is unset."""
    if settings.redis_url:
        return settings
    state = read_run_state(settings)
    if not state or not state.get("redis_url"):
        raise not_running(settings)
    return settings.model_copy(update={"redis_url": state["redis_url"]})
