"""Whether Redis takes writes, judged from what it says of itself rather than from a write of a health probe's.

A Redis at its ``maxmemory`` with the ``noeviction`` policy answers PING and every read, and refuses every write
(OOM): a check that only pings it calls it healthy while nothing goes through. (A failed save that stops writes,
MISCONF, refuses PING itself.) Under an evicting policy Redis makes room for each write: being over ``maxmemory``
between two of them is no outage, so only ``noeviction`` is judged.

A replica answers PING and reads too, and refuses every write (READONLY) unless made writable: what a failover
leaves behind a REDIS_URL that named the old primary's address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class WritesRefused(RuntimeError):
    """Redis answers but refuses writes; the message says why, for a health answer."""


def write_refusal(memory: Mapping[str, Any]) -> str | None:
    """Why a Redis whose ``INFO memory`` fields are ``memory`` refuses writes, or None when it takes them.

    Redis compares with ``maxmemory`` its used memory less what it does not count for eviction (replicas' output
    buffers, the AOF buffer), and refuses a write only past it."""
    maxmemory = int(memory.get("maxmemory", 0))
    if maxmemory <= 0 or memory.get("maxmemory_policy") != "noeviction":
        return None
    counted = int(memory.get("used_memory", 0)) - int(memory.get("mem_not_counted_for_evict", 0))
    if counted <= maxmemory:
        return None
    return (f"Redis refuses writes: out of memory (used_memory {counted} > maxmemory {maxmemory}, "
            "maxmemory-policy noeviction): raise its maxmemory or free memory")


def replica_refusal(replication: Mapping[str, Any], *, read_only: bool) -> str | None:
    """Why a Redis whose ``INFO replication`` fields are ``replication`` refuses writes as a replica, or None when
    it is a primary (or a replica made writable: ``read_only``, its ``replica-read-only``, false)."""
    if replication.get("role") != "slave" or not read_only:
        return None
    host, port = str(replication.get("master_host", "?")), replication.get("master_port", "?")
    master = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (f"Redis refuses writes: a read-only replica (master at {master}): point REDIS_URL at the primary, "
            "or make this one a primary (REPLICAOF NO ONE)")
