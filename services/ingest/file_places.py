"""Where a release file is, as its release is named (pure): its folder's name and its path inside that folder.

A file's absolute path changes when its folder is moved, mounted at another path or reached through a link that
now leads elsewhere; its place does not, so its release does not either (docs/decisions/0049).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from schemas import ReleasePublished

from .files import named_by_its_path
from .identity import release_id_for


def folder_labels(folders: Iterable[Path]) -> dict[Path, str]:
    """Each folder's name, keyed by its absolute path as written; folders of the same name are told apart by as
    many of the folders above them as it takes (``a/inbox``, ``b/inbox``)."""
    paths = list(dict.fromkeys(_absolute(folder) for folder in folders))
    labels = {}
    for path in paths:
        others = [other.parts for other in paths if other != path]
        depth = next(n for n in range(1, len(path.parts) + 1)
                     if all(other[-n:] != path.parts[-n:] for other in others))
        labels[path] = PurePosixPath(*path.parts[-depth:]).as_posix()
    return labels


@dataclass(frozen=True)
class FilePlace:
    folder: str  # the folder's label
    inside: str  # the file's path inside it, with /

    def __str__(self) -> str:
        """``seeds//2026/a.txt``: a label holds no ``//``, so ``a`` and ``b/c.txt`` is not ``a/b`` and ``c.txt``."""
        return f"{self.folder}//{self.inside}"

    @classmethod
    def parse(cls, text: str) -> FilePlace:
        """The place ``str(place)`` wrote: the path inside holds no ``//``, so the last one ends the label."""
        folder, _, inside = text.rpartition("//")
        return cls(folder, inside)

    def release_id(self) -> str:
        """The release id of a file first published at this place."""
        return release_id_for(f"folder:{self}")


def file_place(path: Path, watched: Sequence[Path], given: Sequence[Path] = ()) -> FilePlace:
    """Where the file at ``path`` is: in the first of the ``watched`` folders holding it, else in the first folder
    ``given`` holding it, each named as :func:`folder_labels` names it among the watched folders (a folder of a
    watched one's name elsewhere is not that one), else in its own folder, named by its absolute path (two folders
    of one name that no one named are not taken for one folder moved). A link inside the folder is placed where it
    leads, as it is the same release."""
    for folder, label in _named_folders(watched, given, path.parent):
        inside = _inside(path, folder)
        if inside is not None:
            return FilePlace(label, inside)
    raise ValueError(f"{path} is in no folder")  # not reached: a file is in its own folder


def release_place(release: ReleasePublished, path: Path, watched: Sequence[Path], given: Sequence[Path] = ()
                  ) -> FilePlace | None:
    """The place of the file at ``path`` (as :func:`file_place` finds it) when ``release``, read from it, is named
    by it: it gives no url or id of its own. ``None`` when it does."""
    return file_place(path, watched, given) if named_by_its_path(release, path) else None


def holds_a_file(place: FilePlace, watched: Sequence[Path], given: Sequence[Path] = (), own: Path | None = None, *,
                 other_than: Path | None = None) -> bool:
    """Whether a file other than ``other_than`` is at ``place`` now, in one of the ``watched`` folders, of those
    ``given`` (to a command) or in the ``own`` folder of the file read, each named as :func:`file_place` names it:
    a copy read beside its original in a folder given is no more its original than one in a watched folder."""
    for folder, label in _named_folders(watched, given, own):
        if label != place.folder:
            continue
        there = folder / place.inside
        try:
            if there.is_file() and not (other_than is not None and there.samefile(other_than)):
                return True
        except OSError:  # no permission, a name too long: no file it can read
            continue
    return False


def _named_folders(watched: Sequence[Path], given: Sequence[Path], own: Path | None) -> list[tuple[Path, str]]:
    """Each folder a file may be placed in, with its label, in the order :func:`file_place` tries them."""
    labels = folder_labels(watched)
    named = [(folder, labels[_absolute(folder)]) for folder in watched]
    named += [(folder, folder_labels([*watched, folder])[_absolute(folder)]) for folder in given]
    return named + ([(own, _absolute(own).as_posix())] if own is not None else [])


def _inside(path: Path, folder: Path) -> str | None:
    """``path``'s path inside ``folder`` (where it leads, if it can be found there), or None when not inside."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        pass
    try:
        return _absolute(path).relative_to(_absolute(folder)).as_posix()
    except ValueError:
        return None


def _absolute(path: Path) -> Path:
    """``path`` made absolute as written (``..`` and ``.`` taken away, links not followed)."""
    return Path(os.path.abspath(path))
