"""Backoff per key (a source, a feed entry), on the common retry policy; time is an argument (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.common.retrying import RetryPolicy


@dataclass
class Backoff:
    policy: RetryPolicy
    _state: dict[str, tuple[int, float]] = field(default_factory=dict)  # key -> (failures, retry at)

    def ready(self, key: str, now: float) -> bool:
        failures, retry_at = self._state.get(key, (0, 0.0))
        return failures == 0 or now >= retry_at

    def failed(self, key: str, now: float, *, at_least: float = 0.0) -> float:
        """Record a failure at ``now``; returns the seconds until the next try: the policy's, or ``at_least``
        (what the server asked for, its Retry-After) when longer, never past the policy's cap."""
        failures = self._state.get(key, (0, 0.0))[0] + 1
        delay = max(self.policy.delay(failures), min(at_least, self.policy.cap))
        self._state[key] = (failures, now + delay)
        return delay

    def succeeded(self, key: str) -> None:
        self._state.pop(key, None)

    def failures(self, key: str) -> int:
        return self._state.get(key, (0, 0.0))[0]
