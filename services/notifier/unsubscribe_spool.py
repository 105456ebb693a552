"""Unsubscribes taken while Redis cannot record them: written to a file on disk, recorded in Redis later.

A mail client's one-click unsubscribe (RFC 8058) is one POST, never retried: answered 503, it is lost and the
recipient keeps getting mail. So when Redis cannot take an unsubscribe, the link's recipient (subscription id,
address, the link's generation: never the token) is appended to ``unsubscribes-pending.jsonl`` in the spool folder
(``PLEDGEWATCH_UNSUBSCRIBE_SPOOL_DIR``, else the data folder; the dashboard's process reads the same one), synced
to disk (the file and its folder), and the link answers that it is done. Each line is recorded in Redis
(:meth:`Unsubscribed.add`, which records nothing for a link of a subscription deleted or made again since) once
Redis answers: before this notifier's next email reads who unsubscribed, before the operator's listing or undoing
of one, and every few seconds (decision 0038). A recipient waits there once, however often the link is pressed;
recording twice is harmless, so a line is dropped only once recorded.

Appends and the rewrite after a replay hold ``unsubscribes-pending.lock`` (``flock``: between threads, and
between processes sharing the folder); the rewrite replaces the file, so an append opens it under the lock.
An append and a replay's reads and rewrite, which wait for it and sync, run in a thread, off the event loop.
A replay holds ``unsubscribes-replay.lock`` from its read to its rewrite, so that two replays never record the same
line: one recorded late (its Redis slow to answer) would put back an unsubscribe the operator undid once the other
replay dropped it. It is waited for without blocking the event loop, and never taken by an append, which must not
wait for a replay held up by Redis.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from redis.exceptions import RedisError

from .unsubscribe import Recipient
from .unsubscribed import Unsubscribed

log = logging.getLogger(__name__)

SPOOL_NAME = "unsubscribes-pending.jsonl"
REPLAY_LOCK_WAIT_SECONDS = 0.02  # between two tries at the replay lock another replay holds


def spool_line(who: Recipient) -> str:
    return json.dumps({"subscription_id": who.subscription_id, "address": who.address,
                       "generation": who.generation}, sort_keys=True) + "\n"


def read_line(line: str) -> Recipient | None:
    """The recipient of a spool line; None for a line that is not one (cut short by a crash while written)."""
    try:
        fields = json.loads(line)
        return Recipient(str(fields["subscription_id"]), str(fields["address"]), int(fields["generation"]))
    except (ValueError, TypeError, KeyError):
        return None


def _sync_folder(folder: Path) -> None:
    """Sync ``folder``'s entries: a file made or renamed in it is there after a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class UnsubscribeSpool:
    def __init__(self, folder: Path) -> None:
        self.path, self._lock_path = folder / SPOOL_NAME, folder / "unsubscribes-pending.lock"
        self._replay_lock_path = folder / "unsubscribes-replay.lock"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # and with it the lock

    @asynccontextmanager
    async def _replaying(self) -> AsyncIterator[None]:
        """The replay lock, waited for in turns of the event loop (another replay may wait on Redis meanwhile)."""
        fd = os.open(self._replay_lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(REPLAY_LOCK_WAIT_SECONDS)
            yield
        finally:
            os.close(fd)  # and with it the lock

    def write_problem(self) -> str | None:
        """Why an unsubscribe could not be kept here (the folder cannot be made, or its lock file opened), in a
        few words; None when it can. Checked at start: else it is found out only once Redis is away."""
        try:
            with self._locked():
                return None
        except OSError as exc:
            return exc.strerror or type(exc).__name__

    def append(self, who: Recipient) -> None:
        """Keep ``who``'s unsubscribe on disk (synced before returning), once: a link pressed again while it waits
        adds nothing, so that whoever holds a link cannot grow the file without end. OSError when it cannot be
        written."""
        with self._locked():
            if spool_line(who) in self._lines():
                return
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                cut_short = os.lseek(fd, 0, os.SEEK_END) and os.pread(fd, 1, os.lseek(fd, -1, os.SEEK_END)) != b"\n"
                os.write(fd, (b"\n" if cut_short else b"") + spool_line(who).encode())  # a crash's half line apart
                os.fsync(fd)
            finally:
                os.close(fd)
            _sync_folder(self.path.parent)  # the file's name too, when this append made it

    def _lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        except FileNotFoundError:
            return []

    def holds(self, who: Recipient) -> bool:
        """Whether ``who``'s unsubscribe waits in the spool."""
        return spool_line(who) in self._lines()

    async def replay(self, unsubscribed: Unsubscribed) -> int:
        """Record in Redis each unsubscribe of the spool, and drop those recorded; returns how many were. Stops
        at the first Redis error, keeping the rest for the next replay; a spool that cannot be read or rewritten
        is logged and left as it is (an email is not held up by it)."""
        try:
            return await self._replay(unsubscribed)
        except OSError as exc:
            log.warning("unsubscribes kept in %s not recorded: %s", self.path, exc)
            return 0

    async def _replay(self, unsubscribed: Unsubscribed) -> int:
        if not self.path.exists():
            return 0
        async with self._replaying():
            return await self._record(unsubscribed)

    async def _record(self, unsubscribed: Unsubscribed) -> int:
        lines = await asyncio.to_thread(self._locked_lines)  # waits for the lock: off the event loop
        done: list[str] = []
        for line in lines:
            who = read_line(line)
            if who is None:
                log.warning("unsubscribes waiting in %s: a line that is not one dropped: %r", self.path, line)
            else:
                try:
                    added = await unsubscribed.add(who.subscription_id, who.address, who.generation)
                except RedisError as exc:
                    log.debug("unsubscribes waiting in %s not recorded yet: %s", self.path, exc)
                    break
                if added is None:
                    log.info("%s unsubscribed from subscription %s while it could not be recorded; that "
                             "subscription was deleted (or made again) since: nothing recorded",
                             who.address, who.subscription_id)
                elif added:
                    log.info("%s unsubscribed from subscription %s (taken while it could not be recorded)",
                             who.address, who.subscription_id)
            done.append(line)
        if done:
            await asyncio.to_thread(self._drop, done)  # the lock, and syncs
        return len(done)

    def _locked_lines(self) -> list[str]:
        with self._locked():
            return self._lines()

    def replaying(self, unsubscribed: Unsubscribed) -> Callable[[str], Awaitable[set[str]]]:
        """:meth:`Unsubscribed.of`, the spool replayed first: what an email reads before it is sent, so that no
        email of this notifier goes to an address whose unsubscribe waits here."""
        async def of(subscription_id: str) -> set[str]:
            await self.replay(unsubscribed)
            return await unsubscribed.of(subscription_id)
        return of

    def _drop(self, done: list[str]) -> None:
        """Rewrite the spool without ``done`` (one occurrence each): what was appended since stays."""
        with self._locked():
            left = self._lines()
            for line in done:
                if line in left:
                    left.remove(line)
            if not left:
                self.path.unlink(missing_ok=True)
                _sync_folder(self.path.parent)  # not back after a power cut, to record again what an undo took out
                return
            spare = self.path.with_suffix(".tmp")
            fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, "".join(left).encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(spare, self.path)
            _sync_folder(self.path.parent)
