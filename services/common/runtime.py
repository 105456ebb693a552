"""The Redis connection of one service."""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.exceptions import (AuthenticationError, BusyLoadingError, ConnectionError, InvalidResponse, ResponseError,
                              TimeoutError)

from .answer_bound import BoundedPool
from .errors import StartupError
from .redis_writes import WritesRefused, keyspace_needed, replica_refusal, write_refusal
from .settings import Settings
from .streams import Streams

log = logging.getLogger(__name__)
_NOT_YET = (ConnectionError, TimeoutError, BusyLoadingError, OSError)  # down, starting, or loading its data


class RedisUnavailable(StartupError):
    """Redis did not answer within the wait (one line, without credentials); ``reason`` is the last error and
    ``wait`` the seconds waited, for a command to tell it in its own words."""

    def __init__(self, message: str, *, reason: str = "", wait: float = 0.0) -> None:
        super().__init__(message)
        self.reason, self.wait = reason, wait


class RedisRefusedCredentials(StartupError):
    """Redis answered and refused the credentials of REDIS_URL: no wait mends that (one line, without them);
    ``reason`` is Redis's answer."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class NotRedis(StartupError):
    """The server at REDIS_URL answered in another protocol than Redis's (another service's port): no wait mends
    that (one line, without credentials); ``reason`` is redis-py's account of the answer."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


NOT_REDIS = "answered as no Redis server does"
NOT_REDIS_ADVICE = "another program listens there, not Redis: set REDIS_URL to a Redis server's address"


COMMAND_WAIT_SECONDS = 3.0  # a command a person runs waits this long for Redis, not a service's minute
POOL_WAIT_SECONDS = 30.0  # how long a command waits for a free connection before it fails (an HTTP request: its bound)
# A command Redis does not answer within this fails with TimeoutError (an HTTP read: a 503 with Retry-After) rather
# than hang while Redis is frozen; none of ours blocks on the server (no BLOCK, no BLPOP).
COMMAND_TIMEOUT_SECONDS = 5.0
FIRST_NOTICE_SECONDS, NOTICE_EVERY_SECONDS = 2.0, 10.0  # "waiting for Redis" while a service waits


def for_a_command(settings: Settings) -> Settings:
    """``settings`` for a command-line run: a Redis that does not answer is reported within seconds."""
    return settings.model_copy(update={"redis_wait_seconds": min(settings.redis_wait_seconds, COMMAND_WAIT_SECONDS)})


def command_client(url: str, *, max_connections: int) -> aioredis.Redis:
    """A service's client of the Redis at ``url``, not yet connected: each command waits
    :data:`COMMAND_TIMEOUT_SECONDS` for its answer, or an HTTP request's shorter bound
    (:mod:`~services.common.answer_bound`)."""
    # A blocking pool: a burst (a thousand reminders due at one second) waits for a free connection
    # instead of failing with "too many connections".
    pool = BoundedPool.from_url(url, max_connections=max_connections, timeout=POOL_WAIT_SECONDS,
                                socket_timeout=COMMAND_TIMEOUT_SECONDS)
    return aioredis.Redis(connection_pool=pool)


class Runtime:
    """The Redis connection of one service, opened at startup."""

    def __init__(self, settings: Settings, *, source: str) -> None:
        self.settings, self.source = settings, source
        self._streams: Streams | None = None

    @property
    def opened(self) -> bool:
        return self._streams is not None

    @property
    def streams(self) -> Streams:
        if self._streams is None:
            raise RuntimeError(f"{self.source}: not started")
        return self._streams

    async def open(self) -> Streams:
        """Connect, waiting up to ``redis_wait_seconds`` for a Redis that is not up yet (started together
        with the services, or loading its data after a restart). Past that, a one-line
        :class:`RedisUnavailable`."""
        url = self.settings.require_redis_url()
        client = command_client(url, max_connections=self.settings.redis_max_connections)
        try:
            await _answered(client, where=_where(url), wait=self.settings.redis_wait_seconds, source=self.source)
        except BaseException:
            await client.aclose()
            raise
        self._streams = Streams(client, prefix=self.settings.prefix, maxlen=self.settings.stream_maxlen,
                                source=self.source)
        return self._streams

    async def close(self) -> None:
        if self._streams is not None:
            await self._streams.client.aclose()
            await self._streams.client.connection_pool.disconnect()
            self._streams = None

    async def ping(self) -> None:
        """Raises unless Redis answers and takes writes (:mod:`~services.common.redis_writes`): a PING, refused
        with MISCONF while a failed save stops writes, then ``INFO memory`` (and ``INFO keyspace`` when over its
        maxmemory under an evicting policy) and ``INFO replication``; never a write of its own."""
        client = self.streams.client
        await client.ping()
        memory = await client.info("memory")
        refusal = write_refusal(memory, await client.info("keyspace") if keyspace_needed(memory) else None)
        replication = await client.info("replication")
        if refusal is None and replication.get("role") == "slave":
            refusal = replica_refusal(replication, read_only=await _replica_read_only(client))
        if refusal is not None:
            raise WritesRefused(refusal)


async def _replica_read_only(client: aioredis.Redis) -> bool:
    """A replica's ``replica-read-only``; taken as yes, Redis's default, where CONFIG is not allowed (a managed
    Redis, a user without the permission)."""
    try:
        answer = await client.config_get("replica-read-only")
    except ResponseError:
        return True
    return answer.get("replica-read-only") != "no"


async def _answered(client: aioredis.Redis, *, where: str, wait: float, source: str) -> None:
    start = time.monotonic()
    deadline = start + wait
    # The first notice after a couple of seconds: a short wait that ends in the error says it all, in one line.
    delay, said = 0.1, start - NOTICE_EVERY_SECONDS + FIRST_NOTICE_SECONDS
    while True:
        try:
            # bounded by what is left of the wait: a frozen Redis would hold a PING the command timeout (5 s)
            await asyncio.wait_for(client.ping(), timeout=max(deadline - time.monotonic(), 0.05))
            return
        except AuthenticationError as exc:  # a ConnectionError to redis-py, but Redis did answer
            reason = _first_line(exc)
            raise RedisRefusedCredentials(
                f"{source}: Redis at {where} refused the credentials in REDIS_URL ({reason}): put its "
                "user and password in REDIS_URL (redis://USER:PASSWORD@HOST:PORT/DB)", reason=reason) from None
        except InvalidResponse as exc:  # bytes that are no Redis reply: NATS's greeting, an HTTP server's 400
            reason = _first_line(exc)
            raise NotRedis(f"{source}: Redis at {where} {NOT_REDIS} ({reason}): {NOT_REDIS_ADVICE}",
                           reason=reason) from None
        except _NOT_YET as exc:
            now = time.monotonic()
            reason = _first_line(exc)
            if now >= deadline:
                raise RedisUnavailable(
                    f"{source}: Redis at {where} did not answer within {wait:g} s ({reason}): start it, "
                    "or point REDIS_URL at one that runs", reason=reason, wait=wait) from None
            if now - said >= NOTICE_EVERY_SECONDS:
                log.warning("%s: waiting for Redis at %s (%s)", source, where, reason)
                said = now
            await asyncio.sleep(min(delay, max(0.0, deadline - now)))
            delay = min(delay * 2, 2.0)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _where(url: str) -> str:
    """host:port of a Redis URL, without its credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}" if parts.scheme != "unix" else parts.path
