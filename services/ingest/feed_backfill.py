"""Backfill of a paged or archived feed (RFC 5005): the feed's older documents, which polling never reads.

A poll reads the one document at the feed's URL. A backfill reads it too, then follows its
``rel="prev-archive"`` (an archived feed), else its ``rel="next"`` (a paged feed), page after page, each page's
entries read as a poll reads them (links followed the same way, the same refusals, the same record of entries
seen: what was published is not published again; an older page's record of them leaves the first page's, which
the next poll reads, as it was). A page other than the first is a link from the feed's
content: fetched from the feed's own host or port, else only from a public address. It stops at a page that
links to none older, at one it has read already (pages that lead back), or after ``max_pages``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from .feeds import parse_feed_page
from .fetch import Fetched, origin
from .off_loop import read_off_loop
from .polling import PollReport, SourcePoller
from .readers import FEED_ACCEPT


@dataclass
class FeedBackfillReport:
    pages: int = 0
    published: int = 0
    unchanged: int = 0
    failed: int = 0
    stopped: str | None = None  # why older pages were left unread: the page limit, pages that lead back

    def add(self, page: PollReport) -> None:
        self.pages += 1
        self.published, self.unchanged = self.published + page.published, self.unchanged + page.unchanged
        self.failed += page.failed


class FeedBackfill:
    def __init__(self, poller: SourcePoller, *, max_pages: int = 100) -> None:
        self.poller, self.max_pages = poller, max_pages
        self.report = FeedBackfillReport()

    async def run(self, *, now: datetime) -> FeedBackfillReport:
        """Read the feed's pages, newest first; raises :class:`SourceError` when one cannot be read (the pages
        before it are ingested: run again, and what they published is unchanged)."""
        config, report = self.poller.config, self.report
        fetcher = self.poller.reader.fetcher
        url: str | None = config.url
        read: set[str] = set()
        while url is not None:
            if url in read:
                report.stopped = f"{url} was read already: the feed's pages lead back to it"
                break
            if report.pages >= self.max_pages:
                report.stopped = f"{url} and older pages left unread: more than {self.max_pages} pages"
                break
            read.add(url)
            first = url == config.url
            fetched = await fetcher.get(url, accept=FEED_ACCEPT,
                                        trusted_origins=None if first else frozenset({origin(config.url)}))
            assert isinstance(fetched, Fetched)  # no validators sent, so never 304
            page = await read_off_loop(len(fetched.body), parse_feed_page, fetched.body, url=fetched.url,
                                       content_type=fetched.content_type, charset=fetched.charset)
            report.add(await self.poller.read_entries(page.entries, now, time.monotonic(), older_page=not first))
            url = page.older
        return report
