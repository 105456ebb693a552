"""Why a redis-server exited at start, from its own log, and how to repair an append-only file it cannot read. Pure."""

from __future__ import annotations

import shlex
from pathlib import Path

_STARTING = "Redis is starting"
_WARNING_MARK = " # "  # the level of a log line Redis writes about something wrong, fatal ones included


def exit_reason(log_text: str) -> str | None:
    """The last warning of the latest start in a redis-server log (``… # Can't open the append-only file: Is a
    directory``), without its pid and time; None when that start wrote none. Redis's advice about the host
    (``WARNING Memory overcommit must be enabled!``) is no reason to exit, and is passed over."""
    latest = log_text.rsplit(_STARTING, 1)[-1]
    warnings = [line.split(_WARNING_MARK, 1)[1].strip() for line in latest.splitlines() if _WARNING_MARK in line]
    reasons = [warning for warning in warnings if warning and not warning.startswith("WARNING")]
    return reasons[-1] if reasons else None


def is_about_the_aof(reason: str) -> bool:
    return "append only file" in reason.lower() or "append-only file" in reason.lower()


def aof_repair(binary: str, data_dir: Path) -> str:
    """The shell command that repairs the append-only file of ``data_dir``: redis-check-aof is redis-server run under
    that name (the wheels ship no binary of its own), given the file (Redis 6) or its manifest (Redis 7+)."""
    manifests = sorted((data_dir / "appendonlydir").glob("*.manifest"))
    target = manifests[0] if manifests else data_dir / "appendonly.aof"
    inner = f"exec -a redis-check-aof {shlex.quote(binary)} --fix {shlex.quote(str(target))}"
    return f"bash -c {shlex.quote(inner)}"
