"""Every id a commitment has had, to its ledger key (its first id): alerts, reminders and feeds carry the
current id, which an edit changes, so a lookup by it must find the entry kept under the first.

    ledger:ids            hash: commitment id -> ledger key, for every id that is not the key itself
    ledger:ids:complete   set once the ids of entries written before this index are in it

A ledger written before the index knows only each entry's current id: :func:`index_earlier_ids` records
those once, at start; every id after is recorded by the write that brings it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from redis.asyncio import Redis

from .core.entries import LedgerEntry

IDS = "ledger:ids"
COMPLETE = "ledger:ids:complete"
BATCH = 1000


def record_ids(pipe, ids_key: str, entries: Iterable[LedgerEntry]) -> None:  # type: ignore[no-untyped-def]
    """Queue on ``pipe`` the current id of each of ``entries`` edited under a new one."""
    aliases = {e.commitment.id: e.key for e in entries if e.commitment.id != e.key}
    if aliases:
        pipe.hset(ids_key, mapping=aliases)


async def index_earlier_ids(client: Redis, key: Callable[[str], str]) -> int:
    """Record the current id of every entry stored before the index (once: then marked complete); returns
    how many were edited under a new id. Idempotent, safe beside writers (an id once had stays true)."""
    if await client.exists(key(COMPLETE)):
        return 0
    cursor, found = 0, 0
    while True:
        cursor, page = await client.hscan(key("ledger:cards"), cursor, count=BATCH)
        raws = await client.mget([key(f"ledger:entry:{k.decode()}") for k in page]) if page else []
        entries = [LedgerEntry.model_validate_json(raw) for raw in raws if raw]
        async with client.pipeline(transaction=False) as pipe:
            record_ids(pipe, key(IDS), entries)
            await pipe.execute()
        found += sum(1 for e in entries if e.commitment.id != e.key)
        if cursor == 0:
            break
    await client.set(key(COMPLETE), 1)
    return found
