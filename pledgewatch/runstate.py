"""Where a running ``pledgewatch run`` can be found: ``<data_dir>/run.json``.

Commands such as ``pledgewatch ingest`` use it to reach the embedded Redis
when REDIS_URL is not set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from services.common.settings import Settings

FILE_NAME = "run.json"


def write_run_state(settings: Settings, *, http_url: str) -> Path:
    path = settings.data_dir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only: a REDIS_URL may carry a password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps({"pid": os.getpid(), "redis_url": settings.redis_url, "http_url": http_url}))
    return path


def clear_run_state(settings: Settings) -> None:
    path = settings.data_dir / FILE_NAME
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def with_running_redis(settings: Settings) -> Settings:
    """``settings`` with the Redis of a running ``pledgewatch run`` when REDIS_URL is unset."""
    if settings.redis_url:
        return settings
    path = settings.data_dir / FILE_NAME
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        state = {}
    if not state.get("redis_url") or not _alive(int(state.get("pid", 0))):
        raise SystemExit(
            f"no running pledgewatch found ({path} missing or stale): "
            "start one with `pledgewatch run`, or set REDIS_URL"
        )
    return settings.model_copy(update={"redis_url": state["redis_url"]})
