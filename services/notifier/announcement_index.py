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
from datetime import datetime, timezone

from redis.asyncio import Redis

from schemas.alerts import Announcement
from schemas.classified import ReleaseClassified
from services.ledger.core.reannouncements import index_keys

from .announcements import MAX_CHAIN, Announced, announced_commitments, assign_chains, candidates, chain_announcements

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
        ids = [c.id for _, c in pairs]
        keys = sorted({k for _, c in pairs for k in index_keys(c)})
        async with self.client.pipeline(transaction=False) as reads:
            reads.hmget(self.key("notifier:announced"), ids)
            for k in keys:
                reads.scard(self.key(f"notifier:announced:{k}"))
            own, *sizes = await reads.execute()
        stored = {cid: Announced.model_validate_json(raw) for cid, raw in zip(ids, own) if raw is not None}
        wanted = [k for k, size in zip(keys, sizes) if 0 < size <= COMMON]
        found = await self._each("smembers", [self.key(f"notifier:announced:{k}") for k in wanted])
        members = {k: sorted(m.decode() for m in ms) for k, ms in zip(wanted, found)}
        others = sorted({cid for _, c in pairs if c.id not in stored for cid in candidates(c, members)} - set(stored))
        if others:
            raws = await self.client.hmget(self.key("notifier:announced"), others)
            stored.update((cid, Announced.model_validate_json(raw)) for cid, raw in zip(others, raws) if raw is not None)
        added = assign_chains(releases, stored=stored, members=members)
        chain_of = {c.id: (added.get(c.id) or stored[c.id]).chain for _, c in pairs}
        names = sorted(set(chain_of.values()))
        rows = await self._each("zrange", [self.key(f"notifier:chain:{n}") for n in names])
        known = {**stored, **added}
        chains = {}
        for name, members_of in zip(names, rows):
            kept = [_announcement(m, score) for m, score in members_of]
            if not kept and name in known:
                kept = [known[name].announcement()]  # a chain of one has no key of its own
            chains[name] = chain_announcements(kept, added.values(), name)
        return AnnouncedRun(added=added, chains={cid: chains[name] for cid, name in chain_of.items()})

    def write(self, pipe, run: AnnouncedRun) -> None:  # type: ignore[no-untyped-def]
        """Add the run's new records to the index, inside the alerts' transaction ``pipe``."""
        if not run.added:
            return
        pipe.hset(self.key("notifier:announced"), mapping={cid: a.model_dump_json() for cid, a in run.added.items()})
        for cid, a in run.added.items():
            for k in index_keys(a.commitment):
                pipe.sadd(self.key(f"notifier:announced:{k}"), cid)
            if a.chain != cid:
                chain = [*run.chains[cid], a.announcement()]  # the first member too: a chain of one has no key
                pipe.zadd(self.key(f"notifier:chain:{a.chain}"), {_member(x): x.published_at.timestamp() for x in chain})

    async def _each(self, command: str, keys: list[str]) -> list:  # type: ignore[type-arg]
        if not keys:
            return []
        async with self.client.pipeline(transaction=False) as reads:
            for k in keys:
                if command == "zrange":
                    reads.zrange(k, 0, MAX_CHAIN - 1, withscores=True)
                else:
                    getattr(reads, command)(k)
            return await reads.execute()


def _member(a: Announcement) -> str:
    return json.dumps([a.commitment_id, a.release_id])


def _announcement(member: bytes, score: float) -> Announcement:
    commitment_id, release_id = json.loads(member)
    return Announcement(release_id=release_id, commitment_id=commitment_id,
                        published_at=datetime.fromtimestamp(score, tz=timezone.utc))
