"""When a feed's current representation was first served: its ``Last-Modified``.

A feed is made from many records (a subscription's filter and settings, its entries, the server's own version),
so no one stored time says when its answer last changed. What is kept instead, under one key per feed, is the
entity tag last served and the moment it was first served, on Redis's clock (the one every replica shares,
decision 0074): the same tag keeps its moment; another tag takes now, and always a later second than the tag
before it, so that ``If-Modified-Since`` naming any earlier answer is never answered 304 (HTTP dates are to the
second: two answers within one second would otherwise share one). A key not read for :data:`KEPT_SECONDS`
lapses; the next read starts it again. Each read returns Redis's time too, the clock an ``If-Modified-Since`` is
judged by (a date after it is invalid: RFC 9110 13.1.3).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, NamedTuple

from redis.exceptions import ResponseError

from .redis_refusals import redis_unavailable

KEPT_SECONDS = 30 * 24 * 3600

# KEYS: the feed's record. ARGV: the tag served now, seconds to keep the record. Returns its moment and now (epoch
# seconds, Redis's clock).
_SERVED = """
local held = redis.call('HMGET', KEYS[1], 'tag', 'since')
local since = tonumber(held[2])
local now = tonumber(redis.call('TIME')[1])
if held[1] ~= ARGV[1] or not since then
  since = since and math.max(now, since + 1) or now
  redis.call('HSET', KEYS[1], 'tag', ARGV[1], 'since', since)
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {since, now}
"""


class Served(NamedTuple):
    since: datetime  # when the tag was first served in a row: the answer's Last-Modified
    now: datetime  # Redis's time as it was read, to the second


async def first_served(client: Any, key: str, tag: str) -> Served | None:
    """The moment ``tag`` was first served in a row at ``key`` (now, if it is new there), and now, to the second
    on Redis's clock; None while Redis refuses the write (full, read-only, its disk failing): a feed it can still
    be read from is then answered with its ``ETag`` alone, rather than not at all."""
    try:
        since, now = await client.eval(_SERVED, 1, key, tag, KEPT_SECONDS)
    except ResponseError as exc:
        if redis_unavailable(exc):
            return None
        raise
    return Served(datetime.fromtimestamp(int(since), timezone.utc), datetime.fromtimestamp(int(now), timezone.utc))
