"""The reminders planned for one subscription and not fired yet, soonest first: what ``GET
/subscriptions/{id}/reminders`` and ``pledgewatch subscriptions reminders ID`` show. Read-only.

A subscription's agenda (``notifier:reminders:planned:<id>``, :mod:`.agenda`) names the reminders planned for it,
release by release; it is read a page at a time (HSCAN), and each page's reminders are looked up in the planned
records and the due index a thousand at a time. A reminder the agenda still names but that fired (or was
cancelled, or planned for a subscription of its id deleted since) has no record of this subscription's generation
left, and is not listed. Only the reminders shown have their subject (commitment and release) read.

A page ends with ``next_cursor``, as the ledger's lists do (:mod:`services.ledger.core.queries`): the place (when it
goes out, reminder id) of the last reminder shown, opaque. The next page lists those after that place, soonest
first, as they are planned when it is asked for: one sent meanwhile is not listed, one planned meanwhile is if it
goes out after the place, and one whose time moved meanwhile is listed at its new place (once more if it moved from
before the place to after it, not at all if from after to before).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from services.common.cpu_work import CpuWork
from services.ledger.core.cursors import QueryError, decode_cursor, encode_cursor

from .planning import reminder_skip
from .reminder_records import PlannedRecord, Subject, from_legacy, read_subject
from .reminders import PlannedReminders, due_date
from .subscriptions import Subscription

if TYPE_CHECKING:
    from .reminder_store import ReminderStore

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
PAGE = 1000  # agenda records, and reminders looked up, per read


@dataclass(frozen=True)
class Found:
    """A reminder planned for the subscription: its id, when it goes out (UTC) and its record."""

    reminder_id: str
    fires_at: datetime
    record: PlannedRecord


def agenda_ids(raws: Iterable[bytes | str]) -> set[str]:
    """The reminder ids the agenda's records (one per release) name."""
    return {rid for raw in raws if (planned := PlannedReminders.from_json(raw)) for rid in planned.jobs}


def record_of(raw: bytes | None) -> PlannedRecord | None:
    """A planned record as the notifier reads it (one an earlier version wrote whole, too); None when there is
    none or it cannot be read."""
    if raw is None:
        return None
    try:
        return PlannedRecord.from_json(raw) or from_legacy(raw).record
    except (ValueError, KeyError, TypeError):
        return None


def still_planned(sub_id: str, generation: int | None, ids: list[str], raws: list[bytes | None],
                  scores: list[float | None]) -> list[Found]:
    """Of ``ids`` (with their records and due times as read), those planned for ``sub_id`` of ``generation`` (its
    stored generation; None: a subscription of the file) and not fired: a record of another generation is one of a
    subscription of the id deleted since, which is not reminded by it."""
    found = []
    for rid, raw, score in zip(ids, raws, scores):
        record = record_of(raw)
        if record is None or score is None or record.subscription_id != sub_id:
            continue
        if record.generation is not None and generation is not None and record.generation != generation:
            continue
        found.append(Found(rid, datetime.fromtimestamp(float(score), timezone.utc), record))
    return found


def _utc_text(moment: datetime) -> str:
    """``moment`` in UTC, ISO 8601 with ``Z``, as pydantic writes the API's other times."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def shown(found: Found, subject: Subject | None, sub: Subscription) -> dict[str, Any]:
    """One reminder as the API answers it: when it goes out (UTC and in ``sub``'s zone), for which deadline of which
    commitment of which release, its offset, and why it would be dropped rather than sent at its time as ``sub``
    stands now (the notifier's own test when it falls due; None: sent). ``subject`` None: its commitment cannot be
    read (it fails when it fires, and is retried)."""
    record, zone = found.record, sub.timezone or "UTC"
    entry: dict[str, Any] = {"reminder_id": found.reminder_id, "fires_at": _utc_text(found.fires_at),
                             "fires_at_local": found.fires_at.astimezone(ZoneInfo(zone)).isoformat(),
                             "offset": record.offset, "deadline_index": record.deadline_index}
    if subject is None:
        return {**entry, "due": None, "commitment": None, "release": None, "dropped": None}
    deadlines = subject.commitment.deadlines
    due: date | None = due_date(deadlines[record.deadline_index]) if record.deadline_index < len(deadlines) else None
    dropped = reminder_skip(sub, record.due(found.reminder_id, subject, fired_at=found.fires_at),
                            now=found.fires_at) if due is not None else None
    release = subject.release
    return {**entry, "due": due.isoformat() if due else None,
            "commitment": {"id": subject.commitment.id, "actor": subject.commitment.actor,
                           "text": subject.commitment.text},
            "release": {"release_id": release.release_id, "version": release.version, "title": release.title,
                        "url": release.url},
            "dropped": dropped}


Place = tuple[datetime, str]  # when a reminder goes out (UTC), its id: the order of the listing


@dataclass(frozen=True)
class Page:
    """The reminders of one page, soonest first, and how many are planned after them."""

    found: list[Found]
    more: int


def place_of(cursor: str) -> Place:
    """The place a ``next_cursor`` names. Raises QueryError (``cursor: ...``) for one this server did not give."""
    at, reminder_id = decode_cursor(cursor, "reminders")
    return datetime.fromtimestamp(at, timezone.utc), reminder_id


def page_of(found: Iterable[Found], limit: int, after: Place | None = None) -> Page:
    """The first ``limit`` of ``found`` after the place ``after`` (None: from the first), soonest first (ties by
    id), and how many more there are after them."""
    rest = [f for f in found if after is None or (f.fires_at, f.reminder_id) > after]
    first = heapq.nsmallest(limit, rest, key=lambda f: (f.fires_at, f.reminder_id))
    return Page(first, len(rest) - len(first))


def listing(sub: Subscription, planned: int, page: Page, subjects: Mapping[str, Subject | None]) -> dict[str, Any]:
    """The answer: how many are planned in all, the reminders of ``page`` in full, how many more there are after
    them and the cursor of the page after (None: no more)."""
    last = page.found[-1] if page.found else None
    cursor = None
    if last is not None and page.more:
        cursor = encode_cursor("reminders", last.fires_at.timestamp(), last.reminder_id)
    return {"subscription": sub.id, "timezone": sub.timezone or "UTC", "planned": planned, "more": page.more,
            "reminders": [shown(f, subjects.get(f.record.subject), sub) for f in page.found], "next_cursor": cursor}


async def planned_reminders(client: Any, store: "ReminderStore", agenda_key: str, sub: Subscription, cpu: CpuWork,
                            *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> dict[str, Any]:
    """The reminders planned for subscription ``sub`` (whose agenda is ``agenda_key``), soonest first, the first
    ``limit`` after ``cursor`` (a ``next_cursor``; None: from the first) in full (see :func:`listing`). Redis is read
    on the event loop; the records are parsed and the page picked by ``cpu`` in a worker thread (seconds of CPU for
    100,000 reminders: every page reads them all, to count them). Raises QueryError for a cursor this server did not
    give, before reading anything."""
    after = place_of(cursor) if cursor is not None else None
    agenda = [raw async for _, raw in client.hscan_iter(agenda_key, count=PAGE)]
    ordered = await cpu.run(lambda: sorted(agenda_ids(agenda)))
    generation = (await store.generations([sub.id])).get(sub.id) or None
    found: list[Found] = []
    for i in range(0, len(ordered), PAGE):
        ids = ordered[i:i + PAGE]
        async with client.pipeline(transaction=False) as reads:
            reads.hmget(store.planned_key, ids)
            reads.zmscore(store.due_key, ids)
            raws, scores = await reads.execute()
        found += await cpu.run(still_planned, sub.id, generation, ids, raws, scores)
    page = await cpu.run(page_of, found, limit, after)
    keys = sorted({f.record.subject for f in page.found})
    subjects = dict(zip(keys, map(read_subject, await client.hmget(store.subjects_key, keys)))) if keys else {}
    return listing(sub, len(found), page, subjects)
