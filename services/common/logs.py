"""One-line log records for every service."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Control characters in a message (a file name with a line break, text from a feed) are shown escaped, so
# that no input can forge a log line of its own.
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]} | {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}
_CONTROL |= {0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\x85"}


class OneLineFormatter(logging.Formatter):
    """The message part of a record on one line; a traceback, when there is one, still follows it."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = record.message.translate(_CONTROL)
        return super().formatMessage(record)


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_pledgewatch", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(OneLineFormatter(FORMAT))
        handler._pledgewatch = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    # Their routine chatter (startup banners, each job added) would drown what the services say.
    for noisy in ("pledgewatch.faststream", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
