"""When a feed's current representation was first served: its ``Last-Modified``.

A feed is made from many records (a subscription's filter and settings, its entries, the server's own version),
so no one stored time says when its answer last changed. What is kept instead, under one key per feed, is the
entity tag last served and the moment it was first served: the same tag keeps its moment, another tag takes
now's. That moment is never before the change it stands for, so ``If-Modified-Since`` is never answered 304 for
a feed that changed since; a key not read for :data:`KEPT_SECONDS` lapses (the next read starts it again).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

KEPT_SECONDS = 30 * 24 * 3600

# KEYS: the feed's record. ARGV: the tag served now, now (epoch seconds), seconds to keep it. Returns its moment.
_SERVED = """
local held = redis.call('HMGET', KEYS[1], 'tag', 'since')
local since = held[2]
if held[1] ~= ARGV[1] or not since then
  since = ARGV[2]
  redis.call('HSET', KEYS[1], 'tag', ARGV[1], 'since', since)
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return since
"""


async def first_served(client: Any, key: str, tag: str, *, now: datetime) -> datetime:
    """The moment ``tag`` was first served in a row at ``key`` (``now`` if it is new there), to the second."""
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    since = await client.eval(_SERVED, 1, key, tag, int(now.timestamp()), KEPT_SECONDS)
    return min(datetime.fromtimestamp(int(since), timezone.utc), now)  # never after the answer's own time
