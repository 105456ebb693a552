"""The weekly "falls due this week" messages, sent by the leader: each subscription with ``due_this_week``
gets, once per ISO week at its weekday and time, the deadlines its filter selects from the ledger that fall
due in the seven days from then.

``<prefix>notifier:due-week:<id>`` holds the latest week handled; it is WATCHed, and written in the same
MULTI/EXEC as the message's delivery jobs and its feed entry, so a restart, a second replica or a new leader
never sends a week twice. The first look at a subscription only notes the week: its first message comes at
its next weekly time. A week with nothing due, or a paused subscription at its time, is noted and sends
nothing. A notifier that was down at the time sends the week's message late, once, within the week.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from redis.exceptions import WatchError

from services.common.streams import Streams
from services.ledger.core.entries import LIVE
from services.ledger.core.queries import MAX_PAGE, CommitmentQuery, deadlines_in
from services.ledger.index import LedgerIndex
from services.ledger.reading import deadline_due_on
from services.ledger.store import LedgerStore

from .due_week import DueDeadline, DueThisWeek, WeekSlot, assemble_due_week, week_slot
from .feed import feed_key, record_in_feed
from .messages import message_json
from .outbox import Outbox, jobs_for
from .subscriptions import Subscription

log = logging.getLogger(__name__)



def week_key(streams: Streams, subscription_id: str) -> str:
    return streams.key(f"notifier:due-week:{subscription_id}")


class WeeklyDeadlines:
    def __init__(self, streams: Streams, outbox: Outbox) -> None:
        self.streams, self.outbox = streams, outbox
        self._index: LedgerIndex | None = None  # the ledger's cards, read the first time a week is due
        self._store = LedgerStore(streams.client, streams.key)
        self._handled: dict[str, str] = {}  # subscription id -> the latest week known handled

    async def send_due(self, subs: list[Subscription], *, now: datetime) -> int:
        """Queue the message of every subscription whose weekly time has come and whose week was not handled;
        returns how many were queued."""
        sent = 0
        for sub in subs:
            if sub.due_this_week is None:
                continue
            slot = week_slot(sub.due_this_week, now=now, subscription_zone=sub.timezone)
            if self._handled.get(sub.id, "") < slot.week:  # ISO weeks compare as text
                sent += await self._handle(sub, slot, now=now)
        return sent

    async def _handle(self, sub: Subscription, slot: WeekSlot, *, now: datetime) -> int:
        key = week_key(self.streams, sub.id)
        async with self.streams.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    last = raw.decode() if raw is not None else None
                    if last is not None and last >= slot.week:
                        self._handled[sub.id] = last
                        return 0
                    paused = sub.paused_until is not None and sub.paused_until > now
                    message = None if last is None or paused else await self._message(sub, slot, now=now)
                    pipe.multi()
                    pipe.set(key, slot.week)
                    if message is not None:
                        for job in jobs_for(sub, message):
                            self.outbox.enqueue(pipe, job)
                        record_in_feed(pipe, feed_key(self.streams.key, sub.id), message_json(message))
                    await pipe.execute()
                except WatchError:
                    continue  # another notifier handled it meanwhile: look again
                self._handled[sub.id] = slot.week
                if message is not None:
                    log.info("%s: %d deadline(s) due in %s queued", sub.id,
                             len(message.deadlines) + message.more, slot.week)
                return int(message is not None)

    async def _message(self, sub: Subscription, slot: WeekSlot, *, now: datetime) -> DueThisWeek | None:
        """The week's message from the ledger: the live commitments ``sub``'s filter selects with a deadline
        from the slot's first day to its last, soonest first, at most a page of them."""
        assert sub.due_this_week is not None
        if self._index is None:
            self._index = LedgerIndex(self.streams.client, self.streams.key)
        query = CommitmentQuery(filter=sub.filter, states=list(LIVE), due_after=slot.first_day, due_before=slot.last_day,
                                limit=MAX_PAGE)
        order = await self._index.due_order()
        items, cursor = deadlines_in(order, query)
        more = 0
        while cursor is not None:  # counted, not listed
            rest, cursor = deadlines_in(order, query.model_copy(update={"cursor": cursor}))
            more += len(rest)
        entries = {e.key: e for e in await self._store.entries(list(dict.fromkeys(i.card.key for i in items)))}
        deadlines = []
        for item in items:
            entry = entries.get(item.card.key)
            deadline = deadline_due_on(entry, item.due) if entry is not None else None
            if entry is not None and deadline is not None:
                deadlines.append(DueDeadline(
                    due=date.fromordinal(item.due), deadline=deadline, commitment_key=entry.key,
                    commitment=entry.commitment, release_id=entry.release_id, title=entry.title, url=entry.url))
        return assemble_due_week(sub.id, sub.due_this_week, slot, deadlines, more=more, now=now)
