"""When a feed's current representation was first served: its ``Last-Modified``.

A feed is made from many records (a subscription's filter and settings, its entries, the server's own version),
so no one stored time says when its answer last changed. What is kept instead, under one key per feed, is the
entity tag last served and the moment it was first served, on Redis's clock (the one every replica shares,
decision 0074): the same tag keeps its moment; another tag takes now, and always a later second than the tag
before it, so that ``If-Modified-Since`` naming any earlier answer is never answered 304 (HTTP dates are to the
second: two answers within one second would otherwise share one). A key not read for :data:`KEPT_SECONDS`
lapses; the next read starts it again.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from redis.exceptions import ResponseError

from .redis_refusals import redis_unavailable

KEPT_SECONDS = 30 * 24 * 3600

# KEYS: the feed's record. ARGV: the tag served now, seconds to keep the record. Returns its moment (epoch seconds).
_SERVED = """
local held = redis.call('HMGET', KEYS[1], 'tag', 'since')
local since = tonumber(held[2])
if held[1] ~= ARGV[1] or not since then
  local now = tonumber(redis.call('TIME')[1])
  since = since and math.max(now, since + 1) or now
  redis.call('HSET', KEYS[1], 'tag', ARGV[1], 'since', since)
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return since
"""


async def first_served(client: Any, key: str, tag: str) -> datetime | None:
    """The moment ``tag`` was first served in a row at ``key`` (now, if it is new there), to the second; None
    while Redis refuses the write (full, read-only, its disk failing): a feed it can still be read from is then
    answered with its ``ETag`` alone, rather than not at all."""
    try:
        since = await client.eval(_SERVED, 1, key, tag, KEPT_SECONDS)
    except ResponseError as exc:
        if redis_unavailable(exc):
            return None
        raise
    return datetime.fromtimestamp(int(since), timezone.utc)
