"""The dead letters' counts rebuilt from the letters as they are: for counts that no longer equal them (letters
deleted by a version that did not count them down, which leaves a count of letters that are gone).

Every letter is read, and each one's origin found as the counting code finds it (its field, else
:func:`dead_letter_counts.origin_of_fields`); then the counts, the origins kept of the letters without a field
(``counted-later``) and where the counting got to (``counted-to``) are replaced in one MULTI/EXEC, under WATCH
of the stream: a letter written, deleted or trimmed meanwhile aborts it, and the letters are read again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from schemas.streams import DEAD_LETTERS, DEAD_LETTERS_COUNTED_TO, ORIGIN_FIELD

from .dead_letter_counts import counted_later_key, counts_key, origin_of_fields
from .streams import as_text

RECOUNT_CHUNK = 10_000  # letters read per XRANGE while recounting
RECOUNT_TRIES = 5  # reads of every letter before giving up on a queue that keeps changing


class QueueKeptChanging(Exception):
    """Letters were written or deleted during every try of a recount."""

    def __init__(self, tries: int) -> None:
        super().__init__(f"the dead letters kept changing while they were counted ({tries} tries): try again "
                         "when fewer are being written")


def tally(entries: Iterable[tuple[bytes, Mapping[bytes, bytes]]], prefix: str
          ) -> tuple[dict[str, int], dict[str, str]]:
    """The letters ``entries`` (id, fields) counted by origin, and the origin of each letter without an origin
    field, under its id. Pure."""
    counts: dict[str, int] = {}
    later: dict[str, str] = {}
    for entry_id, fields in entries:
        name = origin_of_fields(fields, prefix)
        counts[name] = counts.get(name, 0) + 1
        if ORIGIN_FIELD.encode() not in fields:
            later[as_text(entry_id)] = name
    return counts, later


def changed_counts(before: Mapping[Any, Any], after: Mapping[str, int]) -> list[tuple[str, int, int]]:
    """The origins whose count differs between ``before`` (as read: bytes or text) and ``after``: (origin,
    before, after), by name. Pure."""
    was = {as_text(name): int(n) for name, n in before.items()}
    return [(name, was.get(name, 0), after.get(name, 0)) for name in sorted(was.keys() | after.keys())
            if was.get(name, 0) != after.get(name, 0)]


async def recount_letters(client: aioredis.Redis, letters_key: str, *, tries: int = RECOUNT_TRIES,
                          before_writing: Callable[[], Awaitable[None]] | None = None
                          ) -> tuple[int, list[tuple[str, int, int]]]:
    """Rebuild the counts of ``letters_key`` and their bookkeeping from its letters; ``before_writing`` runs
    between reading them and writing the counts (where a writer may slip in). Returns how many letters there are
    and the counts changed (:func:`changed_counts`); raises :class:`QueueKeptChanging` after ``tries`` tries."""
    prefix = letters_key.removesuffix(DEAD_LETTERS)
    counts, later = counts_key(letters_key), counted_later_key(letters_key)
    counted_to = prefix + DEAD_LETTERS_COUNTED_TO
    async with client.pipeline(transaction=True) as pipe:
        for _ in range(tries):
            try:
                await pipe.watch(letters_key)
                total, newest, after, origins_kept = await _tally_every_letter(pipe, letters_key, prefix)
                before = await pipe.hgetall(counts)
                if before_writing is not None:
                    await before_writing()
                pipe.multi()
                pipe.delete(counts, later, counted_to)
                if after:
                    pipe.hset(counts, mapping=after)
                if origins_kept:
                    pipe.hset(later, mapping=origins_kept)
                if newest is not None:
                    pipe.set(counted_to, newest)
                await pipe.execute()
                return total, changed_counts(before, after)
            except WatchError:
                continue
    raise QueueKeptChanging(tries)


async def _tally_every_letter(pipe: Any, letters_key: str, prefix: str
                              ) -> tuple[int, str | None, dict[str, int], dict[str, str]]:
    """Every letter, read on ``pipe`` while it watches (each read runs at once) a chunk at a time, and
    :func:`tally`'d as it is read, so that only a chunk is held: how many there are, the newest's id (None for
    none), the counts by origin and the origins of the letters without a field."""
    counts: dict[str, int] = {}
    later: dict[str, str] = {}
    total, newest, lower = 0, None, "-"
    while chunk := await pipe.xrange(letters_key, min=lower, max="+", count=RECOUNT_CHUNK):
        chunk_counts, chunk_later = tally(chunk, prefix)
        for name, n in chunk_counts.items():
            counts[name] = counts.get(name, 0) + n
        later |= chunk_later
        total, newest = total + len(chunk), as_text(chunk[-1][0])
        if len(chunk) < RECOUNT_CHUNK:
            break
        lower = "(" + newest
    return total, newest, counts, later
