"""Every chosen dead letter, a page at a time, newest first: how ``dlq replay --all`` and ``dlq drop --all`` go
through a queue of any length with one page of letters in memory.

The newest letter when the command began bounds the run (``newest``): a letter written meanwhile is newer, so it
is never read and is left whole for the next run (an entry that fails again once replayed comes back as such a
letter, and is not replayed twice in one run). Each letter is replayed or dropped by a script that deletes it and
counts it down together, so a stop anywhere leaves every letter done or untouched and the counts those of the
letters. A stop asked for is taken between pages, and :attr:`Sweep.through` says where the next run goes on
(``--after``). A page is a :data:`Step`: read, then acted on (:func:`reading_then_acting`), or read and deleted
in Redis by one script (``drop --all`` of every origin).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from .dead_letter_queue import Page
from .dead_letters import Letter, Unreadable

PROGRESS_SECONDS = 5.0  # a run longer than this says how far it got, this often, on stderr

Act = Callable[[list[Letter | Unreadable]], Awaitable[tuple[int, int]]]  # a page -> (done, not done)


@dataclass(frozen=True)
class PageDone:
    """What came of one page."""

    read: int  # chosen letters read and acted on
    done: int
    not_done: int
    through: str | None  # the id older letters follow (None: the page was empty)
    more: bool  # older letters may be left


Step = Callable[[str | None, int], Awaitable[PageDone | None]]  # (after, at most) -> the page; None: stop taken


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


async def sweep_pages(step: Step, state: Sweep, *, limit: int | None, page_size: int,
                      on_page: Callable[[Sweep], None]) -> Sweep:
    """``step`` from where ``state`` got to (``state.through``) until no older letter is left or ``limit``
    letters were read, ``page_size`` at a time; ``on_page`` after each page."""
    while state.more and (limit is None or state.read < limit):
        want = page_size if limit is None else min(page_size, limit - state.read)
        page = await step(state.through, want)
        if page is None:
            state.stopped = True
            return state
        state.read, state.done, state.not_done = state.read + page.read, state.done + page.done, \
            state.not_done + page.not_done
        state.more, state.through = page.more, page.through or state.through
        on_page(state)
    return state


def reading_then_acting(queue: Pages, act: Act, *, origins: set[str] | None, newest: str | None,
                        stop_requested: Callable[[], bool]) -> Step:
    """A page of ``origins`` (all when None) read from ``newest`` on, then ``act`` on its letters; a stop asked
    for is taken after the page is read, before it is acted on."""
    async def step(after: str | None, want: int) -> PageDone | None:
        page = await queue.page(origins=origins, after=after, newest=newest, limit=want)
        if stop_requested():
            return None
        done, not_done = await act(page.letters) if page.letters else (0, 0)
        through = page.after or (page.letters[-1].id if page.letters else None)
        return PageDone(len(page.letters), done, not_done, through, page.after is not None)
    return step


async def sweep(queue: Pages, act: Act, state: Sweep, *, origins: set[str] | None, newest: str | None,
                limit: int | None, page_size: int, stop_requested: Callable[[], bool],
                on_page: Callable[[Sweep], None]) -> Sweep:
    """``act`` on every letter of ``origins`` (all when None) from ``newest`` (or older than ``state.through``,
    when set) back to the oldest, or ``limit`` of them, ``page_size`` at a time, newest first; ``on_page`` after
    each page. Looks at ``stop_requested()`` after reading each page, before acting on it."""
    step = reading_then_acting(queue, act, origins=origins, newest=newest, stop_requested=stop_requested)
    return await sweep_pages(step, state, limit=limit, page_size=page_size, on_page=on_page)


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
