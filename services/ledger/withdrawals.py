"""Which releases are withdrawn: those whose last version read withdrew them (``withdrawn`` on
``release.classified``, the notice with it when the publisher gave one).

    ledger:release:<id>                  withdrawn ("1" or ""), withdrawn_notice (see core/release_records.py)
    ledger:releases:withdrawn            zset: the withdrawn releases' ids by publication time, as ledger:releases
    ledger:releases:withdrawn:complete   set once the records written before the ledger kept withdrawals are told

A record written before then has neither field: :func:`tell_earlier_withdrawals` tells it once, at start, from
its commitments (withdrawn when it holds some and every one is withdrawn; the notice is not known: ``pledgewatch
ledger rebuild`` reads it again from the stream); every version after is told by the write that records it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from redis.asyncio import Redis

from schemas.classified import ReleaseClassified

from .core.entries import LedgerEntry
from .core.release_records import withdrawn_by_entries

WITHDRAWN = "ledger:releases:withdrawn"
COMPLETE = "ledger:releases:withdrawn:complete"
BATCH = 1000
# KEYS: a release's record, the withdrawn zset. ARGV: "1" or "", its publication time, its id. Only a record no
# writer has told since: a version recorded meanwhile wrote the field, and its word stands.
_TELL = """
if redis.call('HSETNX', KEYS[1], 'withdrawn', ARGV[1]) == 1 and ARGV[1] == '1' then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
end
return 0
"""


def record_withdrawal(pipe, key: Callable[[str], str],  # type: ignore[no-untyped-def]
                      release: ReleaseClassified) -> None:
    """Queue on ``pipe`` the withdrawn list's word on ``release``, the version being recorded."""
    if release.withdrawn:
        pipe.zadd(key(WITHDRAWN), {release.release_id: release.published_at.timestamp()})
    else:
        pipe.zrem(key(WITHDRAWN), release.release_id)


async def tell_earlier_withdrawals(client: Redis, key: Callable[[str], str]) -> int:
    """Tell every record written before the ledger kept withdrawals whether its release is withdrawn (once: then
    marked complete); returns how many were. Idempotent, safe beside writers.

    ``ledger:releases`` is walked by ZSCAN, not by rank: a version recorded meanwhile may move its release's
    score, and every rank after it with it, so a walk by rank can skip a record; ZSCAN returns every member there
    from start to end at least once (one returned twice is told twice: the second, a no-op)."""
    if await client.exists(key(COMPLETE)):
        return 0
    told, cursor = 0, 0
    while True:
        cursor, rows = await client.zscan(key("ledger:releases"), cursor, count=BATCH)
        if rows:
            told += await _tell(client, key, list(dict(rows).items()))  # once each, should a reply repeat one
        if cursor == 0:
            break
    await client.set(key(COMPLETE), 1)
    return told


async def _tell(client: Redis, key: Callable[[str], str], rows: list[tuple[bytes, float]]) -> int:
    """Tell the untold records among ``rows`` (release id, publication time); how many are withdrawn."""
    async with client.pipeline(transaction=False) as pipe:
        for release_id, _ in rows:
            pipe.hmget(key(f"ledger:release:{release_id.decode()}"), "withdrawn", "keys")
        fields = await pipe.execute()
    untold = [(release_id.decode(), score, json.loads(keys)) for (release_id, score), (said, keys)
              in zip(rows, fields) if said is None and keys is not None]
    held = sorted({k for _, _, keys in untold for k in keys})
    raws = await client.mget([key(f"ledger:entry:{k}") for k in held]) if held else []
    entries = {e.key: e for e in (LedgerEntry.model_validate_json(raw) for raw in raws if raw)}
    told = 0
    async with client.pipeline(transaction=False) as pipe:
        for release_id, score, keys in untold:
            withdrawn = withdrawn_by_entries([entries[k] for k in keys if k in entries])
            told += withdrawn
            pipe.eval(_TELL, 2, key(f"ledger:release:{release_id}"), key(WITHDRAWN), "1" if withdrawn else "",
                      score, release_id)
        await pipe.execute()
    return told
