"""Redis's own clock (``TIME``): the one clock that processes on several hosts share when they compare times they
wrote in Redis, whatever each host's wall clock says (a host a few minutes off would tell a live process gone, or a
gone one live)."""

from __future__ import annotations

from typing import Any


def time_seconds(reply: tuple[int, int]) -> float:
    """Epoch seconds from a ``TIME`` reply (as redis-py parses it: seconds, microseconds)."""
    seconds, microseconds = reply
    return int(seconds) + int(microseconds) / 1_000_000


async def redis_now(client: Any) -> float:
    """Epoch seconds on Redis's clock."""
    return time_seconds(await client.time())
