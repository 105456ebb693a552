"""Watching folders for release files: watchfiles (inotify, FSEvents, ReadDirectoryChangesW; polling where
those cannot be used, or when ``force_polling`` asks) says which paths changed, the scanner what to read."""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from stat import S_ISDIR

from watchfiles import Change, awatch

from services.common.outages import OutageNotices, Wording

from .folder import FolderScanner, ignored_name

log = logging.getLogger(__name__)

TICK_MS = 100  # how often a quiet watch wakes: files waiting to settle, folders that appear
# A folder removed as its watch starts, no permission, the system's limit of watches reached: told, not shouted.
UNWATCHABLE = Wording("cannot be watched", "still cannot be watched", "watched again")


def _relevant(change: Change, path: str) -> bool:
    return not ignored_name(Path(path).name)


def _identity(folder: Path) -> tuple[int, int] | None:
    """(device, inode) of ``folder``, None when no folder is there; an OSError when it cannot be looked at (a
    name too long: ``Path.is_dir`` raises then too, rather than saying False)."""
    try:
        info = folder.stat()
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
            return None
        raise
    return (info.st_dev, info.st_ino) if S_ISDIR(info.st_mode) else None


def _identity_or_none(folder: Path) -> tuple[int, int] | None:
    try:
        return _identity(folder)
    except OSError:
        return None


class FolderWatcher:
    """Yields the files to read: every settled new or changed file at the start (a full walk), then each as it
    changes; never raises (a failing watch is logged, and restarted with a full walk: an OSError as an outage,
    one line every 10 s, anything else with its traceback). A watched folder removed or replaced is watched
    again once it is back; a folder that cannot be looked at is told as an outage, the others still watched."""

    def __init__(self, scanner: FolderScanner, *, force_polling: bool = False, poll_seconds: float = 1.0) -> None:
        self.scanner, self.force_polling, self.poll_seconds = scanner, force_polling, poll_seconds
        self._stop = asyncio.Event()
        self._all_seen = True  # every folder could be looked at when the watch last started
        self._outage = OutageNotices(f"watching {', '.join(map(str, scanner.folders))}", expected=(OSError,),
                                     wording=UNWATCHABLE)

    def stop(self) -> None:
        self._stop.set()

    async def batches(self) -> AsyncIterator[list[Path]]:
        while not self._stop.is_set():
            try:
                present = self._present()
                yield await asyncio.to_thread(self.scanner.changed, time.time_ns())
                if not present:  # nothing to watch yet: look again in a while
                    await asyncio.sleep(self.poll_seconds)
                    continue
                async for paths in self._changes(present):
                    yield paths
            except Exception as exc:  # an unreadable or vanished folder must not end the watch
                self._outage.report(exc, log, "watching %s failed; retrying", ", ".join(map(str, self.scanner.folders)))
                await asyncio.sleep(self.poll_seconds)

    def _present(self) -> dict[Path, tuple[int, int]]:
        """The folders there to watch, each with its identity; those that cannot be looked at are told."""
        present, failure = {}, None
        for folder in self.scanner.folders:
            try:
                identity = _identity(folder)
            except OSError as exc:
                failure = exc
                continue
            if identity is not None:
                present[folder] = identity
        self._all_seen = failure is None
        if failure is not None:
            self._outage.failed(failure)
        return present

    async def _changes(self, present: dict[Path, tuple[int, int]]) -> AsyncIterator[list[Path]]:
        """Batches of changed files until a watched folder that was missing appears, or one watched is removed
        or replaced (the caller then walks, and watches what is there)."""
        # Events name paths under the folder as given, or (FSEvents) under its real path.
        roots = {folder.absolute(): folder for folder in present} | {folder.resolve(): folder for folder in present}
        walked = False
        async for changes in awatch(*(folder.absolute() for folder in present), watch_filter=_relevant,
                                    stop_event=self._stop, step=50, debounce=500, rust_timeout=TICK_MS,
                                    yield_on_timeout=True,
                                    force_polling=True if self.force_polling else None,
                                    poll_delay_ms=int(self.poll_seconds * 1000)):
            paths = [self.local(Path(raw), roots) for _, raw in changes]
            now, due = time.time_ns(), self.scanner.due()
            if not walked:  # watching now: a file written after the caller's walk and before this has no event
                walked = True
                batch = await asyncio.to_thread(self.scanner.changed, now)
                if self._all_seen:  # watching, and walked: back for real
                    self._outage.recovered()
                yield batch
            elif paths or (due is not None and due <= now):
                yield await asyncio.to_thread(self.scanner.changed_among, [p for p in paths if p], now)
            if any(_identity_or_none(f) != present.get(f) for f in self.scanner.folders):
                return

    @staticmethod
    def local(path: Path, roots: dict[Path, Path]) -> Path | None:
        """``path`` as under the folder it was configured as (``seeds/a.txt``, not ``/home/…/seeds/a.txt``)."""
        for absolute, folder in roots.items():
            if path.is_relative_to(absolute):
                return folder / path.relative_to(absolute)
        return None
