"""Where a polled source's rhythm lives in Redis, shared by restarts and replicas.

- ``ingest:sources``: each configured source's name -> its kind (``feed``, ``page``), written when ingest starts
  (a source no longer configured loses its failures, :mod:`.source_failures`, then).
- ``ingest:source:<name>:releases``: when the source published, one member per release (a page: per version),
  scored by the time in epoch seconds; the latest :data:`KEPT_RELEASES` are kept.
- ``ingest:source:<name>:rhythm``: what the last check judged: ``usual_gap`` (seconds, empty when not judged)
  and, during a quiet spell only, ``quiet_since`` and ``spell_last_release`` (epoch seconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from redis.asyncio.client import Pipeline

from services.common.metrics import SourceKind
from services.common.streams import Streams, as_text

from .source_failures import POLLED, failing_key

REGISTRY = "ingest:sources"
KEPT_RELEASES = 400  # enough for a window of 100 gaps even when releases come in bursts
WATCHED_KINDS = ("feed", "page")


def releases_key(streams: Streams, name: str) -> str:
    return streams.key(f"ingest:source:{name}:releases")


def rhythm_key(streams: Streams, name: str) -> str:
    return streams.key(f"ingest:source:{name}:rhythm")


def release_moment(kind: SourceKind, version: int, published_at: datetime, *, now: datetime) -> datetime | None:
    """When a published release version counts as the source publishing, or None when it does not count.

    A feed publishes when a new release appears (version 1), at the time its entry states. A page source is
    one release that changes: each version is a publication, the first at its stated time, later ones when
    ingest saw the change. Other kinds (folders, ``POST /releases``, backfills) are fed, not polled: their
    rhythm is whoever feeds them."""
    if kind == "feed" and version == 1:
        return published_at
    if kind == "page":
        return published_at if version == 1 else now
    return None


def record_release(pipe: Pipeline, streams: Streams, name: str, member: str, at: datetime) -> None:
    """Queue on ``pipe`` (inside the transaction that publishes the release) that source ``name`` published
    ``member`` at ``at``, keeping the latest :data:`KEPT_RELEASES`."""
    key = releases_key(streams, name)
    pipe.zadd(key, {member: at.timestamp()})
    pipe.zremrangebyrank(key, 0, -KEPT_RELEASES - 1)


async def register_sources(streams: Streams, kinds: Mapping[str, str]) -> None:
    """Make ``kinds`` (name -> kind) the configured sources: a source no longer configured is forgotten, and its
    failures and when it was last polled with it (configured again, it is not shown failing since before)."""
    key = streams.key(REGISTRY)
    gone = [name for name in map(as_text, await streams.client.hkeys(key)) if name not in kinds]
    async with streams.client.pipeline(transaction=True) as pipe:
        pipe.delete(key, *(streams.key(failing_key(name)) for name in gone))
        if gone:
            pipe.hdel(streams.key(POLLED), *gone)
        if kinds:
            pipe.hset(key, mapping=dict(kinds))
        await pipe.execute()


def from_epoch(value: bytes | str | float) -> datetime:
    return datetime.fromtimestamp(float(value), timezone.utc)
