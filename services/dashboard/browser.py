"""The headless browser the dashboard's screenshot and browser tests drive: Debian's ``chromium`` through
Playwright's ``executable_path`` (Playwright's own browser download is never used)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

INSTALL_HINT = "install Debian's chromium: apt-get install chromium"
# Headless, no sandbox (CI runs as root), and nothing that reaches past loopback on its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> Path | None:
    """``/usr/bin/chromium``, else a ``chromium`` on PATH; None when there is none."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None
