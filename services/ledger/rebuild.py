"""The ledger rebuilt from the ``classified`` stream, for when its keys were lost or its rules changed.

Replays what the stream still holds (each stream is trimmed to about ``PLEDGEWATCH_STREAM_MAXLEN`` entries
once every group has read them), in stream order. A ledger service running meanwhile waits while the
``ledger-rebuilding`` mark is set (it lapses after ``PAUSE_SECONDS`` if the rebuild dies), then goes on: what
it then reads again is recorded once. No calendar event is given a lower ``SEQUENCE`` than before the rebuild
(RFC 5545: it never goes down): versions trimmed from the stream, or counted by an earlier rule, are not read again.
The sequences before are kept in Redis (:data:`FLOORS`) until a rebuild ends, so a rebuild run again after one
died keeps them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from redis.asyncio import Redis

from schemas import EventError, ReleaseClassifiedEvent, decode_event
from schemas.streams import CLASSIFIED, EVENT_FIELD

from .core.entries import LedgerEntry
from .store import REBUILDING, LedgerStore

PAGE = 500
FLOORS = "ledger-sequence-floors"  # the SEQUENCE of each entry before a rebuild, until one ends
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
    floors = key(FLOORS)
    await _save_sequences(client, key, floors)
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
            await client.delete(floors)
            return counts
        start = "(" + page[-1][0].decode()
        progress(counts)


async def _save_sequences(client: Redis, key: Callable[[str], str], floors: str) -> None:
    """Each stored entry's calendar SEQUENCE, where it is above 0, into the hash ``floors``, a page at a time: kept
    there (not in this process) until the rebuild ends, and never lowered, so that a rebuild that died after
    dropping the ledger leaves the next the sequences calendars were given, not those it rebuilt in part."""
    names: list[bytes] = []
    async for name in client.scan_iter(match=key("ledger:entry:*"), count=1000):
        names.append(name)
        if len(names) >= PAGE:
            await _save_page(client, floors, names)
            names = []
    if names:
        await _save_page(client, floors, names)


async def _save_page(client: Redis, floors: str, names: list[bytes]) -> None:
    raised = {}
    for name, raw, held in zip(names, await client.mget(names), await client.hmget(floors, names)):
        sequence = max(_sequence(raw), int(held or 0))
        if sequence > 0:
            raised[name] = sequence
    if raised:
        await client.hset(floors, mapping=raised)


def _sequence(raw: bytes | None) -> int:
    """A stored entry's SEQUENCE; 0 for one that cannot be read: a damaged ledger is what a rebuild is run to mend."""
    try:
        return LedgerEntry.model_validate_json(raw).calendar_sequence() if raw else 0
    except ValidationError:
        return 0


async def _keep_sequences(client: Redis, floors: str) -> None:
    """Each rebuilt entry's sequence raised to what it was before, where the rebuild counted fewer revisions."""
    page: list[tuple[bytes, int]] = []
    async for name, sequence in client.hscan_iter(floors, count=PAGE):
        page.append((name, int(sequence)))
        if len(page) >= PAGE:
            await _keep_page(client, page)
            page = []
    if page:
        await _keep_page(client, page)


async def _keep_page(client: Redis, page: list[tuple[bytes, int]]) -> None:
    async with client.pipeline(transaction=False) as pipe:
        for (name, floor), raw in zip(page, await client.mget([name for name, _ in page])):
            if raw and (entry := LedgerEntry.model_validate_json(raw)).calendar_sequence() < floor:
                pipe.set(name, entry.model_copy(update={"sequence": floor}).model_dump_json())
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
