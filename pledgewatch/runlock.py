"""One ``pledgewatch run`` per data folder: an advisory lock on ``<data_dir>/run.lock`` held while it runs.

The kernel drops the lock when the process ends, however it ends, so a crashed run never blocks the
next one. The file holds the pid of the holder, for the message a second run prints.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

FILE_NAME = "run.lock"


class AlreadyLocked(Exception):
    """Another process holds the folder's lock; ``pid`` is its process id when it wrote one."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path} is locked by pid {pid}")
        self.path, self.pid = path, pid


class RunLock:
    """``with RunLock(data_dir):`` holds the folder's lock meanwhile, or raises :class:`AlreadyLocked`."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)  # not inherited by redis-server
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _pid_in(fd)
            os.close(fd)
            raise AlreadyLocked(self.path, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the file releases the lock; the file stays, so no run locks a stale copy

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(data_dir: Path) -> bool:
    """Whether a run holds ``data_dir``'s lock now (its run.json is then to be believed)."""
    try:
        fd = os.open(Path(data_dir) / FILE_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock this took
    return False


def _pid_in(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip())
    except (OSError, ValueError):
        return None
