"""The reminders planned for one subscription and not fired yet, soonest first: what ``GET
/subscriptions/{id}/reminders`` and ``pledgewatch subscriptions reminders ID`` show. Read-only.

A subscription's time index (``notifier:reminders:due:<id>``, kept by every script that writes a reminder's time:
decision 0086) holds its planned reminders in the listing's order (when each goes out, then its id). A page is read
from it where the cursor's place falls (one script: how many there are, where the page starts, its reminders), and
only the page's records and subjects (commitment and release) are read: a page costs what it shows, however many
are planned. A reminder planned for a subscription of its id deleted since (another generation) is not shown.

A page ends with ``next_cursor``, as the ledger's lists do (:mod:`services.ledger.core.queries`): the place (when it
goes out, reminder id) of the last reminder shown, opaque. The next page lists those after that place, soonest
first, as they are planned when it is asked for: one sent meanwhile is not listed, one planned meanwhile is if it
goes out after the place, and one whose time moved meanwhile is listed at its new place (once more if it moved from
before the place to after it, not at all if from after to before).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from services.common.cpu_work import CpuWork
from services.common.streams import as_text
from services.ledger.core.cursors import QueryError, decode_cursor, encode_cursor

from .planning import reminder_skip
from .reminder_index import index_planned
from .reminder_records import PlannedRecord, Subject, from_legacy, read_subject
from .reminder_store import by_time
from .reminders import due_date
from .subscriptions import Subscription

if TYPE_CHECKING:
    from .reminder_store import ReminderStore

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000

# KEYS: a subscription's time index. ARGV: the place the page follows (a time, as the index holds it, and a reminder
# id; '' '' for the first page), how many to read. The index orders one time's reminders by their ids' bytes, as the
# place does (Lua's own comparison follows the locale). Returns {how many the index holds, the rank the page starts
# at, {id, time, ...}}.
_PAGE = """
local function not_after(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a <= #b
end
local start = 0
if ARGV[1] ~= '' then
  start = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[1])
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do
    if not not_after(id, ARGV[2]) then break end
    start = start + 1
  end
end
local page = redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[3]) - 1, 'WITHSCORES')
return {redis.call('ZCARD', KEYS[1]), start, page}
"""


@dataclass(frozen=True)
class Found:
    """A reminder planned for the subscription: its id, when it goes out (UTC), its record, and that time as the
    index holds it (unix seconds, to the bit: a cursor gives it back)."""

    reminder_id: str
    fires_at: datetime
    record: PlannedRecord
    at: float | None = None


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
        found.append(Found(rid, datetime.fromtimestamp(float(score), timezone.utc), record, float(score)))
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


Place = tuple[float, str]  # when a reminder goes out (unix seconds), its id: the order of the listing


@dataclass(frozen=True)
class Page:
    """The reminders of one page, soonest first, and how many are planned after them."""

    found: list[Found]
    more: int


def place_of(cursor: str) -> Place:
    """The place a ``next_cursor`` names. Raises QueryError (``cursor: ...``) for one this server did not give."""
    at, reminder_id = decode_cursor(cursor, "reminders")
    return at, reminder_id


def listing(sub: Subscription, planned: int, page: Page, subjects: Mapping[str, Subject | None]) -> dict[str, Any]:
    """The answer: how many are planned in all, the reminders of ``page`` in full, how many more there are after
    them and the cursor of the page after (None: no more)."""
    last = page.found[-1] if page.found else None
    cursor = None
    if last is not None and page.more:
        at = last.at if last.at is not None else last.fires_at.timestamp()
        cursor = encode_cursor("reminders", at, last.reminder_id)
    return {"subscription": sub.id, "timezone": sub.timezone or "UTC", "planned": planned, "more": page.more,
            "reminders": [shown(f, subjects.get(f.record.subject), sub) for f in page.found], "next_cursor": cursor}


async def planned_reminders(client: Any, store: "ReminderStore", sub: Subscription, cpu: CpuWork,
                            *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> dict[str, Any]:
    """The reminders planned for subscription ``sub``, soonest first, the first ``limit`` after ``cursor`` (a
    ``next_cursor``; None: from the first) in full (see :func:`listing`), read from its time index: a page's worth
    of Redis, however many are planned. Redis is read on the event loop; the records are parsed by ``cpu`` in a
    worker thread. Raises QueryError for a cursor this server did not give, before reading anything."""
    place = place_of(cursor) if cursor is not None else None
    await index_planned(store)  # reminders planned before the indexes were kept: once
    generation = (await store.generations([sub.id])).get(sub.id) or None
    read_page = client.register_script(_PAGE)
    found: list[Found] = []
    planned, more = 0, 0
    while True:  # a reminder of another generation is passed over: read on until the page is full
        want = limit - len(found)
        after = [repr(place[0]), place[1]] if place is not None else ["", ""]
        planned, start, entries = await read_page(keys=[by_time(store.due_key, sub.id)], args=[*after, want])
        ids, scores = [as_text(rid) for rid in entries[0::2]], [float(at) for at in entries[1::2]]
        raws = await client.hmget(store.planned_key, ids) if ids else []
        found += await cpu.run(still_planned, sub.id, generation, ids, raws, scores)
        more = int(planned) - int(start) - len(ids)
        if len(ids) < want or len(found) >= limit:
            break
        place = (scores[-1], ids[-1])
    keys = sorted({f.record.subject for f in found})
    subjects = dict(zip(keys, map(read_subject, await client.hmget(store.subjects_key, keys)))) if keys else {}
    return listing(sub, int(planned), Page(found, more), subjects)
