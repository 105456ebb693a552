"""The ledger's cards in memory, for queries: read whole once, then kept up to date from ``ledger:changes``.

Each query first asks Redis what changed since the last one (one round trip, nothing to read most of the
time), so every replica answering queries sees every replica's writes. A reader that fell further behind
than the changes stream keeps, or that finds the ledger dropped and rebuilt (a new epoch), reads it all again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from redis.asyncio import Redis

from .core.cards import Card
from .core.queries import DueOrder, due_order

PAGE = 2000


class LedgerIndex:
    def __init__(self, client: Redis, key: Callable[[str], str]) -> None:
        self.client, self.key = client, key
        self._cards: dict[str, Card] = {}
        self._epoch: bytes | None = None
        self._last: str | None = None  # the id of the last change read
        self._seq = 0  # and its number
        self._lock = asyncio.Lock()
        self._due: DueOrder | None = None  # the cards' deadlines in order, made again after a change


    async def cards(self) -> list[Card]:
        """Every card, as of now."""
        async with self._lock:
            await self._refresh()
            return list(self._cards.values())

    async def due_order(self) -> DueOrder:
        """Every card's dated deadlines, soonest first (:func:`due_order`), as of now."""
        async with self._lock:
            await self._refresh()
            if self._due is None:
                self._due = due_order(self._cards.values())
            return self._due

    async def _refresh(self) -> None:
        changes_key = self.key("ledger:changes")
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.get(self.key("ledger:epoch"))
            pipe.xrange(changes_key, min=f"({self._last}" if self._last else "-", count=PAGE)
            epoch, changes = await pipe.execute()
        if epoch != self._epoch or self._last is None:
            await self._read_all()
            return
        while changes:
            if int(changes[0][1][b"seq"]) != self._seq + 1:  # trimmed away before this reader saw them
                await self._read_all()
                return
            keys = sorted({k for _, fields in changes for k in json.loads(fields[b"keys"])})
            if keys:  # a release version with no commitments wrote none (HMGET of no field is refused)
                self._due = None
                raws = await self.client.hmget(self.key("ledger:cards"), keys)
                for k, raw in zip(keys, raws):
                    if raw is None:
                        self._cards.pop(k, None)
                    else:
                        self._cards[k] = Card.from_json(raw)
            self._last, self._seq = changes[-1][0].decode(), int(changes[-1][1][b"seq"])
            if len(changes) < PAGE:
                return
            changes = await self.client.xrange(changes_key, min=f"({self._last}", count=PAGE)

    async def _read_all(self) -> None:
        """Every card, with the place in the changes stream they are as of, in one snapshot."""
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.get(self.key("ledger:epoch"))
            pipe.xrevrange(self.key("ledger:changes"), count=1)
            pipe.hgetall(self.key("ledger:cards"))
            epoch, last, raws = await pipe.execute()
        self._cards = {k.decode(): Card.from_json(raw) for k, raw in raws.items()}
        self._due = None
        self._epoch = epoch
        self._last, self._seq = (last[0][0].decode(), int(last[0][1][b"seq"])) if last else ("0-0", 0)
