"""Ingest state in Redis: which content of each release was published, as which version.

``publish_if_changed`` bumps the version and appends the event in one
optimistic transaction (WATCH/MULTI), so replicas and restarts never publish
the same content twice. ``ingest:release:<id>`` also keeps the ``published_at``
last published, which later versions reuse when their source states no
first-publication date (see :class:`~services.ingest.drafts.Draft`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from schemas import ReleasePublished, ReleasePublishedEvent
from schemas.streams import RELEASES
from services.common.metrics import RELEASES_PUBLISHED, SourceKind
from services.common.streams import Streams

from .admission import ReleaseRefused, admit, wall_clock
from .identity import revision_hash
from .ownership import check_owner, recorded_owner
from .source_rhythm import record_release, release_moment

log = logging.getLogger(__name__)

SOURCE = "/pledgewatch/ingest"


class UnreadableRecord(RuntimeError):
    """A release's record holds what ingest never writes (edited by hand): its release waits until it is set
    right, rather than being published under a version guessed."""


@dataclass(frozen=True)
class IngestResult:
    release_id: str
    version: int
    published: bool  # False: same content as the version already published


async def published_urls(streams: Streams, release_ids: list[str]) -> list[str | None]:
    """The url each of ``release_ids`` was last published with; ``None`` for one never published."""
    async with streams.client.pipeline(transaction=False) as pipe:
        for release_id in release_ids:
            pipe.hget(streams.key(f"ingest:release:{release_id}"), "url")
        urls = await pipe.execute()
    return [url.decode() if url is not None else None for url in urls]


def stored_version_number(raw: bytes | None, key: str) -> int:
    """The version a release's record (``key``) holds, 0 for none; :class:`UnreadableRecord` for one that is no
    number (digits alone, as ingest writes it: ``3_000`` or ``-1`` is no version of its)."""
    if raw is None:
        return 0
    if raw.isdigit():  # bytes: ASCII digits alone
        return int(raw)
    raise UnreadableRecord(f"{key}: its version {raw.decode(errors='replace')!r} is no number (edited by hand?); "
                           "its release is not published until it is set to the release's latest version")


def release_event(release: ReleasePublished, *, now: datetime) -> ReleasePublishedEvent:
    return ReleasePublishedEvent.wrap(release, id=f"{release.release_id}/v{release.version}",
                                      source=SOURCE, time=now, subject=release.release_id)


async def publish_if_changed(streams: Streams, release: ReleasePublished, *, kind: SourceKind,
                             dated: bool = True, own_id: bool | None = None,
                             also: Callable[[Pipeline, int], None] | None = None) -> IngestResult:
    """Publish ``release`` (read from a source of ``kind``) as its next version unless its text (and
    withdrawal) is unchanged.

    When not ``dated`` (its ``published_at`` is only an edit or fetch time), a
    later version keeps the ``published_at`` of the version before it. Every release is
    first :func:`~services.ingest.admission.admit`-ted: control characters stripped, and
    :class:`~services.ingest.admission.ReleaseRefused` raised for a ``published_at`` out of bounds;
    :class:`~services.ingest.ownership.ReleaseOwned` for a release named by id that another source owns
    (``own_id``: whether the sender named it, as :func:`~services.ingest.ownership.check_owner` takes it).
    ``also`` queues more writes in the transaction that publishes, given the version published.
    """
    release = admit(release, now=wall_clock())
    revision = revision_hash(release.content_hash, withdrawn=release.withdrawn,
                             withdrawn_notice=release.withdrawn_notice)
    key = streams.key(f"ingest:release:{release.release_id}")
    stream = streams.key(RELEASES)
    async with streams.client.pipeline(transaction=True) as pipe:
        while True:
            try:
                await pipe.watch(key)
                (stored_revision, stored_hash, stored_version, stored_published, stored_kind, stored_source,
                 stored_url) = await pipe.hmget(key, "revision", "content_hash", "version", "published_at", "kind",
                                                "source", "url")
                try:
                    check_owner(release, kind, recorded_owner(stored_kind, stored_source, stored_url), own_id=own_id)
                except ReleaseRefused:
                    await pipe.unwatch()
                    raise
                version = stored_version_number(stored_version, key)
                stored = stored_revision or stored_hash
                if stored is not None and stored.decode() == revision:
                    await pipe.unwatch()
                    return IngestResult(release.release_id, version, published=False)
                update: dict[str, object] = {"version": version + 1}
                if not dated and stored_published is not None:
                    update["published_at"] = datetime.fromisoformat(stored_published.decode())
                versioned = release.model_copy(update=update)
                now = datetime.now(timezone.utc)
                event = release_event(versioned, now=now)
                moment = release_moment(kind, version + 1, versioned.published_at, now=now)
                pipe.multi()
                owner = {"kind": stored_kind or kind, "source": stored_source or release.source}  # the first's
                pipe.hset(key, mapping={"content_hash": release.content_hash, "revision": revision,
                                        "version": version + 1, "url": release.url,
                                        "published_at": versioned.published_at.isoformat(), **owner})
                streams.add(pipe, stream, event)
                if moment is not None:
                    record_release(pipe, streams, release.source, f"{release.release_id}/v{version + 1}", moment)
                if also is not None:
                    also(pipe, version + 1)
                await pipe.execute()
                RELEASES_PUBLISHED.labels(source_kind=kind).inc()
                log.info("published %s v%d (%s)", release.release_id, version + 1, release.url,
                         extra={"release_id": release.release_id, "version": version + 1})
                return IngestResult(release.release_id, version + 1, published=True)
            except WatchError:
                continue  # another replica changed it meanwhile: look again
