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
    ``given`` holding it, else in its own folder, each named as :func:`folder_labels` names it among the watched
    folders (a folder of a watched one's name elsewhere is not that one). A link inside the folder is placed where
    it leads, as it is the same release."""
    for folder in [*watched, *given, path.parent]:
        inside = _inside(path, folder)
        if inside is not None:
            return FilePlace(folder_labels([*watched, folder])[_absolute(folder)], inside)
    raise ValueError(f"{path} is in no folder")  # not reached: a file is in its own folder


def release_place(release: ReleasePublished, path: Path, watched: Sequence[Path], given: Sequence[Path] = ()
                  ) -> FilePlace | None:
    """The place of the file at ``path`` (as :func:`file_place` finds it) when ``release``, read from it, is named
    by it: it gives no url or id of its own. ``None`` when it does."""
    return file_place(path, watched, given) if named_by_its_path(release, path) else None


def holds_a_file(place: FilePlace, watched: Sequence[Path]) -> bool:
    """Whether a file is at ``place`` in one of the ``watched`` folders now."""
    folder = next((path for path, label in folder_labels(watched).items() if label == place.folder), None)
    try:
        return folder is not None and (folder / place.inside).is_file()
    except OSError:  # no permission, a name too long: no file it can read
        return False


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
