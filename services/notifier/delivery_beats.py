"""The delivery processes' heartbeats in Redis (:mod:`.delivery_presence` judges them): each writes its own while it
runs and takes it out when it stops; the notifier's leader and ``pledgewatch status`` read them all. Each beat's
time is Redis's clock as it was written, and is judged against Redis's clock as it is read
(:mod:`services.common.redis_clock`): the hosts' wall clocks, which may differ, play no part."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from redis.exceptions import RedisError

from services.common.heartbeats import beat_every
from services.common.redis_clock import redis_now, time_seconds
from services.common.streams import Streams, as_text
from services.common.tasks import cancel_and_wait

from .delivery_presence import KEY, beat_text, gone, parse_beats

log = logging.getLogger(__name__)

KEEP_SECONDS = 3600  # the hash goes an hour after the last beat of any delivery process


class DeliveryBeat:
    """One delivery process's heartbeat, under its consumer name, every ``every`` seconds from :meth:`start`."""

    def __init__(self, streams: Streams, consumer: str, *, every: float) -> None:
        self.client, self.key, self.consumer, self.every = streams.client, streams.key(KEY), consumer, every
        self._task: asyncio.Task[None] | None = None

    async def beat(self) -> None:
        at = await redis_now(self.client)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(self.key, self.consumer, beat_text(os.getpid(), at))
            pipe.expire(self.key, KEEP_SECONDS)
            await pipe.execute()

    def start(self) -> None:
        self._task = asyncio.create_task(self._every_while(), name="delivery-heartbeat")

    async def stop(self) -> None:
        """No longer beating, and its beat taken out: a delivery process stopped is not taken for live."""
        if self._task is None:
            return
        await cancel_and_wait([self._task], what="the delivery process's heartbeat")
        self._task = None
        try:
            await self.client.hdel(self.key, self.consumer)
        except (RedisError, OSError) as exc:  # taken for gone once it is old
            log.warning("could not take the heartbeat of delivery process %s out: %s", self.consumer, exc)

    async def _every_while(self) -> None:
        await beat_every(self.beat, self.every, whose=f"delivery process {self.consumer}")


async def read_beats(client: Any, key: str) -> tuple[dict[str, float], float]:
    """Each delivery process's last beat (consumer -> epoch seconds on Redis's clock) in the hash at ``key``, and
    Redis's clock as they were read: the ``now`` to judge them at."""
    async with client.pipeline(transaction=False) as pipe:  # no MULTI: a Redis at its maxmemory refuses even reads
        pipe.hgetall(key)
        pipe.time()
        fields, now = await pipe.execute()
    return beats_of(fields), time_seconds(now)


def beats_of(fields: dict[Any, Any]) -> dict[str, float]:
    """The beats of the hash's fields as redis-py reads them (bytes or text)."""
    return parse_beats({as_text(k): as_text(v) for k, v in fields.items()})


async def forget_gone(client: Any, key: str, *, limit: float) -> list[str]:
    """Take out of the hash at ``key`` the heartbeats older than ``limit`` seconds on Redis's clock (delivery
    processes killed, which could not take theirs out); returns their consumer names. A process beating meanwhile
    under one of those names writes its beat again within a heartbeat. Redis failing, they are left, and a warning
    logged."""
    try:
        beats, now = await read_beats(client, key)
        names = gone(beats, now=now, limit=limit)
        if names:
            await client.hdel(key, *names)
    except (RedisError, OSError) as exc:
        log.warning("could not take out the heartbeats of delivery processes gone: %s", exc)
        return []
    return names
