"""Which refused release files' dead letters are of a file read fine since: once a refused file is read fine
(published, or found as published), ingest keeps the ids of its letters still there under its path, until it is
refused again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis
import redis.asyncio as aioredis

from schemas.streams import READ_FINE_LETTERS, REFUSED_FILES
from services.common.streams import as_text

from .dead_letters import FILE_ORIGIN, Letter, Unreadable


async def read_fine_since(client: aioredis.Redis, prefix: str, items: Sequence[Letter | Unreadable]) -> set[str]:
    """The ids of the letters among ``items`` (a page) of a release file read fine since (and not refused again
    since), in one round trip."""
    paths = _file_paths(items)
    if not paths:
        return set()
    chosen = sorted(set(paths.values()))
    async with client.pipeline(transaction=True) as pipe:
        _ask(pipe, prefix, chosen)
        fine, refused = await pipe.execute()
    return _fine_ids(paths, chosen, fine, refused)


def read_fine_since_now(client: redis.Redis, prefix: str, items: Sequence[Letter | Unreadable]) -> set[str]:
    """:func:`read_fine_since` with the synchronous client (``pledgewatch status``)."""
    paths = _file_paths(items)
    if not paths:
        return set()
    chosen = sorted(set(paths.values()))
    with client.pipeline(transaction=True) as pipe:
        _ask(pipe, prefix, chosen)
        fine, refused = pipe.execute()
    return _fine_ids(paths, chosen, fine, refused)


def _file_paths(items: Sequence[Letter | Unreadable]) -> dict[str, str]:
    """The refused file each letter of a release file among ``items`` names, by letter id."""
    return {item.id: item.letter.stream.removeprefix(FILE_ORIGIN) for item in items
            if isinstance(item, Letter) and item.letter.stream.startswith(FILE_ORIGIN)}


def _ask(pipe: Any, prefix: str, chosen: list[str]) -> None:
    pipe.hmget(prefix + READ_FINE_LETTERS, chosen)
    pipe.hmget(prefix + REFUSED_FILES, chosen)


def _fine_ids(paths: dict[str, str], chosen: list[str], fine: list[Any], refused: list[Any]) -> set[str]:
    fine_since = {path: as_text(ids).split() for path, ids, now in zip(chosen, fine, refused) if ids and not now}
    return {letter_id for letter_id, path in paths.items() if letter_id in fine_since.get(path, ())}
