"""Each service process records its release and key schema in Redis, and will not start beside another schema.

The hash ``versions`` (under the prefix) maps each live process's consumer name to its record
(:mod:`.version_presence`), written at start and every :data:`RECORD_EVERY_SECONDS`, taken out when the process
stops cleanly; a record older than :data:`LIVE_SECONDS` is a process killed. Records are stamped and judged on
Redis's clock (:mod:`.redis_clock`), which processes on several hosts share whatever their wall clocks say. At
start a process refuses to run beside a live one of another key schema (``schemas.streams.KEY_SCHEMA``:
:class:`AnotherKeySchema`, one line) and warns of one of another release of the same schema (a rolling upgrade),
reading and recording in one transaction (of two of other schemas starting at once, one runs); while it runs it
warns, once each, of any it then finds. ``pledgewatch status`` shows them. See docs/decisions/0042 and 0074.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError, WatchError

from pledgewatch.build_info import UNKNOWN, Build, this_build
from schemas.streams import KEY_SCHEMA

from .errors import StartupError
from .outages import OutageNotices
from .redis_clock import redis_now
from .runtime import Runtime
from .redis_url_shown import redacted
from .streams import as_text
from .tidying import tidied
from .tasks import cancel_and_wait
from .version_presence import (Presence, classifier_named, incompatible_text, live, models_cure, other_models,
                               other_releases, other_schemas, parse_presences)

log = logging.getLogger(__name__)

KEY = "versions"
RECORD_EVERY_SECONDS = 15.0
LIVE_SECONDS = 60.0  # four records missed: the process is gone
KEEP_SECONDS = 86400  # the hash goes a day after the last record of any process
START_TRIES = 10  # reads of the records at start, each overtaken by another process's record


class AnotherKeySchema(StartupError):
    """A live process of another key schema shares the Redis and prefix."""


class VersionRecord:
    """This process's record, from :meth:`start` to :meth:`stop`, on a connection of its own."""

    def __init__(self, runtime: Runtime, consumer: str, *, release: str | None = None, schema: int = KEY_SCHEMA,
                 classifier: dict[str, Any] | None = None, every: float = RECORD_EVERY_SECONDS,
                 live_seconds: float = LIVE_SECONDS, build: Build | None = None) -> None:
        """``build``: this process's (:func:`~pledgewatch.build_info.this_build`); ``release``: a build of that
        release, of an unknown commit, in its place."""
        self.build = Build(release, UNKNOWN) if release is not None else build or this_build()
        self.runtime, self.consumer, self.release, self.schema = runtime, consumer, self.build.release, schema
        self.classifier = classifier  # the model this process's classifier runs (version_presence), if it runs one
        self.every, self.live_seconds = every, live_seconds
        self._told: set[tuple[str, str, str]] = set()  # the others already warned of, and of what
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Raises :class:`AnotherKeySchema` when a live process of another key schema shares the prefix; else
        records this one, warns of another release live, and keeps recording."""
        await self.runtime.open()
        try:
            others = await self._checked_and_recorded()
        except BaseException:
            await self.runtime.close()
            raise
        # once Redis has answered: a process that cannot start says so in its error's one line alone
        settings = self.runtime.settings
        log.info("pledgewatch %s starting as consumer %s on %s, keys %s*", self.build.named(), self.consumer,
                 redacted(settings.redis_url or ""), settings.prefix)
        self._warn_of(others)
        self._task = asyncio.create_task(self._every_while(), name="version-record")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait([self._task], what="the version record")
            self._task = None
        if self.runtime.opened:
            await tidied(self.runtime.streams.client.hdel(self._key, self.consumer),  # taken for gone once it is old
                         f"could not take the version record of {self.consumer} out", logger=log)
            await self.runtime.close()

    @property
    def _key(self) -> str:
        return self.runtime.streams.key(KEY)

    async def _checked_and_recorded(self) -> list[Presence]:
        """The live others, read and judged, and this process recorded, in one transaction watching the records:
        one of another key schema starting at the same time, recorded between this one's read and its record,
        makes it read again (and refuse), so that of the two one runs."""
        async with self.runtime.streams.client.pipeline(transaction=True) as pipe:
            for _ in range(START_TRIES):
                try:
                    await pipe.watch(self._key)
                    others = await self.live_others(pipe)
                    at = await redis_now(pipe)
                    refused = other_schemas(others, me=self.consumer, schema=self.schema)
                    if refused:
                        raise AnotherKeySchema(incompatible_text(refused, release=self.build.named(),
                                                                 schema=self.schema, live_seconds=self.live_seconds))
                    pipe.multi()
                    self._record(pipe, at)
                    await pipe.execute()
                    return others
                except WatchError:
                    continue
        raise StartupError(f"the version records ({self._key}) changed at each of {START_TRIES} reads: this "
                           "process could not record itself; start it again")

    async def live_others(self, client: Any = None) -> list[Presence]:
        """The records of the other live processes, read on ``client`` (a watching pipeline), else this record's
        connection, and judged at Redis's clock as it reads after them."""
        client = client if client is not None else self.runtime.streams.client
        fields = await client.hgetall(self._key)
        presences = parse_presences({as_text(k): as_text(v) for k, v in fields.items()})
        return [p for p in live(presences, now=await redis_now(client), live_seconds=self.live_seconds)
                if p.consumer != self.consumer]

    async def record(self) -> None:
        at = await redis_now(self.runtime.streams.client)
        async with self.runtime.streams.client.pipeline(transaction=False) as pipe:
            self._record(pipe, at)
            await pipe.execute()

    def _record(self, pipe: Pipeline, at: float) -> None:
        """This process's record, stamped ``at`` (epoch seconds on Redis's clock)."""
        mine = Presence(self.consumer, self.release, self.schema, os.getpid(), at, self.classifier,
                        self.build.commit)
        pipe.hset(self._key, self.consumer, mine.text())
        pipe.expire(self._key, KEEP_SECONDS)

    def _warn_of(self, others: list[Presence]) -> None:
        for other in other_schemas(others, me=self.consumer, schema=self.schema):
            if self._told_of(other):
                log.error("pledgewatch %s (key schema %d) runs beside %s on the same Redis and prefix: their keys "
                          "and events differ; stop the processes of one version", self.build.named(), self.schema,
                          other.named())
        for other in other_releases(others, me=self.consumer, release=self.release, schema=self.schema,
                                    commit=self.build.commit):
            if self._told_of(other):
                log.warning("pledgewatch %s runs beside %s (same key schema: a rolling upgrade?); stop the "
                            "processes of the old build once the new ones run", self.build.named(), other.named())
        if self.classifier is not None:
            for other in other_models(others, me=self.consumer, classifier=self.classifier):
                if self._told_of(other, model=True):
                    log.warning("this classifier runs %s, beside one running %s as consumer %s: the events of one "
                                "stream come from both; %s", classifier_named(self.classifier),
                                classifier_named(other.classifier or {}), other.consumer,
                                models_cure([self.classifier, other.classifier or {"model": None}]))

    def _told_of(self, other: Presence, *, model: bool = False) -> bool:
        """Whether ``other`` (its release and schema, or with ``model`` its classifier's model) is new to this
        process's warnings (and now told)."""
        seen = (other.consumer, other.build(), str(other.schema)) if not model else \
            (other.consumer, "model", (other.classifier or {}).get("sha256", ""))
        if seen in self._told:
            return False
        self._told.add(seen)
        return True

    async def _every_while(self) -> None:
        outage = OutageNotices("recording this process's version")
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.record()
                self._warn_of(await self.live_others())
            except (RedisError, OSError) as exc:
                outage.report(exc, log, "could not record this process's version: %s", exc)
            else:
                outage.recovered()
