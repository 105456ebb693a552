"""A polled source that keeps failing, kept in Redis for ``pledgewatch status``.

``ingest:source:<name>:failing``: ``since`` (epoch seconds of the first failed poll in a row), ``failures`` (how many
polls in a row failed), ``error`` (the last one's, on one line) and ``retry_at`` (epoch seconds its backoff ends:
no poll before then); deleted by the next poll that succeeds. ``ingest:sources:polled``: source name -> epoch
seconds of its latest poll that succeeded (an answer read, ``304 Not Modified`` included).
Shared by restarts and replicas: the poll lease makes one poll of a source at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from services.common.graphemes import shortened
from services.common.shown_urls import urls_shown_in
from services.common.streams import Streams

# The last error is kept whole, as status shows it, but for one running on and on (a message quoting a whole answer).
ERROR_CHARS = 2000


POLLED = "ingest:sources:polled"


def failing_key(name: str) -> str:
    """The key, without the prefix, of what is kept of source ``name``'s failures."""
    return f"ingest:source:{name}:failing"


def brief_error(text: str) -> str:
    """``text`` on one line, cut to :data:`ERROR_CHARS` between characters as a reader sees them."""
    return shortened(" ".join(text.split()), ERROR_CHARS)


async def record_failure(streams: Streams, name: str, error: str, *, now: datetime,
                         retry_at: datetime | None = None) -> None:
    """One more failed poll of source ``name`` at ``now`` (timezone-aware), ``error`` the reason: kept with every
    URL in it shown by its host alone, as it is read without the API token and a source's URL may carry a key;
    ``retry_at``: when its backoff ends."""
    key = streams.key(failing_key(name))
    async with streams.client.pipeline(transaction=True) as pipe:
        pipe.hsetnx(key, "since", now.timestamp())
        pipe.hincrby(key, "failures", 1)
        pipe.hset(key, "error", brief_error(urls_shown_in(error)))
        if retry_at is not None:
            pipe.hset(key, "retry_at", retry_at.timestamp())
        await pipe.execute()


async def record_success(streams: Streams, name: str, *, now: datetime | None = None) -> None:
    """A poll of source ``name`` succeeded (at ``now``, kept when given): it is failing no more."""
    async with streams.client.pipeline(transaction=True) as pipe:
        pipe.delete(streams.key(failing_key(name)))
        if now is not None:
            pipe.hset(streams.key(POLLED), name, now.timestamp())
        await pipe.execute()


def polled_source(name: str, kind: str, polled: str | None) -> dict[str, Any]:
    """What ``status`` shows of when source ``name`` (of ``kind``) was last polled, ``polled`` the epoch seconds
    kept: ``{name, kind, last_poll}``, ``last_poll`` in ISO 8601 UTC, None when never."""
    return {"name": name, "kind": kind, "last_poll": _iso(float(polled)) if polled else None}


def failing_source(name: str, fields: Mapping[str, str]) -> dict[str, Any] | None:
    """What ``status`` shows of source ``name`` from its failures' hash (decoded): ``{name, since, failures, error,
    retry_at}``, the times in ISO 8601 UTC (``retry_at`` None when not kept: a failure recorded by an earlier
    version); None when it is not failing."""
    if not fields.get("failures"):
        return None
    retry_at = fields.get("retry_at")
    return {"name": name, "since": _iso(float(fields.get("since") or 0)), "failures": int(fields["failures"]),
            "error": fields.get("error", ""), "retry_at": _iso(float(retry_at)) if retry_at else None}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
