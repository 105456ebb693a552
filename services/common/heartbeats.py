"""The heartbeats of ``pledgewatch run --workers N``: each process says, through Redis, that it still runs.

Every process of the run (worker 1, the run's own, and workers 2..N) writes its pid, the time, its build (release
and commit: a worker started again after the checkout moved on runs another) and how many beats it has written to
its field (its number) of one hash of the run, ``workers:beats:<the run's consumer name>``, every
``PLEDGEWATCH_HEARTBEAT_SECONDS``, from its event loop: a process killed, crashed or hung (its loop held, or
stopped with SIGSTOP) stops writing. The run's ``/healthz`` and ``pledgewatch status`` read the hash and judge
each process (:mod:`.worker_liveness`). The run clears the hash when it starts; it goes an hour after the last
write. The times are the processes' wall clocks, all on the machine of the run; the run itself times silence by
when it sees a beat change, on its monotonic clock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable

from redis.exceptions import RedisError

from pledgewatch.build_info import this_build

from .outages import UNREACHABLE, OutageNotices
from .streams import Streams, as_text
from .tasks import cancel_and_wait
from .worker_liveness import Beat, beat_text, parse_beats

log = logging.getLogger(__name__)

HASH_NAME = "workers:beats"
KEEP_SECONDS = 3600


def hash_name(run_consumer: str) -> str:
    """The hash of one run's beats (runs on one Redis each have a consumer name of their own)."""
    return f"{HASH_NAME}:{run_consumer}"


class Heartbeat:
    """One process's beats: written every ``every`` seconds from :meth:`start` until :meth:`stop`."""

    def __init__(self, streams: Streams, run_consumer: str, number: int, *, every: float) -> None:
        self.streams, self.number, self.every = streams, number, every
        self.key = streams.key(hash_name(run_consumer))
        self._task: asyncio.Task[None] | None = None
        self._count = 0
        self.build = this_build()

    async def beat(self) -> None:
        self._count += 1
        async with self.streams.client.pipeline(transaction=False) as pipe:
            pipe.hset(self.key, str(self.number), beat_text(Beat(pid=os.getpid(), at=time.time(), count=self._count,
                                                                 release=self.build.release, commit=self.build.commit)))
            pipe.expire(self.key, KEEP_SECONDS)
            await pipe.execute()

    def start(self) -> None:
        self._task = asyncio.create_task(self._every_while(), name=f"heartbeat-{self.number}")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task], what=f"heartbeat of worker {self.number}")
            self._task = None

    async def _every_while(self) -> None:
        await beat_every(self.beat, self.every, whose=f"worker {self.number}")


async def beat_every(beat: Callable[[], Awaitable[None]], every: float, *, whose: str) -> None:
    """``beat()`` every ``every`` seconds until cancelled; a Redis away told as an outage, another failure logged,
    and the next beat tried all the same."""
    outage = OutageNotices(f"writing the heartbeat of {whose}")
    while True:
        try:
            await beat()
        except UNREACHABLE as exc:
            outage.failed(exc)
        except RedisError as exc:
            log.warning("could not write the heartbeat of %s: %s", whose, exc)
        else:
            outage.recovered()
        await asyncio.sleep(every)


class Beats:
    """The run's side: the hash cleared at its start, and read."""

    def __init__(self, streams: Streams, run_consumer: str) -> None:
        self.streams = streams
        self.key = streams.key(hash_name(run_consumer))

    async def clear(self) -> None:
        """At the run's start: the last run's processes are none of this one's."""
        await self.streams.client.delete(self.key)

    async def read(self) -> dict[int, Beat]:
        fields = await self.streams.client.hgetall(self.key)
        return parse_beats({as_text(k): as_text(v) for k, v in fields.items()})
