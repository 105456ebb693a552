"""Waiting on something for a bounded time and no longer, even when it does not end once cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

_ABANDONED: set[asyncio.Future[Any]] = set()  # waited on past their bound, cancelled, kept until they end


class NoAnswer(TimeoutError):
    """What was awaited had not ended within its bound."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")


def _never() -> bool:
    return False


async def within(awaitable: Awaitable[T], seconds: float, *, alive: Callable[[], bool] = _never) -> T:
    """What ``awaitable`` gives (or raises), or :class:`NoAnswer` once ``seconds`` have passed without it and
    ``alive()`` is false; while ``alive()`` says the server is answering others (only busy), another ``seconds``.

    It runs as a task of its own, cancelled and no longer awaited past the bound: a Redis client stuck on a
    frozen server may absorb the cancellation (or retry), and the caller must not wait for it."""
    task = asyncio.ensure_future(awaitable)
    try:
        while not (await asyncio.wait({task}, timeout=seconds))[0]:
            if not alive():
                _abandon(task)
                raise NoAnswer(seconds)
    except asyncio.CancelledError:
        _abandon(task)
        raise
    return task.result()


def _abandon(task: asyncio.Future[Any]) -> None:
    task.cancel()
    _ABANDONED.add(task)
    task.add_done_callback(_forget)


def _forget(task: asyncio.Future[Any]) -> None:
    _ABANDONED.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: a late failure of an abandoned wait is no news
