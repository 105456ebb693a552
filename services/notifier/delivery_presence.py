"""Whether a delivery process runs, for notifiers that send nothing (``PLEDGEWATCH_DELIVERY_PROCESS``; pure: the
records and the time in, judgements out; the records' I/O is :mod:`.delivery_beats`).

Each delivery process writes ``{pid, at}`` (``at``: Redis's clock, which all hosts share; an earlier version wrote
its host's) under its consumer name in one hash every
``PLEDGEWATCH_HEARTBEAT_SECONDS``; one silent for :data:`~services.common.worker_liveness.MISSED_BEATS` of them is
gone. Deliveries due for longer than that while none is live are queued for ever unless one is started: the
notifier's leader says so in its log (:class:`UnsentWatch`), ``pledgewatch status`` beside the outbox.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.worker_liveness import duration_text

KEY = "notifier:delivery:beats"  # under the prefix
REPEAT_SECONDS = 600.0  # the warning said again this often while it holds: a log read from its tail shows it
START_HINT = ("start one: `docker compose --profile delivery-process up -d`, or "
              "`faststream run services.delivery.app:app`; or set PLEDGEWATCH_DELIVERY_PROCESS=false for the "
              "notifier to send")


def beat_text(pid: int, at: float) -> str:
    return json.dumps({"pid": pid, "at": at})


def parse_beats(fields: Mapping[str, str]) -> dict[str, float]:
    """Each delivery process's last beat (consumer -> epoch seconds); a field that does not parse is left out."""
    beats = {}
    for consumer, text in fields.items():
        try:
            beats[consumer] = float(json.loads(text)["at"])
        except (ValueError, KeyError, TypeError):
            continue
    return beats


def live(beats: Mapping[str, float], *, now: float, limit: float) -> list[str]:
    """The delivery processes (consumer names) that beat within ``limit`` seconds of ``now``."""
    return sorted(consumer for consumer, at in beats.items() if now - at <= limit)


def gone(beats: Mapping[str, float], *, now: float, limit: float) -> list[str]:
    """The delivery processes (consumer names) whose last beat is older than ``limit`` seconds at ``now``."""
    running = set(live(beats, now=now, limit=limit))
    return sorted(consumer for consumer in beats if consumer not in running)


def unsent_text(due: int, oldest_due_seconds: int | None, live_processes: int, *, limit: float) -> str | None:
    """What an operator is told when ``due`` deliveries, the oldest due for ``oldest_due_seconds``, wait and no
    delivery process is live (none beat within ``limit`` seconds); None while one is, or none has waited longer
    than ``limit`` (a delivery process starting beside the notifier)."""
    if live_processes or not due or oldest_due_seconds is None or oldest_due_seconds <= limit:
        return None
    deliveries = "1 delivery" if due == 1 else f"{due} deliveries"
    return (f"{deliveries} due, the oldest for {duration_text(oldest_due_seconds)}, and no delivery process has "
            f"written a heartbeat within {duration_text(limit)}: with PLEDGEWATCH_DELIVERY_PROCESS=true the "
            f"notifier queues every delivery and sends none; {START_HINT}")


@dataclass
class UnsentWatch:
    """When the leader's log warns of deliveries nobody sends: when it starts, every :data:`REPEAT_SECONDS` while
    it lasts, and once (at info) when a delivery process sends again."""

    repeat_seconds: float = REPEAT_SECONDS
    _warned_at: float | None = None

    def note(self, text: str | None, *, now: float) -> tuple[str, str] | None:
        """``(level, message)`` to log for the judgement ``text`` (:func:`unsent_text`) at ``now`` (monotonic)."""
        if text is None:
            if self._warned_at is None:
                return None
            self._warned_at = None
            return "info", "a delivery process is live again, or the deliveries due were sent"
        if self._warned_at is not None and now - self._warned_at < self.repeat_seconds:
            return None
        self._warned_at = now
        return "warning", text
