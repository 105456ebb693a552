"""Backfill: every result of a GOV.UK Search API query, ingested through the Content API.

The offset of the next unread page is saved in Redis after each page, so a
stopped backfill resumes where it was; a page cut short is read again on
resume and its already-published items are no-ops (same content hash).
Items that failed are kept in Redis and retried first on the next run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import RetryCallState

from services.common.retrying import RetryPolicy
from services.common.streams import Streams

from .errors import FetchError, SourceError
from .fetch import Fetched
from .polling import gather_limited
from .readers import Reader, decode_json
from .release_urls import text_without_credentials
from .search import SearchQuery, parse_search_page
from .source_state import BackfillCursor
from .state import publish_if_changed

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (items done so far in the result set, total)


@dataclass
class BackfillReport:
    total: int = 0
    resumed_at: int = 0
    published: int = 0
    unchanged: int = 0
    failed: int = 0
    seconds: float = 0.0

    @property
    def items(self) -> int:
        return self.published + self.unchanged + self.failed

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


def _asked(failure: BaseException) -> float | None:
    """The seconds ``failure``'s answer asked to be left alone (its ``Retry-After``), if it asked."""
    return failure.retry_after if isinstance(failure, FetchError) else None


class Backfill:
    def __init__(self, streams: Streams, reader: Reader, query: SearchQuery, *, source: str,
                 concurrency: int = 8, page_retries: int = 3, retry_delay: float = 1.0,
                 max_wait: float = 3600.0) -> None:
        """``max_wait``: the longest a search page's ``Retry-After`` (a 429 or 503) is waited for; asked for
        longer, the backfill stops (PLEDGEWATCH_MAX_BACKOFF)."""
        self.streams, self.reader, self.query, self.source = streams, reader, query, source
        self.concurrency, self.page_retries, self.retry_delay = concurrency, page_retries, retry_delay
        self.max_wait = max_wait
        self.cursor = BackfillCursor(streams, f"{source}:{query.key(site=reader.govuk_url)}")
        self.report = BackfillReport()
        self.position = 0  # the offset of the first result not yet read

    def _keyless(self, text: str) -> str:
        """``text`` with each web address in it without a key PLEDGEWATCH_GOVUK_URL carries (:mod:`.release_urls`)."""
        return text_without_credentials(text, source_url=self.reader.govuk_url)

    def stopped_text(self, failure: SourceError) -> str:
        """What stopped the backfill, how far it got and what to do, in one line (``failure``: what ``run`` raised)."""
        what = self._keyless(failure.failure if isinstance(failure, FetchError) else str(failure))
        later = ""
        if self._waits_too_long(failure):
            what += (f" and asks for no request for {_asked(failure):.0f} s, longer than a backfill waits "
                     f"(PLEDGEWATCH_MAX_BACKOFF, {self.max_wait:.0f} s)")
            later = " after that"
        report = self.report
        if self.position == 0 and report.items == 0:
            done = "nothing was ingested yet"
        else:
            done = (f"nothing was ingested after result {self.position} of {report.total} (this run: "
                    f"{report.published} published, {report.unchanged} unchanged, {report.failed} failed)")
        return f"backfill: {what}: {done}; run the same command again{later} to resume"

    def _waits_too_long(self, failure: BaseException) -> bool:
        wanted = _asked(failure)
        return wanted is not None and wanted > self.max_wait

    async def _ingest(self, path: str) -> bool:
        draft = await self.reader.govuk_item(path, source=self.source)
        return (await publish_if_changed(self.streams, draft.release, kind="backfill", dated=draft.dated)).published

    async def _ingest_all(self, paths: list[str], on_item: Callable[[], None]) -> list[str]:
        """Ingest ``paths``; the ones that failed (logged)."""
        async def one(path: str) -> bool:
            try:
                return await self._ingest(path)
            finally:
                on_item()

        results = await gather_limited(self.concurrency, [lambda p=p: one(p) for p in paths])
        failed = []
        for path, result in zip(paths, results):
            if isinstance(result, SourceError):
                log.warning("backfill %s: %s failed: %s", self.source, path, self._keyless(str(result)))
                failed.append(path)
            elif isinstance(result, BaseException):
                raise result
            elif result:
                self.report.published += 1
            else:
                self.report.unchanged += 1
        self.report.failed += len(failed)
        return failed

    async def _page(self, start: int) -> tuple[list[str], int, int]:
        url = self.query.url(self.reader.govuk_url, start)

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            what = self._keyless(exc.failure if isinstance(exc, FetchError) else str(exc))
            asked = ", as its Retry-After asks" if exc is not None and _asked(exc) == delay else ""
            log.warning("backfill %s: page at %d failed (retry in %.0f s%s): %s", self.source, start, delay, asked,
                        what)

        policy = RetryPolicy(base=self.retry_delay, cap=self.retry_delay * 2 ** self.page_retries)
        async for attempt in policy.retrying(attempts=self.page_retries + 1, on=SourceError, before_sleep=before_sleep,
                                             asked=_asked, max_asked=self.max_wait):
            with attempt:
                fetched = await self.reader.fetcher.get(url, accept="application/json")
                assert isinstance(fetched, Fetched)  # no validators sent, so never 304
                page = parse_search_page(decode_json(fetched), url=url)
        return page.paths, page.size, page.total

    async def run(self, progress: Progress | None = None, *, restart: bool = False) -> BackfillReport:
        """Read every remaining page; ``progress(done, total)`` after each item."""
        began = time.monotonic()
        if restart:
            await self.cursor.reset()
        start, total = await self.cursor.load()
        self.position = start
        report = self.report
        report.resumed_at, report.total = start, total or 0
        done = start

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(min(done, report.total), report.total)

        retry = await self.cursor.failed()
        if retry:
            log.info("backfill %s: retrying %d items that failed before", self.source, len(retry))
            still = await self._ingest_all(retry, lambda: None)
            await self.cursor.clear_failed([p for p in retry if p not in still])
        while True:
            paths, size, total = await self._page(start)
            report.total = total
            if progress is not None:
                progress(min(done, total), total)
            if size == 0:
                break
            failed = await self._ingest_all(paths, tick)
            done += size - len(paths)  # results off GOV.UK move the offset without an item
            start += size
            await self.cursor.advance(start, total, failed)
            self.position = start
            if start >= total:
                break
        report.seconds = time.monotonic() - began
        return report
