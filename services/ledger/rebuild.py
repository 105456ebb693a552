"""The ledger rebuilt from the ``classified`` stream, for when its keys were lost or its rules changed.

Replays what the stream still holds (each stream is trimmed to about ``PLEDGEWATCH_STREAM_MAXLEN`` entries
once every group has read them), in stream order. A ledger service running meanwhile waits while the
``ledger-rebuilding`` mark is set (it lapses after ``PAUSE_SECONDS`` if the rebuild dies), then goes on: what
it then reads again is recorded once. No calendar event is given a lower ``SEQUENCE`` than before the rebuild
(RFC 5545: it never goes down): versions trimmed from the stream, or counted by an earlier rule, are not read again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from schemas import EventError, ReleaseClassifiedEvent, decode_event
from schemas.streams import CLASSIFIED, EVENT_FIELD

from .core.entries import LedgerEntry
from .store import REBUILDING, LedgerStore

PAGE = 500
PAUSE_SECONDS = 120  # the mark lapses this long after the rebuild last renewed it


@dataclass
class Rebuilt:
    read: int = 0  # stream entries read
    versions: int = 0  # release versions recorded
    skipped: int = 0  # entries that are not a release.classified event


async def rebuild(client: Redis, key: Callable[[str], str], *, progress: Callable[[Rebuilt], None] = lambda _: None) -> Rebuilt:
    """Drop every ledger key under the prefix, then read the whole ``classified`` stream into the ledger,
    other writers paused meanwhile."""
    pause = key(REBUILDING)
    await client.set(pause, "1", ex=PAUSE_SECONDS)
    try:
        return await _replay(client, key, pause, progress)
    finally:
        await client.delete(pause)


async def _replay(client: Redis, key: Callable[[str], str], pause: str, progress: Callable[[Rebuilt], None]) -> Rebuilt:
    floors = await _sequences(client, key)
    await drop_ledger(client, key)
    store, counts, start = LedgerStore(client, key, rebuilding=True), Rebuilt(), "-"
    while True:
        await client.expire(pause, PAUSE_SECONDS)
        page = await client.xrange(key(CLASSIFIED), min=start, max="+", count=PAGE)
        for entry_id, fields in page:
            counts.read += 1
            try:
                event = decode_event(fields.get(EVENT_FIELD.encode(), b""), expect=(ReleaseClassifiedEvent,))
            except EventError:
                counts.skipped += 1
                continue
            update = await store.apply(event.data, now=event.time)
            counts.versions += not update.stale
        if len(page) < PAGE:
            await _keep_sequences(client, floors)
            return counts
        start = "(" + page[-1][0].decode()
        progress(counts)


async def _sequences(client: Redis, key: Callable[[str], str]) -> dict[bytes, int]:
    """Each stored entry's calendar SEQUENCE, where it is above 0."""
    floors = {}
    async for name in client.scan_iter(match=key("ledger:entry:*"), count=1000):
        raw = await client.get(name)
        if raw and (sequence := LedgerEntry.model_validate_json(raw).calendar_sequence()) > 0:
            floors[name] = sequence
    return floors


async def _keep_sequences(client: Redis, floors: dict[bytes, int]) -> None:
    """Each rebuilt entry's sequence raised to what it was before, where the rebuild counted fewer revisions."""
    names = list(floors)
    for at in range(0, len(names), PAGE):
        batch = names[at:at + PAGE]
        async with client.pipeline(transaction=False) as pipe:
            for name, raw in zip(batch, await client.mget(batch)):
                if raw and (entry := LedgerEntry.model_validate_json(raw)).calendar_sequence() < floors[name]:
                    pipe.set(name, entry.model_copy(update={"sequence": floors[name]}).model_dump_json())
            await pipe.execute()


async def drop_ledger(client: Redis, key: Callable[[str], str]) -> int:
    """Delete every ``ledger:`` key under the prefix; returns how many."""
    dropped, batch = 0, []
    async for name in client.scan_iter(match=key("ledger:*"), count=1000):
        batch.append(name)
        if len(batch) >= 1000:
            dropped += await client.delete(*batch)
            batch = []
    if batch:
        dropped += await client.delete(*batch)
    return dropped
