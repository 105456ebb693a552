"""The consumers listed in each stream's groups: those of stopped processes taken out, their pending entries
handed over at once where no other process can be reading.

Each process reads under a consumer name of its own (host and pid), so every run would add one consumer
per group that nobody removes (``pledgewatch status`` counting them up), and entries a stopped process had
read but not acknowledged would wait ``claim_idle_ms`` before another consumer reclaims them. A process killed
(kill -9, a host lost) cannot leave: its name is removed once it has been idle past a bound and the others have
reclaimed what it held (:func:`retire_stale_consumers`, run by the streams' trimmer). A consumer is only ever
removed holding no pending entry: removing one drops its pending entries from the group.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from .streams import as_text

log = logging.getLogger(__name__)

PAGE = 1000  # pending entries handed over per XPENDING / XCLAIM round trip


async def _groups(client: aioredis.Redis, stream: str, only: Mapping[str, Collection[str]] | None) -> list[str]:
    """The groups of ``stream``; of ``only``, when given, those it names for the stream."""
    try:
        names = [as_text(g["name"]) for g in await client.xinfo_groups(stream)]
    except ResponseError:  # no such stream yet
        return []
    return names if only is None else [name for name in names if name in only.get(stream, ())]


async def _consumers(client: aioredis.Redis, stream: str, group: str) -> list[tuple[str, int]]:
    return [(as_text(c["name"]), int(c["pending"])) for c in await client.xinfo_consumers(stream, group)]


async def retire_idle_consumers(client: aioredis.Redis, streams: Iterable[str], *,
                                only: Collection[str] | None = None,
                                groups: Mapping[str, Collection[str]] | None = None) -> int:
    """Remove from every group of ``streams`` (of ``groups``, when given: stream -> group names) each consumer
    holding no pending entry (of ``only``, when given: the names of the processes that just stopped). Returns
    how many were removed."""
    removed = 0
    for stream in streams:
        for group in await _groups(client, stream, groups):
            for name, pending in await _consumers(client, stream, group):
                if pending == 0 and (only is None or name in only):
                    await client.xgroup_delconsumer(stream, group, name)
                    removed += 1
    return removed


# KEYS: a stream, the processes' version records (consumer -> JSON with "at", their last write on Redis's clock).
# ARGV: the stream's group, the idle bound (ms), how long a record stays live (s). Every consumer of the group idle
# for longer than the bound, holding no pending entry and whose process has no live record is removed, in one step:
# a consumer cannot read between the look and the removal, nor its process write its record. A record that does not
# read keeps its consumer. Returns how many.
_RETIRE_STALE = """
local consumers, removed = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1]), 0
local now = tonumber(redis.call('TIME')[1])
local function live(name)
  local record = redis.call('HGET', KEYS[2], name)
  if not record then return false end
  local ok, at = pcall(function() return tonumber(cjson.decode(record).at) end)
  return not ok or not at or at + tonumber(ARGV[3]) >= now
end
for _, consumer in ipairs(consumers) do
  local seen = {}
  for i = 1, #consumer, 2 do seen[consumer[i]] = consumer[i + 1] end
  if seen['pending'] == 0 and seen['idle'] > tonumber(ARGV[2]) and not live(seen['name']) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], seen['name'])
    removed = removed + 1
  end
end
return removed
"""


async def retire_stale_consumers(client: aioredis.Redis, streams: Iterable[str], *, versions: str, idle_ms: int,
                                 live_seconds: float = 60.0) -> int:
    """Remove from every group of ``streams`` each consumer idle for more than ``idle_ms``, holding no pending entry
    and whose process has no record in ``versions`` (the processes' version records, :mod:`.versions`) written
    within ``live_seconds`` on Redis's clock: one of a process killed without leaving its groups, whose entries
    the others have reclaimed. A live process is told by its record, not by the idle time alone (Redis before 7.2
    counts it from the last entry the consumer was given, however often it reads). Removing one that holds
    nothing loses nothing: its next read, a blocked one included, makes it a consumer again. Returns how many were
    removed."""
    retire = client.register_script(_RETIRE_STALE)
    removed = 0
    for stream in streams:
        for group in await _groups(client, stream, None):
            removed += int(await retire(keys=[stream, versions], args=[group, idle_ms, live_seconds]))
    return removed


async def leave_groups(client: aioredis.Redis, groups: Iterable[tuple[str, str]], name: str) -> int:
    """Remove consumer ``name`` from each ``(stream, group)`` where it holds no pending entry (a process that
    stopped reading them, its own groups only). Returns how many."""
    removed = 0
    for stream, group in groups:
        try:
            held = dict(await _consumers(client, stream, group))
        except ResponseError:  # no such stream or group
            continue
        if held.get(name) == 0:
            await client.xgroup_delconsumer(stream, group, name)
            removed += 1
    return removed


async def hand_over_pending(client: aioredis.Redis, streams: Iterable[str], *, idle_ms: int,
                            to: str | None = None, groups: Mapping[str, Collection[str]] | None = None) -> int:
    """Make every pending entry of ``streams``' groups (of ``groups``, when given: stream -> group names)
    reclaimable now: each is marked idle for ``idle_ms``
    (XCLAIM, with IDLE, to ``to``: the new run's consumer, so that the stopped ones hold nothing and can be
    retired; else to the consumer holding it), so the first reclaim of a running consumer takes it.
    Only for a Redis no running process reads (the embedded one, before its run starts). Returns how many."""
    handed = 0
    for stream in streams:
        for group in await _groups(client, stream, groups):
            for name, pending in await _consumers(client, stream, group):
                if name == to:
                    continue
                start = "-"
                while pending:
                    page = await client.xpending_range(stream, group, min=start, max="+", count=PAGE,
                                                       consumername=name)
                    if not page:
                        break
                    ids = [p["message_id"] for p in page]
                    await client.xclaim(stream, group, to or name, min_idle_time=0, message_ids=ids,
                                        idle=idle_ms, justid=True)
                    handed += len(ids)
                    start = "(" + as_text(ids[-1])
    if handed:
        log.info("%d %s a stopped run had read but not finished: handed over to this run", handed,
                 "entry" if handed == 1 else "entries")
    return handed
