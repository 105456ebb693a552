"""Exponential backoff per key (a source, a feed entry); time is an argument (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field


def backoff_delay(failures: int, *, base: float, cap: float) -> float:
    """Seconds to wait after ``failures`` failures in a row: base, 2*base, 4*base, ... up to ``cap``."""
    if failures <= 0:
        return 0.0
    return min(cap, base * 2 ** min(failures - 1, 30))


@dataclass
class Backoff:
    base: float
    cap: float
    _state: dict[str, tuple[int, float]] = field(default_factory=dict)  # key -> (failures, retry at)

    def ready(self, key: str, now: float) -> bool:
        failures, retry_at = self._state.get(key, (0, 0.0))
        return failures == 0 or now >= retry_at

    def failed(self, key: str, now: float) -> float:
        """Record a failure at ``now``; returns the seconds until the next try."""
        failures = self._state.get(key, (0, 0.0))[0] + 1
        delay = backoff_delay(failures, base=self.base, cap=self.cap)
        self._state[key] = (failures, now + delay)
        return delay

    def succeeded(self, key: str) -> None:
        self._state.pop(key, None)

    def failures(self, key: str) -> int:
        return self._state.get(key, (0, 0.0))[0]
