"""How many dead letters there are of each origin, kept as letters are written and deleted, so that reading the
counts costs one HGETALL however many letters there are.

Every writer adds a letter with its origin beside the event (``ORIGIN_FIELD``) and raises that origin's count
in the same MULTI/EXEC or script (:func:`add_letter`, :data:`ADD_LETTER` for scripts); every deleter (replay,
drop, trimming past the cap, a delivery sent again) deletes it through :data:`FORGET_LETTER`, which lowers the
count of the origin the letter names only when it deletes one. So the counts cannot drift from the letters by a
crash or a race. A letter with no origin field (written by hand, or before the counts were kept) is counted by
no one: it is the difference between the stream's length and the counts' sum, shown as ``uncounted``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from schemas.streams import DEAD_LETTER_COUNTS, DEAD_LETTERS, EVENT_FIELD, ORIGIN_FIELD

from .pipelined_scripts import queue_script, run_pipeline

UNCOUNTED = "uncounted"  # letters no counter saw, as `pledgewatch status` names them
TRIM_CHUNK = 1_000  # letters deleted per script while trimming past the cap: Redis is not held long

# Lua helpers, prepended to the scripts that write or delete letters.
ADD_LETTER = """
local function add_letter(letters, counts, event_field, event, origin)
  local id = redis.call('XADD', letters, '*', event_field, event, '""" + ORIGIN_FIELD + """', origin)
  redis.call('HINCRBY', counts, origin, 1)
  return id
end
"""
FORGET_LETTER = """
local function forget_fields(counts, fields)
  for i = 1, #fields, 2 do
    if fields[i] == '""" + ORIGIN_FIELD + """' then
      if redis.call('HINCRBY', counts, fields[i + 1], -1) <= 0 then redis.call('HDEL', counts, fields[i + 1]) end
      return
    end
  end
end
local function forget_letter(letters, counts, id)
  local entry = redis.call('XRANGE', letters, id, id)[1]
  if not entry then return 0 end
  forget_fields(counts, entry[2])
  return redis.call('XDEL', letters, id)
end
"""

# KEYS: the dead-letter stream, its counts. ARGV: the letter id. 1 when deleted, 0 when it was not there.
_DROP = FORGET_LETTER + "return forget_letter(KEYS[1], KEYS[2], ARGV[1])"

# KEYS: the dead-letter stream, its counts. ARGV: the cap, the most to delete now. The oldest letters past the cap
# deleted and counted down; returns how many.
_TRIM = FORGET_LETTER + """
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[1])
if excess <= 0 then return 0 end
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', math.min(excess, tonumber(ARGV[2])))
for _, entry in ipairs(oldest) do
  forget_fields(KEYS[2], entry[2])
  redis.call('XDEL', KEYS[1], entry[1])
end
return #oldest
"""


def counts_key(letters_key: str) -> str:
    """The key of the counts of the dead-letter stream ``letters_key`` (``<prefix>dead-letters``)."""
    return letters_key.removesuffix(DEAD_LETTERS) + DEAD_LETTER_COUNTS


def add_letter(pipe: Pipeline, letters_key: str, event: bytes, origin: str) -> None:
    """Queue on ``pipe`` (a MULTI/EXEC) the letter ``event`` (wire format) from ``origin``, and its count."""
    pipe.xadd(letters_key, {EVENT_FIELD: event, ORIGIN_FIELD: origin})
    pipe.hincrby(counts_key(letters_key), origin, 1)


def by_origin(counts: Mapping[Any, Any], total: int) -> dict[str, int]:
    """The counts as read (origin -> letters, bytes or text), most first, with the letters no one counted of
    ``total`` as :data:`UNCOUNTED`. Pure."""
    counted = {_text(origin): int(n) for origin, n in counts.items() if int(n) > 0}
    ordered = dict(sorted(counted.items(), key=lambda item: -item[1]))
    uncounted = total - sum(counted.values())
    return ordered | ({UNCOUNTED: uncounted} if uncounted > 0 else {})


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class LetterDeleter:
    """Deletes letters, their counts with them, on one client."""

    def __init__(self, client: aioredis.Redis, letters_key: str) -> None:
        self.client, self.keys = client, [letters_key, counts_key(letters_key)]
        self._drop, self._trim = client.register_script(_DROP), client.register_script(_TRIM)

    async def drop(self, letter_ids: list[str]) -> list[bool]:
        """Delete each letter; per id, whether it was there."""
        def fill(pipe: Pipeline) -> None:
            for letter_id in letter_ids:
                queue_script(pipe, self._drop, self.keys, [letter_id])

        return [bool(n) for n in await run_pipeline(self.client, fill, [self._drop])] if letter_ids else []

    async def trim(self, cap: int) -> int:
        """Delete the oldest letters past ``cap``, a chunk per script; returns how many."""
        removed = 0
        while deleted := int(await self._trim(keys=self.keys, args=[cap, TRIM_CHUNK])):
            removed += deleted
            if deleted < TRIM_CHUNK:
                break
        return removed
