"""What the polled sources look like now: a read only, for ``GET /sources``, ``/metrics`` and the dashboard.

It reads what ingest keeps in Redis (see :mod:`services.ingest.source_rhythm`): the configured sources, when
each last published, what the last silence check judged, and whether its latest polls failed
(:mod:`services.ingest.source_failures`). It needs no ingest running in the same process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.streams import Streams

from .source_failures import POLLED, failing_key
from .source_rhythm import REGISTRY, from_epoch, releases_key, rhythm_key


class SourceFailing(BaseModel):
    """A source whose latest polls all failed: since when, how many, and why the last one did."""

    # answered whole: every field, those with a default too, is documented as required in answers
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    since: AwareDatetime = Field(description="When the first of the failed polls in a row was.")
    failures: int = Field(description="How many polls in a row failed.", examples=[3])
    error: str = Field(description="Why the last one failed, whole, on one line (up to 2000 characters).",
                       examples=["HTTP 503 from www.gov.uk"])
    retry_at: AwareDatetime | None = Field(default=None, description="When its backoff ends: no poll of it before "
                                           "then; null for a failure kept by an earlier version.")


class SourceView(BaseModel):
    """One configured source, as ``GET /sources`` answers it."""

    # answered whole: every field, those with a default too, is documented as required in answers
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str = Field(description="The source's name, as `source` on its releases.", examples=["govuk-home-office"])
    kind: Literal["feed", "page"]
    last_release: AwareDatetime | None = Field(description="When it last published; null when never seen to.")
    seconds_since_release: float | None = Field(description="Seconds from last_release to the time of the read.")
    usual_gap_seconds: float | None = Field(description="The median of its latest gaps between releases; null "
                                            "until it has enough of them to be judged.")
    quiet_since: AwareDatetime | None = Field(description="When it went quiet; null when it is not quiet.")
    failing: SourceFailing | None = Field(default=None, description="Its latest polls all failed (the next "
                                          "that succeeds ends it); null when the latest succeeded.")
    last_poll: AwareDatetime | None = Field(default=None, description="When a poll of it last succeeded (an answer "
                                            "read, 304 Not Modified included); null when none has.")


class SourcesAnswer(BaseModel):
    sources: list[SourceView]


async def read_sources(streams: Streams, *, now: datetime) -> list[SourceView]:
    """Every configured polled source, by name, as Redis holds it at ``now`` (timezone-aware)."""
    client = streams.client
    kinds = {name.decode(): kind.decode() for name, kind in (await client.hgetall(streams.key(REGISTRY))).items()}
    names = sorted(kinds)
    if not names:
        return []
    async with client.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.zrange(releases_key(streams, name), -1, -1, withscores=True)
            pipe.hmget(rhythm_key(streams, name), "usual_gap", "quiet_since")
            pipe.hmget(streams.key(failing_key(name)), "since", "failures", "error", "retry_at")
        pipe.hmget(streams.key(POLLED), names)
        *answers, polled = await pipe.execute()
    views = []
    for name, latest, (gap, since), failures, when in zip(names, answers[::3], answers[1::3], answers[2::3], polled):
        last = from_epoch(latest[0][1]) if latest else None
        views.append(SourceView(
            id=name, kind=kinds[name], last_release=last,
            seconds_since_release=(now - last).total_seconds() if last else None,
            usual_gap_seconds=float(gap) if gap else None, quiet_since=from_epoch(since) if since else None,
            failing=_failing(*failures), last_poll=from_epoch(when) if when else None))
    return views


def _failing(since: bytes | None, failures: bytes | None, error: bytes | None,
             retry_at: bytes | None) -> SourceFailing | None:
    if not failures:
        return None
    return SourceFailing(since=from_epoch(float(since or 0)), failures=int(failures),
                         error=(error or b"").decode(errors="replace"),
                         retry_at=from_epoch(retry_at) if retry_at else None)
