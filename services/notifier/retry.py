"""Retry timing: exponential backoff with jitter. Pure."""

from __future__ import annotations


def backoff_delay(attempt: int, *, base: float, cap: float, jitter: float) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    ``base * 2**(attempt-1)``, capped at ``cap``, then scaled into its upper half by
    ``jitter`` in [0, 1) ("equal jitter"), so retries from many alerts spread out
    but never come sooner than half the nominal delay.
    """
    nominal = min(cap, base * 2 ** (attempt - 1))
    return nominal / 2 + nominal / 2 * jitter
