"""Release files written as a user's editor leaves them, long enough ago for the watcher to read them at once."""

from __future__ import annotations

import os
import time
from pathlib import Path


def write_settled(path: Path, text: str) -> Path:
    """Write ``path`` (its folders made) with an mtime in the past, so the watcher does not wait for it to settle."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    past = time.time() - 5
    os.utime(path, (past, past))
    return path
