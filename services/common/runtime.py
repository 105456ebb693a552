"""The Redis connection of one service."""

from __future__ import annotations

import redis.asyncio as aioredis

from .settings import Settings
from .streams import Streams


class Runtime:
    """The Redis connection of one service, opened at startup."""

    def __init__(self, settings: Settings, *, source: str) -> None:
        self.settings, self.source = settings, source
        self._streams: Streams | None = None

    @property
    def streams(self) -> Streams:
        if self._streams is None:
            raise RuntimeError(f"{self.source}: not started")
        return self._streams

    async def open(self) -> Streams:
        client = aioredis.Redis.from_url(self.settings.require_redis_url())
        await client.ping()
        self._streams = Streams(client, prefix=self.settings.prefix, maxlen=self.settings.stream_maxlen,
                                source=self.source)
        return self._streams

    async def close(self) -> None:
        if self._streams is not None:
            await self._streams.client.aclose()
            self._streams = None

    async def ping(self) -> None:
        await self.streams.client.ping()
