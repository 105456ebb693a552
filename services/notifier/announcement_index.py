"""The notifier's index of announcements in Redis (what it decides is in :mod:`.announcements`).

    notifier:announced               hash: commitment id -> its Announced record (JSON)
    notifier:announced:<index key>   set: the ids of the commitments under that key (reannouncements.index_keys)
    notifier:chain:<first id>        zset: JSON [commitment id, release id] by publication time, from its second member

Read under the WATCH of the alerts' transaction (the index keys of the releases read are watched, so two
handlers of two announcements of one commitment never both find it new) and written in that transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime, timezone

from redis.asyncio import Redis

from schemas.alerts import Announcement
from schemas.classified import Commitment, ReleaseClassified
from services.ledger.core.reannouncements import index_keys

from .announcements import (MAX_CHAIN, Announced, announced_commitments, assign_chains, candidates,
                            chain_announcements, read_announced)

COMMON = 250  # an index key shared by more commitments than this says nothing about sameness (as the ledger's)


@dataclass(frozen=True)
class AnnouncedRun:
    """What the index says of a run of releases: the records to add, and each commitment's chain."""

    added: dict[str, Announced] = field(default_factory=dict)
    chains: dict[str, list[Announcement]] = field(default_factory=dict)  # commitment id -> its chain


class AnnouncementIndex:
    def __init__(self, client: Redis, key: Callable[[str], str]) -> None:
        self.client, self.key = client, key

    def watched(self, releases: Sequence[ReleaseClassified]) -> list[str]:
        """The keys to WATCH while reading for ``releases``: those their announcements would be added to."""
        return sorted({self.key(f"notifier:announced:{k}") for _, c in announced_commitments(releases)
                       for k in index_keys(c)})

    async def read(self, releases: Sequence[ReleaseClassified]) -> AnnouncedRun:
        """The chains of every commitment of ``releases`` (read in four round trips whatever their number)."""
        pairs = announced_commitments(releases)
        if not pairs:
            return AnnouncedRun()
        stored, members = await self._neighbours([c for _, c in pairs])
        added = assign_chains(releases, stored=stored, members=members)
        chain_of = {c.id: (added.get(c.id) or stored[c.id]).chain for _, c in pairs}
        chains = await self._chains(sorted(set(chain_of.values())), known={**stored, **added})
        return AnnouncedRun(added=added, chains={cid: chains[name] for cid, name in chain_of.items()})

    async def _neighbours(self, commitments: list[Commitment]) -> tuple[dict[str, Announced], dict[str, list[str]]]:
        """The records of ``commitments`` already indexed and of every candidate they might repeat, and the
        members of their index keys (those shared by at most ``COMMON``)."""
        ids, hash_key = [c.id for c in commitments], self.key("notifier:announced")
        keys = sorted({k for c in commitments for k in index_keys(c)})
        async with self.client.pipeline(transaction=False) as reads:
            reads.hmget(hash_key, ids)
            for k in keys:
                reads.scard(self.key(f"notifier:announced:{k}"))
            own, *sizes = await reads.execute()
        stored = {cid: a for cid, a in zip(ids, map(read_announced, own)) if a is not None}
        wanted = [k for k, size in zip(keys, sizes) if 0 < size <= COMMON]
        found = await self._each(lambda reads, k: reads.smembers(k),
                                 [self.key(f"notifier:announced:{k}") for k in wanted])
        members = {k: sorted(m.decode() for m in ms) for k, ms in zip(wanted, found)}
        others = sorted({o for c in commitments if c.id not in stored for o in candidates(c, members)} - set(stored))
        raws = await self.client.hmget(hash_key, others) if others else []
        stored.update((cid, a) for cid, a in zip(others, map(read_announced, raws)) if a is not None)
        return stored, members

    async def _chains(self, names: list[str], *, known: dict[str, Announced]) -> dict[str, list[Announcement]]:
        """Each chain's announcements: those stored under its key and those ``known`` now (read or added)."""
        rows = await self._each(lambda reads, k: reads.zrange(k, 0, MAX_CHAIN - 1, withscores=True),
                                [self.key(f"notifier:chain:{name}") for name in names])
        chains = {}
        for name, row in zip(names, rows):
            kept = [_announcement(m, score) for m, score in row]
            if not kept and name in known:
                kept = [known[name].announcement()]  # a chain of one has no key of its own
            chains[name] = chain_announcements(kept, known.values(), name)
        return chains

    def write(self, pipe, run: AnnouncedRun) -> None:  # type: ignore[no-untyped-def]
        """Add the run's new records to the index, inside the alerts' transaction ``pipe``."""
        if not run.added:
            return
        records = {cid: a.model_dump_json() for cid, a in run.added.items()}
        pipe.hset(self.key("notifier:announced"), mapping=records)
        for cid, a in run.added.items():
            for k in index_keys(a.commitment):
                pipe.sadd(self.key(f"notifier:announced:{k}"), cid)
            if a.chain != cid:
                chain = [*run.chains[cid], a.announcement()]  # the first member too: a chain of one has no key
                pipe.zadd(self.key(f"notifier:chain:{a.chain}"),
                          {_member(x): x.published_at.timestamp() for x in chain})

    async def _each(self, read: Callable[[Any, str], object], keys: list[str]) -> list:  # type: ignore[type-arg]
        """``read(pipeline, key)`` for each of ``keys``: the answers, in one round trip."""
        if not keys:
            return []
        async with self.client.pipeline(transaction=False) as reads:
            for k in keys:
                read(reads, k)
            return await reads.execute()


def _member(a: Announcement) -> str:
    return json.dumps([a.commitment_id, a.release_id])


def _announcement(member: bytes, score: float) -> Announcement:
    commitment_id, release_id = json.loads(member)
    return Announcement(release_id=release_id, commitment_id=commitment_id,
                        published_at=datetime.fromtimestamp(score, tz=timezone.utc))
