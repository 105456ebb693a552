"""A circuit breaker: a server found down or not answering is not asked again for a cool-down, then once.

Time is an argument (``now``: clock seconds), never read here."""

from __future__ import annotations


class Breaker:
    """Closed (ask the server) until :meth:`failed`; then open (do not) for ``cool_down`` seconds; then one
    request is let through as a trial while the others wait another cool-down: :meth:`succeeded` closes it,
    :meth:`failed` opens it again."""

    def __init__(self, cool_down: float) -> None:
        self.cool_down = cool_down
        self._ask_again_at: float | None = None  # None: closed

    @property
    def closed(self) -> bool:
        return self._ask_again_at is None

    def allows(self, now: float) -> bool:
        """Whether to ask the server at ``now``: always while closed, once per cool-down while open."""
        if self._ask_again_at is None:
            return True
        if now < self._ask_again_at:
            return False
        self._ask_again_at = now + self.cool_down  # the trial's; the others wait for its answer
        return True

    def failed(self, now: float) -> None:
        self._ask_again_at = now + self.cool_down

    def succeeded(self) -> None:
        self._ask_again_at = None
