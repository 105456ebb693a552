"""Polling the configured feeds and pages: one poll, and the schedule of polls.

A failure is logged with its source and retried on a later poll with
exponential backoff (per source, and per feed entry); it never ends the
service. A feed entry whose link still fails at the last of ``entry_attempts`` tries (of 2 when the link
answers 404 or 410: a page a feed announces is often served a little later) is published from the feed's own
text instead. A feed entry that cannot become a release (its content, not the network: a date out
of range, a page that is not text, an error converting it, a failed link and
no text of its own) is refused: dead-lettered with the reason and read again
only when the feed's view of it changes; one the feed dates more than a day (but at most a month) ahead waits,
unread, until then. A feed's ETag/Last-Modified are saved only when no entry waits (to be retried, or for its
date), so a 304 never hides one. An entry the feed lists twice is read once (:mod:`.feed_duplicates`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from services.common.errors import failure_text
from services.common.metrics import SOURCE_POLLS
from services.common.outages import OutageNotices, redis_outage
from services.common.retrying import RetryPolicy
from services.common.shown_urls import shown_url, urls_shown_in
from services.common.streams import Streams
from services.common.tasks import cancel_and_wait

from .admission import too_far_ahead, wall_clock
from .backoff import Backoff
from .config import SourceConfig
from .errors import ContentError, FetchError, SourceError
from .drafts import Draft, as_release, not_another_entrys, without_credentials
from .feed_duplicates import Duplicate, one_per_release
from .feeds import FeedEntry, RefusedEntry, parse_feed, unread_dates_text
from .fetch import Fetched, NotModified
from .identity import release_id_for
from .off_loop import read_off_loop
from .readers import FEED_ACCEPT, HTML_ACCEPT, Reader, read_entry
from .release_urls import text_without_credentials, url_without_credentials
from .source_failures import record_failure, record_success
from .source_state import Seen, SourceState
from .state import IngestResult, UnreadableRecord, publish_if_changed, published_urls

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class PollReport:
    source: str
    not_modified: bool = False
    published: int = 0
    unchanged: int = 0  # entries read again to the same text, or listed as they were when last done
    failed: int = 0  # entries that failed this poll: retried later, or refused
    rejected: int = 0  # of those, refused and dead-lettered (read again only when they change)
    waiting: int = 0  # entries still in backoff, or dated more than a day ahead


async def gather_limited(limit: int, jobs: Sequence[Callable[[], Awaitable[T]]]) -> list[T | BaseException]:
    """Run ``jobs`` at most ``limit`` at a time; each result or the exception it raised, in order."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs), return_exceptions=True)


# A link answered 404 or 410 is tried once more, a poll later: a page that a feed announces is often not yet
# served for a minute or two, and a teaser published at once would stand for the release for good. Past that, the
# answer is the server's, not a failure that passes: tried the full PLEDGEWATCH_ENTRY_ATTEMPTS times (8, at
# doubling intervals) it was published from the feed's text only after about 64 minutes with an interval of 30 s.
NOT_FOUND = frozenset({404, 410})
NOT_FOUND_ATTEMPTS = 2
# A feed entry dated ahead is a notice scheduled for that day, or a mistake: within a month it waits for its day;
# further ahead (a wrong year, 2099) it is refused, so that the mistake is seen (docs/decisions/0034).
WAITS_AHEAD = timedelta(days=31)


def entry_attempts(failure: FetchError, attempts: int) -> int:
    """How many times an entry's link is tried in all before the feed's own text stands in, given ``failure``."""
    return min(attempts, NOT_FOUND_ATTEMPTS) if failure.status in NOT_FOUND else attempts


class SourcePoller:
    """Polls one source: a feed (each new or changed entry read in full) or a web page."""

    def __init__(self, config: SourceConfig, *, reader: Reader, streams: Streams, interval: float,
                 max_backoff: float, concurrency: int = 4, entry_attempts: int = 8,
                 outage: OutageNotices | None = None) -> None:
        """``outage``: the notices a Redis outage is told by, shared by the pollers of one service (one line
        for all the sources); the poller's own by default."""
        self.config, self.reader, self.streams = config, reader, streams
        self.outage = outage or OutageNotices(f"polling source {config.name}")
        self.interval, self.concurrency, self.entry_attempts = interval, concurrency, entry_attempts
        self.state = SourceState(streams, config.name)
        policy = RetryPolicy(base=interval, cap=max(interval, max_backoff))
        self.backoff, self.entry_backoff = Backoff(policy), Backoff(policy)
        self._duplicates: set[tuple[str, str]] = set()  # those the last poll found (each is logged once)
        self._ahead: set[str] = set()  # entries the last poll found dated too far ahead (each is logged once)
        self._told_moved = False  # its address moved for good: told once a run
        for outcome in ("ok", "failed"):  # exported at 0 from the start
            SOURCE_POLLS.labels(source=config.name, outcome=outcome)

    def _tell_if_moved(self, fetched: Fetched | NotModified) -> None:
        """Once a run: the source's own address answered that it moved for good, so the sources file should give
        the new one (the redirect may not last), whether the answer was read or was a 304 to the validators kept.
        Both addresses shown by their hosts, as a source's URL is."""
        if fetched.moved is None or self._told_moved:
            return
        self._told_moved = True
        status, to = fetched.moved
        log.warning("source %s: %s answers %d (moved for good) to %s: give the new address as its url; it is polled "
                    "through the redirect until then", self.config.name, shown_url(self.config.url), status,
                    shown_url(to))

    def _keyless(self, text: str) -> str:
        """``text`` (an entry's link or key, or what went wrong naming links) with each web address in it as a
        release's url is published: without the source's key (:mod:`.release_urls`), the rest of it kept to find
        the entry by."""
        return text_without_credentials(text, source_url=self.config.url)

    async def poll(self, *, now: datetime, clock: float) -> PollReport:
        """One poll; raises :class:`SourceError` when the source itself cannot be read."""
        if self.config.type == "page":
            return await self._poll_page(now)
        return await self._poll_feed(now, clock)

    async def _publish_entry(self, entry: FeedEntry, now: datetime, release_id: str | None,
                             taken: frozenset[str] = frozenset()) -> IngestResult:
        """Read and publish one entry (as ``release_id``, the one its guid was published under, if any; else not
        under one of ``taken``, the ids the feed's other entries were published under); any error reading it, but
        the network's, is a :class:`ContentError`."""
        try:
            draft = await self.reader.entry(entry, source=self.config.name, follow=self.config.follow, now=now,
                                            feed_url=self.config.url, release_id=release_id)
        except FetchError as exc:
            tries = self.entry_backoff.failures(entry.key) + 1
            if tries < entry_attempts(exc, self.entry_attempts):
                raise  # retried on a later poll
            draft = await self._feed_text_instead(entry, exc, now, why=f"after {tries} tries")
            if self.reader.way_in(entry, self.config.follow) != "govuk":  # a GOV.UK item's id is its content_id's
                draft = as_release(draft, release_id)
        except SourceError:
            raise
        except Exception as exc:  # a bug or a limit hit by this entry's text: the entry's problem alone
            raise ContentError(f"{entry.link}: cannot be read ({failure_text(exc)})") from exc
        if release_id is None and self.reader.way_in(entry, self.config.follow) != "govuk":
            draft = not_another_entrys(draft, entry.key, taken)
        draft = without_credentials(draft, source_url=self.config.url)  # after its id is made from its url
        result = await publish_if_changed(self.streams, draft.release, kind="feed", dated=draft.dated)
        if entry.unread_dates and result.published:  # once: the entry is read again only when the feed changes it
            self._log_unread_dates(entry, draft, result.version, now)
        return result

    def _log_unread_dates(self, entry: FeedEntry, draft: Draft, version: int, now: datetime) -> None:
        when = draft.release.published_at.isoformat()
        if draft.dated:
            which = f"a date the source states, {when}"
        elif version > 1:
            which = "the first version's (kept)"
        else:
            which = f"the poll time, {when}" if draft.release.published_at == now else f"an update time, {when}"
        log.warning("source %s: entry %s: %s; published_at is %s", self.config.name, self._keyless(entry.link),
                    unread_dates_text(entry), which)

    async def _feed_text_instead(self, entry: FeedEntry, failure: FetchError, now: datetime, *, why: str) -> Draft:
        """The entry from its own text in the feed, its link having failed (``why``: after how many
        tries); :class:`ContentError` (the entry is refused) when the feed gives it no text."""
        try:
            draft = await read_entry(entry, source=self.config.name, now=now)
        except ContentError:
            raise ContentError(f"{failure}; the feed entry has no text of its own to publish instead") from None
        except Exception as exc:  # a bug converting this entry's text: the entry's problem alone
            raise ContentError(f"{failure}; the feed entry's own text cannot be read either "
                               f"({failure_text(exc)})") from exc
        log.warning("source %s: entry %s: %s (%s); published from the feed's own text instead",
                    self.config.name, self._keyless(entry.link), self._keyless(str(failure)), why)
        return draft

    async def _refuse(self, key: str, link: str, reason: str) -> None:
        """Dead-letter an entry, naming it without the source's key: it is never re-sent from the letter, but read
        again (with the key the source's URL holds) when the feed changes it."""
        name = self.config.name
        key, link, reason = self._keyless(key), self._keyless(link), self._keyless(reason)
        log.warning("source %s: entry %s refused (dead-lettered; read again when it changes): %s",
                    name, link, reason)  # once, at the level of a refused file: the feed's to fix
        await self.streams.dead_letter_input(
            origin=f"feed:{name}", reason=reason, level=None,
            payload={"source": name, "feed": shown_url(self.config.url), "entry": key, "link": link})

    def _log_duplicates(self, duplicates: list[Duplicate]) -> None:
        found = {(d.shared, d.entry.key) for d in duplicates}
        for duplicate in duplicates:
            if (duplicate.shared, duplicate.entry.key) not in self._duplicates:
                log.warning("source %s: feed lists %s more than once; read only the one updated last (else the "
                            "last in the feed), not entry %s (%s)", self.config.name, self._keyless(duplicate.shared),
                            self._keyless(duplicate.entry.key), self._keyless(duplicate.entry.link))
        self._duplicates = found

    def _dated_ahead(self, entries: list[FeedEntry]) -> set[str]:
        """The keys of ``entries`` the feed dates more than a day ahead of the wall clock, but within
        :data:`WAITS_AHEAD`: not read until then (read now, each would be refused for its date, and not read
        again unless the feed changed it), each logged once while it waits. One dated further ahead is read,
        and refused."""
        ahead, now = set(), wall_clock()  # the clock admission judges a date by
        for entry in entries:
            when = entry.published or entry.updated
            if when is not None and too_far_ahead(when, now=now) and when <= now + WAITS_AHEAD:
                ahead.add(entry.key)
                if entry.key not in self._ahead:
                    log.warning("source %s: entry %s is dated %s, more than a day ahead: it waits until then",
                                self.config.name, self._keyless(entry.link), when.isoformat())
        self._ahead = ahead
        return ahead

    @staticmethod
    def _seen(entry: FeedEntry | RefusedEntry, seen: dict[str, Seen]) -> Seen:
        """``entry`` as seen now, under the release id its guid was last published under (kept while refused).

        An entry with no guid is keyed by its link, so a moved link is a new entry, with the release id of its
        new link."""
        before = seen.get(entry.key)
        return Seen(entry.fingerprint, before.release_id if before else None)

    async def _releases_recorded_before(self, entries: Sequence[FeedEntry | RefusedEntry],
                                        seen: dict[str, Seen]) -> dict[str, Seen]:
        """Each unchanged entry of ``entries`` that was recorded before release ids were kept, with its release:
        the one its link names, when that was last published with the link (from the feed's text, or a page whose
        canonical link it is; with the source's key, or without), else none known. Looked for once, at the first
        poll that lists it."""
        old = [e for e in entries if (before := seen.get(e.key)) is not None and before.recorded_before_ids
               and before.fingerprint == e.fingerprint]
        if not old:
            return {}
        ids = [release_id_for(e.link) for e in old]
        urls = await published_urls(self.streams, ids)
        links = [(e.link, url_without_credentials(e.link, source_url=self.config.url)) for e in old]
        return {e.key: Seen(e.fingerprint, release_id if url in link else None)
                for e, release_id, url, link in zip(old, ids, urls, links)}

    async def _poll_feed(self, now: datetime, clock: float) -> PollReport:
        name, url = self.config.name, self.config.url
        etag, modified = await self.state.validators()
        fetched = await self.reader.fetcher.get(url, etag=etag, last_modified=modified, accept=FEED_ACCEPT)
        self._tell_if_moved(fetched)
        if isinstance(fetched, NotModified):
            return PollReport(name, not_modified=True)
        listed = await read_off_loop(len(fetched.body), parse_feed, fetched.body, url=fetched.url,
                                     content_type=fetched.content_type, charset=fetched.charset)
        report = await self.read_entries(listed, now, clock)
        complete = report.failed == report.rejected and report.waiting == 0
        await self.state.save_validators(fetched.etag if complete else None,
                                         fetched.last_modified if complete else None)
        return report

    async def read_entries(self, listed: list[FeedEntry | RefusedEntry], now: datetime, clock: float, *,
                           older_page: bool = False) -> PollReport:
        """Read and publish what is new or changed among ``listed``, the entries of one answer of the feed, and
        record them as seen (the answer's validators aside). ``older_page``: an answer other than the feed's own
        (a backfill's older page), which leaves what the feed is known to list as it was
        (:meth:`.SourceState.mark_seen`)."""
        name = self.config.name
        entries, duplicates = one_per_release(listed)
        self._log_duplicates(duplicates)
        seen = await self.state.seen([e.key for e in entries])
        fresh = [e for e in entries if e.key not in seen or seen[e.key].fingerprint != e.fingerprint]
        unchanged = len(entries) - len(fresh)  # listed as they were when done: nothing to read again
        done = await self._releases_recorded_before(entries, seen)
        published, failed, rejected = 0, 0, 0
        for bad in (e for e in fresh if isinstance(e, RefusedEntry)):
            await self._refuse(bad.key, bad.link, bad.reason)
            done[bad.key], failed, rejected = self._seen(bad, seen), failed + 1, rejected + 1
        readable = [e for e in fresh if isinstance(e, FeedEntry)]
        ahead = self._dated_ahead(readable)
        due = [e for e in readable if e.key not in ahead and self.entry_backoff.ready(e.key, clock)]
        taken = frozenset(s.release_id for s in (*seen.values(), *done.values()) if s.release_id)
        results = await gather_limited(self.concurrency, [
            (lambda e=e: self._publish_entry(e, now, self._seen(e, seen).release_id, taken)) for e in due])
        for entry, result in zip(due, results):
            if isinstance(result, FetchError):
                failed += 1
                delay = self.entry_backoff.failed(entry.key, clock, at_least=result.retry_after or 0.0)
                log.warning("source %s: entry %s failed (retry in %.0f s): %s", name, self._keyless(entry.link), delay,
                            self._keyless(str(result)))
            elif isinstance(result, UnreadableRecord):  # its record edited by hand: it waits alone (decision 0064)
                failed += 1
                delay = self.entry_backoff.failed(entry.key, clock)
                log.error("source %s: entry %s waits (tried again in %.0f s): %s", name, self._keyless(entry.link),
                          delay, result)
            elif isinstance(result, SourceError):
                await self._refuse(entry.key, entry.link, str(result))
                self.entry_backoff.succeeded(entry.key)
                done[entry.key], failed, rejected = self._seen(entry, seen), failed + 1, rejected + 1
            elif isinstance(result, BaseException):
                raise result  # not the entry's fault (Redis): the poll fails and is retried
            else:
                self.entry_backoff.succeeded(entry.key)
                done[entry.key] = Seen(entry.fingerprint, result.release_id)
                published, unchanged = published + result.published, unchanged + (not result.published)
        await self.state.mark_seen(done, listed=None if older_page else [e.key for e in entries])
        return PollReport(name, published=published, unchanged=unchanged, failed=failed, rejected=rejected,
                          waiting=len(readable) - len(due))

    async def _poll_page(self, now: datetime) -> PollReport:
        etag, modified = await self.state.validators()
        fetched = await self.reader.fetcher.get(self.config.url, etag=etag, last_modified=modified,
                                                accept=HTML_ACCEPT, follow_refresh=True)
        self._tell_if_moved(fetched)
        if isinstance(fetched, NotModified):
            return PollReport(self.config.name, not_modified=True)
        draft = await self.reader.read_page(fetched, source=self.config.name, now=now)
        draft = without_credentials(draft, source_url=self.config.url)
        result = await publish_if_changed(self.streams, draft.release, kind="page", dated=draft.dated)
        await self.state.save_validators(fetched.etag, fetched.last_modified)
        return PollReport(self.config.name, published=int(result.published), unchanged=int(not result.published))

    async def run(self, *, now: datetime | None = None, clock: float | None = None) -> PollReport | None:
        """A scheduled poll: skipped while backing off or while another replica polls; never raises. A failed poll
        is kept for ``pledgewatch status`` (:mod:`.source_failures`) until one succeeds."""
        clock = time.monotonic() if clock is None else clock
        now = now or datetime.now(timezone.utc)
        name = self.config.name
        if not self.backoff.ready(name, clock):
            return None
        try:
            if not await self.state.acquire(self.interval * 0.8):
                self.outage.recovered(name)  # Redis answered: another replica polls this round
                return None
            report = await self.poll(now=now, clock=clock)
            await record_success(self.streams, name, now=now)
        except asyncio.CancelledError:
            raise
        except SourceError as exc:
            self.outage.recovered(name)  # the source failed, not Redis: it answered the lease's call
            asked = exc.retry_after if isinstance(exc, FetchError) else None
            delay = self.backoff.failed(name, clock, at_least=asked or 0.0)
            SOURCE_POLLS.labels(source=name, outcome="failed").inc()
            log.warning("source %s failed (retry in %.0f s): %s", name, delay, urls_shown_in(str(exc)))
            await self._record_failure(exc.failure if isinstance(exc, FetchError) else str(exc), now, delay)
            return None
        except Exception as exc:  # Redis down (told once), a bug (with its traceback): retried, never the end
            delay = self.backoff.failed(name, clock)
            SOURCE_POLLS.labels(source=name, outcome="failed").inc()
            self.outage.report(exc, log, "source %s: poll failed (retry in %.0f s): %s", name, delay, exc,
                               reader=name)
            if not redis_outage(exc):  # Redis's outage is told as such, not as this source's
                await self._record_failure(failure_text(exc), now, delay)
            return None
        self.outage.recovered(name)
        self.backoff.succeeded(name)
        SOURCE_POLLS.labels(source=name, outcome="ok").inc()
        if report.published or report.failed:
            log.info("source %s: %d published, %d unchanged, %d failed", name, report.published,
                     report.unchanged, report.failed)
        return report

    async def _record_failure(self, error: str, now: datetime, delay: float) -> None:
        try:
            await record_failure(self.streams, self.config.name, error, now=now,
                                 retry_at=now + timedelta(seconds=delay))
        except Exception as exc:  # Redis gone meanwhile: told as its outage; a bug: with its traceback
            self.outage.report(exc, log, "source %s: its failure not recorded: %s", self.config.name, exc,
                               reader=self.config.name)


class PollSchedule:
    """An APScheduler (in-memory jobs) firing each source's poll on its own interval."""

    def __init__(self, pollers: Sequence[SourcePoller]) -> None:
        self.pollers = {p.config.name: p for p in pollers}
        self.scheduler = AsyncIOScheduler(timezone=timezone.utc)
        # One INFO line per tick per source drowns the log; the polls log what they do.
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        self._tasks: dict[str, asyncio.Task[PollReport | None]] = {}

    def start(self) -> None:
        for name, poller in self.pollers.items():
            self.scheduler.add_job(self._tick, IntervalTrigger(seconds=poller.interval, timezone=timezone.utc),
                                   args=[name], id=f"poll:{name}", next_run_time=datetime.now(timezone.utc),
                                   max_instances=1, coalesce=True, misfire_grace_time=None)
        self.scheduler.start()

    async def _tick(self, name: str) -> None:
        # Returns at once: the poll runs as our own task, so stop() can cancel and await it.
        running = self._tasks.get(name)
        if running is not None and not running.done():
            return  # the last poll is still going: skip this one
        self._tasks[name] = asyncio.create_task(self.pollers[name].run(), name=f"poll-{name}")

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await cancel_and_wait(self._tasks.values(), what="ingest's source polls")
        self._tasks.clear()
