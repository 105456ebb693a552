"""What ingest remembers about each source, in Redis, shared by restarts and replicas.

- ``ingest:source:<name>``: the feed's ETag and Last-Modified for conditional GET.
- ``ingest:source:<name>:seen``: entry key -> fingerprint of the entries already ingested.
- ``ingest:source:<name>:lease``: held by the replica polling the source right now.
- ``ingest:backfill:<source>:<query>``: the offset of the next unread Search API result, and the total.
- ``ingest:backfill:<source>:<query>:failed``: paths that failed, retried when the backfill resumes.

Each polled source's rhythm (when it published, a quiet spell) is kept apart: :mod:`.source_rhythm`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from services.common.streams import Streams


class SourceState:
    def __init__(self, streams: Streams, name: str) -> None:
        self.streams, self.name = streams, name
        self._key = streams.key(f"ingest:source:{name}")
        self._token = uuid.uuid4().hex

    async def validators(self) -> tuple[str | None, str | None]:
        etag, modified = await self.streams.client.hmget(self._key, "etag", "last_modified")
        return (etag.decode() if etag else None, modified.decode() if modified else None)

    async def save_validators(self, etag: str | None, last_modified: str | None) -> None:
        client = self.streams.client
        await client.hdel(self._key, "etag", "last_modified")
        mapping = {k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v}
        if mapping:
            await client.hset(self._key, mapping=mapping)

    async def seen(self, keys: list[str]) -> dict[str, str]:
        if not keys:
            return {}
        values = await self.streams.client.hmget(f"{self._key}:seen", keys)
        return {k: v.decode() for k, v in zip(keys, values) if v is not None}

    async def mark_seen(self, fingerprints: Mapping[str, str], *, keep: list[str]) -> None:
        """Record ingested entries and forget those no longer in the feed."""
        client, key = self.streams.client, f"{self._key}:seen"
        if fingerprints:
            await client.hset(key, mapping=dict(fingerprints))
        stale = [k.decode() for k in await client.hkeys(key) if k.decode() not in set(keep)]
        if stale:
            await client.hdel(key, *stale)

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
