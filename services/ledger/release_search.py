"""Releases a page at a time, the latest first, optionally only those with given words in their title or source
and published within a range of days: what ``GET /ledger/releases`` and the dashboard's releases page both answer.

A page's cursor is the place (publication timestamp, release id) of the last release shown, so a release
published meanwhile does not shift the pages after it. A search with words reads the releases' records in
batches; past :data:`SEARCHED_PER_PAGE` releases read, the page ends with what it found and a cursor where the
search stopped, so that no one request reads the whole ledger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from services.common.text_folding import folded

from .core.amounts import AskedAmount, amounts_asked, amounts_written
from .core.cursors import decode_cursor, encode_cursor
from .core.queries import QueryError, refuse_wordless_search
from .core.search_text import has_terms, search_terms
from .models import ReleaseSummary
from .reading import release_summaries
from .store import LedgerStore

SEARCHED_PER_PAGE = 2000  # releases read for one page of a search with words
BATCH = 200  # releases read at once while searching with words

Place = tuple[float, str]  # (publication timestamp, release id): where a page ends


@dataclass(frozen=True)
class ReleaseQuery:
    limit: int = 20
    cursor: str | None = None
    withdrawn: bool | None = None  # True: withdrawn ones only; False: those not withdrawn
    words: tuple[str, ...] = ()  # each word or quoted phrase in the title or the source (:func:`search_terms`)
    amounts: tuple[AskedAmount, ...] = ()  # any of them written in the title (:func:`amounts_asked`)
    published_from: date | None = None  # UTC days, both included
    published_to: date | None = None


@dataclass(frozen=True)
class ReleasesFound:
    releases: list[ReleaseSummary]
    next_cursor: str | None
    stopped_early: bool = False  # the search read SEARCHED_PER_PAGE releases before the page was full


def release_query(*, limit: int = 20, cursor: str | None = None, withdrawn: bool | None = None,
                  q: str | None = None, published_after: date | None = None,
                  published_before: date | None = None) -> ReleaseQuery:
    """A query of these parameters, checked before any page is read: a :class:`QueryError` naming the one at
    fault (a cursor this server did not give, words holding no word to search for, a range ending before it
    starts)."""
    if cursor:
        cursor_place(cursor)
    refuse_wordless_search(q)
    if published_after and published_before and published_before < published_after:
        raise QueryError("published_before: is before published_after")
    amounts, words = amounts_asked(q or "")
    return ReleaseQuery(limit=limit, cursor=cursor or None, withdrawn=withdrawn, words=search_terms(words),
                        amounts=amounts, published_from=published_after, published_to=published_before)


def cursor_place(cursor: str) -> Place:
    """The place a release cursor names; a :class:`QueryError` (``cursor: …``) for anything this server did not
    give for the releases, a timestamp Redis could not compare (NaN) included."""
    return decode_cursor(cursor, "releases")


def matches(summary: ReleaseSummary, words: tuple[str, ...], amounts: tuple[AskedAmount, ...] = ()) -> bool:
    """Whether every word and phrase is in the release's title or source (without case or accents), and any amount
    asked among the amounts its title writes with their currency (``£10`` is not "£100 million")."""
    if amounts:
        written = amounts_written(summary.title or "")
        if not any(asked.matches(w.amount, c) for asked in amounts for w in written for c in w.currencies):
            return False
    return has_terms(words, f"{folded(summary.title or '')}\n{folded(summary.source or '')}")


def window(query: ReleaseQuery) -> tuple[Place | None, float]:
    """Where the walk starts (just past the end of ``published_to``'s day, or None: the latest) and the lowest
    timestamp it takes (the start of ``published_from``'s day)."""
    start = None
    if query.published_to is not None and query.published_to < date.max:
        start = (_midnight(query.published_to + timedelta(days=1)), "")  # before it: anything published earlier
    low = _midnight(query.published_from) if query.published_from is not None else -math.inf
    return start, low


def _midnight(day: date) -> float:
    return datetime.combine(day, time(0), tzinfo=timezone.utc).timestamp()


async def releases_page(store: LedgerStore, query: ReleaseQuery) -> ReleasesFound:
    """One page of the releases ``query`` selects, the latest first (see the module's docstring)."""
    start, low = window(query)
    after = cursor_place(query.cursor) if query.cursor else None
    if start is not None and (after is None or start < after):
        after = start
    batch = query.limit + 1 if not query.words else max(query.limit + 1, BATCH)
    found: list[tuple[ReleaseSummary, Place]] = []
    read = 0
    while True:
        rows = await store.releases_after(after, limit=batch, withdrawn=query.withdrawn)
        rows = [(release_id, stamp) for release_id, stamp in rows if stamp >= low]
        summaries = {s.release_id: s for s in await release_summaries(store, [r for r, _ in rows])}
        for release_id, stamp in rows:
            read += 1
            after = (stamp, release_id)
            summary = summaries.get(release_id)
            if summary is not None and matches(summary, query.words, query.amounts):
                found.append((summary, after))
                if len(found) > query.limit:
                    shown = found[:query.limit]
                    return ReleasesFound([s for s, _ in shown], _cursor(shown[-1][1]))
        if len(rows) < batch:  # none older (or none within the range)
            return ReleasesFound([s for s, _ in found], None)
        if read >= SEARCHED_PER_PAGE:
            return ReleasesFound([s for s, _ in found], _cursor(after), stopped_early=True)


def _cursor(place: Place) -> str:
    return encode_cursor("releases", place[0], place[1])
