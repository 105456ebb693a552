"""How many wrong API tokens each client has sent lately, to refuse one that keeps guessing.

A client's window opens at its first wrong token; once it has sent ``limit`` wrong tokens in it, every request
of its needing the token is refused (429, Retry-After) until the window ends, the right token included: a
refusal that let a right token through would tell a right guess from a wrong one. The API's token check and
the dashboard's sign-in form count into the same limit (:class:`~services.common.http.HttpServer` holds one).

The counts are kept in Redis once the serving process has its connection (:meth:`WrongTokens.share`), one key
per client, ``<prefix>http:wrong-tokens:<client>``: a fixed window, counted up and given its expiry by one
script at the client's first wrong token, so that it ends with its window. Every process serving HTTP against
the same Redis (replicas behind one address, the API and the dashboard) counts into the same windows, and a
restart forgets none. While Redis cannot be reached, or answers nothing within :data:`REDIS_SECONDS` (frozen: it
takes the connection and never replies), a process counts in its own memory instead (logged once per outage at
WARNING, and once when it ends), for :data:`MAX_CLIENTS` clients at most (the least recently seen forgotten
first: about 2 MB when full): a guesser is still limited, by each process alone, and no right token is refused
for want of Redis. Redis found so is not asked again for :data:`COOL_DOWN_SECONDS`, then by one request
(:class:`~services.common.breaker.Breaker`): during an outage one request per cool-down waits on Redis, for
:data:`REDIS_SECONDS` at most, and the others not at all. A window counted in memory is still honoured once Redis
answers again, until it ends.

A client is its address as the server sees it (behind a trusted proxy, the address the proxy forwards); an IPv6
client is its /64 network, which a single host commonly holds whole.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from .bounded_wait import NoAnswer, within
from .breaker import Breaker

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 10
DEFAULT_WINDOW_SECONDS = 300.0
MAX_CLIENTS = 10_000
IPV6_NETWORK = 64
# A count or check Redis has not answered within this, while it answered no other either, is made in memory: far
# under its command timeout, which each request needing the token waited while Redis was frozen. Redis answers in
# a millisecond or a few; one answering others meanwhile is busy, not frozen, and is waited on.
REDIS_SECONDS = 0.5
# Counts and checks asked of Redis at once; more wait their turn. A burst of guesses would otherwise open a
# connection each, and opening sixty at once held them all for up to 0.4 s on a loaded machine.
REDIS_CALLS = 8
COOL_DOWN_SECONDS = 5.0  # Redis that failed or did not answer is asked again this long after, by one request
KEY = "http:wrong-tokens"  # under the settings' prefix; one key per client after it (":<client>")

# KEYS[1] the client's window; ARGV[1] the window in ms, ARGV[2] the limit. A wrong token from a client within
# the limit is counted, opening the window (its expiry) at the first: the window is not lengthened by later
# ones. {wrong, ms left, 1 if this is the window's first refusal}: ms left 0 when it was counted (answered 401),
# else the client is past the limit (answered 429, as a right token would be, and not counted again). A key
# without an expiry (never made so) is a window that has ended.
_COUNT = """
local wrong = tonumber(redis.call('HGET', KEYS[1], 'wrong') or '0')
if wrong >= tonumber(ARGV[2]) then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then
    return {wrong, left, redis.call('HSETNX', KEYS[1], 'told', 1)}
  end
  redis.call('DEL', KEYS[1])
end
wrong = redis.call('HINCRBY', KEYS[1], 'wrong', 1)
if wrong == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {wrong, 0, 0}
"""

# KEYS[1] the client's window; ARGV[1] the limit. {wrong, ms left, 1 if this is the window's first refusal}:
# ms left 0 while the client is under the limit (or has no window).
_CHECK = """
local wrong = tonumber(redis.call('HGET', KEYS[1], 'wrong') or '0')
if wrong < tonumber(ARGV[1]) then
  return {wrong, 0, 0}
end
local left = redis.call('PTTL', KEYS[1])
if left <= 0 then
  return {wrong, 0, 0}
end
return {wrong, left, redis.call('HSETNX', KEYS[1], 'told', 1)}
"""


def client_key(address: str) -> str:
    """The client an address counts as: itself, or for IPv6 its /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # no address ("?") or not an IP: counted as given
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_NETWORK), strict=False))
    return str(ip)


@dataclass(slots=True)
class _Window:
    opened: float  # when the client's first wrong token of this window came (clock seconds)
    wrong: int = 0
    told: bool = False  # its refusal is logged


class LocalWrongTokens:
    """Wrong tokens per client within a window, in this process's memory; ``limit`` 0: never refused."""

    def __init__(self, limit: int = DEFAULT_LIMIT, window_seconds: float = DEFAULT_WINDOW_SECONDS, *,
                 max_clients: int = MAX_CLIENTS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.max_clients, self.clock = limit, window_seconds, max_clients, clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def _current(self, client: str, now: float) -> _Window | None:
        window = self._windows.get(client)
        if window is not None and now - window.opened >= self.window:
            del self._windows[client]
            return None
        return window

    def retry_after(self, address: str) -> int | None:
        """Whole seconds (at least 1) until the client at ``address`` may send a token again, or None when it
        may now. The first refusal of a window is logged at WARNING."""
        client = client_key(address)
        now = self.clock()
        window = self._current(client, now)
        if window is None or window.wrong < self.limit or self.limit == 0:
            return None
        self._windows.move_to_end(client)
        wait = max(1, math.ceil(window.opened + self.window - now))
        if not window.told:
            window.told = True
            _refused(client, window.wrong, self.window, wait)
        return wait

    def wrong_token(self, address: str) -> None:
        """Counts a wrong token from the client at ``address``."""
        if self.limit == 0:
            return
        client = client_key(address)
        now = self.clock()
        window = self._current(client, now)
        if window is None:
            while len(self._windows) >= self.max_clients:
                self._windows.popitem(last=False)
            window = self._windows[client] = _Window(now)
        else:
            self._windows.move_to_end(client)
        window.wrong += 1


def _refused(client: str, wrong: int, window: float, wait: int) -> None:
    log.warning("%s: %d wrong API tokens within %g s: its requests needing the token are refused (429) for %d s",
                client, wrong, window, wait)


class WrongTokens:
    """Wrong tokens per client within a window: in Redis once :meth:`share` gave it one, in this process's
    memory before that and while Redis cannot be reached or does not answer within ``redis_seconds`` (then
    not asked again for ``cool_down_seconds``); ``limit`` 0: never refused."""

    def __init__(self, limit: int = DEFAULT_LIMIT, window_seconds: float = DEFAULT_WINDOW_SECONDS, *,
                 max_clients: int = MAX_CLIENTS, redis_seconds: float = REDIS_SECONDS,
                 cool_down_seconds: float = COOL_DOWN_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window = limit, window_seconds
        self.redis_seconds, self.clock = redis_seconds, clock
        self.local = LocalWrongTokens(limit, window_seconds, max_clients=max_clients, clock=clock)
        self.breaker = Breaker(cool_down_seconds)
        self._turns = asyncio.Semaphore(REDIS_CALLS)
        self._answered_at = -math.inf  # when Redis last answered a count or check (clock seconds)
        self._client: aioredis.Redis | None = None
        self._key = ""
        self._count: Any = None
        self._check: Any = None
        self._unreachable = False  # Redis failed the last time it was asked (logged once per outage)

    @property
    def shared(self) -> bool:
        return self._client is not None

    def share(self, client: aioredis.Redis, key: str) -> None:
        """Count in Redis through ``client`` from now on, a client's window at ``<key>:<client>`` (``key``:
        :data:`KEY` under the settings' prefix)."""
        self._client, self._key = client, key
        self._count, self._check = client.register_script(_COUNT), client.register_script(_CHECK)

    def key_of(self, address: str) -> str:
        return f"{self._key}:{client_key(address)}"

    async def retry_after(self, address: str) -> int | None:
        """Whole seconds (at least 1) until the client at ``address`` may send a token again, or None when it
        may now. The first refusal of a window is logged at WARNING, once whichever process refuses it."""
        if self.limit == 0:
            return None
        local = self.local.retry_after(address)  # a window counted while Redis could not be reached
        answer = await self._ask(self._check, keys=[self.key_of(address)], args=[self.limit])
        return local if answer is None else self._wait(address, local, *answer)

    async def wrong_token(self, address: str) -> int | None:
        """Counts a wrong token from the client at ``address``, and says as :meth:`retry_after` does whether it
        is past the limit: the count and the decision are one step, so that a burst of concurrent guesses gets
        no more 401s (tokens tested) than the limit, however many arrive before the first is counted."""
        if self.limit == 0:
            return None
        answer = await self._ask(self._count, keys=[self.key_of(address)],
                                 args=[max(1, round(self.window * 1000)), self.limit])
        if answer is not None:
            return self._wait(address, self.local.retry_after(address), *answer)
        wait = self.local.retry_after(address)
        if wait is None:
            self.local.wrong_token(address)
        return wait

    async def _ask(self, script: Any, *, keys: list[str], args: list[int]) -> tuple[int, int, bool] | None:
        """``script``'s answer {wrong, ms left, first refusal}, or None: not shared, Redis not to be asked now (it
        failed lately), or failing or not answering within ``redis_seconds``."""
        if script is None:
            return None
        async with self._turns:  # the breaker asked in turn too: it opens while earlier ones wait on Redis
            if not self.breaker.allows(self.clock()):
                return None
            try:
                wrong, left_ms, first = await within(script(keys=keys, args=args), self.redis_seconds,
                                                     alive=self._answering)
            except (RedisError, NoAnswer) as exc:
                self.breaker.failed(self.clock())
                self._lost(exc)
                return None
        self._answered_at = self.clock()
        self.breaker.succeeded()
        self._back()
        return int(wrong), int(left_ms), bool(first)

    def _answering(self) -> bool:
        """Whether Redis answered another count or check within the last ``redis_seconds``: busy, not frozen."""
        return self.clock() - self._answered_at < self.redis_seconds

    def _wait(self, address: str, local: int | None, wrong: int, left_ms: int, first: bool) -> int | None:
        """The seconds to wait from Redis's answer, or from ``local``, a window counted in memory while Redis
        was away."""
        if not left_ms:
            return local
        wait = max(1, math.ceil(left_ms / 1000))
        if first:
            _refused(client_key(address), wrong, self.window, wait)
        return max(wait, local or 0)

    def _lost(self, exc: Exception) -> None:
        if not self._unreachable:
            self._unreachable = True
            reason = str(exc) if isinstance(exc, NoAnswer) else \
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            log.warning("wrong API tokens are counted in this process's memory while Redis cannot be reached "
                        "(%s): each process limits a client on its own until it answers again, asked again "
                        "every %g s", reason, self.breaker.cool_down)

    def _back(self) -> None:
        if self._unreachable:
            self._unreachable = False
            log.info("wrong API tokens are counted in Redis again")
