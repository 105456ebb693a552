"""Which refused release files' dead letters are of a file read fine since: once a refused file is read fine
(published, or found as published), ingest keeps the ids of its letters still there under its path, until it is
refused again."""

from __future__ import annotations

from collections.abc import Sequence

import redis.asyncio as aioredis

from schemas.streams import READ_FINE_LETTERS, REFUSED_FILES
from services.common.streams import as_text

from .dead_letters import FILE_ORIGIN, Letter, Unreadable


async def read_fine_since(client: aioredis.Redis, prefix: str, items: Sequence[Letter | Unreadable]) -> set[str]:
    """The ids of the letters among ``items`` (a page) of a release file read fine since (and not refused again
    since), in one round trip."""
    paths = {item.id: item.letter.stream.removeprefix(FILE_ORIGIN) for item in items
             if isinstance(item, Letter) and item.letter.stream.startswith(FILE_ORIGIN)}
    if not paths:
        return set()
    chosen = sorted(set(paths.values()))
    async with client.pipeline(transaction=True) as pipe:
        pipe.hmget(prefix + READ_FINE_LETTERS, chosen)
        pipe.hmget(prefix + REFUSED_FILES, chosen)
        fine, refused = await pipe.execute()
    fine_since = {path: as_text(ids).split() for path, ids, now in zip(chosen, fine, refused) if ids and not now}
    return {letter_id for letter_id, path in paths.items() if letter_id in fine_since.get(path, ())}
