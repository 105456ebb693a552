"""How many dead letters there are of each origin, kept as letters are written and deleted, so that reading the
counts costs one HGETALL however many letters there are.

Every writer adds a letter with its origin beside the event (``ORIGIN_FIELD``) and raises that origin's count
in the same MULTI/EXEC or script (:func:`add_letter`, :data:`ADD_LETTER` for scripts); every deleter (replay,
drop, trimming past the cap, a delivery sent again) deletes it through :data:`FORGET_LETTER`, which lowers the
count of the origin the letter names only when it deletes one. So the counts cannot drift from the letters by a
crash or a race.

A letter with no origin field (written before the counts were kept, or by hand) is counted later, by
:func:`count_letters_without_origin`: a stream entry cannot gain a field, so its origin, found by reading the
letter as Python reads every letter (:func:`origin_of_fields`), is kept under its id in ``counted-later``, where
:data:`FORGET_LETTER` finds it when no field names one. Until then it is the difference between the stream's
length and the counts' sum, shown as ``uncounted``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas import DeadLetterEvent, EventError, decode_event

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from schemas.streams import (DEAD_LETTER_COUNTS, DEAD_LETTERS, DEAD_LETTERS_COUNTED_LATER, DEAD_LETTERS_COUNTED_TO,
                             EVENT_FIELD, ORIGIN_FIELD)

from .pipelined_scripts import queue_script, run_pipeline
from .stream_stats import UNREADABLE, origin_of

UNCOUNTED = "uncounted"  # letters no counter saw, as `pledgewatch status` names them
TRIM_CHUNK = 1_000  # letters deleted per script while trimming past the cap: Redis is not held long
COUNT_CHUNK = 1_000  # letters read, and counted per script, while counting those without an origin field

# Lua helpers, prepended to the scripts that write or delete letters.
ADD_LETTER = """
local function add_letter(letters, counts, event_field, event, origin)
  local id = redis.call('XADD', letters, '*', event_field, event, '""" + ORIGIN_FIELD + """', origin)
  redis.call('HINCRBY', counts, origin, 1)
  return id
end
"""
FORGET_LETTER = """
local function count_down(counts, origin)
  if redis.call('HINCRBY', counts, origin, -1) <= 0 then redis.call('HDEL', counts, origin) end
end
local function forget_fields(counts, counted_later, id, fields)
  for i = 1, #fields, 2 do
    if fields[i] == '""" + ORIGIN_FIELD + """' then return count_down(counts, fields[i + 1]) end
  end
  local origin = redis.call('HGET', counted_later, id)
  if origin then
    redis.call('HDEL', counted_later, id)
    count_down(counts, origin)
  end
end
local function forget_letter(letters, counts, counted_later, id)
  local entry = redis.call('XRANGE', letters, id, id)[1]
  if not entry then return 0 end
  forget_fields(counts, counted_later, id, entry[2])
  return redis.call('XDEL', letters, id)
end
"""

# KEYS (of each script here): the dead-letter stream, its counts, the origins of letters counted later.

# ARGV: the letter id. 1 when deleted, 0 when it was not there.
_DROP = FORGET_LETTER + "return forget_letter(KEYS[1], KEYS[2], KEYS[3], ARGV[1])"

# ARGV: the cap, the most to delete now. The oldest letters past the cap
# deleted and counted down; returns how many.
_TRIM = FORGET_LETTER + """
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[1])
if excess <= 0 then return 0 end
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', math.min(excess, tonumber(ARGV[2])))
for _, entry in ipairs(oldest) do
  forget_fields(KEYS[2], KEYS[3], entry[1], entry[2])
  redis.call('XDEL', KEYS[1], entry[1])
end
return #oldest
"""

_HAS_ORIGIN = """
local function has_origin(fields)
  for j = 1, #fields, 2 do
    if fields[j] == '""" + ORIGIN_FIELD + """' then return true end
  end
  return false
end
"""

# KEYS: the dead-letter stream. ARGV: the least id to read ('-' or '(' id), the most letters to read. The letters
# among them without an origin field, whole, so that only those cross the wire: {newest id read, how many read,
# {{id, fields}, ...}}, or {} when there are none to read.
_UNNAMED_SINCE = _HAS_ORIGIN + """
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))
if #entries == 0 then return {} end
local unnamed = {}
for _, entry in ipairs(entries) do
  if not has_origin(entry[2]) then unnamed[#unnamed + 1] = entry end
end
return {entries[#entries][1], #entries, unnamed}
"""

# KEYS, then where the counting got to. ARGV: the id of the newest letter looked at, then letter id, origin, ...
# for the letters read without an origin field. Each still there, still without one and not counted already is
# counted: run twice, or by two processes at once, it counts each once. Returns how many it counted.
_COUNT_LATER = _HAS_ORIGIN + """
local counted = 0
for i = 2, #ARGV, 2 do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  if entry and not has_origin(entry[2]) and redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    counted = counted + 1
  end
end
redis.call('SET', KEYS[4], ARGV[1])
return counted
"""


def counts_key(letters_key: str) -> str:
    """The key of the counts of the dead-letter stream ``letters_key`` (``<prefix>dead-letters``)."""
    return letters_key.removesuffix(DEAD_LETTERS) + DEAD_LETTER_COUNTS


def counted_later_key(letters_key: str) -> str:
    """The key of the origins of the letters of ``letters_key`` written without one and counted later."""
    return letters_key.removesuffix(DEAD_LETTERS) + DEAD_LETTERS_COUNTED_LATER


def deleting_keys(letters_key: str) -> list[str]:
    """The keys a script deleting letters of ``letters_key`` through :data:`FORGET_LETTER` is given, in order."""
    return [letters_key, counts_key(letters_key), counted_later_key(letters_key)]


def origin_of_fields(fields: Mapping[bytes, bytes], prefix: str) -> str:
    """The origin of a letter read as entry ``fields``: its field when written with one, else the stream its
    event names (``stream_stats.origin_of``), or :data:`UNREADABLE` when it holds no dead letter."""
    named = fields.get(ORIGIN_FIELD.encode())
    if named is not None:
        return _text(named)
    raw = fields.get(EVENT_FIELD.encode())
    if raw is None:
        return UNREADABLE
    try:
        return origin_of(decode_event(raw, expect=(DeadLetterEvent,)).data.stream, prefix)
    except EventError:
        return UNREADABLE


async def count_letters_without_origin(client: aioredis.Redis, letters_key: str) -> int:
    """Count the letters written without an origin field (before the counts were kept, by a process of the
    previous version, or by hand), from where the last counting got to; a chunk per script, so Redis is not held
    long, and only those letters cross the wire. Safe to run again, or at once from two processes. Returns how
    many it counted."""
    keys = [*deleting_keys(letters_key), letters_key.removesuffix(DEAD_LETTERS) + DEAD_LETTERS_COUNTED_TO]
    unnamed_since, count_later = client.register_script(_UNNAMED_SINCE), client.register_script(_COUNT_LATER)
    counted_to = await client.get(keys[3])
    lower = "(" + _text(counted_to) if counted_to else "-"
    prefix, counted = letters_key.removesuffix(DEAD_LETTERS), 0
    while found := await unnamed_since(keys=[letters_key], args=[lower, COUNT_CHUNK]):
        newest, read, unnamed = _text(found[0]), int(found[1]), found[2]
        origins = [(_text(i), origin_of_fields(_pairs(fields), prefix)) for i, fields in unnamed]
        counted += int(await count_later(keys=keys, args=[newest, *(part for pair in origins for part in pair)]))
        if read < COUNT_CHUNK:
            break
        lower = "(" + newest
    return counted


def _pairs(flat: list[bytes]) -> dict[bytes, bytes]:
    return dict(zip(flat[::2], flat[1::2]))


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


def overcounted(counts: Mapping[Any, Any], total: int) -> int:
    """How many more letters the counts (as read) hold than the ``total`` there are: letters deleted by a
    version that did not count them down; 0 when the counts can be right. Pure."""
    return max(sum(max(int(n), 0) for n in counts.values()) - total, 0)


def overcounted_text(excess: int) -> str:
    """What ``status`` and ``dlq list`` say of counts ``excess`` above the letters, with what to do."""
    return (f"the dead letters' counts hold {excess} more than there are letters (deleted by a version that did "
            "not count them down): run pledgewatch dlq recount")


def _text(value: bytes | str) -> str:  # streams.as_text, which streams' import of this module keeps from here
    return value.decode() if isinstance(value, bytes) else value


class LetterDeleter:
    """Deletes letters, their counts with them, on one client."""

    def __init__(self, client: aioredis.Redis, letters_key: str) -> None:
        self.client, self.keys = client, deleting_keys(letters_key)
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
