"""What the dashboard reads from Redis: the ledger (through its store and in-memory cards, as its JSON
queries do), the subscriptions (through the notifier's store) and the latest delivery attempts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from redis.asyncio import Redis

from schemas.alerts import AlertDeliveredEvent, AlertFailedEvent, DeliveryAttempt
from schemas.classified import Deadline
from schemas.envelope import EventError, decode_event
from schemas.streams import EVENT_FIELD
from services.ledger.core.cards import Card
from services.ledger.core.entries import LedgerEntry
from services.ledger.core.queries import CommitmentQuery, DueOrder, deadlines_in
from services.ledger.models import ReleaseSummary
from services.ledger.reading import deadline_due_on
from services.ledger.store import LedgerStore
from services.notifier.store import SubscriptionStore, UnreadableSubscription
from services.notifier.subscriptions import Subscription
from services.notifier.unsubscribe_spool import UnsubscribeSpool
from services.notifier.unsubscribed import Unsubscribed

from .views import ChainView, chain_view

ATTEMPTS_READ = 10_000  # the latest delivery attempts the statuses are counted from


async def releases_with_entries(store: LedgerStore, release_ids: list[str]
                                ) -> list[tuple[ReleaseSummary, list[LedgerEntry]]]:
    """Each release the ledger read, with its entries, in two round trips."""
    records = await store.release_records(release_ids)
    known = [(r, record) for r, record in zip(release_ids, records) if record is not None]
    entries = {e.key: e for e in await store.entries([k for _, record in known for k in record.keys])}
    out = []
    for release_id, record in known:
        held = [entries[k] for k in record.keys if k in entries]
        out.append((ReleaseSummary.of_record(release_id, record, held[0] if held else None,
                                             [e.state.value for e in held]), held))
    return out


def chain_sizes(cards: list[Card]) -> dict[str, int]:
    """How many announcements each chain holds, by its first key (chains of one left out)."""
    later = Counter(c.chain for c in cards if c.chain)
    return {first: count + 1 for first, count in later.items()}


async def latest_chains(store: LedgerStore, cards: list[Card], *, limit: int) -> list[ChainView]:
    """The ``limit`` chains most recently announced again, the latest first."""
    latest: dict[str, float] = {}
    for card in cards:
        if card.chain:
            latest[card.chain] = max(latest.get(card.chain, 0.0), card.published)
    firsts = sorted(latest, key=lambda k: (-latest[k], k))[:limit]
    return [chain_view(chain) for chain in [await store.chain(first) for first in firsts] if len(chain) > 1]


async def upcoming(store: LedgerStore, order: DueOrder, *, today: date, limit: int
                   ) -> list[tuple[date, Deadline | None, LedgerEntry]]:
    """The first ``limit`` dated deadlines from ``today``, soonest first: (day, deadline, entry)."""
    due, _ = await deadlines_found(store, order, CommitmentQuery(due_after=today, limit=limit))
    return due


async def deadlines_found(store: LedgerStore, order: DueOrder, query: CommitmentQuery, *, latest_first: bool = False
                          ) -> tuple[list[tuple[date, Deadline | None, LedgerEntry]], str | None]:
    """One page of the dated deadlines ``query`` selects, as the ledger's ``GET /ledger/deadlines`` walks them
    (``latest_first``: back from the window's end): (day, deadline, entry) each, and the next page's cursor."""
    items, next_cursor = deadlines_in(order, query, latest_first=latest_first)
    entries = {e.key: e for e in await store.entries(list(dict.fromkeys(i.card.key for i in items)))}
    return [(date.fromordinal(i.due), deadline_due_on(entries[i.card.key], i.due), entries[i.card.key])
            for i in items if i.card.key in entries], next_cursor


async def subscriptions_read(store: SubscriptionStore
                             ) -> tuple[list[tuple[Subscription, str]], list[UnreadableSubscription]]:
    """Every subscription, the file's first (``file``), then those stored through the API (``api``); and those
    stored that this version cannot read, but for one whose id the file defines (which receives nothing, as any
    stored one the file overrides)."""
    in_file = store.file.current()
    ids = {s.id for s in in_file}
    stored, unreadable = await store.stored_and_unreadable()
    return ([(s, "file") for s in in_file] + [(s, "api") for s in stored if s.id not in ids],
            [u for u in unreadable if u.sub_id not in ids])


def unsubscribed_records(store: SubscriptionStore, key: Callable[[str], str]) -> Unsubscribed:
    """Who unsubscribed by an email's link, as the notifier keeps it; ``key``: the key of a name, as the notifier
    makes it."""
    return Unsubscribed(store.client, key, store.generations)


async def kept_unsubscribes_recorded(store: SubscriptionStore, key: Callable[[str], str],
                                     spool: UnsubscribeSpool | None) -> Unsubscribed:
    """:func:`unsubscribed_records`, the unsubscribes the notifier kept on disk while Redis could not take them
    recorded first (as the API's listing and undo do): shown on their rows, and not recorded after an undo."""
    unsubscribed = unsubscribed_records(store, key)
    if spool is not None:
        await spool.replay(unsubscribed)
    return unsubscribed


async def unsubscribed_from(store: SubscriptionStore, key: Callable[[str], str], spool: UnsubscribeSpool | None,
                            subs: list[tuple[Subscription, str]]) -> dict[str, set[str]]:
    """Who unsubscribed (by an email's link) from each of ``subs``, by id."""
    return await (await kept_unsubscribes_recorded(store, key, spool)).of_each([s.id for s, _ in subs])


async def latest_attempts(client: Redis, deliveries: str, *,
                          count: int = ATTEMPTS_READ) -> list[tuple[str, DeliveryAttempt]]:
    """The latest ``count`` delivery attempts on the ``deliveries`` stream, each after its event's id, which names
    its delivery (entries that do not read are skipped: the stream is an audit, the dashboard only counts)."""
    attempts = []
    for _, fields in await client.xrevrange(deliveries, count=count):
        raw = fields.get(EVENT_FIELD.encode())
        try:
            event = decode_event(raw or b"", expect=(AlertDeliveredEvent, AlertFailedEvent))
        except EventError:
            continue
        attempts.append((event.id, event.data))
    return attempts
