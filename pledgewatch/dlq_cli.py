"""``pledgewatch dlq list|show|replay|drop``: the dead letters of a running system.

Redis is found as ``pledgewatch ingest`` finds it: the Redis of a running ``pledgewatch run`` (a REDIS_URL
of another Redis is refused), else REDIS_URL. Letters are named by their id on the dead-letter stream.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from schemas.streams import DEAD_LETTERS
from services.common.command_counts import hand_over
from services.common.runtime import Runtime, for_a_command

from .configuration import load_settings
from .dead_letter_queue import DeadLetterQueue, OriginSummary
from .dead_letters import STREAM_ID, Letter, Unreadable, chosen_origins, why_not_replayable
from .errors import usage_error

T = TypeVar("T")
REASON_WIDTH = 120  # a reason is cut to this in `list`; `show` gives it whole


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


def _one_line(text: str, width: int = REASON_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(item: Letter | Unreadable) -> str:
    if isinstance(item, Unreadable):
        return f"  {item.id}  (unreadable: {_one_line(item.reason)})"
    letter = item.letter
    at = letter.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    who = letter.group or letter.stream.removeprefix("file:")
    return f"  {item.id}  {at}  {who}  {_one_line(letter.reason)}"


def _letter_json(item: Letter | Unreadable) -> dict[str, Any]:
    if isinstance(item, Unreadable):
        return {"id": item.id, "unreadable": item.reason}
    refusal = why_not_replayable(item.letter)
    return {"id": item.id, **item.letter.model_dump(mode="json"), "replayable": refusal is None,
            **({"not_replayable": refusal} if refusal else {})}


def cmd_list(args: argparse.Namespace) -> int:
    summary: list[OriginSummary] = _with_queue(lambda q, names: q.summary(origins=names, limit=args.limit),
                                               args.stream)
    if args.json:
        print(json.dumps({"streams": [{"stream": s.origin, "total": s.total,
                                       "letters": [_letter_json(i) for i in s.newest]} for s in summary]},
                         indent=2))
        return 0
    if not summary:
        print("no dead letters" + (f" from {', '.join(args.stream)}" if args.stream else ""))
    for s in summary:
        print(f"{s.origin}: {s.total} dead letter{'s' if s.total != 1 else ''}, newest first")
        for item in s.newest:
            print(_row(item))
        if s.total > len(s.newest):
            print(f"  … {s.total - len(s.newest)} older (--limit)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    item = _with_queue(lambda q, _: q.get(args.id))
    if item is None:
        print(f"error: {args.id}: no such dead letter", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(_letter_json(item), indent=2))
        return 0
    if isinstance(item, Unreadable):
        print(f"id:       {item.id}\nunreadable: {item.reason}")
        return 0
    letter, refusal = item.letter, why_not_replayable(item.letter)
    print(f"id:         {item.id}\nat:         {letter.at.isoformat()}\nstream:     {letter.stream}")
    if letter.entry_id:
        print(f"entry:      {letter.entry_id}")
    if letter.group:
        print(f"group:      {letter.group} (deliveries: {letter.deliveries})")
    print(f"reason:     {letter.reason}")
    print(f"replayable: {'yes' if refusal is None else 'no, ' + refusal}")
    print("payload:")
    for name, value in letter.payload.items():
        print(f"  {name}: {_readable(value)}")
    return 0


def _readable(value: str) -> str:
    """A payload value; JSON (an event) indented beneath its name."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if not isinstance(parsed, (dict, list)):
        return value
    return "\n" + "\n".join("    " + line for line in json.dumps(parsed, indent=2, ensure_ascii=False).splitlines())


def _selection_problem(args: argparse.Namespace, verb: str) -> str | None:
    if bool(args.ids) == bool(args.all):
        return f"give dead letter ids or --all to {verb}, not both or neither"
    if args.stream and not args.all:
        return "--stream chooses letters with --all; not with ids"
    return None


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_replay(args: argparse.Namespace) -> int:
    if problem := _selection_problem(args, "replay"):
        return _usage_error(problem)

    async def work(queue: DeadLetterQueue, names: set[str] | None) -> int:
        ids = args.ids or await queue.ids(origins=names)
        failed = 0
        for letter_id in ids:
            done = await queue.replay(letter_id)
            if done.new_id is None:
                failed += 1
                print(f"{'kept' if done.kept else 'error:'} {letter_id}: {done.problem}", file=sys.stderr)
            elif done.with_letter:
                print(f"replayed {letter_id} with {done.with_letter}: the same entry of {done.stream}, put back once "
                      f"for every group as {done.new_id}")
            else:
                print(f"replayed {letter_id} onto {done.stream} as {done.new_id}")
        if args.all and not ids:
            print("no dead letters to replay")
        return 1 if failed else 0

    return _with_queue(work, args.stream)


def _confirmed(question: str) -> bool:
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_drop(args: argparse.Namespace) -> int:
    if problem := _selection_problem(args, "drop"):
        return _usage_error(problem)
    if not args.yes and not sys.stdin.isatty():
        return _usage_error("dropping dead letters needs confirmation: run it in a terminal, or pass --yes")

    async def work(queue: DeadLetterQueue, names: set[str] | None) -> int:
        ids = args.ids or await queue.ids(origins=names)
        if not ids:
            print("no dead letters to drop")
            return 0
        what = f"{len(ids)} dead letter{'s' if len(ids) != 1 else ''}"
        if not args.yes and not _confirmed(f"Drop {what} for good?"):
            print("nothing dropped", file=sys.stderr)
            return 1
        missing = await queue.drop(ids)
        print(f"dropped {len(ids) - len(missing)} of {what}")
        for letter_id in missing:
            print(f"error: {letter_id}: no such dead letter (replayed or dropped already)", file=sys.stderr)
        return 1 if missing else 0

    return _with_queue(work, args.stream)


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


def register(subparsers: Any) -> None:
    """Add ``dlq`` and its commands to the ``pledgewatch`` parser."""
    parser = subparsers.add_parser("dlq", help="list, show, replay and drop dead letters")
    sub = parser.add_subparsers(dest="dlq_command", required=True)
    id_help = "a dead letter's id, like 1796426709596-0 (`pledgewatch dlq list` shows them)"
    stream_help = ("only letters from this origin, as `pledgewatch status` counts them (releases, classified, "
                   "notifier, file, http, feed, …), or one source of one (feed:NAME); repeatable")

    p = sub.add_parser("list", help="dead letters per stream, newest first")
    p.add_argument("--stream", action="append", metavar="NAME", help=stream_help)
    p.add_argument("--limit", type=_positive, default=20, metavar="N", help="letters shown per stream (default 20)")
    p.add_argument("--json", action="store_true", help="as JSON, with the whole letters")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one dead letter: its reason and the original payload")
    p.add_argument("id", type=_letter_id, metavar="ID", help=id_help)
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("replay", help="put letters back onto the stream they came from, to be processed again")
    p.add_argument("ids", nargs="*", metavar="ID", type=_letter_id, help=f"{id_help}; or --all")
    p.add_argument("--all", action="store_true", help="every letter (of --stream, when given)")
    p.add_argument("--stream", action="append", metavar="NAME", help=stream_help)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("drop", help="delete dead letters for good (asks first)")
    p.add_argument("ids", nargs="*", metavar="ID", type=_letter_id, help=f"{id_help}; or --all")
    p.add_argument("--all", action="store_true", help="every letter (of --stream, when given)")
    p.add_argument("--stream", action="append", metavar="NAME", help=stream_help)
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_drop)
