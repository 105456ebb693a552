"""A secret generated into a file of the data folder: owner-only from the start."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .errors import CommandError


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
    """The text of ``path`` (``what`` it holds, for the error), stripped; None when there is no such file."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read {what} ({type(exc).__name__}); "
                           "delete it to have a new one made") from None
