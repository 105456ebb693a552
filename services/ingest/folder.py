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


def candidate_files(folders: Iterable[Path],
                    skipped: list[tuple[Path, str]] | None = None) -> Iterator[tuple[Path, Stamp]]:
    """Release files under ``folders`` (recursively), hidden and temporary files skipped.

    Directory links are not walked (no loop can trap the walk); a file link is read only when it resolves
    inside the folder being watched. A file that cannot be looked at (a link loop, no permission) is left
    out and noted in ``skipped`` with the reason, so the rest of the scan goes on."""
    for folder in folders:
        root_resolved = folder.resolve()
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or name.endswith(_TEMPORARY):
                    continue
                path = Path(root) / name
                if path.suffix.lower() not in SUFFIXES:
                    continue
                try:
                    if path.is_symlink() and not path.resolve(strict=True).is_relative_to(root_resolved):
                        _skip(skipped, path, f"a link to {path.resolve()}, outside the watched folder {folder}")
                        continue
                    info = path.stat()
                except FileNotFoundError:
                    continue  # gone since it was listed (renamed into place, deleted)
                except (OSError, RuntimeError) as exc:  # a link loop, no permission
                    _skip(skipped, path, f"cannot be read: {exc.strerror if isinstance(exc, OSError) else exc}")
                    continue
                yield path, Stamp(info.st_mtime_ns, info.st_size)


def _skip(skipped: list[tuple[Path, str]] | None, path: Path, reason: str) -> None:
    if skipped is not None:
        skipped.append((path, reason))


@dataclass
class FolderScanner:
    """Remembers what it has seen; :meth:`changed` yields files new or modified since.

    A file modified less than ``settle_ns`` ago is left for the next scan, so a
    file still being written is not read half-way. A scan marks files seen only once it has completed,
    so one that fails half-way loses nothing. ``skipped``: the files the last scan left out, and why.
    """

    folders: list[Path]
    settle_ns: int = 300_000_000
    seen: dict[Path, Stamp] = field(default_factory=dict)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    def changed(self, now_ns: int) -> list[Path]:
        fresh: list[tuple[Path, Stamp]] = []
        skipped: list[tuple[Path, str]] = []
        for path, stamp in candidate_files(self.folders, skipped):
            if self.seen.get(path) == stamp or now_ns - stamp.mtime_ns < self.settle_ns:
                continue
            fresh.append((path, stamp))
        self.seen.update(fresh)
        self.skipped = skipped
        return [path for path, _ in fresh]

    def forget(self, path: Path) -> None:
        """Offer ``path`` again on the next scan (its ingest failed for a reason not its own)."""
        self.seen.pop(path, None)
