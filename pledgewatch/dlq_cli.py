"""``pledgewatch dlq list|show|replay|drop|recount``: the dead letters of a running system.

Redis is found as ``pledgewatch ingest`` finds it: the Redis of a running ``pledgewatch run`` (a REDIS_URL
of another Redis is refused), else REDIS_URL. Letters are named by their id on the dead-letter stream.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from schemas.streams import DEAD_LETTERS
from services.common.dead_letter_counts import overcounted_text
from services.common.dead_letter_recount import QueueKeptChanging
from services.common.logs import escape
from services.common.stream_stats import UNREADABLE
from services.common.command_counts import hand_over
from services.common.runtime import Runtime, for_a_command

from .configuration import load_settings
from .dead_letter_queue import Counts, DeadLetterQueue, Page
from .dead_letters import STREAM_ID, Letter, Unreadable, brief, brief_line, chosen_origins, letter_lines, origin
from .dlq_all import drop_all, replay_all, report_replay
from .errors import usage_error
from .refused_files import read_fine_since

T = TypeVar("T")
DEFAULT_LIMIT = 20


def _with_queue(work: Callable[[DeadLetterQueue, set[str] | None], Awaitable[T]],
                streams: list[str] | None = None) -> T:
    """Run ``work`` against the dead-letter stream of the configured (or running) system."""
    from .runstate import command_redis

    settings, redis_source = command_redis(load_settings())
    settings = for_a_command(settings)
    try:
        names = chosen_origins(streams, settings.prefix) if streams else None
    except ValueError as exc:
        raise usage_error(str(exc)) from None

    async def run() -> T:
        runtime = Runtime(settings, source="/pledgewatch/cli")
        streams = await runtime.open()
        try:
            return await work(DeadLetterQueue(streams.client, settings.key(DEAD_LETTERS)), names)
        finally:
            await hand_over(streams)  # the letters it replayed, counted at the system's /metrics
            await runtime.close()

    with redis_source.told():
        return asyncio.run(run())


def _letter_json(item: Letter | Unreadable, prefix: str, fine: set[str], refusals: dict[str, str]) -> dict[str, Any]:
    """``fine``: the letters whose release file was read fine since; ``refusals``: why each letter that is not
    replayable is not (:meth:`DeadLetterQueue.refusals`)."""
    if isinstance(item, Unreadable):
        return {"id": item.id, "origin": UNREADABLE, "unreadable": item.reason}
    refusal = refusals.get(item.id)
    return {"id": item.id, "origin": origin(item, prefix), **item.letter.model_dump(mode="json"),
            "replayable": refusal is None, **({"not_replayable": refusal} if refusal else {}),
            "read_fine_since": item.id in fine}


def _plural(n: int) -> str:
    return f"{n} dead letter{'s' if n != 1 else ''}"


def _next_page(args: argparse.Namespace, after: str) -> str:
    """The command that lists the page after this one."""
    streams = "".join(f" --stream {shlex.quote(name)}" for name in args.stream or [])
    limit = f" --limit {args.limit}" if args.limit != DEFAULT_LIMIT else ""
    return f"pledgewatch dlq list{streams}{limit} --after {after}"


def cmd_list(args: argparse.Namespace) -> int:
    async def work(queue: DeadLetterQueue, names: set[str] | None
                   ) -> tuple[Counts, int | None, int | None, Page, str, set[str], dict[str, str]]:
        counts = await queue.counts()
        page = await queue.page(origins=names, after=args.after, limit=args.limit)
        least = counts.counted(names) if names is not None and counts.uncounted else None
        fine = await read_fine_since(queue.client, queue.prefix, page.letters)
        refusals = await queue.refusals(page.letters, fine) if args.json else {}
        return counts, counts.of(names), least, page, queue.prefix, fine, refusals

    counts, total, least, page, prefix, fine, refusals = _with_queue(work, args.stream)
    if counts.overcounted:
        print(f"warning: {overcounted_text(counts.overcounted)}", file=sys.stderr)
    shown = len(page.letters)
    older = None if total is None or args.after else (max(total - shown, 0) if page.after else 0)
    after = None if older == 0 else page.after  # a page filled by the chosen origins' last letters: no next one
    if args.json:
        print(json.dumps({"total": total, "by_origin": counts.by_origin,
                          "letters": [_letter_json(i, prefix, fine, refusals) for i in page.letters], "after": after,
                          "older": older}, indent=2))
        return 0
    chosen = f" from {', '.join(args.stream)}" if args.stream else ""
    if not page.letters and after is None:
        print(f"no dead letters{chosen}" + (f" older than {args.after}" if args.after else ""))
        return 0
    breakdown = ", ".join(f"{name} {n}" for name, n in counts.by_origin.items())
    if total is None and least is not None:
        print(f"at least {_plural(least)}{chosen} ({counts.uncounted} older not counted by origin yet), "
              "newest first")
    elif total is None:
        print(f"dead letters{chosen}, newest first")
    else:
        print(f"{_plural(total)}{chosen or f' ({breakdown})'}, newest first")
    for item in page.letters:
        print(brief_line(brief(item, prefix, read_fine_since=item.id in fine)))
    if after is None:
        return 0
    if not page.filled:
        found = "none" if not shown else str(shown)
        print(f"  … {found} among the {'next ' if args.after else ''}{page.read}{'' if args.after else ' newest'} "
              f"read; older: {_next_page(args, after)}")
    else:
        print(f"  … {older if older is not None else 'more'} older: {_next_page(args, after)}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    async def fetch(queue: DeadLetterQueue, _: set[str] | None
                    ) -> tuple[Letter | Unreadable | None, str, set[str], dict[str, str]]:
        item = await queue.get(args.id)
        items = [item] if item else []
        fine = await read_fine_since(queue.client, queue.prefix, items)
        return item, queue.prefix, fine, await queue.refusals(items, fine)

    item, prefix, fine, refusals = _with_queue(fetch)
    if item is None:
        print(f"error: {args.id}: no such dead letter", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(_letter_json(item, prefix, fine, refusals), indent=2))
        return 0
    if isinstance(item, Unreadable):
        print(f"id:       {item.id}\nunreadable: {escape(item.reason)}")
        return 0
    print("\n".join(letter_lines(item, refusal=refusals.get(item.id))))
    return 0


def _selection_problem(args: argparse.Namespace, verb: str) -> str | None:
    if bool(args.ids) == bool(args.all):
        return f"give dead letter ids or --all to {verb}, not both or neither"
    if args.stream and not args.all:
        return "--stream chooses letters with --all; not with ids"
    if (args.limit or args.after) and not args.all:
        return "--limit and --after choose letters with --all; not with ids"
    return None


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_replay(args: argparse.Namespace) -> int:
    if problem := _selection_problem(args, "replay"):
        return _usage_error(problem)

    async def work(queue: DeadLetterQueue, names: set[str] | None) -> int:
        if args.all:
            return await replay_all(queue, names, args)
        replayed = [report_replay(await queue.replay(letter_id)) for letter_id in args.ids]
        return 0 if all(replayed) else 1

    return _with_queue(work, args.stream)


def _confirmed(question: str) -> bool:
    """The answer to ``question``. It is asked inside the command's event loop, whose handler of SIGINT only
    cancels a task, which a blocking read never sees: while it waits, Ctrl+C raises KeyboardInterrupt."""
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)  # before the question: answered at once
    try:
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        return sys.stdin.readline().strip().lower() in ("y", "yes")
    finally:
        signal.signal(signal.SIGINT, handler)


def cmd_drop(args: argparse.Namespace) -> int:
    if problem := _selection_problem(args, "drop"):
        return _usage_error(problem)
    if not args.yes and not sys.stdin.isatty():
        return _usage_error("dropping dead letters needs confirmation: run it in a terminal, or pass --yes")

    async def work(queue: DeadLetterQueue, names: set[str] | None) -> int:
        if args.all:
            return await drop_all(queue, names, args, _confirmed)
        ids = args.ids
        what = _plural(len(ids))
        if not args.yes and not _confirmed(f"Drop {what} for good?"):
            print("nothing dropped", file=sys.stderr)
            return 1
        missing = await queue.drop(ids)
        print(f"dropped {len(ids) - len(missing)} of {what}")
        for letter_id in missing:
            print(f"error: {letter_id}: no such dead letter (replayed or dropped already)", file=sys.stderr)
        return 1 if missing else 0

    return _with_queue(work, args.stream)


def cmd_recount(args: argparse.Namespace) -> int:
    async def work(queue: DeadLetterQueue, _: set[str] | None) -> tuple[int, list[tuple[str, int, int]]]:
        return await queue.recount()

    try:
        total, changed = _with_queue(work)
    except QueueKeptChanging as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not changed:
        print(f"recounted {_plural(total)}: the counts were right")
        return 0
    print(f"recounted {_plural(total)}:")
    width = max(12, *(len(name) + 2 for name, _, _ in changed))
    for name, before, after in changed:
        print(f"  {name:<{width}}{before} → {after}")
    return 0


def _letter_id(text: str) -> str:
    """A dead letter's id: its entry id on the dead-letter stream, ``<milliseconds>-<sequence>``."""
    if not STREAM_ID.match(text):
        raise argparse.ArgumentTypeError(
            f"{text!r}: not a dead letter id (like 1796426709596-0; `pledgewatch dlq list` shows them)")
    return text


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number of 1 or more")
    return int(text)


def _add_choice_of_letters(p: argparse.ArgumentParser, id_help: str, stream_help: str) -> None:
    p.add_argument("ids", nargs="*", metavar="ID", type=_letter_id, help=f"{id_help}; or --all")
    p.add_argument("--all", action="store_true",
                   help="every letter (of --stream, when given), newest first, a page at a time; letters written "
                        "meanwhile are left for the next run")
    p.add_argument("--stream", action="append", metavar="NAME", help=stream_help)
    p.add_argument("--limit", type=_positive, metavar="N", help="with --all: this many letters at most")
    p.add_argument("--after", type=_letter_id, metavar="ID",
                   help="with --all: only letters older than this one (where a stopped run says the rest begins)")


def register(subparsers: Any) -> None:
    """Add ``dlq`` and its commands to the ``pledgewatch`` parser."""
    parser = subparsers.add_parser("dlq", help="list, show, replay, drop and recount dead letters")
    sub = parser.add_subparsers(dest="dlq_command", required=True)
    id_help = "a dead letter's id, like 1796426709596-0 (`pledgewatch dlq list` shows them)"
    stream_help = ("only letters from this origin, as `pledgewatch status` counts them (releases, classified, "
                   "notifier, file, http, feed, …), or one source of one (feed:NAME); repeatable")

    p = sub.add_parser("list", help="dead letters, newest first, a page at a time")
    p.add_argument("--stream", action="append", metavar="NAME", help=stream_help)
    p.add_argument("--limit", type=_positive, default=DEFAULT_LIMIT, metavar="N",
                   help=f"letters shown (default {DEFAULT_LIMIT})")
    p.add_argument("--after", type=_letter_id, metavar="ID",
                   help="only letters older than this one: the next page, as the last line of a page says")
    p.add_argument("--json", action="store_true", help="as JSON, with the whole letters")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one dead letter: its reason and the original payload")
    p.add_argument("id", type=_letter_id, metavar="ID", help=id_help)
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("replay", help="put letters back onto the stream they came from, to be processed again")
    _add_choice_of_letters(p, id_help, stream_help)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("drop", help="delete dead letters for good (asks first)")
    _add_choice_of_letters(p, id_help, stream_help)
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_drop)

    p = sub.add_parser("recount", help="count the letters by origin again, as they are (after a roll-back and "
                                       "forward, when `status` says the counts hold more than there are)")
    p.set_defaults(func=cmd_recount)
