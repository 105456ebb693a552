"""The consumers listed in each stream's groups: those of stopped processes taken out, their pending entries
handed over at once where no other process can be reading.

Each process reads under a consumer name of its own (host and pid), so every run would add one consumer
per group that nobody removes (``pledgewatch status`` counting them up), and entries a stopped process had
read but not acknowledged would wait ``claim_idle_ms`` before another consumer reclaims them. A consumer is
only ever removed holding no pending entry: removing one drops its pending entries from the group.
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
