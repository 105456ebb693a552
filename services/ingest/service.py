"""Ingest service: feeds, web pages, watched folders and ``POST /releases`` in, release.published out."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse
from faststream.redis import RedisBroker
from pydantic import BaseModel, ValidationError

from schemas import ReleasePublished
from schemas.streams import DEAD_LETTERS, READ_FINE_LETTERS, REFUSED_FILES, REFUSED_LETTERS
from schemas.json_bounds import JSONBoundsError
from services.common.api import Routes, answers, errors_response
from services.common.encodings import NotText, decode_bytes
from services.common.errors import failure_text, field_errors
from services.common.metrics import ScrapeCollector
from services.common.outages import OutageNotices
from services.common.json_keys import DuplicateKey, loads_request
from services.common.service import Runtime
from services.common.settings import Settings
from services.common.shown_urls import shown_url
from services.common.streams import as_text, printable_fields
from services.common.tasks import cancel_and_wait

from .admission import ReleaseRefused
from .ownership import ReleaseOwned
from .config import SourceConfig, load_sources
from .settings import IngestSettings
from .fetch import Fetcher
from .file_contents import sweep_until_done
from .file_places import FilePlace, holds_a_file, release_place
from .file_releases import file_release_id, read_recorder, record_read
from .files import (NotAnObject, ReleaseFileError, ReleaseInput, address_errors, parse_release, read_bytes,
                    release_object)
from .folder import FolderScanner, distinct_folders, not_read_words, removed_words
from .polling import PollSchedule, SourcePoller
from .quiet_watch import QuietWatch
from .readers import Reader
from .source_metrics import SourceCollector
from .source_names import release_source_problem
from .source_reads import SourcesAnswer, read_sources
from .state import SOURCE, IngestResult, publish_if_changed
from .watcher import FolderWatcher

log = logging.getLogger(__name__)

WHOLE_BODY = "request body"  # the field an error of a POSTed body as a whole names

# KEYS: REFUSED_FILES, REFUSED_LETTERS. ARGV: the path, its refusal mark, its new letter's id, added to those kept
# in one step: the folder watcher and `pledgewatch ingest` refusing one file at once each keep theirs.
_RECORD_REFUSAL = """
local earlier = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], earlier and (earlier .. ' ' .. ARGV[3]) or ARGV[3])
"""

# KEYS: REFUSED_FILES, REFUSED_LETTERS, the dead-letter stream, READ_FINE_LETTERS. ARGV: the path, published: its
# refusal forgotten, and its letters still there (not dropped, replayed or trimmed meanwhile) kept as of a file read
# fine since, with those so kept before; returns the ids of those just forgotten.
_FORGET_REFUSAL = """
local function still_there(ids, into)
  for id in string.gmatch(ids or '', '%S+') do
    if redis.call('XRANGE', KEYS[3], id, id)[1] then into[#into + 1] = id end
  end
  return into
end
local left = still_there(redis.call('HGET', KEYS[2], ARGV[1]), {})
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
local fine = still_there(redis.call('HGET', KEYS[4], ARGV[1]), {})
for _, id in ipairs(left) do fine[#fine + 1] = id end
if #fine > 0 then
  redis.call('HSET', KEYS[4], ARGV[1], table.concat(fine, ' '))
else
  redis.call('HDEL', KEYS[4], ARGV[1])
end
return left
"""


def refusal_mark(raw: bytes | None, reason: str) -> str:
    """What a file was refused as: its content, or the reason where it was refused unread (too large)."""
    return hashlib.sha256(raw if raw is not None else reason.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FileRefused:
    """A release file that was dead-lettered, and why."""

    reason: str
    again: bool = False  # refused before as it is: only logged, not dead-lettered once more
    error: ReleaseFileError | None = field(default=None, compare=False)  # what refused it, when the file did


@dataclass(frozen=True)
class FilePublished(IngestResult):
    """A release file published (or unchanged); ``letters_left``: the dead letters of its earlier refusals, which
    stay on the stream until dropped (told once, the first time it is published after them)."""

    letters_left: tuple[str, ...] = ()
    published_at: datetime | None = field(default=None, compare=False)  # the release's, as the file dates it

    def fixed_words(self) -> str:
        """What to do about ``letters_left``, in a few words ("" for none)."""
        if not self.letters_left:
            return ""
        stays = "its dead letter stays" if len(self.letters_left) == 1 else "its dead letters stay"
        return f"fixed since it was refused; {stays} until dropped: pledgewatch dlq drop {' '.join(self.letters_left)}"


class ReleaseAccepted(BaseModel):
    release_id: str
    version: int
    published: bool  # False when this content was already published: nothing new on the stream


class IngestService:
    name = "ingest"

    def __init__(self, settings: Settings, *, watch: list[Path] | None = None,
                 ingest: IngestSettings | None = None, sources: list[SourceConfig] | None = None) -> None:
        """``ingest`` and ``sources`` default to ``settings.ingest`` and its sources file."""
        self.settings = settings
        self.ingest = ingest if ingest is not None else settings.ingest
        self.sources = sources if sources is not None else load_sources(self.ingest)
        self.runtime = Runtime(settings, source=SOURCE)
        self.scanner = FolderScanner(list(settings.watch if watch is None else watch),
                                     settle_ns=int(settings.settle_seconds * 1e9), excluded=[settings.data_dir])
        # the folders a file is placed in (file_places): those watched, else, to a command, those of the settings
        self._watched = self.scanner.folders or distinct_folders(settings.watch)
        self.watcher = FolderWatcher(self.scanner, force_polling=settings.force_polling,
                                     poll_seconds=settings.poll_seconds)
        self._reported_skips: set[tuple[Path, str]] = set()
        self._reported_other: set[Path] = set()
        self._outage = OutageNotices("ingest of the watched folders")
        self.fetcher = Fetcher.from_settings(self.ingest)
        self.schedule: PollSchedule | None = None
        self.quiet_watch: QuietWatch | None = None
        self._task: asyncio.Task[None] | None = None
        self._sweep: asyncio.Task[None] | None = None

    def attach(self, broker: RedisBroker) -> None:
        pass  # ingest reads no stream

    async def start(self) -> None:
        await self.runtime.open()
        self.quiet_watch = QuietWatch(self.runtime.streams, self.sources, rules=self.ingest.quiet_rules,
                                      default_interval=self.ingest.feed_interval,
                                      check_interval=self.ingest.quiet_check_interval)

    async def started(self) -> None:
        # the fields of file texts an earlier version kept for ever; `pledgewatch ingest` leaves them to the run
        self._sweep = asyncio.create_task(sweep_until_done(self.runtime.streams), name="ingest-file-contents-sweep")
        if self.scanner.folders:
            log.info("watching %s", ", ".join(str(f) for f in self.scanner.folders))
            for folder in self.scanner.folders:  # `pledgewatch run` refuses these; a service started alone waits
                if not folder.is_dir():
                    log.warning("watching %s: no such folder yet; its files are read once it is made", folder)
            self._task = asyncio.create_task(self._watch(), name="ingest-folders")
        if self.sources:
            self.schedule = PollSchedule(self.pollers())
            self.schedule.start()
            for source in self.sources:
                log.info("polling %s %s (%s) every %g s", source.type, source.name, shown_url(source.url),
                         source.interval or self.ingest.feed_interval)
        if self.quiet_watch is not None:
            await self.quiet_watch.start()  # with no source configured, it only clears the list of sources

    def pollers(self) -> list[SourcePoller]:
        reader = Reader(self.fetcher, govuk_url=self.ingest.govuk_url)
        outage = OutageNotices("polling the sources")
        return [SourcePoller(source, reader=reader, streams=self.runtime.streams,
                             interval=source.interval or self.ingest.feed_interval,
                             max_backoff=self.ingest.max_backoff, concurrency=self.ingest.fetch_concurrency,
                             entry_attempts=self.ingest.entry_attempts, outage=outage)
                for source in self.sources]

    async def stop(self) -> None:
        if self.quiet_watch is not None:
            await self.quiet_watch.stop()
        if self.schedule is not None:
            await self.schedule.stop()
            self.schedule = None
        if self._task is not None:
            self.watcher.stop()
            await cancel_and_wait([self._task], what="ingest's folder watch")
        if self._sweep is not None:
            await cancel_and_wait([self._sweep], what="ingest's sweep of earlier file texts")
        await self.fetcher.close()
        await self.runtime.close()

    async def ping(self) -> None:
        await self.runtime.ping()

    def routes(self) -> Routes:
        routes = Routes(tags=["releases"])
        routes.add_api_route("/releases", self.post_release, methods=["POST"], status_code=202,
                             response_model=ReleaseAccepted, responses=answers(400, 401, 409, 413, 422, 503),
                             openapi_extra=routes.json_body(ReleaseInput), summary="Publish a release")
        routes.add_api_route("/sources", self.get_sources, methods=["GET"], response_model=SourcesAnswer,
                             responses=answers(401, 503), tags=["sources"],
                             summary="The polled sources: when each last published, its usual gap, quiet or not")
        return routes

    def collectors(self) -> list[ScrapeCollector]:
        return [SourceCollector(self.runtime.streams)]

    async def get_sources(self) -> SourcesAnswer:
        return SourcesAnswer(sources=await read_sources(self.runtime.streams, now=datetime.now(timezone.utc)))

    async def ingest_file(self, path: Path, *, published_at: datetime | None = None, within: Sequence[Path] = ()
                          ) -> FilePublished | FileRefused | None:
        """Publish one file if its content is new; a file that cannot be read or parsed, for
        whatever reason, is dead-lettered (:class:`FileRefused`); ``None``: the file was gone. Reading and
        parsing run off the event loop. The file is named by its absolute path, so a letter says which folder
        it came from; a release that gives no url or id of its own is named by the file's place, its folder's
        name and its path inside it (:mod:`.file_places`): the watched folder holding it, else the first of
        ``within`` (the folders a command was given), else its own. ``published_at`` (aware): its publication
        time if the file gives no date of its own."""
        path = path.absolute()
        raw: bytes | None = None
        try:
            raw = await asyncio.to_thread(read_bytes, path, max_bytes=self.settings.max_release_bytes)
            # its source checked as classify checks it
            release = await asyncio.to_thread(parse_release, path, raw, published_at=published_at)
            place = await asyncio.to_thread(self._place, release, path, within)
        except FileNotFoundError:
            log.info("%s: gone before it was read", path)
            return None
        except Exception as exc:  # a parser bug must not make the file block the watch
            if isinstance(exc, ReleaseFileError):
                reason = str(exc)
            else:
                reason = f"{path}: cannot be read as a release ({failure_text(exc)})"
                log.error("%s: unexpected error reading the file", path, exc_info=exc)
            return FileRefused(reason, again=not await self._dead_letter_file(path, raw, reason),
                               error=exc if isinstance(exc, ReleaseFileError) else None)
        try:
            if place is not None:
                release = release.model_copy(update={"release_id": await file_release_id(
                    self.runtime.streams, place, release, holds=self._holds(path, within))})
            result = await publish_if_changed(
                self.runtime.streams, release, kind="file", own_id=False if place is not None else None,
                also=read_recorder(self.runtime.streams, place, release) if place is not None else None)
            if place is not None and not result.published:  # a version published has its read recorded with it
                await record_read(self.runtime.streams, place, release, result.version)
        except ReleaseRefused as exc:  # a date out of bounds, a bad url or id, another source's id: the file's fault
            reason = f"{path}: {exc}"
            return FileRefused(reason, again=not await self._dead_letter_file(path, raw, reason))
        published = FilePublished(result.release_id, result.version, result.published,
                                  letters_left=await self._forget_refusal(path), published_at=release.published_at)
        if published.letters_left:
            log.info("%s: published, %s", path, published.fixed_words())
        return published

    def _place(self, release: ReleasePublished, path: Path, within: Sequence[Path]) -> FilePlace | None:
        """The place of the file at ``path`` when ``release`` is named by it (it gives no url or id of its own)."""
        return release_place(release, path, self._watched, within)

    def _holds(self, path: Path, within: Sequence[Path]) -> Callable[[FilePlace], bool]:
        """Whether a file other than the one at ``path`` is at a place now: in a watched folder, one of ``within``
        or ``path``'s own folder, the folders ``path`` itself could be placed in."""
        return lambda place: holds_a_file(place, self._watched, within, path.parent, other_than=path)

    async def _forget_refusal(self, path: Path) -> tuple[str, ...]:
        """``path`` is published: refused again if it breaks. Its dead letters stay on the stream (the operator's
        to drop): the ids of those still there, to be told."""
        streams = self.runtime.streams
        forget = streams.client.register_script(_FORGET_REFUSAL)
        left = await forget(keys=[self._refused_key, self._refused_letters_key, streams.key(DEAD_LETTERS),
                                  streams.key(READ_FINE_LETTERS)], args=[str(path)])
        return tuple(as_text(letter) for letter in left)

    @property
    def _refused_key(self) -> str:
        return self.runtime.streams.key(REFUSED_FILES)

    @property
    def _refused_letters_key(self) -> str:
        return self.runtime.streams.key(REFUSED_LETTERS)

    async def _dead_letter_file(self, path: Path, raw: bytes | None, reason: str) -> bool:
        """Dead-letter a file that cannot be published, once for each content it is refused with: the same
        file found again as it was (at the next start, say) is only logged, at DEBUG (False)."""
        mark = refusal_mark(raw, reason)
        client = self.runtime.streams.client
        if as_text(await client.hget(self._refused_key, str(path)) or b"") == mark:
            log.debug("refused before, unchanged since, not dead-lettered again: %s", reason)
            return False
        payload = {"path": str(path)} | (printable_fields({"content": raw}) if raw is not None else {})
        # The user's file to fix, at WARNING; the reason names the file (and its line) first, so it is said once.
        told = reason if reason.startswith(str(path)) else f"{path}: {reason}"
        log.warning("dead letter from file:%s", told)
        letter = await self.runtime.streams.dead_letter_input(origin=f"file:{path}", payload=payload, reason=reason,
                                                              level=None)
        record = client.register_script(_RECORD_REFUSAL)
        await record(keys=[self._refused_key, self._refused_letters_key], args=[str(path), mark, letter])
        return True

    async def _watch(self) -> None:
        """Ingest each file the watcher offers on its own, so one failing (Redis restarting, say) is offered
        again a ``poll_seconds`` later and never holds up the others."""
        async for paths in self.watcher.batches():
            for skipped in self.scanner.skipped:
                if skipped not in self._reported_skips:  # once, not at every scan
                    self._reported_skips.add(skipped)
                    log.warning("skipped %s: %s", *skipped)
            other = [path for path in self.scanner.other if path not in self._reported_other]
            if other:  # once a path, those found together (all at a start) in one line
                self._reported_other.update(other)
                log.info("%s", not_read_words(other))
            for path in self.scanner.removed:
                log.info("%s", removed_words(path))
            refused_before = 0
            for path in paths:
                try:
                    outcome = await self.ingest_file(path)
                except Exception as exc:  # not the file's fault: Redis, say
                    self._outage.report(exc, log, "ingesting %s failed; retrying in %g s", path,
                                        self.settings.poll_seconds)
                    self.scanner.forget(path, retry_at_ns=time.time_ns() + int(self.settings.poll_seconds * 1e9))
                else:
                    self._outage.recovered()
                    refused_before += isinstance(outcome, FileRefused) and outcome.again
            if refused_before:  # at a start, every file still refused: one line, not one a file
                log.info("%d file%s refused before, unchanged since, not dead-lettered again (see them: "
                         "pledgewatch dlq list --stream file)", refused_before, "" if refused_before == 1 else "s")

    async def post_release(self, request: Request) -> JSONResponse:
        """202 with the release id and version; 422 with the field errors (400 for a body that is not JSON or
        is past the JSON bounds; JSON is UTF-8, or the UTF-16 or UTF-32 a byte-order mark names), 409 for an
        ``id`` naming another source's release (:mod:`services.ingest.ownership`), each with a dead letter; every
        error a ``{"field", "message"}``, ``"request body"`` the field of the body as a whole. While Redis
        cannot be reached, the server answers 503 (``services.common.http``)."""
        raw = await request.body()
        if len(raw) > self.settings.max_release_bytes:
            limit = self.settings.max_release_bytes
            return errors_response(413, [{"field": WHOLE_BODY, "message": f"{len(raw)} bytes is over the {limit}-byte "
                                                                         "limit"}])
        posted: dict[str, object] = {}
        try:
            text = decode_bytes(raw)  # UTF-8, or the UTF-16 or UTF-32 a byte-order mark names
            posted = release_object(loads_request(text))  # bounded, no key twice
            fields = ReleaseInput.model_validate(posted)
            if fields.source is not None and (problem := release_source_problem(fields.source)):
                raise ReleaseRefused(problem, field="source")
            release = fields.to_release(source="http")  # ReleaseRefused: neither a url nor an id
            result = await publish_if_changed(self.runtime.streams, release, kind="http")  # ReleaseRefused: date out of bounds
        except ReleaseOwned as exc:  # the id names another source's release
            return await self._refuse_post(raw, [{"field": exc.field, "message": exc.problem}], status=409)
        except NotText as exc:
            return await self._refuse_post(raw, [{"field": WHOLE_BODY, "message": f"not JSON: {exc}"}], status=400)
        except JSONBoundsError as exc:  # the body is not JSON, or past the bounds: no field to name
            return await self._refuse_post(raw, [{"field": WHOLE_BODY, "message": str(exc)}], status=400)
        except DuplicateKey as exc:
            return await self._refuse_post(raw, [exc.error], status=422)
        except ValidationError as exc:
            errors = field_errors(exc, whole=WHOLE_BODY)
            return await self._refuse_post(raw, errors + address_errors(posted), status=422)
        except ReleaseRefused as exc:  # a field's value
            return await self._refuse_post(raw, [{"field": exc.field, "message": exc.problem}], status=422)
        except (NotAnObject, ValueError) as exc:  # JSON, but no release's shape
            return await self._refuse_post(raw, [{"field": WHOLE_BODY, "message": str(exc)}], status=422)
        accepted = ReleaseAccepted(release_id=result.release_id, version=result.version, published=result.published)
        return JSONResponse(accepted.model_dump(), status_code=202)

    async def _refuse_post(self, raw: bytes, errors: list[dict[str, str]], *, status: int) -> JSONResponse:
        await self.runtime.streams.dead_letter_input(
            origin="http:POST /releases", payload=printable_fields({"body": raw}),
            reason="; ".join(f"{e['field']}: {e['message']}" for e in errors), level=logging.WARNING)
        return errors_response(status, errors)
