"""``pledgewatch ingest --backfill``: ingest every GOV.UK Search API result, resumably.

Wiring (pledgewatch/cli.py): ``add_backfill_arguments(ingest_parser)`` and, in
``cmd_ingest``, ``if args.backfill: return run_backfill(args)``. Runs alone too:
``python -m pledgewatch.backfill_cli --organisation home-office``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from services.common.logs import setup_logging
from services.common.runtime import for_a_command
from services.common.settings import Settings

from .configuration import load_settings
from .errors import CommandError, usage_error
from .whole_numbers import whole_number

DEFAULT_SOURCE = "govuk-backfill"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # the most results the GOV.UK Search API gives in one page


def page_size(text: str) -> int:
    """A ``--page-size`` argument: results per search page."""
    return whole_number(text, wanted="how many results per search page", most=MAX_PAGE_SIZE)


def max_pages(text: str) -> int:
    """A ``--max-pages`` argument: the most pages of a feed read."""
    return whole_number(text, wanted="how many pages of the feed to read at most")


def concurrency(text: str) -> int:
    """A ``--concurrency`` argument: items fetched at once."""
    return whole_number(text, wanted="how many items to fetch at once")


def publication_day(text: str) -> date:
    """A ``--from`` / ``--to`` argument: a real day, YYYY-MM-DD."""
    from services.ingest.calendar_days import calendar_day

    try:
        return calendar_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def govuk_url(text: str) -> str:
    """A ``--govuk-url`` argument: an http(s) URL with a host."""
    from services.ingest.settings import http_url

    try:
        return http_url(text).rstrip("/")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def source_name(text: str) -> str:
    """A ``--source`` argument: a name as the sources file takes."""
    from services.ingest.source_names import source_name_problem

    problem = source_name_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def govuk_slug(text: str) -> str:
    """An ``--organisation`` or ``--document-type`` argument: a GOV.UK slug, which search matches exactly."""
    if not _SLUG.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r}: not a GOV.UK slug; use lowercase letters, digits, '-' or '_' "
                                         "(home-office, press_release)")
    return text


# Each option of the backfill alone: (its dest, its flag). None or False when not given, so that one given
# without --backfill is told rather than ignored.
BACKFILL_ONLY = (("document_types", "--document-type"), ("organisations", "--organisation"), ("from_date", "--from"),
                 ("to_date", "--to"), ("source", "--source"), ("page_size", "--page-size"),
                 ("concurrency", "--concurrency"), ("govuk_url", "--govuk-url"), ("restart", "--restart"),
                 ("no_progress", "--no-progress"), ("feed", "--feed"), ("max_pages", "--max-pages"),
                 ("sources", "--sources"))


def backfill_options_given(args: argparse.Namespace) -> list[str]:
    """The flags of the backfill's own options that ``args`` gives."""
    return [flag for dest, flag in BACKFILL_ONLY if getattr(args, dest) not in (None, False)]


def add_backfill_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("backfill from the GOV.UK Search API")
    group.add_argument("--backfill", action="store_true",
                       help="page through GOV.UK search results and ingest every one (resumable)")
    group.add_argument("--document-type", action="append", dest="document_types", metavar="TYPE", type=govuk_slug,
                       help="content_store_document_type to include (repeatable; default: press_release)")
    group.add_argument("--organisation", action="append", dest="organisations", metavar="SLUG", type=govuk_slug,
                       help="organisation slug, e.g. home-office (repeatable)")
    group.add_argument("--from", dest="from_date", type=publication_day, metavar="YYYY-MM-DD",
                       help="first publication day")
    group.add_argument("--to", dest="to_date", type=publication_day, metavar="YYYY-MM-DD",
                       help="last publication day")
    group.add_argument("--source", type=source_name, metavar="NAME",
                       help=f"source name on the events (default {DEFAULT_SOURCE})")
    group.add_argument("--page-size", type=page_size, metavar="N",
                       help=f"results per search page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})")
    group.add_argument("--concurrency", type=concurrency, default=None, metavar="N",
                       help="items fetched at once (default PLEDGEWATCH_FETCH_CONCURRENCY)")
    group.add_argument("--govuk-url", type=govuk_url, default=None, metavar="URL",
                       help="GOV.UK base URL (default PLEDGEWATCH_GOVUK_URL)")
    group.add_argument("--restart", action="store_true", help="forget the saved position and start again")
    group.add_argument("--no-progress", action="store_true", help="no progress bar")
    group.add_argument("--feed", metavar="NAME",
                       help="backfill this feed of the sources file instead: its first page and every older one "
                            "it links to (RFC 5005 rel=prev-archive or rel=next)")
    group.add_argument("--max-pages", type=max_pages, metavar="N",
                       help="with --feed: the most pages read (default 100)")
    group.add_argument("--sources", type=Path, metavar="FILE",
                       help="with --feed: the sources file naming it (default PLEDGEWATCH_SOURCES)")


def _RateColumn():  # noqa: N802  (a column class, built lazily: rich is imported only here)
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            return Text(f"{task.speed:.0f} items/s" if task.speed else "", style="progress.data.speed")

    return RateColumn()


async def _backfill(settings: Settings, args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from services.common.command_counts import hand_over
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
                        organisations=tuple(args.organisations or ()), from_date=args.from_date,
                        to_date=args.to_date, page_size=args.page_size or DEFAULT_PAGE_SIZE)
    source = args.source or DEFAULT_SOURCE
    runtime = Runtime(settings, source="/pledgewatch/ingest")
    streams = await runtime.open()
    progress = Progress(TextColumn(f"backfill {source}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                        TimeElapsedColumn(), disable=args.no_progress, transient=False)
    task = progress.add_task("backfill", total=None)
    job: Backfill | None = None
    try:
        async with Fetcher.from_settings(ingest) as fetcher:
            job = Backfill(streams, Reader(fetcher, govuk_url=ingest.govuk_url), query, source=source,
                           concurrency=args.concurrency or ingest.fetch_concurrency, max_wait=ingest.max_backoff)
            with progress:
                report = await job.run(lambda done, total: progress.update(task, completed=done, total=total),
                                       restart=args.restart)
    except SourceError as exc:
        raise CommandError(job.stopped_text(exc) if job is not None else f"backfill: {exc}") from None
    finally:
        await hand_over(streams)  # what it published, counted at the system's /metrics
        await runtime.close()
    print(f"backfill {source}: {report.published} published, {report.unchanged} unchanged, "
          f"{report.failed} failed of {report.total} results (resumed at {report.resumed_at}); "
          f"{report.items} items in {report.seconds:.1f} s = {report.rate:.1f} items/s")
    return 1 if report.failed else 0


def run_backfill(args: argparse.Namespace) -> int:
    """Run the backfill ``args`` describe against the configured (or running) Redis."""
    from services.ingest.search import window_problem

    from .feed_backfill_cli import run_feed_backfill

    if args.feed is not None or args.max_pages is not None or args.sources is not None:
        return run_feed_backfill(args)
    problem = window_problem(args.from_date, args.to_date)
    if problem:
        raise usage_error(problem)
    return run_on_redis(lambda settings: _backfill(settings, args),
                        stopped="stopped; run the same command again to resume")


def run_on_redis(backfill: Callable[[Settings], Awaitable[int]], *, stopped: str) -> int:
    """``backfill`` run on the configured (or running) Redis's settings, WARNING logs only; its exit code, or
    130 with ``stopped`` said on Ctrl+C."""
    from .runstate import command_redis

    settings, redis_source = command_redis(load_settings())
    setup_logging("WARNING", settings.log_format)
    logging.getLogger("services.ingest").setLevel(logging.WARNING)
    try:
        with redis_source.told():
            return asyncio.run(backfill(for_a_command(settings)))
    except KeyboardInterrupt:
        print(stopped, file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    """``python -m pledgewatch.backfill_cli ARGS`` is ``pledgewatch ingest --backfill ARGS``."""
    from .cli import main as pledgewatch

    return pledgewatch(["ingest", "--backfill", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
