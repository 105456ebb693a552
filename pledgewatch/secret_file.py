"""A secret generated into a file of the data folder: owner-only from the start."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from .errors import CommandError

log = logging.getLogger(__name__)


def generate_secret_file(path: Path) -> str:
    """A new random secret, written to ``path``, which must not exist yet (never over a file another process
    just made)."""
    secret = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")
    return secret


def read_secret_file(path: Path, what: str) -> str | None:
    """The text of ``path`` (``what`` it holds, for the error), stripped; None when there is no such file. A file
    others may read (one written by hand has the umask's mode) is made owner-only first, as a generated one is."""
    try:
        _owner_only(path)
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read {what} ({type(exc).__name__}); "
                           "delete it to have a new one made") from None


def _owner_only(path: Path) -> None:
    """``path`` readable by its owner alone, when others may read it; left as it is when it is another user's."""
    mode = path.stat().st_mode
    if mode & 0o077 and stat.S_ISREG(mode):
        try:
            os.chmod(path, 0o600)
        except PermissionError:
            log.warning("%s belongs to another user: could not make it readable by its owner alone", path)
