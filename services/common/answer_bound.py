"""How long an HTTP request waits on Redis for an answer: past its bound, a 503 saying Redis is not answering.

While Redis takes connections and answers nothing (frozen: stopped with SIGSTOP, or its host gone), a command
waits out the client's socket timeout (:data:`~services.common.runtime.COMMAND_TIMEOUT_SECONDS`, 5 s) before it
fails. Someone at the API or the dashboard should not wait that long, nor should every later request of theirs.
So the HTTP server applies an :class:`AnswerBound` to each request it serves (:meth:`AnswerBound.applied`), and
the services' pools (:class:`BoundedPool`) and their connections honour it:

- a reply not read within ``seconds`` fails with :class:`RedisNotAnswering` (the command was sent: it may have been
  carried out), a connection not made in it (nor its handshake answered) with :class:`RedisNotConnected` (nothing
  was sent), the connection dropped as a socket timeout drops it; either way the bound's
  :class:`~services.common.breaker.Breaker` opens;
- a free connection of the pool not had within ``seconds`` (its connections all held, by the consumers waiting out
  a frozen Redis or by a burst) fails with :class:`RedisConnectionsInUse` rather than wait out the pool's own
  timeout; nothing was sent, and the breaker stays as it was;
- while the breaker is open a command or pipeline is not sent at all (:class:`RedisNotAsked`: the pool lends it
  no connection), so that requests do not pile up on Redis each waiting ``seconds``; one per cool-down is let
  through to find whether Redis answers again (a connection it makes, handshake and all, is part of it).

The bound is a context variable so that it holds for whatever store a route's commands go through, and for none of
the consumers' commands on the same pools, which keep the command timeout.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from redis.asyncio.connection import AbstractConnection, BlockingConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .breaker import Breaker

log = logging.getLogger(__name__)

COOL_DOWN_SECONDS = 5.0  # Redis found not answering is asked again this long after, by one request
_BOUND: ContextVar[AnswerBound | None] = ContextVar("redis_answer_bound", default=None)
# A request's wait for a free connection of the pool, ended once one is lent (before it is connected)
_FREE_CONNECTION_WAIT: ContextVar[asyncio.Timeout | None] = ContextVar("free_connection_wait", default=None)


class RedisNotAnswering(RedisTimeoutError):
    """A command was sent and its reply had not come within the bound: it may have been carried out."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Redis is not answering (no answer within {seconds:g} s)")


class RedisNotAsked(RedisConnectionError):
    """A command was not sent: Redis answered nothing within the bound lately (the breaker is open)."""

    def __init__(self, seconds: float, cool_down: float) -> None:
        super().__init__(f"Redis is not answering (none within {seconds:g} s lately; asked again every "
                         f"{cool_down:g} s)")


class RedisNotConnected(RedisConnectionError):
    """A command was not sent: no connection to Redis was made within the bound (it takes none, or answers
    nothing of the handshake)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Redis is not answering (no connection made within {seconds:g} s)")


class RedisConnectionsInUse(RedisConnectionError):
    """A command was not sent: every connection of the pool was in use for the whole bound."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"all connections to Redis are in use (none free within {seconds:g} s)")


def may_have_been_done(exc: BaseException) -> bool:
    """Whether the command ``exc`` stopped may yet be carried out by Redis: sent and not answered (a timeout), not
    one never sent (no connection made or free within the bound, the breaker open: connection errors)."""
    return isinstance(exc, RedisTimeoutError)


def not_answering(exc: BaseException) -> bool:
    """Whether ``exc`` is an HTTP request's bound at work (its text says so), not another Redis failure."""
    return isinstance(exc, RedisNotAnswering | RedisNotAsked | RedisNotConnected | RedisConnectionsInUse)


class AnswerBound:
    """``seconds`` for each reply of Redis to a request's command, then not asking it for ``cool_down``."""

    def __init__(self, seconds: float, *, cool_down: float = COOL_DOWN_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock = seconds, clock
        self.breaker = Breaker(cool_down)

    @contextmanager
    def applied(self) -> Iterator[None]:
        """The bound on the Redis commands made inside the block (and by the tasks it starts)."""
        token = _BOUND.set(self)
        try:
            yield
        finally:
            _BOUND.reset(token)

    def admit(self) -> None:
        """Nothing, or :class:`RedisNotAsked` while the breaker keeps Redis from being asked."""
        if not self.breaker.allows(self.clock()):
            raise RedisNotAsked(self.seconds, self.breaker.cool_down)

    def answered(self) -> None:
        if not self.breaker.closed:
            log.info("Redis answers HTTP requests again")
        self.breaker.succeeded()

    def unanswered(self) -> None:
        if self.breaker.closed:
            log.warning("Redis gave no answer within %g s: HTTP requests needing it are answered 503 at once, and "
                        "it is asked again every %g s", self.seconds, self.breaker.cool_down)
        self.breaker.failed(self.clock())


class _BoundedConnection(AbstractConnection):
    """A connection honouring the :class:`AnswerBound` of the request it serves, if any."""

    async def read_response(self, disable_decoding: bool = False, timeout: float | None = None,
                            **options: Any) -> Any:
        bound = _BOUND.get()
        if bound is None or timeout is not None:  # a read given its own timeout (PubSub) keeps it
            return await super().read_response(disable_decoding, timeout, **options)
        try:
            async with asyncio.timeout(bound.seconds):  # cancelled, the read drops its connection
                answer = await super().read_response(disable_decoding, timeout, **options)
        except TimeoutError:  # the built-in one, of the bound: redis-py raises its own for the socket timeout
            bound.unanswered()
            raise RedisNotAnswering(bound.seconds) from None
        bound.answered()
        return answer

    async def connect_check_health(self, check_health: bool = True, retry_socket_connect: bool = True) -> None:
        bound = _BOUND.get()
        if bound is None or self.is_connected:
            return await super().connect_check_health(check_health, retry_socket_connect)
        try:
            # a Redis taking no connection (its queue of them full) holds a connect for the command timeout
            async with asyncio.timeout(bound.seconds):
                await super().connect_check_health(check_health, retry_socket_connect)
        except TimeoutError:
            bound.unanswered()
            raise RedisNotConnected(bound.seconds) from None


@functools.cache
def bounded_connections(connection_class: type[AbstractConnection]) -> type[AbstractConnection]:
    """``connection_class`` (TCP, TLS or Unix socket, as a pool chose it from its URL) honouring the bound."""
    return type(f"Bounded{connection_class.__name__}", (_BoundedConnection, connection_class), {})


class BoundedPool(BlockingConnectionPool):
    """A blocking pool whose connections honour the bound of the request they serve, and which lends none to a
    request while its breaker keeps Redis from being asked: one decision per command or pipeline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection_class = bounded_connections(self.connection_class)

    async def get_connection(self, *args: Any, **kwargs: Any) -> AbstractConnection:
        if (bound := _BOUND.get()) is None:
            return await super().get_connection(*args, **kwargs)
        bound.admit()
        token = _FREE_CONNECTION_WAIT.set(wait := asyncio.timeout(bound.seconds))
        try:
            async with wait:
                return await super().get_connection(*args, **kwargs)
        except TimeoutError:
            # Not the breaker's to open: a full pool says the service's consumers hold its connections (waiting out
            # a frozen Redis, or only busy), not that Redis fails to answer; a request that does get one finds out.
            raise RedisConnectionsInUse(bound.seconds) from None
        finally:
            _FREE_CONNECTION_WAIT.reset(token)

    async def ensure_connection(self, connection: AbstractConnection) -> None:
        # Called once the pool has lent the connection: the wait for a free one is over, and connecting it (if it
        # must) has a bound of its own (:meth:`_BoundedConnection.connect_check_health`).
        if (wait := _FREE_CONNECTION_WAIT.get()) is not None and not wait.expired():
            wait.reschedule(None)
        await super().ensure_connection(connection)
