"""Every chosen dead letter, a page at a time, newest first: how ``dlq replay --all`` and ``dlq drop --all`` go
through a queue of any length with one page of letters in memory.

The newest letter when the command began bounds the run (``newest``): a letter written meanwhile is newer, so it
is never read and is left whole for the next run (an entry that fails again once replayed comes back as such a
letter, and is not replayed twice in one run). Each letter is replayed or dropped by a script that deletes it and
counts it down together, so a stop anywhere leaves every letter done or untouched and the counts those of the
letters. A stop asked for is taken between pages, and :attr:`Sweep.through` says where the next run goes on
(``--after``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from .dead_letter_queue import Page
from .dead_letters import Letter, Unreadable

PROGRESS_SECONDS = 5.0  # a run longer than this says how far it got, this often, on stderr

Act = Callable[[list[Letter | Unreadable]], Awaitable[tuple[int, int]]]  # a page -> (done, not done)


class Pages(Protocol):
    async def page(self, *, origins: set[str] | None, after: str | None, limit: int, newest: str | None = None
                   ) -> Page: ...


@dataclass
class Sweep:
    """How far a run got."""

    total: int | None  # the chosen letters when it began, when the counts tell
    through: str | None = None  # every chosen letter from the start back to this one was read and acted on
    read: int = 0  # chosen letters read and acted on
    done: int = 0  # of them replayed, or dropped
    not_done: int = 0  # of them kept (replay), or gone already (drop)
    more: bool = True  # older letters may be left
    stopped: bool = False  # a stop was asked for
    cut_short: bool = False  # ... twice: the page in hand was cut short, each of its letters done or untouched


async def sweep(queue: Pages, act: Act, state: Sweep, *, origins: set[str] | None, newest: str | None,
                limit: int | None, page_size: int, stop_requested: Callable[[], bool],
                on_page: Callable[[Sweep], None]) -> Sweep:
    """``act`` on every letter of ``origins`` (all when None) from ``newest`` (or older than ``state.through``,
    when set) back to the oldest, or ``limit`` of them, ``page_size`` at a time, newest first; ``on_page`` after
    each page. Looks at ``stop_requested()`` after reading each page, before acting on it."""
    while state.more and (limit is None or state.read < limit):
        want = page_size if limit is None else min(page_size, limit - state.read)
        page = await queue.page(origins=origins, after=state.through, newest=newest, limit=want)
        if stop_requested():
            state.stopped = True
            return state
        done, not_done = await act(page.letters) if page.letters else (0, 0)
        state.read, state.done, state.not_done = state.read + len(page.letters), state.done + done, \
            state.not_done + not_done
        state.more = page.after is not None
        state.through = page.after or (page.letters[-1].id if page.letters else state.through)
        on_page(state)
    return state


def plural(n: int) -> str:
    return f"{n} dead letter{'s' if n != 1 else ''}"


def sweep_text(state: Sweep, done: str, not_done: str) -> str:
    """How far ``state`` got, in the words of its command: ``3 of 20 dead letters read (3 replayed, 0 kept),
    back to ID``."""
    read = f"{state.read} of {plural(state.total)}" if state.total is not None else plural(state.read)
    back = f", back to {state.through}" if state.through else ""
    return f"{read} read ({state.done} {done}, {state.not_done} {not_done}){back}"


class Progress:
    """When a long run says how far it got: every :data:`PROGRESS_SECONDS`, the first that long after it began
    (``started`` and each ``now`` from one monotonic clock)."""

    def __init__(self, started: float) -> None:
        self._next = started + PROGRESS_SECONDS

    def due(self, now: float) -> bool:
        if now < self._next:
            return False
        self._next = now + PROGRESS_SECONDS
        return True
