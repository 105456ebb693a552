"""The ledger in Redis, under the key prefix. Every write for one release version is one transaction,
watched on the release's record, together with the XACK of the event that carried it.

    ledger:release:<release id>   hash: version (the last read), keys (JSON list of its ledger keys), and that
                                  version's title, url, source, published_at, unsupported_reason, withdrawn,
                                  withdrawn_notice (see core/release_records.py)
    ledger:entry:<key>            one commitment's LedgerEntry, JSON
    ledger:releases               zset: release id by publication time
    ledger:releases:withdrawn     zset: the same, of the withdrawn releases only (see withdrawals.py)
    ledger:commitments            zset: ledger key by publication time
    ledger:deadlines              zset: "<key>#<deadline number>" by the day it falls due (ordinal; see entries.numbers)
    ledger:index:<index key>      set: ledger keys (see reannouncements.index_keys)
    ledger:chain:<first key>      zset: the announcements of one commitment, by publication time
    ledger:cards                  hash: ledger key -> its Card (what queries read, see index.py)
    ledger:changes                stream: the ledger keys each transaction wrote, numbered (for readers' memory)
    ledger:changes:seq            the number of the last of them
    ledger:ids                    hash: every id a commitment has had -> its ledger key (see ids.py)
    ledger:epoch                  a token, new whenever the ledger is dropped: readers then read it all
    ledger-rebuilding             set while `pledgewatch ledger rebuild` runs: other writers wait
    ledger-sequence-floors        hash: ledger entry key -> its SEQUENCE before a rebuild, until one ends (rebuild.py)
    ledger:calendar-served:<id>   hash: the calendar's tag last served and since when (Last-Modified), 30 days unread;
                                  dropped with the subscription (:func:`calendar_served_key`)
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from redis.asyncio import Redis
from redis.exceptions import WatchError

from schemas.classified import ReleaseClassified
from services.common.streams import Entry
from services.notifier.reminders import due_date

from .core.cards import card_of
from .core.entries import LIVE, LedgerEntry, VersionUpdate, apply_version
from .core.release_records import ReleaseRecord, record_fields
from .ids import IDS, record_ids
from .withdrawals import WITHDRAWN, record_withdrawal
from .core.reannouncements import first_announcement, index_keys, likely_candidates, same_commitment

CHANGES_KEPT = 10_000  # about this many transactions stay on ledger:changes; a reader further behind reads all
# The fields of a card queries read that earlier versions did not write: a card lacking one is written again.
UPGRADED_FIELDS = (b'"pledges_money"', b'"currency"')
COMMON = 250  # an index key shared by more commitments than this says nothing about sameness
# KEYS: the changes stream, its sequence. ARGV: the keys written (JSON), how many entries to keep. Numbered,
# so that a reader can tell it missed some (trimmed away while it was not looking).
_LOG_CHANGE = """
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'seq', seq, 'keys', ARGV[1])
return seq
"""


REBUILDING = "ledger-rebuilding"  # outside "ledger:*", which a rebuild drops


def calendar_served_key(key: Callable[[str], str], subscription_id: str) -> str:
    """A subscription's calendar answer last served, and since when (:mod:`services.common.representation_times`):
    the notifier deletes it with the subscription, as it does the alerts feed's."""
    return key(f"ledger:calendar-served:{subscription_id}")


class LedgerPaused(RuntimeError):
    """The ledger is being rebuilt: nothing but the rebuild writes to it until it is done."""


class LedgerStore:
    def __init__(self, client: Redis, key: Callable[[str], str], *, attempts: int = 20,
                 rebuilding: bool = False) -> None:
        """``rebuilding``: this store is the rebuild's own, which writes while others wait."""
        self.client, self.key, self.attempts, self.rebuilding = client, key, attempts, rebuilding

    async def apply(self, release: ReleaseClassified, *, now: datetime, ack: Entry | None = None) -> VersionUpdate:
        """Record one release version (a no-op for one already read) and acknowledge ``ack``, atomically;
        :class:`LedgerPaused` while a rebuild runs (watched too: one that starts meanwhile aborts the write)."""
        release_key, pause_key = self.key(f"ledger:release:{release.release_id}"), self.key(REBUILDING)
        for _ in range(self.attempts):
            async with self.client.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(release_key, pause_key)
                    if not self.rebuilding and await pipe.exists(pause_key):
                        raise LedgerPaused("the ledger is being rebuilt")
                    record = await pipe.hgetall(release_key)
                    last = int(record[b"version"]) if b"version" in record else None
                    keys = json.loads(record[b"keys"]) if b"keys" in record else []
                    held = await self._entries(pipe, keys)
                    update = apply_version(held, release, last_version=last, now=now)
                    chains = {} if update.stale else await self._chains(release, update)
                    pipe.multi()
                    if not update.stale:
                        self._write(pipe, release, update, held, keys, chains)
                    if ack is not None:
                        pipe.xack(ack.stream, ack.group, ack.entry_id)
                    await pipe.execute()
                    return update
                except WatchError:
                    continue
        raise RuntimeError(f"ledger: {release.release_id} kept changing under {self.attempts} attempts")

    async def _entries(self, client, keys: list[str]) -> list[LedgerEntry]:  # type: ignore[no-untyped-def]
        if not keys:
            return []
        raws = await client.mget([self.key(f"ledger:entry:{k}") for k in keys])
        return [LedgerEntry.model_validate_json(raw) for raw in raws if raw]

    async def _chains(self, release: ReleaseClassified, update: VersionUpdate) -> dict[str, str]:
        """The chain each newly added entry joins, when it announces again what an earlier release did (read
        outside the release's watch: another release's entries do not make this one's write stale). Three
        round trips for the whole release, whatever its size."""
        added = [e for e in update.entries if e.key in update.added]
        indexes = {e.key: index_keys(e.commitment) for e in added}
        distinct = sorted({k for keys in indexes.values() for k in keys})
        sizes = await self._pipelined([("scard", self.key(f"ledger:index:{k}")) for k in distinct])
        wanted = [k for k, size in zip(distinct, sizes) if 0 < size <= COMMON]
        found = await self._pipelined([("smembers", self.key(f"ledger:index:{k}")) for k in wanted])
        members = {k: [m.decode() for m in keys] for k, keys in zip(wanted, found)}
        candidates = {}
        for entry in added:
            hits: Counter[str] = Counter()
            money_hits: set[str] = set()
            for k in indexes[entry.key]:
                (money_hits.update if k.startswith("m:") else hits.update)(members.get(k, ()))
            words = sum(1 for k in indexes[entry.key] if k.startswith("w:"))
            candidates[entry.key] = likely_candidates(hits, money_hits=money_hits, words=words)
        others = {o.key: o for o in await self._entries(
            self.client, sorted({k for keys in candidates.values() for k in keys}))}
        chains: dict[str, str] = {}
        for entry in added:
            earlier = [(o.published_at.isoformat(), o.chain, o.key) for o in map(others.get, candidates[entry.key])
                       if o is not None and o.release_id != release.release_id
                       and o.published_at <= release.published_at and same_commitment(o.commitment, entry.commitment)]
            chain = first_announcement(earlier)
            if chain is not None:
                chains[entry.key] = chain
        return chains

    def _write(self, pipe, release: ReleaseClassified, update: VersionUpdate, held: list[LedgerEntry],  # type: ignore[no-untyped-def]
               keys: list[str], chains: dict[str, str]) -> None:
        release_key = self.key(f"ledger:release:{release.release_id}")
        published = release.published_at.timestamp()
        before = {e.key: e for e in held}
        all_keys = [*keys, *(k for k in update.added if k not in keys)]
        pipe.hset(release_key, mapping=record_fields(release, update.version, all_keys))
        pipe.zadd(self.key("ledger:releases"), {release.release_id: published})
        record_withdrawal(pipe, self.key, release)
        for entry in update.entries:
            if entry.key in chains:
                entry = entry.model_copy(update={"chain": chains[entry.key]})
                chain_key = self.key(f"ledger:chain:{entry.chain}")
                pipe.zadd(chain_key, {entry.chain: 0}, nx=True)  # the first announcement, scored below
                pipe.zadd(chain_key, {entry.key: published})
            pipe.set(self.key(f"ledger:entry:{entry.key}"), entry.model_dump_json())
            pipe.zadd(self.key("ledger:commitments"), {entry.key: entry.published_at.timestamp()})
            old = before.get(entry.key)
            if old is not None and old.commitment.deadlines:
                pipe.zrem(self.key("ledger:deadlines"), *(f"{entry.key}#{n}" for n in old.numbers()))
            dated = {f"{entry.key}#{n}": due.toordinal()
                     for n, due in zip(entry.numbers(), map(due_date, entry.commitment.deadlines)) if due is not None}
            if dated and entry.state in LIVE:
                pipe.zadd(self.key("ledger:deadlines"), dated)
            for k in index_keys(entry.commitment):
                pipe.sadd(self.key(f"ledger:index:{k}"), entry.key)
            pipe.hset(self.key("ledger:cards"), entry.key, card_of(entry).to_json())
        record_ids(pipe, self.key(IDS), update.entries)
        pipe.set(self.key("ledger:epoch"), uuid.uuid4().hex, nx=True)
        pipe.eval(_LOG_CHANGE, 2, self.key("ledger:changes"), self.key("ledger:changes:seq"),
                  json.dumps([e.key for e in update.entries]), CHANGES_KEPT)

    async def _pipelined(self, calls: list[tuple[str, str]]) -> list:  # type: ignore[type-arg]
        """Each (command, key) call's answer, in one round trip."""
        if not calls:
            return []
        async with self.client.pipeline(transaction=False) as pipe:
            for command, key in calls:
                getattr(pipe, command)(key)
            return await pipe.execute()

    async def upgrade_cards(self) -> int:
        """Write again, from their entries, the cards an earlier version stored without a field queries now
        read (``pledges_money``, ``currency``); returns how many. Idempotent: run by every ledger at start."""
        cards_key = self.key("ledger:cards")
        stale, cursor = [], 0
        while True:
            cursor, page = await self.client.hscan(cards_key, cursor, count=1000)
            stale += [key.decode() for key, raw in page.items() if not all(name in raw for name in UPGRADED_FIELDS)]
            if cursor == 0:
                break
        for start in range(0, len(stale), 1000):
            entries = await self.entries(stale[start:start + 1000])
            if entries:
                await self.client.hset(cards_key, mapping={e.key: card_of(e).to_json() for e in entries})
        return len(stale)

    # --- reading -------------------------------------------------------------------------------------
    async def raw_entries(self, keys: list[str]) -> list[bytes]:
        """The stored JSON of the entries of ``keys`` that exist, in that order, in one round trip."""
        raws = await self.client.mget([self.key(f"ledger:entry:{k}") for k in keys]) if keys else []
        return [raw for raw in raws if raw]

    async def entries(self, keys: list[str]) -> list[LedgerEntry]:
        """The entries of ``keys`` that exist, in that order, in one round trip."""
        return await self._entries(self.client, keys)

    async def entry(self, key: str) -> LedgerEntry | None:
        found = await self._entries(self.client, [key])
        return found[0] if found else None

    async def entry_by_id(self, commitment_id: str) -> LedgerEntry | None:
        """The entry of a commitment by its ledger key, or by any id it has had since (see ids.py)."""
        found = await self.entry(commitment_id)
        if found is not None:
            return found
        key = await self.client.hget(self.key(IDS), commitment_id)
        return await self.entry(key.decode()) if key is not None else None

    async def recent_releases(self, *, limit: int = 50) -> list[str]:
        """The ids of the releases most recently published, the latest first."""
        return [r.decode() for r in await self.client.zrevrange(self.key("ledger:releases"), 0, limit - 1)]

    async def releases_after(self, after: tuple[float, str] | None, *, limit: int,
                             withdrawn: bool | None = None) -> list[tuple[str, float]]:
        """Up to ``limit`` (release id, publication timestamp), the latest first, after the place ``after``
        (a timestamp and id already shown) in that order; ``withdrawn``: only the releases withdrawn (True) or
        not (False)."""
        if withdrawn is False:
            return await self._releases_not_withdrawn(after, limit=limit)
        return await self._releases_in(self.key(WITHDRAWN if withdrawn else "ledger:releases"), after, limit=limit)

    async def _releases_not_withdrawn(self, after: tuple[float, str] | None, *, limit: int) -> list[tuple[str, float]]:
        """The releases in pages of ``limit``, the withdrawn (rare) left out, until ``limit`` are found."""
        rows: list[tuple[str, float]] = []
        while len(rows) < limit:
            page = await self._releases_in(self.key("ledger:releases"), after, limit=limit)
            if page:
                scores = await self.client.zmscore(self.key(WITHDRAWN), [release_id for release_id, _ in page])
                rows += [row for row, score in zip(page, scores) if score is None]
            if len(page) < limit:
                break
            after = (page[-1][1], page[-1][0])
        return rows[:limit]

    async def _releases_in(self, key: str, after: tuple[float, str] | None, *, limit: int) -> list[tuple[str, float]]:
        if after is None:
            rows = await self.client.zrevrange(key, 0, limit - 1, withscores=True)
        else:
            ties = await self.client.zcount(key, after[0], after[0])  # shown or not, they share the score
            rows = await self.client.zrevrangebyscore(key, after[0], "-inf", start=0, num=limit + ties,
                                                      withscores=True)
            rows = [(m, score) for m, score in rows if score < after[0] or m.decode() < after[1]]
        return [(m.decode(), score) for m, score in rows[:limit]]

    async def release_records(self, release_ids: list[str]) -> list[ReleaseRecord | None]:
        """Each release's record (None for a release the ledger never read)."""
        records = await self._pipelined([("hgetall", self.key(f"ledger:release:{r}")) for r in release_ids])
        return [ReleaseRecord.from_hash(r) if r else None for r in records]

    async def states(self, keys: list[str]) -> dict[str, str]:
        """The state of each entry of ``keys`` (``active``, ``removed``, …), read from its card in one round trip."""
        raws = await self.client.hmget(self.key("ledger:cards"), keys) if keys else []
        return {k: json.loads(raw)["state"] for k, raw in zip(keys, raws) if raw is not None}

    async def release_entries(self, release_id: str) -> list[LedgerEntry]:
        raw = await self.client.hget(self.key(f"ledger:release:{release_id}"), "keys")
        return await self._entries(self.client, json.loads(raw) if raw else [])

    async def chain(self, first: str) -> list[LedgerEntry]:
        """Every announcement of one commitment, the first first."""
        keys = [k.decode() for k in await self.client.zrange(self.key(f"ledger:chain:{first}"), 0, -1)]
        return await self._entries(self.client, keys)

    async def deadlines_between(self, start: date, end: date, *, limit: int = 100) -> list[tuple[LedgerEntry, int]]:
        """(entry, deadline index) of the live deadlines falling due from ``start`` to ``end``, soonest first (one
        whose entry a newer version rewrote between the two reads, and that it no longer has, is left out)."""
        members = await self.client.zrangebyscore(self.key("ledger:deadlines"), start.toordinal(), end.toordinal(),
                                                  start=0, num=limit)
        pairs = [m.decode().rpartition("#") for m in members]
        entries = {e.key: e for e in await self._entries(self.client, list(dict.fromkeys(k for k, _, _ in pairs)))}
        places = {k: {n: i for i, n in enumerate(e.numbers())} for k, e in entries.items()}
        return [(entries[k], places[k][int(n)]) for k, _, n in pairs if k in entries and int(n) in places[k]]

