"""``pledgewatch ingest --backfill``: ingest every GOV.UK Search API result, resumably.

Wiring (pledgewatch/cli.py): ``add_backfill_arguments(ingest_parser)`` and, in
``cmd_ingest``, ``if args.backfill: return run_backfill(args)``. Runs alone too:
``python -m pledgewatch.backfill_cli --organisation home-office``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date

from services.common.logs import setup_logging
from services.common.runtime import RedisUnavailable, for_a_command
from services.common.settings import Settings

DEFAULT_SOURCE = "govuk-backfill"


def add_backfill_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("backfill from the GOV.UK Search API")
    group.add_argument("--backfill", action="store_true",
                       help="page through GOV.UK search results and ingest every one (resumable)")
    group.add_argument("--document-type", action="append", dest="document_types", metavar="TYPE",
                       help="content_store_document_type to include (repeatable; default: press_release)")
    group.add_argument("--organisation", action="append", dest="organisations", metavar="SLUG", default=[],
                       help="organisation slug, e.g. home-office (repeatable)")
    group.add_argument("--from", dest="from_date", type=date.fromisoformat, metavar="YYYY-MM-DD",
                       help="first publication day")
    group.add_argument("--to", dest="to_date", type=date.fromisoformat, metavar="YYYY-MM-DD",
                       help="last publication day")
    group.add_argument("--source", default=DEFAULT_SOURCE, help=f"source name on the events (default {DEFAULT_SOURCE})")
    group.add_argument("--page-size", type=int, default=100, metavar="N", help="results per search page (default 100)")
    group.add_argument("--concurrency", type=int, default=None, metavar="N",
                       help="items fetched at once (default PLEDGEWATCH_FETCH_CONCURRENCY)")
    group.add_argument("--govuk-url", default=None, metavar="URL", help="GOV.UK base URL (default PLEDGEWATCH_GOVUK_URL)")
    group.add_argument("--restart", action="store_true", help="forget the saved position and start again")
    group.add_argument("--no-progress", action="store_true", help="no progress bar")


def _RateColumn():  # noqa: N802  (a column class, built lazily: rich is imported only here)
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            return Text(f"{task.speed:.0f} items/s" if task.speed else "", style="progress.data.speed")

    return RateColumn()


async def _backfill(settings: Settings, args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from services.common.service import Runtime
    from services.ingest.backfill import Backfill
    from services.ingest.settings import IngestSettings
    from services.ingest.errors import SourceError
    from services.ingest.fetch import Fetcher
    from services.ingest.readers import Reader
    from services.ingest.search import SearchQuery

    ingest = settings.ingest
    if args.govuk_url:
        ingest = IngestSettings.model_validate({**ingest.model_dump(), "govuk_url": args.govuk_url})
    query = SearchQuery(document_types=tuple(args.document_types or ["press_release"]),
                        organisations=tuple(args.organisations), from_date=args.from_date, to_date=args.to_date,
                        page_size=args.page_size)
    runtime = Runtime(settings, source="/pledgewatch/ingest")
    streams = await runtime.open()
    progress = Progress(TextColumn(f"backfill {args.source}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                        TimeElapsedColumn(), disable=args.no_progress, transient=False)
    task = progress.add_task("backfill", total=None)
    try:
        async with Fetcher.from_settings(ingest) as fetcher:
            job = Backfill(streams, Reader(fetcher, govuk_url=ingest.govuk_url), query, source=args.source,
                           concurrency=args.concurrency or ingest.fetch_concurrency)
            with progress:
                report = await job.run(lambda done, total: progress.update(task, completed=done, total=total),
                                       restart=args.restart)
    except SourceError as exc:
        print(f"error: {exc} (run again to resume)", file=sys.stderr)
        return 1
    finally:
        await runtime.close()
    print(f"backfill {args.source}: {report.published} published, {report.unchanged} unchanged, "
          f"{report.failed} failed of {report.total} results (resumed at {report.resumed_at}); "
          f"{report.items} items in {report.seconds:.1f} s = {report.rate:.1f} items/s")
    return 1 if report.failed else 0


def run_backfill(args: argparse.Namespace) -> int:
    """Run the backfill ``args`` describe against the configured (or running) Redis."""
    from services.ingest.search import window_problem

    from .runstate import with_running_redis

    problem = window_problem(args.from_date, args.to_date)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        settings = with_running_redis(Settings())
    except SystemExit:
        raise
    except Exception as exc:  # pydantic's message names the bad variable
        raise SystemExit(f"bad configuration: {exc}") from None
    setup_logging("WARNING", settings.log_format)
    logging.getLogger("services.ingest").setLevel(logging.WARNING)
    try:
        return asyncio.run(_backfill(for_a_command(settings), args))
    except KeyboardInterrupt:
        print("stopped; run the same command again to resume", file=sys.stderr)
        return 130
    except RedisUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pledgewatch ingest --backfill", description=__doc__.splitlines()[0])
    add_backfill_arguments(parser)
    args = parser.parse_args(argv)
    args.backfill = True
    return run_backfill(args)


if __name__ == "__main__":
    sys.exit(main())
