"""Log records for every service: one readable line each, or one JSON object a line (``PLEDGEWATCH_LOG_FORMAT``).

Both formats escape what a record quotes (a file name, a release title, a URL, a request path), so no input
can forge a record of its own or send escape sequences to the terminal reading the log.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from .bidi import SCOPED_CONTROLS

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# C0 and C1 control characters (ESC starts an ANSI sequence; 0x9B is a one-byte CSI), DEL, and the Unicode
# line and paragraph separators, which some viewers break lines at.
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_CONTROL |= {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"}
# The bidirectional embeddings, overrides and isolates (:mod:`.bidi`): one left open reorders the rest of its line
# ("Trojan Source"), wherever the text is shown as it is: a terminal, a spreadsheet's cell.
_SCOPED_CONTROL = {ord(control): f"\\u{ord(control):04x}" for control in SCOPED_CONTROLS}
# A text shown on a terminal keeps its lines and indents; every other control is escaped as in a log record.
_TERMINAL_CONTROL = {code: escaped for code, escaped in _CONTROL.items() if code not in (0x0A, 0x09)} | _SCOPED_CONTROL
# What json.dumps leaves as it is (it escapes only C0), as JSON escapes.
JSON_UNESCAPED = {code: f"\\u{code:04x}" for code in [0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]}
# Their routine chatter (startup banners, each job added, each notification sent, each request served)
# would drown what the services say.
NOISY_LOGGERS = ("pledgewatch.faststream", "apscheduler", "apprise", "uvicorn", "watchfiles")
TRACEBACK_INDENT = "    "
# The ids a record may carry (``extra=``) that JSON gives fields of their own: one release, alert or delivery attempt
# is found by field in a log store, from ingest's line to the last attempt; one commitment by its ledger key, in
# the ledger's line of each version that added, changed or removed it (``commitment_ids``, a list) and in a line of
# its own (``commitment_id``).
ID_FIELDS = ("release_id", "version", "subscription_id", "alert_id", "digest_id", "attempt", "commitment_id",
             "commitment_ids")


def escape(text: str) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return text.translate(_CONTROL)


def escape_for_terminal(text: str) -> str:
    """``text`` with its line breaks and tabs, every other control character, and each bidirectional embedding,
    override or isolate, written as an escape (``\\x9b``, ``\\u202e``)."""
    return text.translate(_TERMINAL_CONTROL)


def escape_scoped_controls(text: str) -> str:
    """``text`` with each bidirectional embedding, override or isolate written as an escape (``\\u202e``), as
    :func:`escape_for_terminal` writes them, every other character as it is."""
    return text.translate(_SCOPED_CONTROL)


class OneLineFormatter(logging.Formatter):
    """The message part of a record on one line; a traceback, when there is one, follows it indented, so that
    no line of it (an exception message quoting input) can pass for a record."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]
        text = super().formatException(ei)
        return "\n".join(TRACEBACK_INDENT + line for line in text.splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join(TRACEBACK_INDENT + line for line in stack_info.splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object a record: ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message`` and, when there
    is one, ``worker`` (see :class:`WorkerLabel`), each of :data:`ID_FIELDS` the record was given, and
    ``exception`` (the traceback as one string)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if hasattr(record, "worker"):
            entry["worker"] = record.worker
        entry |= {name: getattr(record, name) for name in ID_FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False).translate(JSON_UNESCAPED)


class WorkerLabel(logging.Filter):
    """Marks each record with the process of the run that wrote it (``pledgewatch run --workers``): its number, or
    the ``name`` of a process that is no numbered worker (``delivery``), so that the lines of several processes
    sharing one terminal tell who did what."""

    def __init__(self, worker: int, *, name: str | None = None) -> None:
        super().__init__()
        self.worker: int | str = name if name is not None else worker
        self.label = name if name is not None else f"worker {worker}"

    def filter(self, record: logging.LogRecord) -> bool:
        record.worker = self.worker
        record.worker_label = self.label
        return True


def formatter(fmt: str, *, worker: int | None = None) -> logging.Formatter:
    """The formatter for ``PLEDGEWATCH_LOG_FORMAT`` (``text`` or ``json``); with ``worker``, each record
    names its process, as :class:`WorkerLabel` marks it (``[worker 2]``, ``[delivery]``, or a ``worker`` field)."""
    if fmt == "json":
        return JsonFormatter()
    return OneLineFormatter(FORMAT if worker is None else FORMAT.replace("%(name)s", "[%(worker_label)s] %(name)s"))


def setup_logging(level: str = "INFO", fmt: str = "text", *, worker: int | None = None,
                  worker_name: str | None = None) -> None:
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_pledgewatch", False)]
    if not ours:
        handler = logging.StreamHandler()
        handler._pledgewatch = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        ours = [handler]
    for handler in ours:
        handler.setLevel(level.upper())
        handler.setFormatter(formatter(fmt, worker=worker))
        for label in [f for f in handler.filters if isinstance(f, WorkerLabel)]:
            handler.removeFilter(label)
        if worker is not None:
            handler.addFilter(WorkerLabel(worker, name=worker_name))
    root.setLevel(level.upper())
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # Apprise reads a failed send's reason (the status the service answered) from its own WARNING records,
    # captured per call: they must be made whatever level is printed, which our handler's level bounds.
    logging.getLogger("apprise").setLevel(logging.WARNING)
