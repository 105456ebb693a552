"""Folder source: notices new and changed release files in watched folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .files import SUFFIXES

# Editors and downloaders write to these first, then rename into place.
_TEMPORARY = (".part", ".tmp", ".swp", "~", ".crdownload")


@dataclass(frozen=True)
class Stamp:
    mtime_ns: int
    size: int


def candidate_files(folders: Iterable[Path]) -> Iterator[tuple[Path, Stamp]]:
    """Release files under ``folders`` (recursively), hidden and temporary files skipped."""
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or name.endswith(_TEMPORARY):
                    continue
                path = Path(root) / name
                if path.suffix.lower() not in SUFFIXES:
                    continue
                try:
                    info = path.stat()
                except FileNotFoundError:
                    continue
                yield path, Stamp(info.st_mtime_ns, info.st_size)


@dataclass
class FolderScanner:
    """Remembers what it has seen; :meth:`changed` yields files new or modified since.

    A file modified less than ``settle_ns`` ago is left for the next scan, so a
    file still being written is not read half-way.
    """

    folders: list[Path]
    settle_ns: int = 300_000_000
    seen: dict[Path, Stamp] = field(default_factory=dict)

    def changed(self, now_ns: int) -> list[Path]:
        fresh = []
        for path, stamp in candidate_files(self.folders):
            if self.seen.get(path) == stamp or now_ns - stamp.mtime_ns < self.settle_ns:
                continue
            self.seen[path] = stamp
            fresh.append(path)
        return fresh

    def forget(self, path: Path) -> None:
        """Offer ``path`` again on the next scan (its ingest failed for a reason not its own)."""
        self.seen.pop(path, None)
