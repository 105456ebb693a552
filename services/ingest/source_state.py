"""What ingest remembers about each source, in Redis, shared by restarts and replicas.

- ``ingest:source:<name>``: the feed's ETag and Last-Modified for conditional GET, and how many answers were read.
- ``ingest:source:<name>:seen``: entry key -> fingerprint of the entries already ingested, and the release id each
  was published under: ``<fingerprint> <release id>``, ``<fingerprint> -`` for none known (refused), a fingerprint
  alone as recorded before release ids were kept.
- ``ingest:source:<name>:listed``: entry key, scored by the number of the last answer that listed it.
- ``ingest:source:<name>:lease``: held by the replica polling the source right now.
- ``ingest:backfill:<source>:<query>``: the offset of the next unread Search API result, and the total.
- ``ingest:backfill:<source>:<query>:failed``: paths that failed, retried when the backfill resumes.

Each polled source's rhythm (when it published, a quiet spell) is kept apart: :mod:`.source_rhythm`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.streams import Streams

# How many entries missing from a feed's latest answer are still remembered (those listed most recently). A feed
# that comes back empty or cut short for a poll or two (a publisher's CMS hiccup) would otherwise have every entry
# it left out read again when it returns, and each refused one dead-lettered again; a feed that rotates thousands
# of entries keeps no more than its current ones and these.
ABSENT_KEPT = 500


@dataclass(frozen=True)
class Seen:
    """A feed entry already ingested: the feed's view of it then, and the release it was published as."""

    fingerprint: str
    release_id: str | None = None  # None: refused, or its release not known
    recorded_before_ids: bool = False  # written before release ids were kept: its release not looked for yet

    def encode(self) -> str:
        return f"{self.fingerprint} {self.release_id or '-'}"  # no release id is "-" (nor holds a space)

    @classmethod
    def decode(cls, value: bytes) -> Seen:
        fingerprint, space, release_id = value.decode().partition(" ")
        if not space:
            return cls(fingerprint, recorded_before_ids=True)
        return cls(fingerprint, None if release_id == "-" else release_id)


class SourceState:
    def __init__(self, streams: Streams, name: str, *, absent_kept: int = ABSENT_KEPT) -> None:
        self.streams, self.name, self.absent_kept = streams, name, absent_kept
        self._key = streams.key(f"ingest:source:{name}")
        self._token = uuid.uuid4().hex

    async def validators(self) -> tuple[str | None, str | None]:
        """The feed's ``ETag`` and ``Last-Modified`` to ask with; none when saved by a version that kept no
        release ids (no ``ids`` mark): a ``304`` would then list no entry, and an entry recorded before learns
        its release only at a poll that lists it."""
        etag, modified, ids = await self.streams.client.hmget(self._key, "etag", "last_modified", "ids")
        if ids is None:
            return None, None
        return (etag.decode() if etag else None, modified.decode() if modified else None)

    async def save_validators(self, etag: str | None, last_modified: str | None) -> None:
        client = self.streams.client
        await client.hdel(self._key, "etag", "last_modified")
        mapping = {k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v}
        if mapping:
            await client.hset(self._key, mapping={**mapping, "ids": "1"})

    async def seen(self, keys: list[str]) -> dict[str, Seen]:
        if not keys:
            return {}
        values = await self.streams.client.hmget(f"{self._key}:seen", keys)
        return {k: Seen.decode(v) for k, v in zip(keys, values) if v is not None}

    async def mark_seen(self, done: Mapping[str, Seen], *, listed: list[str] | None) -> None:
        """Record ingested entries (key -> what was seen) and that the feed's answer lists ``listed``; forget all
        entries but those and the ``absent_kept`` listed most recently before. ``listed`` None: an older page of
        the feed (a backfill's), whose entries are recorded only, for as long as the next poll keeps them: what the
        feed's answer lists is left as it was."""
        client, seen, last_listed = self.streams.client, f"{self._key}:seen", f"{self._key}:listed"
        if listed is None:
            if done:
                await client.hset(seen, mapping={key: entry.encode() for key, entry in done.items()})
            return
        answer = await client.hincrby(self._key, "answers", 1)
        async with client.pipeline(transaction=True) as pipe:
            if done:
                pipe.hset(seen, mapping={key: entry.encode() for key, entry in done.items()})
            if listed:
                pipe.zadd(last_listed, dict.fromkeys(listed, answer))
            pipe.zremrangebyrank(last_listed, 0, -(len(set(listed)) + self.absent_kept) - 1)
            pipe.zrange(last_listed, 0, -1)
            pipe.hkeys(seen)
            *_, kept, known = await pipe.execute()
        stale = set(known) - set(kept)
        if stale:
            await client.hdel(seen, *stale)

    async def acquire(self, seconds: float) -> bool:
        """Take the poll lease for ``seconds`` unless another replica holds it."""
        ms = max(1, int(seconds * 1000))
        return bool(await self.streams.client.set(f"{self._key}:lease", self._token, nx=True, px=ms))


class BackfillCursor:
    def __init__(self, streams: Streams, query_key: str) -> None:
        self.streams = streams
        self._key = streams.key(f"ingest:backfill:{query_key}")

    async def load(self) -> tuple[int, int | None]:
        """(offset of the next unread result, total seen last time or None)."""
        start, total = await self.streams.client.hmget(self._key, "start", "total")
        return int(start or 0), (int(total) if total is not None else None)

    async def advance(self, start: int, total: int, failed: list[str]) -> None:
        async with self.streams.client.pipeline(transaction=True) as pipe:
            pipe.hset(self._key, mapping={"start": start, "total": total})
            if failed:
                pipe.sadd(f"{self._key}:failed", *failed)
            await pipe.execute()

    async def failed(self) -> list[str]:
        return sorted(p.decode() for p in await self.streams.client.smembers(f"{self._key}:failed"))

    async def clear_failed(self, paths: list[str]) -> None:
        if paths:
            await self.streams.client.srem(f"{self._key}:failed", *paths)

    async def reset(self) -> None:
        await self.streams.client.delete(self._key, f"{self._key}:failed")
