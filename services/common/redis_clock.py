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


# Lua, put before a script's own: ``redis_at(seconds)`` is Redis's clock (``TIME``, read once as the script starts)
# plus ``seconds`` (a number or its text; nil: none), as text to the microsecond, for a score to compare with
# ``redis_at(0)`` of a later script (a Lua number would reach Redis with 14 digits, its microseconds lost). Redis
# replicates a script's effects (5.0 on), so a script may read ``TIME`` before it writes.
REDIS_AT = """
local redis_time = redis.call('TIME')
local function redis_at(seconds)
  local micros = tonumber(redis_time[2]) + math.floor((tonumber(seconds) or 0) * 1000000 + 0.5)
  return string.format('%d.%06d', tonumber(redis_time[1]) + math.floor(micros / 1000000), micros % 1000000)
end
"""
