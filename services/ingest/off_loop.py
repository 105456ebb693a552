"""Reading a large input off the event loop.

Parsing a feed and turning a page or a feed entry into text take time in proportion to their size (feedparser
reads about 2 s/MB); under ``pledgewatch run`` every service shares one event loop, so a big input is read in a
worker thread while the loop goes on (health checks, the other services). A small one, nearly all, is read in
place: a thread's hand-off would cost more than the read. What runs in the thread is pure: it reads its
arguments and returns a new value, and raises the same errors as in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

INLINE_SIZE = 64_000  # bytes or characters: an input larger than this is read in a worker thread

P = ParamSpec("P")
T = TypeVar("T")


async def read_off_loop(size: int, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``func(*args, **kwargs)``: in place when ``size`` is at most :data:`INLINE_SIZE`, else in a worker
    thread (``func`` must touch no shared mutable state)."""
    if size <= INLINE_SIZE:
        return func(*args, **kwargs)
    return await asyncio.to_thread(func, *args, **kwargs)
