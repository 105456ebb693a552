"""A function held where it starts until the test lets it go: to see whether the event loop answers while it runs.

Run on the event loop, the function blocks it, so the loop cannot let it go: it waits out ``wait`` seconds and
records ``False``. Run in a worker thread, the test sees it start, does something on the loop, lets it go, and
``True`` is recorded."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


class Held:
    def __init__(self, func: Callable[..., Any], wait: float = 10) -> None:
        self.func, self.wait = func, wait
        self.entered, self._go = threading.Event(), threading.Event()
        self.let_go_in_time: list[bool] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        self.let_go_in_time.append(self._go.wait(self.wait))
        return self.func(*args, **kwargs)

    async def started(self) -> None:
        await asyncio.to_thread(self.entered.wait, self.wait)

    def let_go(self) -> None:
        self._go.set()
