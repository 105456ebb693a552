"""Reading whole entries back for the query API: release summaries and the deadline of a day."""

from __future__ import annotations

from schemas.classified import Deadline
from services.notifier.reminders import due_date

from .core.entries import LedgerEntry
from .models import ReleaseSummary
from .store import LedgerStore


async def release_summaries(store: LedgerStore, release_ids: list[str]) -> list[ReleaseSummary]:
    """A summary of each release (the ones the ledger never read left out), in three round trips."""
    records = await store.release_records(release_ids)
    known = [(release_id, record) for release_id, record in zip(release_ids, records) if record is not None]
    # only a record from before the ledger kept a release's title needs its first entry
    firsts = {e.key: e for e in await store.entries([r.keys[0] for _, r in known if r.title is None and r.keys])}
    states = await store.states([k for _, record in known for k in record.keys])
    return [ReleaseSummary.of_record(release_id, record, firsts.get(record.keys[0]) if record.keys else None,
                                     [states[k] for k in record.keys if k in states])
            for release_id, record in known]


def deadline_due_on(entry: LedgerEntry, day: int) -> Deadline | None:
    """The deadline of ``entry`` that falls due on ``day`` (an ordinal)."""
    return next((d for d in entry.commitment.deadlines if (due := due_date(d)) and due.toordinal() == day), None)
