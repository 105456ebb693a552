"""What a firing reminder needs to know of its commitment's re-announcement chain (:mod:`.announcements`).

A reminder is fired once per slot (:func:`~.reminders.reminder_slot`): subscriber, chain, due date and offset.
Each release plans its own reminders, so two announcements of one commitment for one day plan two; the first
to fire marks the slot, the other is finished unsent. The reminder sent is marked re-announced, as an alert is,
when its subscriber was told of another announcement of the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from schemas.alerts import Reannouncement

from .announcement_index import AnnouncementIndex
from .announcements import reannouncement


@dataclass(frozen=True)
class ReminderChain:
    """The chain of a reminded commitment (its first announcement's id), and what marks the reminder
    re-announced for its subscriber (None: told of no other announcement, or alone in its chain)."""

    name: str
    reannounced: Reannouncement | None = None


class ReminderChains:
    def __init__(self, client: Any, key: Callable[[str], str]) -> None:
        self.client, self.key = client, key
        self.index = AnnouncementIndex(client, key)

    async def read(self, reminded: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ReminderChain]:
        """For each (subscription id, commitment id) reminded: its :class:`ReminderChain` (three round trips at
        most, whatever their number)."""
        wanted = sorted(set(reminded))
        chains = await self.index.chains_of(cid for _, cid in wanted)
        asks = [(sub_id, cid) for sub_id, cid in wanted if len(chains[cid][1]) > 1]
        told = await self._told([(sub_id, [a.commitment_id for a in chains[cid][1]]) for sub_id, cid in asks])
        marks = {ask: reannouncement(ask[1], chains[ask[1]][1], record) for ask, record in zip(asks, told)}
        return {(sub_id, cid): ReminderChain(chains[cid][0], marks.get((sub_id, cid))) for sub_id, cid in wanted}

    async def _told(self, lookups: list[tuple[str, list[str]]]) -> list[dict[str, str]]:
        """For each (subscription id, commitment ids): what its record (``notifier:sent:<id>``) holds of them."""
        if not lookups:
            return []
        async with self.client.pipeline(transaction=False) as reads:
            for sub_id, ids in lookups:
                reads.hmget(self.key(f"notifier:sent:{sub_id}"), ids)
            answers = await reads.execute()
        return [{cid: v.decode() for cid, v in zip(ids, values) if v is not None}
                for (_, ids), values in zip(lookups, answers)]
