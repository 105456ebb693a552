"""The password of a run's embedded Redis: ``<data_dir>/redis-password``, owner-only, made on the first run.

Kept for the data folder rather than made for each run, so the server started again within a run and a tool
given the URL of ``pledgewatch status --show-secrets`` go on working. A data folder of a version without one
gets one at its next run; the AOF it holds needs none.
"""

from __future__ import annotations

from pathlib import Path

from .errors import CommandError
from .secret_file import generate_secret_file, read_secret_file

FILE_NAME = "redis-password"


def redis_password(data_dir: Path) -> str:
    """The stored password, generated the first time."""
    path = data_dir / FILE_NAME
    stored = _stored(path)
    return stored if stored is not None else generate_secret_file(path)


def _stored(path: Path) -> str | None:
    text = read_secret_file(path, "the embedded Redis's password")
    # it goes into redis.conf between double quotes
    if text is not None and (not text or any(char.isspace() or char in '"\\' for char in text)):
        raise CommandError(f"{path}: not a password (empty, or with spaces, quotes or backslashes); delete it to "
                           "have a new one made")
    return text
