"""One entry per release in a feed that lists an entry twice (pure).

Two entries with one guid (Atom id), or with one link (so one release id), would each be published
as the other's next version, and again on every poll, each seeing the other's fingerprint. One copy
wins, the same one on every poll of an unchanged feed: the one updated last (its ``<updated>``, else
its publication date), and between equally dated or undated copies the last in the feed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from .feeds import FeedEntry, RefusedEntry

Entry = FeedEntry | RefusedEntry
_UNDATED = datetime.min.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Duplicate:
    entry: Entry  # the copy left out
    shared: str  # what it shares with the copy read: "entry <key>" or "link <link>"


def _rank(indexed: tuple[int, Entry]) -> tuple[datetime, int]:
    index, entry = indexed
    when = (entry.updated or entry.published) if isinstance(entry, FeedEntry) else None
    return when or _UNDATED, index


def _one_each(indexed: list[tuple[int, Entry]], identity: Callable[[Entry], str],
              label: str) -> tuple[list[tuple[int, Entry]], list[Duplicate]]:
    kept: dict[str, tuple[int, Entry]] = {}
    dropped: list[Duplicate] = []
    for candidate in indexed:
        name = identity(candidate[1])
        held = kept.get(name)
        if held is not None:
            loser, candidate = sorted((held, candidate), key=_rank)
            dropped.append(Duplicate(loser[1], f"{label} {name}"))
        kept[name] = candidate
    return sorted(kept.values(), key=lambda pair: pair[0]), dropped


def one_per_release(entries: Sequence[Entry]) -> tuple[list[Entry], list[Duplicate]]:
    """``entries`` (in feed order) with one copy of each guid and of each link; and the copies left out."""
    by_key, same_key = _one_each(list(enumerate(entries)), lambda e: e.key, "entry")
    by_link, same_link = _one_each(by_key, lambda e: e.link, "link")
    return [entry for _, entry in by_link], same_key + same_link
