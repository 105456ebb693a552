"""Whether Redis takes writes, judged from what it says of itself rather than from a write of a health probe's.

A Redis at its ``maxmemory`` that cannot make room answers PING and every read, and refuses every write (OOM): a
check that only pings it calls it healthy while nothing goes through. (A failed save that stops writes, MISCONF,
refuses PING itself.) Redis tries to make room before each command, the ``INFO`` read here too: still over its
``maxmemory`` after that, it refuses writes when its policy leaves it nothing to evict: ``noeviction``; an
``allkeys-*`` policy with no key left; a ``volatile-*`` one with no key of a time to live left (most of
pledgewatch's have none). With keys to evict it makes room for each write: over ``maxmemory`` between two of them
is no outage.

A replica answers PING and reads too, and refuses every write (READONLY) unless made writable: what a failover
leaves behind a REDIS_URL that named the old primary's address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class WritesRefused(RuntimeError):
    """Redis answers but refuses writes; the message says why, for a health answer."""


def _over(memory: Mapping[str, Any]) -> tuple[int, int] | None:
    """(memory counted, maxmemory) when Redis is over its ``maxmemory``, else None.

    Redis compares with ``maxmemory`` its used memory less what it does not count for eviction (replicas' output
    buffers, the AOF buffer)."""
    maxmemory = int(memory.get("maxmemory", 0))
    counted = int(memory.get("used_memory", 0)) - int(memory.get("mem_not_counted_for_evict", 0))
    return (counted, maxmemory) if 0 < maxmemory < counted else None


def keyspace_needed(memory: Mapping[str, Any]) -> bool:
    """Whether :func:`write_refusal` needs ``INFO keyspace`` too: over ``maxmemory`` under an evicting policy."""
    return _over(memory) is not None and memory.get("maxmemory_policy") != "noeviction"


def _evictable(policy: str, keyspace: Mapping[str, Any]) -> int:
    """How many keys ``policy`` may evict, from ``INFO keyspace`` (``db0: {keys, expires, …}``, …)."""
    if policy == "noeviction":
        return 0
    field = "keys" if policy.startswith("allkeys-") else "expires" if policy.startswith("volatile-") else None
    if field is None:  # a policy of a later Redis: taken as making room
        return 1
    return sum(int(db.get(field, 0)) for db in keyspace.values() if isinstance(db, Mapping))


def write_refusal(memory: Mapping[str, Any], keyspace: Mapping[str, Any] | None = None) -> str | None:
    """Why a Redis whose ``INFO memory`` fields are ``memory`` refuses writes, or None when it takes them;
    ``keyspace``: its ``INFO keyspace``, read when :func:`keyspace_needed` (else none: nothing evictable)."""
    over = _over(memory)
    policy = str(memory.get("maxmemory_policy", "noeviction"))
    if over is None or _evictable(policy, keyspace or {}):
        return None
    nothing_left = "" if policy == "noeviction" else ", nothing left it may evict"
    return (f"Redis refuses writes: out of memory (used_memory {over[0]} > maxmemory {over[1]}, "
            f"maxmemory-policy {policy}{nothing_left}): raise its maxmemory or free memory")


def replica_refusal(replication: Mapping[str, Any], *, read_only: bool) -> str | None:
    """Why a Redis whose ``INFO replication`` fields are ``replication`` refuses writes as a replica, or None when
    it is a primary (or a replica made writable: ``read_only``, its ``replica-read-only``, false)."""
    if replication.get("role") != "slave" or not read_only:
        return None
    host, port = str(replication.get("master_host", "?")), replication.get("master_port", "?")
    master = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (f"Redis refuses writes: a read-only replica (master at {master}): point REDIS_URL at the primary, "
            "or make this one a primary (REPLICAOF NO ONE)")
