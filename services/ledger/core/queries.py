"""Which commitments a query selects, in what order, a page at a time. Pure.

A query takes every criterion a subscription's filter takes (so a filter can be tried on the ledger before
it is saved), plus the deadline window, the state and free text. Pages follow an opaque cursor: the place
of the last item shown, so a page stays right while commitments are added before it.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.common.errors import readable_message
from services.notifier.matching import (actor_parts, has_folded_keyword, in_categories, keyword_patterns,
                                        names_folded_actor, source_matches)
from services.notifier.subscriptions import NOTHING_TO_LOOK_FOR, Filter, looks_for_nothing, spelled_twice

from .amounts import AmountRange, amount_range, amounts_asked
from .cards import Card
from .cursors import QueryError, decode_cursor, encode_cursor
from .entries import LIVE, EntryState
from .search_text import WORDLESS, has_terms, search_terms, wordless

MAX_PAGE = 200
# The parameters that take several values, repeated or comma-separated, and the filter field each fills (also
# taken by that name: ``keywords=schools`` as ``keyword=schools``).
# The parameters of a range of amounts, read by :func:`amount_range`.
MONEY = ("min_amount", "max_amount", "currency")
LISTS = {"category": "categories", "kind": "kinds", "actor": "actors", "keyword": "keywords", "source": "sources"}


class CommitmentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    filter: Filter = Field(default_factory=Filter)
    states: list[EntryState] | None = Field(default=None, max_length=4)
    due_after: date | None = Field(default=None, description="A deadline falls due on or after this day.")
    due_before: date | None = Field(default=None, description="A deadline falls due on or before this day.")
    q: str | None = Field(default=None, min_length=1, max_length=200,
                          description=(
                              "Words in the commitment, its actor or its release's title, without case or accents; "
                              'a phrase in double quotes: its words together; money outside quotes (£10m, 10m, £) '
                              "is matched as the commitment's money, any of the amounts written."))
    currency: str | None = Field(default=None, description="Its money is in this currency (ISO 4217).")
    min_amount: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Its money is at least this amount, in ``currency``."))
    max_amount: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Its money is at most this amount, in ``currency``."))
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=500)

    @field_validator("due_before")
    @classmethod
    def _window(cls, value: date | None, info) -> date | None:  # type: ignore[no-untyped-def]
        after = info.data.get("due_after")
        if value is not None and after is not None and value < after:
            raise ValueError("is before due_after")
        return value


@dataclass(frozen=True)
class Page:
    items: list[Card]
    next_cursor: str | None


@dataclass(frozen=True)
class DeadlineItem:
    card: Card
    due: int  # ordinal day


def selector(query: CommitmentQuery) -> Callable[[Card], bool]:
    """Whether a card satisfies every criterion of ``query``, with what the criteria need worked out once
    (a query looks at every card)."""
    f = query.filter
    categories = None if f.categories is None else {c.value for c in f.categories}
    kinds = None if f.kinds is None else {k.value for k in f.kinds}
    actors = None if f.actors is None else actor_parts(f.actors)
    keywords = None if f.keywords is None else keyword_patterns(f.keywords)
    states = None if query.states is None else {s.value for s in query.states}
    amounts, words = amounts_asked(query.q) if query.q is not None else ((), None)
    terms = None if words is None else search_terms(words)
    money = None if query.currency is None else \
        AmountRange(query.currency, low=query.min_amount, high=query.max_amount)
    filter_money = f.money
    windowed = query.due_after is not None or query.due_before is not None

    def select(card: Card) -> bool:
        return (
            (not f.counter_terrorism or card.counter_terrorism)
            and (categories is None or in_categories(categories, card.category, pledges_money=card.pledges_money))
            and (kinds is None or card.kind in kinds)
            and card.confidence >= f.min_confidence
            and (states is None or card.state in states)
            and (actors is None or names_folded_actor(actors, card.folded_actor))
            and (keywords is None or has_folded_keyword(keywords, card.folded_text))
            and (f.sources is None or source_matches(f.sources, card.source))
            and (terms is None or has_terms(terms, card.searchable))
            and (not amounts or any(asked.matches(card.amount, card.currency) for asked in amounts))
            and (money is None or money.matches(card.amount, card.currency))
            and (filter_money is None or filter_money.matches(card.amount, card.currency))
            and (not windowed or bool(_due_in_window(query, card)))
        )

    return select


def commitments_page(cards: Iterable[Card], query: CommitmentQuery) -> Page:
    """The commitments ``query`` selects, the most recently published first, one page after its cursor."""
    after = decode_cursor(query.cursor, "commitments") if query.cursor else None
    place = None if after is None else (-after[0], after[1])
    select = selector(query)
    chosen = (c for c in cards if (place is None or (-c.published, c.key) > place) and select(c))
    page = heapq.nsmallest(query.limit + 1, chosen, key=lambda c: (-c.published, c.key))
    more = len(page) > query.limit
    page = page[:query.limit]
    last = page[-1] if more else None
    return Page(items=page, next_cursor=encode_cursor("commitments", last.published, last.key) if last else None)


DueOrder = list[tuple[int, str, Card]]  # (ordinal day, card key, card) for each dated deadline, soonest first


def due_order(cards: Iterable[Card]) -> DueOrder:
    """Every day a card's deadlines fall due on, as (day, key, card), soonest first, each day of a card once
    (a cursor names a card's day): what :func:`deadlines_in` walks."""
    return sorted(((day, card.key, card) for card in cards for day in set(card.due)), key=_place)


def deadlines_page(cards: Iterable[Card], query: CommitmentQuery) -> tuple[list[DeadlineItem], str | None]:
    """The dated deadlines of the commitments ``query`` selects, within its window, soonest first."""
    return deadlines_in(due_order(cards), query)


def deadlines_in(order: DueOrder, query: CommitmentQuery, *, latest_first: bool = False
                 ) -> tuple[list[DeadlineItem], str | None]:
    """:func:`deadlines_page` over a :func:`due_order` kept from one query to the next: the walk starts at the
    window (or the cursor) and stops once the page is full, rather than reading every card. A query that
    names no state gets the deadlines of live commitments only: a removed or withdrawn one is due for no one.
    ``latest_first``: the walk goes back from the window's end (or from before the cursor), to look back at
    the deadlines passed."""
    if query.states is None:
        query = query.model_copy(update={"states": list(LIVE)})
    select = selector(query)
    low = query.due_after.toordinal() if query.due_after else -1
    high = query.due_before.toordinal() if query.due_before else 1 << 30
    place = decode_cursor(query.cursor, "deadlines") if query.cursor else None
    if latest_first:
        end = bisect.bisect_left(order, (high + 1, ""), key=_place)
        if place is not None:
            end = min(end, bisect.bisect_left(order, (place[0], place[1]), key=_place))
        walk: Iterable[tuple[int, str, Card]] = (order[i] for i in range(end - 1, -1, -1))
    else:
        start = bisect.bisect_left(order, (low, ""), key=_place)
        if place is not None:
            start = max(start, bisect.bisect_right(order, (place[0], place[1]), key=_place))
        walk = itertools.islice(order, start, None)
    page: list[DeadlineItem] = []
    for day, _, card in walk:
        if not low <= day <= high or len(page) > query.limit:
            break
        if select(card):
            page.append(DeadlineItem(card, day))
    more = len(page) > query.limit
    page = page[:query.limit]
    return page, encode_cursor("deadlines", page[-1].due, page[-1].card.key) if more else None


def _place(entry: tuple[int, str, Card]) -> tuple[int, str]:
    return entry[0], entry[1]


def _due_in_window(query: CommitmentQuery, card: Card) -> list[int]:
    low = query.due_after.toordinal() if query.due_after else -1
    high = query.due_before.toordinal() if query.due_before else 1 << 30
    return [day for day in card.due if low <= day <= high]


def parse_query(params: dict[str, list[str]], *, also: tuple[str, ...] = ()) -> CommitmentQuery:
    """A query from URL parameters, each a list of its values (``?category=funding&category=training``; a
    value may also list several, comma-separated); a :class:`QueryError` naming the parameter when one is
    wrong. ``also``: parameters the route reads itself (known, and left to it)."""
    singles = ("counter_terrorism", "min_confidence")
    known = {*LISTS, *singles, *MONEY, "state", "due_after", "due_before", "q", "limit", "cursor", *also}
    unknown = sorted(set(params) - known - set(LISTS.values()))  # a filter's own names (keywords) are taken too
    if unknown:
        raise QueryError(f"{unknown[0]}: not a query parameter (known: {', '.join(sorted(known))})")
    if problem := spelled_twice(params):
        twice = next(name for p, name in LISTS.items() if p in params and name in params)
        raise QueryError(f"{twice}: {problem}")
    refuse_empty(params)
    refuse_nothing_to_look_for(params)
    for q in params.get("q", []):
        refuse_wordless_search(q)
    for name in also:
        if name in params:
            _one(params, name)  # a route reads one value: a second is refused, not dropped
    flt: dict[str, object] = {name: _split(params[given]) for p, name in LISTS.items()
                              for given in (p, name) if given in params}
    flt.update({p: _one(params, p) for p in singles if p in params})
    data: dict[str, object] = {p: _one(params, p) for p in ("due_after", "due_before", "q", "limit", "cursor")
                               if p in params}
    if "state" in params:
        data["states"] = _split(params["state"])
    if money := amount_range(**{name: _one(params, name) if name in params else None for name in MONEY}):
        data.update(currency=money.currency, min_amount=money.low, max_amount=money.high)
    try:
        return CommitmentQuery(filter=Filter.model_validate(flt), **data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = next((str(part) for part in error["loc"] if not isinstance(part, int)), "query")
        names = {name: name if name in params else p for p, name in LISTS.items()} | {"states": "state"}
        raise QueryError(f"{names.get(field, field)}: {readable_message(error)}") from None


def refuse_empty(params: dict[str, list[str]]) -> None:
    """A :class:`QueryError` naming the first parameter given no value (``?category=``, ``?actor=UK&actor=``,
    ``?kind=,``): a filter of nothing would select nothing, and an answer of nothing says not why."""
    for name, values in params.items():
        several = name in LISTS or name in LISTS.values() or name == "state"
        if any(not any(part.strip() for part in (value.split(",") if several else [value])) for value in values):
            raise QueryError(f"{name}: no value: give one, or leave the parameter out")


def refuse_nothing_to_look_for(params: dict[str, list[str]]) -> None:
    """A :class:`QueryError` naming the first actor or keyword that is only dashes or accents (``?actor=-``):
    matched folded, it would select nothing."""
    for name in ("actor", "actors", "keyword", "keywords"):
        for part in _split(params.get(name, [])):
            if looks_for_nothing(part):
                raise QueryError(f"{name}: {part!r} {NOTHING_TO_LOOK_FOR}")


def refuse_wordless_search(q: str | None) -> None:
    """A :class:`QueryError` naming ``q`` when it holds no word (``?q=-``): it would select every one."""
    if q is not None and wordless(q):
        raise QueryError(f"q: {q[:40]!r} {WORDLESS}: it would select every one; give a word, or leave q out")


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params[name]
    if len(values) != 1:
        raise QueryError(f"{name}: give it once")
    return values[0]
