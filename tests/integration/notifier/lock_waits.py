"""Whether the event loop keeps running while a coroutine waits for a file lock another process holds (Linux: who
waits for a lock is listed in /proc/locks)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
PROC_LOCKS = Path("/proc/locks")
GIVE_UP_SECONDS = 10.0  # the loop not seen running by then: it stood still


def waited_for(lock: Path) -> bool:
    """Whether someone waits for ``lock`` (a blocked ``flock``)."""
    inode = f":{lock.stat().st_ino} "
    return any("->" in line and inode in line for line in PROC_LOCKS.read_text().splitlines())


async def held_while(lock: Path, waiting: Awaitable[T]) -> tuple[bool, T]:
    """Hold ``lock`` as another process would while ``waiting`` runs, until the event loop is seen running while
    someone waits for the lock (or :data:`GIVE_UP_SECONDS` pass); whether it was seen, and what ``waiting`` gave."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    held = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(held, fcntl.LOCK_EX)
    loop_ran = threading.Event()

    def release_once_the_loop_runs() -> bool:
        try:
            return loop_ran.wait(GIVE_UP_SECONDS)
        finally:
            os.close(held)

    releasing = asyncio.ensure_future(asyncio.to_thread(release_once_the_loop_runs))
    answer = asyncio.ensure_future(waiting)
    while not releasing.done():
        if waited_for(lock):
            loop_ran.set()
        await asyncio.sleep(0.01)
    return releasing.result(), await answer
