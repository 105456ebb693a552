"""The ``pledgewatch`` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from services.common.logs import setup_logging
from services.common.runtime import RedisUnavailable, for_a_command
from services.common.settings import Settings

from .configuration import load_settings
from .backfill_cli import add_backfill_arguments, run_backfill
from .evaluation import add_arguments as add_evaluation_arguments
from .training import add_arguments as add_training_arguments
from .ledger_cli import register as register_ledger
from .subscriptions_cli import register as register_subscriptions
from .dlq_cli import register as register_dlq


def _release_files(paths: list[Path]) -> tuple[list[Path], int]:
    """The release files named or inside the folders named, and how many paths did not exist."""
    from services.ingest.folder import candidate_files

    files, missing = [], 0
    for path in paths:
        if path.is_dir():
            files.extend(p for p, _ in candidate_files([path]))
        elif path.exists():
            files.append(path)
        else:
            print(f"error: {path}: no such file or folder", file=sys.stderr)
            missing += 1
    return files, missing


def cmd_run(args: argparse.Namespace) -> int:
    from .runner import run

    settings = load_settings()
    setup_logging(settings.log_level, settings.log_format)
    run(settings, watch=args.watch, subscriptions=args.subscriptions, sources=args.sources)
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    """One release.classified event as JSON per line; needs no Redis."""
    from schemas import ReleaseClassifiedEvent
    from services.classifier.core import classify
    from services.ingest.files import ReleaseFileError, load_release

    settings = load_settings()
    files, failed = _release_files(args.paths)
    for path in files:
        try:
            release = load_release(path, max_bytes=settings.max_release_bytes)
        except ReleaseFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        event = ReleaseClassifiedEvent.wrap(
            classify(release), id=f"{release.release_id}/v{release.version}/classified",
            source="/pledgewatch/cli", time=datetime.now(timezone.utc), subject=release.release_id)
        sys.stdout.write(event.model_dump_json() + "\n")
    return 1 if failed else 0


async def _ingest(settings: Settings, files: list[Path]) -> int:
    from services.ingest.service import IngestService

    from services.ingest.files import ReleaseFileError, load_release

    service = IngestService(settings, watch=[])
    await service.start()
    failed = 0
    try:
        for path in files:
            result = await service.ingest_file(path)  # a refused file goes to the dead-letter stream
            if result is None:
                failed += 1
                try:
                    load_release(path, max_bytes=settings.max_release_bytes)
                    reason = f"{path}: refused"
                except ReleaseFileError as exc:
                    reason = str(exc)
                print(f"error: {reason} (kept on the dead-letter stream)", file=sys.stderr)
            else:
                state = "published" if result.published else "unchanged"
                print(f"{state} {result.release_id} v{result.version} {path}")
    finally:
        await service.stop()
    return 1 if failed else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from .runstate import with_running_redis

    if args.backfill:
        if args.paths:
            print("give either PATH... or --backfill, not both", file=sys.stderr)
            return 2
        return run_backfill(args)
    settings = with_running_redis(load_settings())
    setup_logging("CRITICAL")  # this command reports each file itself, one line each
    files, missing = _release_files(args.paths)
    if not args.paths:
        print("error: give release files or folders, or --backfill", file=sys.stderr)
        return 2
    try:
        status = asyncio.run(_ingest(for_a_command(settings), files)) if files else 0
    except RedisUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 1 if missing else status


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import main as evaluate

    return evaluate(args.dir, as_json=args.json, show_errors=args.errors, rules_only=args.rules_only)


def cmd_train(args: argparse.Namespace) -> int:
    from .training import train

    return train(args.dir, output=args.output, compare=args.compare)


def _version() -> str:
    from services.classifier.core import CLASSIFIER_VERSION

    from . import __version__
    return f"pledgewatch {__version__} (classifier {CLASSIFIER_VERSION})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pledgewatch", description=__doc__)
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run ingest, classifier and notifier in one process")
    run.add_argument("--watch", action="append", type=Path, metavar="DIR",
                     help="folder of release files to watch (repeatable; default: seeds/)")
    run.add_argument("--subscriptions", type=Path, metavar="FILE", help="YAML subscriptions file")
    run.add_argument("--sources", type=Path, metavar="FILE", help="YAML file of feeds and pages to poll")
    run.set_defaults(func=cmd_run)

    classify = sub.add_parser("classify", help="print one release.classified event per file (no Redis)")
    classify.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    classify.set_defaults(func=cmd_classify)

    ingest = sub.add_parser("ingest", help="publish release files, or backfill from GOV.UK, to a running pledgewatch")
    ingest.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="release files or folders of them")
    add_backfill_arguments(ingest)
    ingest.set_defaults(func=cmd_ingest)

    evaluate = sub.add_parser("eval", help="measure the classifier against a labelled set (default: both splits)")
    add_evaluation_arguments(evaluate)
    evaluate.set_defaults(func=cmd_eval)

    training = sub.add_parser("train", help="fit the classifier's decision model on the training split")
    add_training_arguments(training)
    training.set_defaults(func=cmd_train)

    register_subscriptions(sub)
    register_dlq(sub)
    register_ledger(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's final flush does not fail again
        return 141  # 128 + SIGPIPE, what a shell reports for a command killed by it


if __name__ == "__main__":
    sys.exit(main())
