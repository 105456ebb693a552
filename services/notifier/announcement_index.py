"""The notifier's index of announcements in Redis (what it decides is in :mod:`.announcements`).

    notifier:announced               hash: commitment id -> its Announced record (JSON)
    notifier:announced:<index key>   set: the ids of the commitments under that key (reannouncements.index_keys),
                                     but those alike an earlier one of their chain (announcements.unindexed);
                                     COMMON + 1 at most (a set larger than COMMON is never read)
    notifier:chain:<first id>        zset: JSON [commitment id, release id] by publication time, from its second member

Written by the alerts' transaction (:mod:`.alert_commit`), which compares the size of every set the releases'
commitments were looked up in with its size when read (the sets only grow), so two handlers of two
announcements of one commitment never both find it new.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from typing import Any

from pydantic_core import to_json
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from schemas.alerts import Announcement
from schemas.classified import Commitment, ReleaseClassified
from services.common.pipelined_scripts import queue_script, run_pipeline
from services.ledger.core.reannouncements import MAX_CANDIDATES, index_keys, shared_enough

from .alert_commit import Commit
from .announcements import (MAX_CHAIN, Announced, Chain, Neighbours, announced_commitments, assign_chains,
                            chain_announcements, read_announced, unindexed)

COMMON = 250  # an index key shared by more commitments than this says nothing about sameness (as the ledger's)
# KEYS: a scratch key. ARGV: COMMON, how many to return, the key prefix of the index's sets, then one JSON argument
# (not several per commitment: redis-py packs each argument in Python): for each commitment, its amount key (none
# or one), its action words' keys and the words to share (shared_enough). For each commitment: the members
# sharing the amount, the ids sharing enough words with their count, the most first: counted in Redis
# (ZUNIONSTORE scores a set's member by the sets it is in), so that only the likeliest come back rather than
# every member of every key; and the size of each of its keys (compared when the run is written). For a
# commitment with no record of its own (HEXISTS, in the hash ARGV[5]), the records of those members (the amount's
# only when no more than how many are returned; never its own): the candidates Python picks among them
# (Neighbours.candidates) need no second round trip. One call for a run's commitments.
_NEIGHBOURS = """
local common, limit, prefix, hash, answers = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[5], {}
local size_of = {}  -- a run's commitments share keys, and the sets do not change while this runs
local function size(key)
  local n = size_of[key]
  if n == nil then
    n = redis.call('SCARD', key)
    size_of[key] = n
  end
  return n
end
for _, c in ipairs(cjson.decode(ARGV[4])) do
  local money, words, top, sizes = {}, {}, {}, {}
  for _, k in ipairs(c[1]) do
    local key = prefix .. k
    local n = size(key)
    sizes[#sizes + 1] = n
    if n > 0 and n <= common then money = redis.call('SMEMBERS', key) end
  end
  for _, k in ipairs(c[2]) do
    local key = prefix .. k
    local n = size(key)
    sizes[#sizes + 1] = n
    if n > 0 and n <= common then words[#words + 1] = key end
  end
  if #words > 0 then
    redis.call('ZUNIONSTORE', KEYS[1], #words, unpack(words))
    top = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', c[3], 'WITHSCORES', 'LIMIT', 0, limit)
    redis.call('DEL', KEYS[1])
  end
  local ids, records = {}, {}
  if redis.call('HEXISTS', hash, c[4]) == 0 then
    local seen = {[c[4]] = true}
    if #money <= tonumber(limit) then
      for _, m in ipairs(money) do
        if not seen[m] then seen[m], ids[#ids + 1] = true, m end
      end
    end
    for i = 1, #top, 2 do
      if not seen[top[i]] then seen[top[i]], ids[#ids + 1] = true, top[i] end
    end
    if #ids > 0 then records = redis.call('HMGET', hash, unpack(ids)) end
  end
  answers[#answers + 1] = {money, top, sizes, ids, records}
end
return answers
"""

# KEYS: chains' keys. ARGV: how many members of each to read. Each chain's first members with their scores, flat
# (one script call rather than a ZRANGE per chain in a pipeline, which redis-py packs and parses one by one).
_CHAINS = """
local rows, last = {}, tonumber(ARGV[1]) - 1
for i = 1, #KEYS do rows[i] = redis.call('ZRANGE', KEYS[i], 0, last, 'WITHSCORES') end
return rows
"""


@dataclass(frozen=True)
class AnnouncedRun:
    """What the index says of a run of releases: the records to add, and each commitment's chain."""

    added: dict[str, Announced] = field(default_factory=dict)
    chains: dict[str, Chain] = field(default_factory=dict)  # commitment id -> its chain
    unindexed: frozenset[str] = frozenset()  # ids of added records the index's sets need not hold
    sizes: dict[str, int] = field(default_factory=dict)  # each index set looked up in -> its size when read


@dataclass(frozen=True)
class PendingRun:
    """What the index says of a run of releases before the chains stored under their keys are read."""

    added: dict[str, Announced] = field(default_factory=dict)
    chain_of: dict[str, str] = field(default_factory=dict)  # commitment id -> the name of its chain
    names: list[str] = field(default_factory=list)  # every chain of the run, sorted
    known: dict[str, Announced] = field(default_factory=dict)  # the records read and added
    stored: list[str] = field(default_factory=list)  # the chains that may have a key (members stored): to read
    keys: list[str] = field(default_factory=list)  # their keys, in the same order
    unindexed: frozenset[str] = frozenset()
    sizes: dict[str, int] = field(default_factory=dict)

    def members_known(self, commitment_id: str) -> list[str]:
        """The ids of the members of ``commitment_id``'s chain known without reading its key: its first, and
        those added by this run (none when it is not announced: a withdrawn release's)."""
        name = self.chain_of.get(commitment_id)
        return self._known_members.get(name, []) if name is not None else []

    @cached_property
    def _known_members(self) -> dict[str, list[str]]:
        """Each chain's first and the members this run adds to it."""
        members: dict[str, list[str]] = {name: [name] for name in self.names}
        for cid, a in self.added.items():
            members[a.chain].append(cid)
        return members

    def complete(self, rows: Sequence[Sequence[tuple[bytes, float]]]) -> AnnouncedRun:
        """The run, given the rows of :attr:`stored` (each chain's first ``MAX_CHAIN`` members and their scores),
        in that order. The chain of a commitment never indexed before has no key yet (a chain's key is written
        with its second member): it is not among them."""
        by_name = dict(zip(self.stored, rows))
        added_to: dict[str, list[Announced]] = {}  # each chain's added records, not every record for each chain
        for a in self.added.values():
            added_to.setdefault(a.chain, []).append(a)
        chains, as_handled = {}, {}
        for name in self.names:
            kept = [_announcement(m, score) for m, score in by_name.get(name, ())]
            if not kept and name in self.known:
                kept = [self.known[name].announcement]  # a chain of one has no key of its own
            chains[name] = chain_announcements(kept, added_to.get(name, ()), name)  # a stored member: under the key
            as_handled.update(_as_handled(kept, added_to.get(name, []), name, chains[name]))
        return AnnouncedRun(added=self.added, chains={cid: as_handled.get(cid) or chains[name]
                                                      for cid, name in self.chain_of.items()},
                            unindexed=self.unindexed, sizes=self.sizes)


def _as_handled(kept: list[Announcement], added: list[Announced], name: str, whole: Chain) -> dict[str, Chain]:
    """Each of ``added`` (a chain's records added by a run, in the order handled) -> the chain as its release finds
    it, as if each release of the run were read on its own: ``kept`` and the records added with that release or
    before it, not a later release's (the last release's is ``whole``)."""
    out: dict[str, Chain] = {}
    start = 0
    for end in range(1, len(added) + 1):
        if end < len(added) and added[end].release_id == added[end - 1].release_id:
            continue
        chain = whole if end == len(added) else chain_announcements(kept, added[:end], name)
        out.update((a.commitment.id, chain) for a in added[start:end])
        start = end
    return out


class AnnouncementIndex:
    def __init__(self, client: Redis, key: Callable[[str], str]) -> None:
        self.client, self.key = client, key
        self._set_prefix = key("notifier:announced:")
        self._neighbours_script = client.register_script(_NEIGHBOURS)
        self._chains_script = client.register_script(_CHAINS)

    async def read(self, releases: Sequence[ReleaseClassified]) -> AnnouncedRun:
        """The chains of every commitment of ``releases`` (read in three round trips at most, whatever their number)."""
        run, _ = await self.read_with(releases, lambda reads: None)
        return run

    async def read_with(self, releases: Sequence[ReleaseClassified], alongside: Callable[[Pipeline], None]
                        ) -> tuple[AnnouncedRun, list[Any]]:
        """As :meth:`read`, with the reads ``alongside`` queues sent in its first round trip (they must not
        need the index's answers); returns the run and their answers."""
        pending, answers = await self.prepare_with(releases, alongside)
        return pending.complete(await self._chain_rows(pending.stored)), answers

    async def prepare_with(self, releases: Sequence[ReleaseClassified], alongside: Callable[[Pipeline], None]
                           ) -> tuple[PendingRun, list[Any]]:
        """As :meth:`read_with`, all but the chains stored under their keys (:attr:`PendingRun.stored`): their
        rows are read with whatever needs them (:class:`.RecordReader` reads them with the subscribers'
        records, in one round trip) and given to :meth:`PendingRun.complete`."""
        pairs = announced_commitments(releases)
        if not pairs:
            return PendingRun(), await run_pipeline(self.client, alongside, [])
        (stored, neighbours, unseen, sizes), answers = await self._neighbours([c for _, c in pairs], alongside)
        added = assign_chains(releases, stored=stored, neighbours=neighbours)
        known = {**stored, **added}
        chain_of = {c.id: known[c.id].chain for _, c in pairs}
        names = sorted(set(chain_of.values()))
        return PendingRun(added=added, chain_of=chain_of, names=names, known=known,
                          stored=[name for name in names if name not in unseen],
                          keys=[self.key(f"notifier:chain:{name}") for name in names if name not in unseen],
                          unindexed=frozenset(unindexed(added, known.values())), sizes=sizes), answers

    async def _neighbours(self, commitments: list[Commitment], alongside: Callable[[Pipeline], None]
                          ) -> tuple[tuple[dict[str, Announced], dict[str, Neighbours], set[str], dict[str, int]],
                                     list[Any]]:
        """The records of ``commitments`` already indexed and of every candidate they might repeat, each
        one's neighbours in the index, the ids of those never indexed, and the size of each index set looked
        up in (one round trip; a second for the candidates' records the neighbours' script did not read, those
        sharing an amount with more than ``MAX_CANDIDATES`` others); and the answers of the reads
        ``alongside`` queues in the first."""
        ids, hash_key = [c.id for c in commitments], self.key("notifier:announced")
        def fill(reads: Pipeline) -> None:
            alongside(reads)
            reads.hmget(hash_key, ids)
            self._find_neighbours(reads, commitments)

        *answers, own, found = await run_pipeline(self.client, fill, [self._neighbours_script])
        stored = {cid: a for cid, a in zip(ids, map(read_announced, own)) if a is not None}
        neighbours = {c.id: _neighbours(answer) for c, answer in zip(commitments, found)}
        sizes = {self._set_key(k): n for c, answer in zip(commitments, found) for k, n in zip(index_keys(c), answer[2])}
        others = sorted({o for c in commitments if c.id not in stored for o in neighbours[c.id].candidates(c)}
                        - set(stored))
        read = {m.decode(): raw for answer in found for m, raw in zip(answer[3], answer[4])}  # read by the script
        rest = [cid for cid in others if cid not in read]
        read.update(zip(rest, await self.client.hmget(hash_key, rest) if rest else []))
        stored.update((cid, a) for cid, a in zip(others, map(read_announced, map(read.get, others))) if a is not None)
        return (stored, neighbours, {cid for cid, raw in zip(ids, own) if raw is None}, sizes), answers

    def _find_neighbours(self, reads: Pipeline, commitments: list[Commitment]) -> None:
        found = []
        for c in commitments:
            own = index_keys(c)
            money, words = [k for k in own if k.startswith("m:")], [k for k in own if k.startswith("w:")]
            found.append((money, words, str(shared_enough(len(words))), c.id))
        queue_script(reads, self._neighbours_script, [self.key(f"notifier:announced-scratch:{commitments[0].id}")],
                     [COMMON, MAX_CANDIDATES, self._set_prefix, to_json(found), self.key("notifier:announced")])

    async def announced(self, commitment_ids: Iterable[str]) -> dict[str, Announced | None]:
        """The record of each of ``commitment_ids`` (None: not indexed, or unreadable), in one round trip."""
        ids = sorted(set(commitment_ids))
        raws = await self.client.hmget(self.key("notifier:announced"), ids) if ids else []
        return dict(zip(ids, map(read_announced, raws)))

    async def chains_of(self, commitment_ids: Iterable[str]) -> dict[str, tuple[str, list[Announcement]]]:
        """The chain of each of ``commitment_ids`` and its announcements, the earliest first (two round trips):
        its own id and none for a commitment alone in its chain or not indexed (handled before the index, or
        unreadable). A commitment's chain never changes once recorded."""
        records = await self.announced(commitment_ids)
        name_of = {cid: a.chain if a is not None else cid for cid, a in records.items()}
        names = sorted(set(name_of.values()))
        rows = await self._chain_rows(names)
        chains = {name: chain_announcements([_announcement(m, score) for m, score in row], (), name)
                  for name, row in zip(names, rows)}
        return {cid: (name, chains[name]) for cid, name in name_of.items()}

    def write(self, commit: Commit, run: AnnouncedRun) -> None:
        """Add the run's new records to the index, in the alerts' transaction ``commit``; with the size of each
        set they were looked up in, to compare: those no larger than COMMON (a larger one was not read, and
        whatever is added to it later is not read either)."""
        commit.expect_sizes({k: n for k, n in run.sizes.items() if n <= COMMON})
        if not run.added:
            return
        commit.hset(self.key("notifier:announced"), {cid: a.model_dump_json() for cid, a in run.added.items()},
                    documents=True)
        members: dict[str, list[str]] = {}
        for cid, a in run.added.items():
            for k in index_keys(a.commitment) if cid not in run.unindexed else ():
                members.setdefault(self._set_key(k), []).append(cid)
        for key, ids in members.items():  # a set past COMMON is left as it is: never read
            read = run.sizes.get(key)
            if read is None:
                commit.sadd(key, ids, capped=True)
            elif read <= COMMON:  # compared by the commit, so no larger when the ids are added: no SCARD again
                commit.sadd(key, ids)
            # else: past COMMON when read, and the sets only grow
        for cid, a in run.added.items():
            if a.chain != cid:  # the new member, and the first (a chain of one has no key): never the whole chain
                chain = [x for x in run.chains[cid] if x.commitment_id == a.chain] + [a.announcement]
                commit.zadd(self.key(f"notifier:chain:{a.chain}"),
                            {_member(x): x.published_at.timestamp() for x in chain})

    def _set_key(self, index_key: str) -> str:
        return self._set_prefix + index_key

    async def _chain_rows(self, names: list[str]) -> list[list[tuple[bytes, float]]]:
        """The first ``MAX_CHAIN`` (member, score) pairs stored under each chain of ``names``, in one round trip."""
        if not names:
            return []
        flat = await self._chains_script(keys=[self.key(f"notifier:chain:{name}") for name in names], args=[MAX_CHAIN])
        return [[(row[i], float(row[i + 1])) for i in range(0, len(row), 2)] for row in flat]


def _neighbours(answer: list) -> Neighbours:  # type: ignore[type-arg]
    """The script's answer: the members sharing the amount, (id, words shared) pairs, flat, its keys' sizes (and
    the records it read)."""
    money, top = answer[0], answer[1]
    return Neighbours(words={m.decode(): int(float(n)) for m, n in zip(top[::2], top[1::2])},
                      money=frozenset(m.decode() for m in money))


def _member(a: Announcement) -> str:
    """``json.dumps([a.commitment_id, a.release_id])``, written out: the same text (each string escaped by the
    function json.dumps escapes it with), without building an encoder for every member."""
    return f"[{encode_basestring_ascii(a.commitment_id)}, {encode_basestring_ascii(a.release_id)}]"


@lru_cache(maxsize=8192)  # a chain's members are read again with each of its announcements
def _announcement(member: bytes, score: float) -> Announcement:
    commitment_id, release_id = json.loads(member)
    return Announcement(release_id=release_id, commitment_id=commitment_id,
                        published_at=datetime.fromtimestamp(score, tz=timezone.utc))
