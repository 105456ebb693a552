"""How many entries a consumer group keeps in a stream past the streams' cap, because trimming
(:meth:`~services.common.streams.Streams.trim_consumed`) never removes what a group has not read and
acknowledged: shared by ``pledgewatch status`` and ``/metrics``. Pure: the counts in, the figures out.

A group holds back the entries from the oldest one it still needs (its oldest pending entry, else its last
delivered one, which trimming keeps too) to the newest, less the cap's worth trimming keeps anyway. The
entries older than that are counted up to :data:`~services.common.stream_stats.LAG_COUNT_LIMIT`: a group
further ahead of the oldest entry than that is taken to hold back nothing (the group behind it holds back
more, and is named first).

Only the groups that hold back trimming are counted, so that a read costs little however many groups a stream
has: those needing the stream's first entry (or one before it, trimmed or never read), which keep all it holds
past the cap and need no count; else the group(s) needing the oldest entry. Any other group is further ahead
than one of those and is taken to hold back nothing (like a group further ahead than the count reaches).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .stream_stats import LAG_COUNT_LIMIT

StreamId = tuple[int, int]


def oldest_needed(last_delivered: StreamId, oldest_pending: StreamId | None) -> StreamId:
    """The oldest entry trimming keeps for a group: its oldest pending entry, else its last delivered one."""
    return last_delivered if oldest_pending is None else min(last_delivered, oldest_pending)


def older_range(key: str, needed: StreamId, limit: int) -> dict[str, Any] | None:
    """The XRANGE arguments whose answer's length is how many entries come before ``needed`` (counted up to
    ``limit``); None when none can (a group that has read nothing)."""
    if needed == (0, 0):
        return None
    return {"name": key, "min": "-", "max": f"({needed[0]}-{needed[1]}", "count": limit}


def first_entry_range(key: str) -> dict[str, Any]:
    """The XRANGE arguments whose answer is the stream's first entry (its id: :func:`by_group`'s ``first``)."""
    return {"name": key, "min": "-", "max": "+", "count": 1}


def to_count(key: str, needed: list[StreamId], first: StreamId, limit: int) -> dict[str, Any] | None:
    """The XRANGE arguments (:func:`older_range`) counting the entries :func:`by_group` takes as ``older``; None
    when a group needs the stream's ``first`` entry or one before it (no count)."""
    oldest = min(needed, default=first)
    return None if oldest <= first else older_range(key, oldest, limit)


def by_group(needed: list[StreamId], first: StreamId, length: int, cap: int, older: int) -> list[int]:
    """Each group's entries held back, from each group's oldest ``needed`` entry, the stream's ``first`` entry
    and, when :func:`to_count` named a count, the ``older`` entries counted before it (0 otherwise)."""
    oldest = min(needed, default=first)
    if oldest <= first:
        return [held_back(length, cap, 0) if n <= first else 0 for n in needed]
    return [held_back(length, cap, older) if n == oldest else 0 for n in needed]


def count_older_limit(length: int, cap: int) -> int:
    """How many entries older than a group's oldest needed one are worth counting (0: none held back)."""
    return max(0, min(length - cap, LAG_COUNT_LIMIT + 1))


def held_back(length: int, cap: int, older: int) -> int:
    """Entries a group keeps past ``cap`` in a stream of ``length`` with ``older`` entries before the oldest it
    needs (as counted, up to :func:`count_older_limit`)."""
    if older > LAG_COUNT_LIMIT:
        return 0
    return max(0, length - cap - older)


def since_iso(millis: int) -> str:
    """An entry id's time (milliseconds since the epoch) as ISO 8601 in UTC, ``2023-11-14T22:13:20Z``."""
    return datetime.fromtimestamp(millis / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def age_text(seconds: float) -> str:
    """``seconds`` in the largest unit that fits: ``40 s``, ``12 min``, ``5 h``, ``3 days``."""
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{max(0, int(seconds))} s"


def held_back_text(*, stream: str, key: str, group: str, entries: int, cap: int, since: str, now: datetime) -> str:
    """The warning of a group that holds back trimming (``since``: :func:`since_iso` of its oldest pending or
    unread entry), and what to do about it (one line)."""
    oldest = datetime.fromisoformat(since.replace("Z", "+00:00"))
    age = age_text((now - oldest).total_seconds())
    return (f"group {group} of {stream} holds back {entries} entries past the cap of {cap} "
            f"(PLEDGEWATCH_STREAM_MAXLEN), unread since {oldest:%Y-%m-%d %H:%M:%S} UTC ({age} ago): "
            f"if it is retired, XGROUP DESTROY {key} {group}; else fix its consumer")
