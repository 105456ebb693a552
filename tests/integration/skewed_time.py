"""A host's ``time`` module whose wall clock is off: for the tests of what processes on several hosts compare."""

from __future__ import annotations

import time


class SkewedTime:
    """The ``time`` module of a host whose wall clock is ``by`` seconds off."""

    def __init__(self, by: float) -> None:
        self.by = by

    def time(self) -> float:
        return time.time() + self.by

    def __getattr__(self, name: str):
        return getattr(time, name)
