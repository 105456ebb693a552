"""pledgewatch: finds the commitments in government releases, alerts subscribers, and reminds them before each
deadline."""

from __future__ import annotations

from . import stop_signals

if stop_signals.is_the_program(__name__):
    stop_signals.hold()  # SIGINT and SIGTERM until the command is known: loading what follows takes a second

import argparse
import asyncio
import os
import sys
from datetime import datetime, timezone
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from services.common.logs import escape, setup_logging
from services.common.runtime import for_a_command
from services.common.settings import MAX_WORKERS, Settings

from .classify_input import (PUBLISHED_HELP, PUBLISHED_HINT, STDIN_PATH, StandardInput, own_date_note,
                             published_option, read_piped_text)
from .configuration import load_settings
from .errors import INTERRUPTED, OneLineParser, one_line, usage_error
from .ingest_tally import IngestTally
from .backfill_cli import add_backfill_arguments, backfill_options_given, run_backfill
from .evaluation import add_arguments as add_evaluation_arguments
from .training import add_arguments as add_training_arguments
from .ledger_cli import register as register_ledger
from .model_option import add_model_argument, chosen_model
from .status import add_arguments as add_status_arguments
from .status import cmd_status
from .subscriptions_cli import register as register_subscriptions
from .dlq_cli import register as register_dlq
from .terminal_text import JSON, PLAIN, fit_output

if TYPE_CHECKING:
    from schemas import ReleasePublished


def local_path(text: str) -> Path:
    """A PATH argument: a path, or a ``file://`` URL of one (what a file manager copies)."""
    parts = urlsplit(text)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise argparse.ArgumentTypeError(f"{text}: a file:// URL of another host ({parts.netloc}); give a local path")
        return Path(url2pathname(unquote(parts.path)))
    if parts.scheme in ("http", "https"):
        raise argparse.ArgumentTypeError(f"{text}: give a local file or folder; web pages are read from a "
                                         "sources file (`pledgewatch run --sources FILE`)")
    return Path(text)


def classify_path(text: str) -> Path | StandardInput:
    """A ``classify`` PATH argument: ``-`` for the text on standard input, else as :func:`local_path`."""
    return STDIN_PATH if text == "-" else local_path(text)


def _release_files(paths: Sequence[Path | StandardInput]) -> tuple[list[Path | StandardInput], int]:
    """The release files named or inside the folders named (standard input where it is named), and how many
    paths failed: did not exist, or (in a folder) a link the folder's reading leaves out, or a folder holding no
    release file, each told in a line."""
    files: list[Path | StandardInput] = []
    missing = 0
    if len(paths) == 1 and isinstance(paths[0], Path) and not paths[0].exists():  # nothing to do
        raise usage_error(_missing(paths[0]))
    for path in paths:
        if isinstance(path, StandardInput):
            files.append(path)
        elif path.is_dir():
            found, skipped = _folder_files(path)
            files.extend(found)
            missing += skipped
        elif path.exists():
            files.append(path)
        else:
            print(f"error: {_missing(path)}", file=sys.stderr)
            missing += 1
    return files, missing


def _folder_files(folder: Path) -> tuple[list[Path], int]:
    """The release files in ``folder`` as the watcher reads it, and how many errors were told: each link left
    out (to nothing, out of the folder, a loop), and a folder with no release file (as ``classify`` of a file
    of another type is an error), naming the files of another type in it."""
    from services.ingest.files import SUFFIXES
    from services.ingest.folder import candidate_files, not_read_words

    skipped: list[tuple[Path, str]] = []
    other: list[Path] = []
    found = [p for p, _ in candidate_files([folder], skipped, other, role="the folder given ({})")]
    for path, reason in skipped:
        print(f"error: {path}: {reason}", file=sys.stderr)
    if found or skipped:
        if other:  # left out, as the watcher leaves them out, and said as it says it
            print(f"warning: {not_read_words(other)}", file=sys.stderr)
        return found, len(skipped)
    none = f"{folder}: no release files in it"
    print(f"error: {none}; {not_read_words(other)}" if other else f"error: {none} (pledgewatch reads "
          f"{', '.join(SUFFIXES)})", file=sys.stderr)
    return [], 1


def _missing(path: Path) -> str:
    """What to say of a PATH that does not exist: a link to nothing is named as one (it is there to see)."""
    if path.is_symlink():
        return f"{path}: a link to {path.readlink()}, which does not exist"
    return f"{path}: no such file or folder"


def worker_count(text: str) -> int:
    """A ``--workers`` argument: how many processes share the consumer groups' work."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number; give how many processes, "
                                         f"1 to {MAX_WORKERS}") from None
    if not 1 <= count <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{count}: give how many processes, 1 to {MAX_WORKERS} (1, the default, "
                                         "runs everything in one; about one per core is what pays)")
    return count


def cmd_run(args: argparse.Namespace) -> int:
    """Until Ctrl+C or SIGTERM, whenever either comes: the run stops cleanly, exit status 0."""
    def run() -> None:
        if stop_signals.stop_requested():  # while this program loaded: nothing started, nothing more to load
            return
        from .runner import run

        if stop_signals.stop_requested():
            return
        settings = load_settings()
        workers = args.workers if args.workers is not None else settings.workers
        setup_logging(settings.log_level, settings.log_format, worker=1 if workers > 1 else None)
        run(settings, watch=args.watch, subscriptions=args.subscriptions, sources=args.sources, workers=args.workers)

    stop_signals.run_until_stopped(run)
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    """One release.classified event as JSON per line; needs no Redis."""
    from schemas import ReleaseClassifiedEvent
    from services.classifier.budget import budget_of
    from services.classifier.core import classify
    from services.ingest.files import NoPublicationDate, ReleaseFileError, load_release, parse_piped_text
    from services.ingest.folder import distinct_folders

    if args.paths.count(STDIN_PATH) > 1:
        raise usage_error("pledgewatch classify: give - once (standard input is read once)")
    settings = load_settings()
    model = chosen_model(args.model, settings).model
    files, failed = _release_files(args.paths)
    watched, given = distinct_folders(settings.watch), _folders_given(args.paths)
    # --published dates every undated file alike: offered only where it would date the one file alone
    one_file = len(args.paths) == 1 and not given
    for path in files:
        try:
            if isinstance(path, StandardInput):
                raw = read_piped_text(sys.stdin.buffer if sys.stdin else None, max_bytes=settings.max_release_bytes)
                release = parse_piped_text(raw, published_at=args.published)
            else:
                release = load_release(path, max_bytes=settings.max_release_bytes, published_at=args.published)
                release = _named_as_ingest_names_it(release, path, watched, given)
        except ReleaseFileError as exc:
            told = exc.or_given(PUBLISHED_HINT) if isinstance(exc, NoPublicationDate) and one_file else exc
            print(f"error: {told}", file=sys.stderr)
            failed += 1
            continue
        _tell_own_date(str(path), args.published, release.published_at)
        event = ReleaseClassifiedEvent.wrap(
            classify(release, model=model, budget_seconds=budget_of(release, settings.classify_budget_seconds)),
            id=f"{release.release_id}/v{release.version}/classified",
            source="/pledgewatch/cli", time=datetime.now(timezone.utc), subject=release.release_id)
        sys.stdout.write(event.to_json().decode() + "\n")  # as the classified stream carries it
    return 1 if failed else 0


def _tell_own_date(name: str, given: datetime | None, own: datetime | None) -> None:
    """Tell on stderr that ``--published`` (``given``) was not used for ``name``, which gives its own date."""
    note = None if given is None or own is None else own_date_note(escape(name), given, own)
    if note is not None:
        print(note, file=sys.stderr)


def _folders_given(paths: Sequence[Path | StandardInput]) -> list[Path]:
    """The folders among ``paths``: their files are placed in them (named by the folder's name and their path
    inside it), as a watched folder's are."""
    return [path for path in paths if isinstance(path, Path) and path.is_dir()]


def _named_as_ingest_names_it(release: ReleasePublished, path: Path, watched: Sequence[Path],
                              given: Sequence[Path]) -> ReleasePublished:
    """``release``, read from ``path``, under the id `pledgewatch ingest` publishes a new file there under: one
    that gives no url or id of its own is named by its place, in the first of ``watched`` (PLEDGEWATCH_WATCH's
    folders) holding it, else of ``given``, else its own folder. Which id an earlier version or a move left it
    only Redis knows."""
    from services.ingest.file_places import release_place

    place = release_place(release, path.absolute(), watched, given)
    return release if place is None else release.model_copy(update={"release_id": place.release_id()})


async def _ingest(settings: Settings, files: list[Path], published_at: datetime | None, *,
                  one_file: bool, folders: list[Path]) -> int:
    """``one_file``: one release file was named, which ``--published`` can date (a folder's or several it
    cannot: a file left undated is told the ways of dating it in itself); ``folders``: the folders given, whose
    files are placed in them (their release named by the folder's name and their path inside it), as a watched
    folder's are."""
    from services.common.command_counts import hand_over
    from services.ingest.files import NoPublicationDate
    from services.ingest.service import FilePublished, FileRefused, IngestService

    service = IngestService(settings, watch=[])
    await service.start()
    tally = IngestTally(len(files))
    try:
        for path in files:
            # refused: dead-lettered
            result = await service.ingest_file(path, published_at=published_at, within=folders)
            shown = escape(str(path))  # a file's name may hold control characters
            if result is None:
                tally.gone += 1
                print(f"error: {shown}: no such file (gone before it was read)", file=sys.stderr)
            elif isinstance(result, FileRefused):
                tally.refused += 1
                undated = isinstance(result.error, NoPublicationDate)
                reason = result.error.or_given(PUBLISHED_HINT) if undated and one_file else result.reason
                print(f"error: {escape(reason)} (kept on the dead-letter stream)", file=sys.stderr)
            else:
                if result.published:
                    tally.published += 1
                else:
                    tally.unchanged += 1
                _tell_own_date(str(path), published_at, result.published_at)
                state = "published" if result.published else "unchanged"
                fixed = result.fixed_words() if isinstance(result, FilePublished) else ""
                print(f"{state} {result.release_id} v{result.version} {shown}" + (f" ({fixed})" if fixed else ""))
    except (asyncio.CancelledError, KeyboardInterrupt):  # Ctrl+C: what was published stays so
        print(tally.stopped_text(), file=sys.stderr)
        raise
    finally:
        await hand_over(service.runtime.streams)  # what it published, counted at the system's /metrics
        await service.stop()
    return 1 if tally.refused or tally.gone else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from .runstate import command_redis

    if args.backfill:
        if args.paths:
            raise usage_error("give either PATH... or --backfill, not both")
        if args.published is not None:
            raise usage_error("pledgewatch ingest: --published dates a release file; --backfill takes each "
                              "release's date from GOV.UK")
        return run_backfill(args)
    backfill_only = backfill_options_given(args)
    if backfill_only:
        raise usage_error(f"pledgewatch ingest: {backfill_only[0]} is an option of --backfill; add --backfill (and no "
                          "PATH) to backfill, or leave it out (see `pledgewatch ingest --help`)")
    if not args.paths:
        raise usage_error("give release files or folders, or --backfill")
    if args.published is not None and (len(args.paths) > 1 or args.paths[0].is_dir()):
        raise usage_error("pledgewatch ingest: --published dates one release file (given for several, it would "
                          "publish every one that gives no date of its own as of that one day); give one file "
                          "with it")
    settings = load_settings()
    files, missing = _release_files(args.paths)
    settings, redis_source = command_redis(settings)
    setup_logging("CRITICAL")  # this command reports each file itself, one line each
    with redis_source.told():
        one_file = len(args.paths) == 1 and not args.paths[0].is_dir()
        folders = _folders_given(args.paths)
        status = asyncio.run(_ingest(for_a_command(settings), files, args.published, one_file=one_file,
                                     folders=folders)) if files else 0
    return 1 if missing else status


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import main as evaluate

    if args.rules_only and args.model is not None:
        raise usage_error("give --model or --rules-only, not both (the rules alone weigh no model)")
    model = None if args.rules_only else chosen_model(args.model, load_settings())
    return evaluate(args.dir, as_json=args.json, show_errors=args.errors, rules_only=args.rules_only,
                    model=None if model is None or model.path is None else model)


def cmd_train(args: argparse.Namespace) -> int:
    from .training import train

    return train(args.dir, output=args.output, compare=args.compare, tune=args.tune, stability=args.stability,
                 stability_validation=args.stability_validation, learning_curve=args.learning_curve)


class _Version(argparse.Action):
    """``--version``: the build as the log, ``/metrics`` and ``status`` name it (release and git commit), and the
    classifier; read when asked for only, as reading the commit runs git."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0,
                         help="show the build (release and git commit) and classifier versions, and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from services.classifier.core import CLASSIFIER_VERSION

        from .build_info import this_build
        print(f"pledgewatch {this_build().named()} (classifier {CLASSIFIER_VERSION})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="pledgewatch", description=__doc__)
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (anywhere on the command line)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run ingest, classifier, notifier and ledger (in one process, or --workers N)")
    run.add_argument("--watch", action="append", type=Path, metavar="DIR",
                     help="folder of release files to watch (repeatable; default: seeds/)")
    run.add_argument("--subscriptions", type=Path, metavar="FILE", help="YAML subscriptions file")
    run.add_argument("--sources", type=Path, metavar="FILE", help="YAML file of feeds and pages to poll")
    run.add_argument("--workers", type=worker_count, metavar="N",
                     help="processes running the classifier, notifier and ledger, sharing their work "
                          "(default: PLEDGEWATCH_WORKERS, else 1)")
    run.set_defaults(func=cmd_run)

    classify = sub.add_parser("classify", help="print one release.classified event per file (no Redis)")
    classify.add_argument("paths", nargs="+", type=classify_path, metavar="PATH",
                          help="release files or folders of them (a path, or a file:// URL); - for a text on "
                               "standard input (UTF-8, read as a .txt file)")
    classify.add_argument("--published", type=published_option, metavar="DATE", help=PUBLISHED_HELP)
    add_model_argument(classify, local_path)
    classify.set_defaults(func=cmd_classify)

    ingest = sub.add_parser("ingest", help="publish release files, or backfill from GOV.UK, to a running pledgewatch")
    ingest.add_argument("paths", nargs="*", type=local_path, metavar="PATH",
                        help="release files or folders of them (a path, or a file:// URL)")
    ingest.add_argument("--published", type=published_option, metavar="DATE",
                        help=PUBLISHED_HELP + " (one file only)")
    add_backfill_arguments(ingest)
    ingest.set_defaults(func=cmd_ingest)

    evaluate = sub.add_parser("eval", help="measure the classifier against a labelled set (default: both splits)")
    add_evaluation_arguments(evaluate)
    add_model_argument(evaluate, local_path)
    evaluate.set_defaults(func=cmd_eval)

    training = sub.add_parser("train", help="fit the classifier's decision model on the training split")
    add_training_arguments(training)
    training.set_defaults(func=cmd_train)

    status = sub.add_parser("status", help="what runs: services, streams, lag, dead letters, the Redis URL")
    add_status_arguments(status)
    status.set_defaults(func=cmd_status)

    register_subscriptions(sub)
    register_dlq(sub)
    register_ledger(sub)
    _describe_commands(parser)
    return parser


def _describe_commands(parser: argparse.ArgumentParser) -> None:
    """Each command's own ``--help`` opens with what it does: the line its parent's help gives it, unless it
    has a description of its own."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, command in action.choices.items():
                one_line = helps.get(name)
                if not command.description and one_line:
                    command.description = one_line[0].upper() + one_line[1:] + "."
                _describe_commands(command)


def _warn_of_a_stale_build() -> None:
    """An edit to the classifier's core after it was compiled leaves the old compiled code running, quietly."""
    import services.classifier.core as core

    if core.build() == "compiled, older than its source":
        print("warning: the compiled classifier core is older than its source; what runs is the old build "
              "(run `make` to compile it again)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure it reports is one line on stderr (a traceback only with --debug)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    options_end = argv.index("--") if "--" in argv else len(argv)
    debug = "--debug" in argv[:options_end]  # anywhere before "--": `pledgewatch run --debug` too
    if debug:
        argv = [arg for arg in argv[:options_end] if arg != "--debug"] + argv[options_end:]
    command = None
    fit_output(sys.stdout, PLAIN)  # a terminal that is not UTF-8: `...` and `?` for what it cannot show
    fit_output(sys.stderr, "backslashreplace")  # as Python's own, whatever PYTHONIOENCODING asks: a name kept whole
    try:
        args = build_parser().parse_args(argv)
        command = getattr(args, OneLineParser.COMMAND, None)
        if getattr(args, "json", False) or args.func is cmd_classify:
            fit_output(sys.stdout, JSON)  # every character past ASCII of JSON is in a string: \uXXXX there
        if args.func is not cmd_run:  # `run` takes them itself
            stop_signals.release()
        if args.func in (cmd_run, cmd_classify, cmd_eval, cmd_train):
            _warn_of_a_stale_build()
        return int(args.func(args) or 0)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's final flush does not fail again
        return 141  # 128 + SIGPIPE, what a shell reports for a command killed by it
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as exc:
        if debug:
            raise
        message, code = one_line(exc, command)
        print(f"error: {escape(message)}", file=sys.stderr)  # it may quote a file's name, a feed's text
        return code


if __name__ == "__main__":
    sys.exit(main())
