"""Folder source: which release files in the watched folders are new or changed, and settled (pure but for
reading the file system; time is an argument)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .files import SUFFIXES

# Editors and downloaders write to these first, then rename into place: Firefox .part, Chrome and Edge
# .crdownload, Safari .download, Opera .opdownload, WinSCP .filepart, curl and others .partial, vim .swp/.swo,
# backups ending in ~, Emacs #name#, Microsoft Office's ~$name (hidden ones, .~lock.name# and rsync's
# .name.XXXXXX, are dotfiles).
_TEMPORARY = (".part", ".partial", ".filepart", ".tmp", ".swp", ".swo", "~", ".crdownload", ".download",
              ".opdownload")
DEFAULT_SETTLE_NS = 2_000_000_000
_NAMED = 10  # files of another type named in one line; the rest counted
Skipped = list[tuple[Path, str]]
Other = list[Path]


@dataclass(frozen=True)
class Stamp:
    mtime_ns: int
    size: int


def ignored_name(name: str) -> bool:
    """Hidden and temporary files (and hidden folders) are never read."""
    return (name.startswith((".", "~$")) or name.endswith(_TEMPORARY)
            or (len(name) > 1 and name.startswith("#") and name.endswith("#")))


def distinct_folders(folders: Iterable[Path]) -> list[Path]:
    """``folders`` in the order given, each once as first written: the same folder written again another way
    (``d/``, ``./d``, its absolute path, a link to it) is dropped, and so is one inside another given that its
    walk reaches (not through a hidden folder), so that each file is read and told of once."""
    kept: dict[Path, Path] = {}  # resolved -> as first written
    for folder in map(Path, folders):
        try:
            key = folder.resolve()
        except (OSError, RuntimeError):  # a name too long, a link loop: told when it is watched
            key = Path(os.path.abspath(folder))
        kept.setdefault(key, folder)
    return [folder for key, folder in kept.items() if not any(_walked_with(key, other) for other in kept)]


def _walked_with(folder: Path, other: Path) -> bool:
    """Whether the walk of ``other`` reads ``folder``: it is inside it, and no folder on the way is hidden."""
    return folder != other and folder.is_relative_to(other) and \
        not any(part.startswith(".") for part in folder.relative_to(other).parts)


WATCHED = "the watched folder {}"
_WITHDRAW = {".txt": "put the file back with `withdrawn: true` in its front matter",
             ".md": "put the file back with `withdrawn: true` in its front matter",
             ".json": 'put the file back with "withdrawn": true',
             ".html": 'put the file back with <meta name="withdrawn" content="true"> in its <head>',
             ".htm": 'put the file back with <meta name="withdrawn" content="true"> in its <head>'}


def removed_words(path: Path) -> str:
    """What ingest says of a release file read and then deleted (or moved out of the watched folder): that it
    withdraws nothing, and how a file of its type withdraws its release, where one can."""
    how = _WITHDRAW.get(path.suffix.lower())
    return (f"{path}: removed from the watched folder; its release stays as published, its reminders planned "
            f"(a file removed withdraws nothing{f': to withdraw the release, {how}' if how else ''})")


def not_read_words(paths: list[Path]) -> str:
    """One line for files of another type: ``seeds/report.pdf: not read (pledgewatch reads .txt, .md, …)``;
    past ten files, the first ten named and the rest counted."""
    named = ", ".join(map(str, paths[:_NAMED])) + (f" and {len(paths) - _NAMED} more" if len(paths) > _NAMED else "")
    return f"{named}: not read (pledgewatch reads {', '.join(SUFFIXES)})"


def candidate_files(folders: Iterable[Path], skipped: Skipped | None = None, other: Other | None = None, *,
                    role: str = WATCHED, excluded: frozenset[Path] = frozenset()) -> Iterator[tuple[Path, Stamp]]:
    """Release files under ``folders`` (recursively), hidden and temporary files skipped.

    Directory links are not walked (no loop can trap the walk), and each is noted in ``skipped``; a file link is read only when it resolves
    inside the folder being watched. A file that cannot be looked at (a link loop, a link to nothing, no
    permission) is left out and noted in ``skipped`` with the reason, so the rest of the scan goes on. A file
    of another type (a ``.pdf``) is left out and noted in ``other``. ``role``: what the folder is to the reader,
    in the reasons, ``{}`` its name (``the folder given ({})`` to a command that reads it once). ``excluded``:
    folders (resolved) not walked."""
    for folder in folders:
        yield from _walk(folder, folder, skipped, other, role, excluded)


def _walk(folder: Path, root: Path, skipped: Skipped | None, other: Other | None,
          role: str = WATCHED, excluded: frozenset[Path] = frozenset()) -> Iterator[tuple[Path, Stamp]]:
    root_resolved = root.resolve()
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (excluded and (Path(top) / d).resolve() in excluded))
        for name in dirs:
            if (Path(top) / name).is_symlink():  # os.walk does not follow it: say so, or it is never heard of
                _skip(skipped, Path(top) / name, _folder_link(Path(top) / name))
        for name in sorted(names):
            stamp = _stamp(Path(top) / name, root, root_resolved, skipped, other, role)
            if stamp is not None:
                yield Path(top) / name, stamp


def _stamp(path: Path, root: Path, root_resolved: Path, skipped: Skipped | None,
           other: Other | None = None, role: str = WATCHED) -> Stamp | None:
    """The stamp of a release file worth reading, or None (not one, gone, or skipped with the reason; a file
    of another type noted in ``other``)."""
    if ignored_name(path.name):
        return None
    if path.is_symlink() and path.is_dir():  # dropped in while watched (a walk lists it among the folders)
        _skip(skipped, path, _folder_link(path))
        return None
    if path.suffix.lower() not in SUFFIXES:
        if other is not None and _is_file(path):
            other.append(path)
        return None
    try:
        if path.is_symlink() and not path.resolve(strict=True).is_relative_to(root_resolved):
            _skip(skipped, path, f"a link to {path.resolve()}, outside {role.format(root)}")
            return None
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():  # the link is there, its target is not: say so, or it is never heard of
            _skip(skipped, path, f"a link to {path.resolve()}, which does not exist")
        return None  # gone since it was listed (renamed into place, deleted)
    except (OSError, RuntimeError) as exc:  # a link loop, no permission
        _skip(skipped, path, f"cannot be read: {exc.strerror if isinstance(exc, OSError) else exc}")
        return None
    return Stamp(info.st_mtime_ns, info.st_size) if path.is_file() else None


def _folder_link(path: Path) -> str:
    return f"a link to the folder {path.resolve()}: links to folders are not walked"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # no permission, a name too long: not a file it can tell of
        return False


def _skip(skipped: Skipped | None, path: Path, reason: str) -> None:
    if skipped is not None:
        skipped.append((path, reason))


@dataclass
class FolderScanner:
    """Remembers what it has seen; :meth:`changed` (every file) and :meth:`changed_among` (the files a watcher
    saw change) return files new or modified since.

    A file whose stamp (size and mtime) has not stayed the same for ``settle_ns`` is still being written,
    perhaps: it waits, and is offered once it has stopped changing for that long (:meth:`due` says when to look
    again). A file first met counts from its mtime (one already there at a start is offered at once); one seen
    to change counts from when it was seen, not from its mtime, which a file system keeping mtimes to the second
    or two (FAT, SMB) may leave as it was while the file grows. Files are marked seen only
    once a scan has completed, so one that fails half-way loses nothing. A folder given twice (``d`` and ``d/``)
    is watched once, as first written, and a folder inside another given is walked only with it. ``skipped``: the files the last scan
    left out, and why; ``other``: the files of another type it met (not read). ``excluded``: folders inside the
    watched ones never read (the data folder, whose ``run.json`` is no release).
    """

    folders: list[Path]
    settle_ns: int = DEFAULT_SETTLE_NS
    seen: dict[Path, Stamp] = field(default_factory=dict)
    pending: dict[Path, tuple[Stamp, int]] = field(default_factory=dict)  # path -> its stamp, unchanged since (ns)
    skipped: Skipped = field(default_factory=list)
    other: Other = field(default_factory=list)
    waiting: dict[Path, int] = field(default_factory=dict)  # path -> when to look at it again (ns)
    excluded: Iterable[Path] = ()
    removed: list[Path] = field(default_factory=list)  # files read and since deleted, found by the last call

    def __post_init__(self) -> None:
        self.folders = distinct_folders(self.folders)
        self._excluded = frozenset(folder.resolve() for folder in self.excluded)

    def changed(self, now_ns: int) -> list[Path]:
        """Every new or modified settled file under the folders (a full walk)."""
        skipped: Skipped = []
        other: Other = []
        found = list(candidate_files(self.folders, skipped, other, excluded=self._excluded))
        listed = {path for path, _ in found}
        self.removed = [path for path in self.seen if path not in listed and not path.exists()]
        for path in self.removed:
            del self.seen[path]  # a file made there later is new
        return self._settled(found + self._recheck(now_ns, exclude=listed), skipped, other, now_ns)

    def changed_among(self, paths: Iterable[Path], now_ns: int) -> list[Path]:
        """The new or modified settled files among ``paths`` (files, or folders moved in: walked) and among the
        files waiting whose time has come."""
        skipped: Skipped = []
        other: Other = []
        found: list[tuple[Path, Stamp]] = []
        self.removed = []
        for path in paths:
            root = self._root_of(path)
            if root is None:
                continue
            if path.is_dir() and not path.is_symlink():
                found.extend(_walk(path, root, skipped, other, excluded=self._excluded))
                continue
            if not path.exists() and self.seen.pop(path, None) is not None:  # a file made there later is new
                self.removed.append(path)
            stamp = _stamp(path, root, root.resolve(), skipped, other)
            if stamp is not None:
                found.append((path, stamp))
        listed = {path for path, _ in found}
        return self._settled(found + self._recheck(now_ns, exclude=listed), skipped, other, now_ns)

    def due(self) -> int | None:
        """When (ns) a waiting file should be looked at again; None when none waits."""
        return min(self.waiting.values(), default=None)

    def forget(self, path: Path, *, retry_at_ns: int) -> None:
        """Offer ``path`` again at ``retry_at_ns`` (its ingest failed for a reason not its own)."""
        self.seen.pop(path, None)
        self.waiting[path] = retry_at_ns

    def _root_of(self, path: Path) -> Path | None:
        """The watched folder holding ``path``, unless a hidden folder on the way hides it or it is in an excluded
        folder."""
        if self._excluded and any(path.resolve().is_relative_to(folder) for folder in self._excluded):
            return None
        for folder in self.folders:
            if path.is_relative_to(folder):
                inside = path.relative_to(folder).parts
                return None if any(part.startswith(".") for part in inside[:-1]) else folder
        return None

    def _recheck(self, now_ns: int, *, exclude: set[Path]) -> list[tuple[Path, Stamp]]:
        found = []
        for path in [p for p, at in self.waiting.items() if at <= now_ns and p not in exclude]:
            root = self._root_of(path)
            stamp = _stamp(path, root, root.resolve(), None) if root is not None else None
            if stamp is None:
                del self.waiting[path]  # gone
                self.pending.pop(path, None)
            else:
                found.append((path, stamp))
        return found

    def _unchanged_since(self, path: Path, stamp: Stamp, now_ns: int) -> int:
        """Since when (ns) ``path`` has had ``stamp``: as long as it was seen with it, else since it was seen to
        change (now), else, first met, since its mtime (now, if that is ahead of this clock)."""
        before = self.pending.get(path)
        if before is not None and before[0] == stamp:
            return before[1]
        if before is not None or path in self.seen:
            return max(stamp.mtime_ns, now_ns)
        return min(stamp.mtime_ns, now_ns)

    def _settled(self, found: list[tuple[Path, Stamp]], skipped: Skipped, other: Other, now_ns: int) -> list[Path]:
        fresh: dict[Path, Stamp] = {}
        for path, stamp in found:
            if self.seen.get(path) == stamp:
                self.waiting.pop(path, None)
                self.pending.pop(path, None)
                continue
            since = self._unchanged_since(path, stamp, now_ns)
            if now_ns - since < self.settle_ns:
                self.pending[path] = (stamp, since)
                self.waiting[path] = since + self.settle_ns
            else:
                fresh[path] = stamp
        self.seen.update(fresh)
        for path in fresh:
            self.waiting.pop(path, None)
            self.pending.pop(path, None)
        self.skipped, self.other = skipped, other
        return list(fresh)
