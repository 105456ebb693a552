"""One-line log records for every service."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_pledgewatch", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._pledgewatch = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    # Their routine chatter (startup banners, each job added) would drown what the services say.
    for noisy in ("pledgewatch.faststream", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
