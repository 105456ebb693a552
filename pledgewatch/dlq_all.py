"""``pledgewatch dlq replay --all`` and ``dlq drop --all``: every chosen letter, a page at a time
(``dead_letter_sweep``), saying how far a long run got on stderr, and where the rest begins when stopped
(SIGINT or SIGTERM: the first stops between pages, a second at once) or when ``--limit`` letters were done.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from types import FrameType, TracebackType

from services.common.logs import escape
from services.common.stream_stats import UNREADABLE, origin_of

from .dead_letter_queue import DeadLetterQueue, Replayed
from .dead_letter_sweep import (Act, PageDone, Progress, Step, Sweep, plural, reading_then_acting, sweep_pages,
                                sweep_text)
from .dead_letters import Letter, Unreadable
from .errors import INTERRUPTED
from .stop_signals import STOP_SIGNALS

SWEEP_PAGE = 1_000  # letters read, then replayed or dropped together (a pipeline of scripts, or one script), at a time
clock: Callable[[], float] = time.monotonic


class StopBetweenPages:
    """While letters are swept: SIGINT or SIGTERM asks for a stop between pages (a flag, looked at between
    pages); a second one cancels the sweep at once (each letter's script done whole or not at all)."""

    def __init__(self) -> None:
        self.requested = False

    def __enter__(self) -> StopBetweenPages:
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self.requested = True


def report_replay(done: Replayed) -> bool:
    """One line of what came of replaying a letter (stdout when replayed, else stderr); whether it was. What the
    letter says of itself (its stream, a file's name in the problem) with its control characters escaped."""
    if done.new_id is None:
        print(f"{'kept' if done.kept else 'error:'} {done.letter_id}: {escape(done.problem or '')}", file=sys.stderr)
        return False
    stream = escape(done.stream or "")
    if done.with_letter:
        print(f"replayed {done.letter_id} with {done.with_letter}: the same entry of {stream}, put back once "
              f"for every group as {done.new_id}")
    else:
        print(f"replayed {done.letter_id} onto {stream} as {done.new_id}")
    return True


def rest_command(args: argparse.Namespace, verb: str, after: str) -> str:
    """The command that goes on with the letters older than ``after``."""
    streams = "".join(f" --stream {shlex.quote(name)}" for name in args.stream or [])
    yes = " --yes" if getattr(args, "yes", False) else ""
    limit = f" --limit {args.limit}" if args.limit else ""
    return f"pledgewatch dlq {verb} --all{streams}{yes}{limit} --after {after}"


async def run_sweep(queue: DeadLetterQueue, act: Act, state: Sweep, args: argparse.Namespace, *,
                    names: set[str] | None, newest: str | None, words: tuple[str, str, str]) -> Sweep:
    """``act`` on the chosen letters from ``newest`` on, as ``args`` choose them; progress on stderr in
    ``words`` (``replaying``, ``replayed``, ``kept``)."""
    return await run_steps(lambda stop_requested: reading_then_acting(
        queue, act, origins=names, newest=newest, stop_requested=stop_requested), state, args, words=words)


async def run_steps(step_for: Callable[[Callable[[], bool]], Step], state: Sweep, args: argparse.Namespace, *,
                    words: tuple[str, str, str]) -> Sweep:
    """The pages of ``step_for(stop_requested)`` as ``args`` bound them, stopped by a signal between pages or
    (a second one) at once; progress on stderr in ``words``."""
    doing, done, not_done = words
    progress = Progress(clock())

    def on_page(now: Sweep) -> None:
        if progress.due(clock()):
            print(f"{doing}: {sweep_text(now, done, not_done)}", file=sys.stderr, flush=True)

    with StopBetweenPages() as stop:
        try:
            return await sweep_pages(step_for(lambda: stop.requested), state, limit=args.limit,
                                     page_size=SWEEP_PAGE, on_page=on_page)
        except asyncio.CancelledError:  # asked for by the second signal: the run ends here, and says so
            if (task := asyncio.current_task()) is not None:
                task.uncancel()
            state.stopped = state.cut_short = True
            return state


def dropping_by_script(queue: DeadLetterQueue, newest: str) -> Callable[[Callable[[], bool]], Step]:
    """Pages of every origin, each read and deleted by one script in Redis (none of its letters sent here); a
    stop asked for is taken before a page's script."""
    def step_for(stop_requested: Callable[[], bool]) -> Step:
        async def step(after: str | None, want: int) -> PageDone | None:
            if stop_requested():
                return None
            dropped = await queue.drop_page(after=after, newest=newest, limit=want)
            return PageDone(dropped.count, dropped.count, 0, dropped.oldest, dropped.more)
        return step
    return step_for


def ending(state: Sweep, args: argparse.Namespace, verb: str, words: tuple[str, str]) -> int | None:
    """After a run stopped, or that did ``--limit`` letters with more left, the way to the rest; the exit code
    when stopped."""
    if state.stopped:
        cut = " (the page after it cut short: each of its letters done or left whole)" if state.cut_short else ""
        rest = (f"; the rest: {rest_command(args, verb, state.through)}" if state.through
                else "; run the same command again")
        print(f"stopped: {sweep_text(state, *words)}{cut}{rest}", file=sys.stderr)
        return INTERRUPTED
    if state.more and state.through:
        print(f"  … older: {rest_command(args, verb, state.through)}")
    return None


def _chosen(counted: int | None, args: argparse.Namespace) -> int | None:
    """How many letters ``args`` choose of the ``counted`` ones: None when not known (older than ``--after``)."""
    if counted is None or args.after:
        return None
    return min(counted, args.limit) if args.limit else counted


async def replay_all(queue: DeadLetterQueue, names: set[str] | None, args: argparse.Namespace) -> int:
    counts, newest = await queue.counts_and_newest()
    if newest is None:
        print("no dead letters to replay")
        return 0
    state = Sweep(_chosen(counts.of(names), args), through=args.after)
    kept: Counter[str] = Counter()

    async def act(letters: list[Letter | Unreadable]) -> tuple[int, int]:
        results = await queue.replay_page(letters)
        replayed = sum(report_replay(done) for done in results)
        kept.update(origin_of(done.stream, queue.prefix) if done.stream else UNREADABLE
                    for done in results if done.kept)
        return replayed, sum(done.kept for done in results)  # neither: gone meanwhile (replayed or dropped)

    state = await run_sweep(queue, act, state, args, names=names, newest=newest,
                            words=("replaying", "replayed", "kept"))
    if (code := ending(state, args, "replay", ("replayed", "kept"))) is not None:
        return code
    if not state.read:
        print("no dead letters to replay")
        return 0
    print(replay_total(state, kept))
    ending(state, args, "replay", ("replayed", "kept"))
    return 1 if state.done < state.read else 0


def replay_total(state: Sweep, kept: Counter[str]) -> str:
    """How a run of ``replay --all`` ended: how many letters it replayed, and those left, by origin, and why."""
    text = f"replayed {state.done} of {plural(state.read)}"
    if kept:
        by_origin = ", ".join(f"{name} {n}" for name, n in kept.most_common())
        text += f"; {state.not_done} kept, not replayable ({by_origin}: each told above with what to do)"
    if gone := state.read - state.done - state.not_done:
        text += f"; {gone} gone meanwhile (replayed or dropped by another command)"
    return text


def drop_question(total: int | None, args: argparse.Namespace) -> str:
    """What ``drop --all`` asks, of ``total`` chosen letters (None: the counts cannot tell)."""
    chosen = f" from {', '.join(args.stream)}" if args.stream else ""
    older = f" older than {args.after}" if args.after else ""
    if total is not None:
        return f"Drop {plural(total)}{chosen} for good?"
    if args.limit:
        return f"Drop at most {plural(args.limit)}{chosen}{older} for good?"
    return f"Drop every dead letter{chosen}{older} for good?"


async def drop_all(queue: DeadLetterQueue, names: set[str] | None, args: argparse.Namespace,
                   confirmed: Callable[[str], bool]) -> int:
    counts, newest = await queue.counts_and_newest()
    total = _chosen(counts.of(names), args)
    if newest is None or total == 0:
        print("no dead letters to drop")
        return 0
    if not args.yes and not confirmed(drop_question(total, args)):
        print("nothing dropped", file=sys.stderr)
        return 1

    async def act(letters: list[Letter | Unreadable]) -> tuple[int, int]:
        missing = await queue.drop([item.id for item in letters])
        for letter_id in missing:
            print(f"error: {letter_id}: no such dead letter (replayed or dropped already)", file=sys.stderr)
        return len(letters) - len(missing), len(missing)

    state, words = Sweep(total, through=args.after), ("dropping", "dropped", "gone already")
    if names is None:  # every origin: no letter needs reading here to be chosen
        state = await run_steps(dropping_by_script(queue, newest), state, args, words=words)
    else:
        state = await run_sweep(queue, act, state, args, names=names, newest=newest, words=words)
    if state.stopped:
        return ending(state, args, "drop", ("dropped", "gone already")) or INTERRUPTED
    if not state.read:
        print("no dead letters to drop")
        return 0
    print(f"dropped {state.done} of {plural(state.read)}")
    ending(state, args, "drop", ("dropped", "gone already"))
    return 1 if state.not_done else 0
