"""A Redis lease that lets exactly one replica run the reminder scheduler.

``SET key token NX PX ttl`` takes it; the holder renews it every third of the
TTL on a task of its own (only while the token is still its own); a replica that dies stops renewing
and another takes over when the lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

from services.common.outages import UNREACHABLE, OutageNotices
from services.common.tasks import cancel_and_wait

log = logging.getLogger(__name__)

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

Hook = Callable[[], Awaitable[None]]


def _raise_if_cancelled() -> None:
    """Honour a cancellation a library swallowed (caught and carried on) while it was delivered."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class LeaderLock:
    def __init__(self, client, key: str, *, ttl: float, name: str = "") -> None:  # type: ignore[no-untyped-def]
        self.client, self.key, self.ttl = client, key, ttl
        self.token = f"{name or 'notifier'}-{uuid.uuid4().hex[:8]}"
        self.is_leader = False
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    async def try_acquire(self) -> bool:
        ttl_ms = int(self.ttl * 1000)
        if self.is_leader:
            self.is_leader = bool(await self._renew(keys=[self.key], args=[self.token, ttl_ms]))
        else:
            self.is_leader = bool(await self.client.set(self.key, self.token, nx=True, px=ttl_ms))
        return self.is_leader

    async def release(self) -> None:
        if self.is_leader:
            await self._release(keys=[self.key], args=[self.token])
            self.is_leader = False

    async def run(self, *, on_elected: Hook, on_deposed: Hook, on_tick: Hook) -> None:
        """Hold or seek the lease forever; call the hooks as leadership changes.

        The lease is renewed (or sought) by a task of its own every third of the TTL, however long a hook
        takes: a slow tick (a burst of due reminders, many digests) cannot let it run out. A hook that
        raises is logged and the loop goes on: a failed ``on_elected`` (or ``on_deposed``) is tried again at
        the next turn, a failed tick simply next time.
        """
        changed = asyncio.Event()
        keeping = asyncio.create_task(self._keep(changed), name=f"leader-lease-{self.token}")
        active = False  # on_elected has completed and on_deposed has not
        outage = OutageNotices(f"reminder scheduler {self.token}")
        try:
            while True:
                _raise_if_cancelled()
                if keeping.done():
                    keeping.result()  # the lease task never ends on its own: raise what ended it
                changed.clear()
                leading = self.is_leader
                try:
                    if leading and not active:
                        log.info("%s now runs the reminder scheduler", self.token)
                        await on_elected()
                        active = True
                    elif active and not leading:
                        log.warning("%s lost the scheduler lock", self.token)
                        await on_deposed()
                        active = False
                    if active and self.is_leader:  # still leading now, after a hook that may have been slow
                        await on_tick()
                except Exception as exc:
                    outage.report(exc, log, "leader %s: a hook failed; trying again in %.1fs", self.token,
                                  self.ttl / 3)
                else:
                    outage.recovered()
                try:
                    await asyncio.wait_for(changed.wait(), timeout=self.ttl / 3)
                except asyncio.TimeoutError:
                    pass
        finally:
            await cancel_and_wait([keeping], what=f"leader lease {self.token}")
            if active:  # stopped or failed while leading: stop the scheduler before the lease passes on
                try:
                    await on_deposed()
                except Exception:
                    log.exception("leader %s: stepping down failed", self.token)

    async def _keep(self, changed: asyncio.Event) -> None:
        """Renew the lease while held, try for it while not; ``changed`` is set when that flips."""
        outage = OutageNotices(f"leader lock {self.key}")
        while True:
            _raise_if_cancelled()
            was = self.is_leader
            try:
                await self.try_acquire()
            except UNREACHABLE as exc:  # Redis away: we cannot prove we still lead
                outage.failed(exc)
                self.is_leader = False
            except Exception as exc:
                log.warning("leader lock %s: %s", self.key, exc)
                self.is_leader = False
            else:
                outage.recovered()
            if self.is_leader != was:
                changed.set()
            await asyncio.sleep(self.ttl / 3)
