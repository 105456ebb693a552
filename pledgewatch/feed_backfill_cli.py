"""``pledgewatch ingest --backfill --feed NAME``: a feed of the sources file read back through its older pages
(RFC 5005 paged or archived feeds), once, as its polls read its first page.

Wiring (backfill_cli.py): ``run_backfill`` hands over to :func:`run_feed_backfill` when ``--feed`` is given.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

from services.common.settings import Settings

from .errors import CommandError, usage_error

DEFAULT_MAX_PAGES = 100
# The options of the GOV.UK Search API backfill, which a feed's backfill has no use for: (dest, flag)
GOVUK_ONLY = (("document_types", "--document-type"), ("organisations", "--organisation"), ("from_date", "--from"),
              ("to_date", "--to"), ("source", "--source"), ("page_size", "--page-size"),
              ("govuk_url", "--govuk-url"), ("restart", "--restart"))


def feed_options_problem(args: argparse.Namespace) -> str | None:
    """Why ``args`` cannot be run as given: a GOV.UK backfill's option with ``--feed``, or a feed's without."""
    if args.feed is None:
        given = [flag for dest, flag in (("max_pages", "--max-pages"), ("sources", "--sources"))
                 if getattr(args, dest) is not None]
        return f"{given[0]} is an option of --backfill --feed NAME; add --feed" if given else None
    given = [flag for dest, flag in GOVUK_ONLY if getattr(args, dest) not in (None, False)]
    if given:
        return (f"{given[0]} is an option of the GOV.UK backfill; --feed {args.feed} reads that feed's pages "
                "(leave one of them out)")
    return None


def _feed(settings: Settings, name: str, sources_file: Path | None):  # -> SourceConfig
    from services.ingest.config import SourcesError, load_sources

    ingest = settings.ingest
    if sources_file is not None:
        ingest = ingest.model_copy(update={"sources": sources_file})
    try:
        sources = load_sources(ingest)
    except SourcesError as exc:
        raise CommandError(f"backfill: {exc}") from None
    found = next((source for source in sources if source.name == name), None)
    where = f"in {ingest.sources}" if ingest.sources is not None else "(no sources file: give --sources FILE or " \
        "set PLEDGEWATCH_SOURCES)"
    if found is None:
        known = ", ".join(s.name for s in sources if s.type == "feed") or "none"
        raise CommandError(f"backfill: no source named {name!r} {where}; its feeds: {known}")
    if found.type != "feed":
        raise CommandError(f"backfill: source {name!r} is a page, not a feed: it has no older pages to read")
    return found


async def _feed_backfill(settings: Settings, args: argparse.Namespace) -> int:
    from services.common.command_counts import hand_over
    from services.common.service import Runtime
    from services.common.shown_urls import urls_shown_in
    from services.ingest.errors import SourceError
    from services.ingest.feed_backfill import FeedBackfill
    from services.ingest.fetch import Fetcher
    from services.ingest.polling import SourcePoller
    from services.ingest.readers import Reader

    source, ingest = _feed(settings, args.feed, args.sources), settings.ingest
    runtime = Runtime(settings, source="/pledgewatch/ingest")
    streams = await runtime.open()
    job: FeedBackfill | None = None
    try:
        async with Fetcher.from_settings(ingest) as fetcher:
            poller = SourcePoller(source, reader=Reader(fetcher, govuk_url=ingest.govuk_url), streams=streams,
                                  interval=source.interval or ingest.feed_interval, max_backoff=ingest.max_backoff,
                                  concurrency=args.concurrency or ingest.fetch_concurrency,
                                  entry_attempts=ingest.entry_attempts)
            job = FeedBackfill(poller, max_pages=args.max_pages or DEFAULT_MAX_PAGES)
            report = await job.run(now=datetime.now(timezone.utc))
    except SourceError as exc:
        read = job.report.pages if job is not None else 0
        # The feed's pages are named as its URL is (docs/decisions/0051): by their host.
        raise CommandError(f"backfill {source.name}: {urls_shown_in(str(exc))} (after {read} pages read and "
                           "ingested); run the same command again: what was published is not published twice") from None
    finally:
        await hand_over(streams)  # what it published, counted at the system's /metrics
        await runtime.close()
    stopped = f"; stopped: {urls_shown_in(report.stopped)}" if report.stopped else ""
    print(f"backfill {source.name}: {report.pages} pages, {report.published} published, {report.unchanged} "
          f"unchanged, {report.failed} failed{stopped}")
    return 1 if report.failed else 0


def run_feed_backfill(args: argparse.Namespace) -> int:
    """Read the feed ``args.feed`` back through its older pages into the configured (or running) Redis."""
    from .backfill_cli import run_on_redis

    problem = feed_options_problem(args)
    if problem:
        raise usage_error(f"pledgewatch ingest: {problem}")
    return run_on_redis(lambda settings: _feed_backfill(settings, args),
                        stopped="stopped; run the same command again: what was published is not published twice")
