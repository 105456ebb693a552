"""When a consumer starts its next read: at once, or after a short linger while entries come close together.

A read costs a consumer (and Redis) about as much again as the handling of one entry, whatever it holds. At a
few hundred entries a second, entries come a few milliseconds apart and a consumer that keeps up reads them one
at a time, paying that cost for each. While entries come at least two to a ``linger_ms`` (no more than half of it
apart), the next read starts no sooner than ``linger_ms`` after the last one began, so it holds the entries that
came meanwhile: an entry waits at most ``linger_ms`` longer. Entries further apart than that are read as they
come (a wait would add latency and gather too few to pay for it), and so is the rest of a backlog (a read that
came back full).

How close entries come is read from their ids, Redis's clock in milliseconds: the mean spacing of the last
:data:`WINDOW` entries read, so that a pair written in the same millisecond by a writer catching up does not
start a linger when entries otherwise come further apart.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from .streams import parse_stream_id

WINDOW = 8  # entries whose spacing tells how close entries come


class ReadLinger:
    """One consumer's pace of reads: told when each read starts and what it returned, it answers how long to
    wait before the next."""

    def __init__(self, linger_ms: float, read_count: int) -> None:
        self.linger_ms, self.read_count = linger_ms, read_count
        self._started = 0.0
        self._close = False  # the last read's entries came at least two to a linger_ms
        self._arrivals: deque[int] = deque(maxlen=WINDOW)  # ms of the last entries read

    def started(self, now: float) -> None:
        """A read starts at ``now`` (seconds, monotonic)."""
        self._started = now
        self._close = False

    def returned(self, entry_ids: Sequence[str]) -> None:
        """The read that started last returned these entries, in stream order."""
        if not entry_ids:
            return
        self._arrivals.extend(parse_stream_id(entry_id)[0] for entry_id in entry_ids[-WINDOW:])
        arrivals = self._arrivals
        spacing = (arrivals[-1] - arrivals[0]) / (len(arrivals) - 1) if len(arrivals) > 1 else None
        self._close = len(entry_ids) < self.read_count and spacing is not None and 2 * spacing <= self.linger_ms

    def delay(self, now: float) -> float:
        """Seconds to wait at ``now`` before the next read starts."""
        if not self._close:
            return 0.0
        return max(0.0, self.linger_ms / 1000 - (now - self._started))
