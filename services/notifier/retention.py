"""A subscriber's records of a release, dropped once the notifier has forgotten the release.

The notifier keeps a release's last version ``PLEDGEWATCH_RELEASE_MEMORY_DAYS`` after it
(``notifier:release:<id>``, with that TTL); a version later than that is paired against nothing. What each
subscriber was told of the release (fields of ``notifier:sent:<sub>``, members of ``notifier:elapsed:<sub>``) and
what it planned for them (the release's field of ``notifier:reminders:planned:<sub>``) is of no use past that, and
is dropped then: the planned-reminders record only once none of its reminders is still planned (its version is
what keeps an older version, handled late, from planning again what a newer one dropped).

    notifier:remembered            zset: release id -> when its memory ends (unix seconds), as of its last version
    notifier:remembered:ids        hash: release id -> JSON list: what the subscribers' records of it are named by,
                                   the ids of its versions' commitments (fields of ``sent``) and the past deadlines
                                   recorded told (members of ``elapsed``)
    notifier:remembered:pruning    the release being dropped over several ticks: JSON [release id, the last
                                   subscription done, the latest time a reminder of it kept is due (0: none), the
                                   subscription part done (its ids removed in order), how many of them were]
    notifier:remembered:backfill   how far records written before these keys were are indexed (an HSCAN cursor of
                                   ``notifier:announced``), then ``done``

One entry per release, not per subscriber: the alerts' script writes it with the release's last version
(:meth:`.alert_commit.Commit.remember`), no round trip of its own. The leader's tick looks first whether anything is
due (or part done), and reads the subscriptions only then; it drops what is due a bounded amount of work at a time,
counted by the ids removed, so a release of thousands of ids is dropped over several ticks, from where the last tick
stopped (:meth:`Retention.prune`); a release found remembered again (a later version) is looked at again when its
memory ends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from .reminder_store import DUE, PLANNED

REMEMBERED = "notifier:remembered"
PRUNE_BUDGET = 2000  # work a tick: releases and subscriptions looked at, ids removed from a subscription's records
MIN_PRUNE_BUDGET = 3  # a release, a subscription and one of its ids: what a tick must be allowed to go on
BACKFILL_COUNT = 200  # records of notifier:announced indexed a tick (each a JSON decode in Redis)
RECHECK_SECONDS = 3600  # after the latest reminder kept is due: when a release's kept records are looked at again
UNBOUNDED_RECHECK_SECONDS = 86_400  # a release's last version kept without a TTL (set by hand): looked at daily

# merge(key, field, tokens): adds each token not yet there to the JSON list in the hash's field. Shared by the
# alerts' script and the backfill.
MERGE = """
local function merge(key, field, tokens)
  if #tokens == 0 then return end
  local raw = redis.call('HGET', key, field)
  local list, seen, grew = {}, {}, false
  if raw then list = cjson.decode(raw) end
  for _, t in ipairs(list) do seen[t] = true end
  for _, t in ipairs(tokens) do
    if not seen[t] then seen[t], grew = true, true; list[#list + 1] = t end
  end
  if grew then redis.call('HSET', key, field, cjson.encode(list)) end
end
"""

# KEYS: the zset, the ids hash, the progress key, the reminder store's planned hash and due zset. ARGV: now, the
# work allowed, the key prefix, the recheck of a kept release, that of one kept without an end, then the
# subscription ids, sorted. Work is counted as a release looked at, a subscription looked at, an id removed from a
# subscription's records: a release with thousands of ids is dropped over several ticks, part of a subscription's
# ids at a time. Returns {work done, releases dropped}.
_PRUNE = """
local now, budget, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local work, dropped = 0, 0
local function each(command, key, list, from, to)
  for at = from, to, 1000 do redis.call(command, key, unpack(list, at, math.min(at + 999, to))) end
end
-- a value that cannot be read (written by hand) is taken as nothing, rather than stopping every tick on it
local function decoded(raw)
  local ok, value = pcall(cjson.decode, raw or '{}')
  return ok and type(value) == 'table' and value or {}
end
while work < budget do
  local raw, release, after, hold, within, removed = redis.call('GET', KEYS[3]), nil, '', 0, '', 0
  local p = decoded(raw)
  if type(p[1]) == 'string' then
    release, after, hold = p[1], tostring(p[2] or ''), tonumber(p[3]) or 0
    within, removed = tostring(p[4] or ''), tonumber(p[5]) or 0
  else
    local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
    if #due == 0 then break end
    release = due[1]
  end
  work = work + 1
  local ttl = redis.call('PTTL', prefix .. 'notifier:release:' .. release)
  if ttl ~= -2 then  -- remembered again (a later version handled), or kept without an end
    redis.call('ZADD', KEYS[1], ttl > 0 and now + ttl / 1000 or now + tonumber(ARGV[5]), release)
    redis.call('DEL', KEYS[3])
  else
    local ids, done, first = decoded(redis.call('HGET', KEYS[2], release)), true, 6
    -- on from the subscription after the last done; from the first again when that one is gone (what is done
    -- again does nothing). Found by equality: Lua orders strings by the server's locale, not as they were sorted
    for i = 6, #ARGV do
      if ARGV[i] == after then first = i + 1; break end
    end
    for i = first, #ARGV do
      local sub = ARGV[i]
      -- the ids already removed count only for the subscription they were removed from
      local from = (sub == within) and removed or 0
      local allowed = budget - work - 1
      if work >= budget or (allowed < 1 and from < #ids) then done = false; break end
      work = work + 1
      local to = math.min(#ids, from + allowed)
      if to > from then
        each('HDEL', prefix .. 'notifier:sent:' .. sub, ids, from + 1, to)
        each('SREM', prefix .. 'notifier:elapsed:' .. sub, ids, from + 1, to)
        work = work + to - from
      end
      if to < #ids then within, removed, done = sub, to, false; break end
      local agenda = prefix .. 'notifier:reminders:planned:' .. sub
      local record = redis.call('HGET', agenda, release)
      if record then
        local kept = 0  -- the latest time one of its reminders still planned is due
        local jobs = decoded(record).jobs
        for rid, _ in pairs(type(jobs) == 'table' and jobs or {}) do
          if redis.call('HEXISTS', KEYS[4], rid) == 1 then
            kept = math.max(kept, now, tonumber(redis.call('ZSCORE', KEYS[5], rid)) or now)
          end
        end
        if kept > 0 then hold = math.max(hold, kept) else redis.call('HDEL', agenda, release) end
      end
      after, within, removed = sub, '', 0
    end
    if not done then
      redis.call('SET', KEYS[3], cjson.encode({release, after, hold, within, removed}))
    else
      redis.call('DEL', KEYS[3])
      if hold > 0 then
        redis.call('ZADD', KEYS[1], hold + tonumber(ARGV[4]), release)
      else
        redis.call('ZREM', KEYS[1], release)
        redis.call('HDEL', KEYS[2], release)
        dropped = dropped + 1
      end
    end
  end
end
return {work, dropped}
"""

# KEYS: notifier:announced, the zset, the ids hash, the backfill cursor. ARGV: now, how many records to read, the
# key prefix, the recheck of a release kept without an end. Indexes the next records of notifier:announced (commitment
# id -> its release, its commitment): a release not in the zset is added, due when its memory ends (now when it is
# forgotten). Returns how many records were read, -1 once all were.
_BACKFILL = MERGE + """
local cursor = redis.call('GET', KEYS[4])
if cursor == 'done' then return -1 end
local now, prefix = tonumber(ARGV[1]), ARGV[3]
local scan = redis.call('HSCAN', KEYS[1], cursor or '0', 'COUNT', ARGV[2])
local items, of, order = scan[2], {}, {}
for i = 1, #items, 2 do
  local ok, record = pcall(cjson.decode, items[i + 1])
  if ok and type(record) == 'table' and type(record.release_id) == 'string' then
    local release = record.release_id
    if not of[release] then of[release] = {}; order[#order + 1] = release end
    local tokens = of[release]
    tokens[#tokens + 1] = items[i]
    local c = record.commitment
    if type(c) == 'table' and type(c.deadlines) == 'table' then  -- deadlines numbered by place
      for n = 0, #c.deadlines - 1 do tokens[#tokens + 1] = items[i] .. ':' .. n end
    end
  end
end
for _, release in ipairs(order) do
  merge(KEYS[3], release, of[release])
  if not redis.call('ZSCORE', KEYS[2], release) then
    local ttl = redis.call('PTTL', prefix .. 'notifier:release:' .. release)
    local at = now
    if ttl > 0 then at = now + ttl / 1000 elseif ttl == -1 then at = now + tonumber(ARGV[4]) end
    redis.call('ZADD', KEYS[2], at, release)
  end
end
redis.call('SET', KEYS[4], scan[1] == '0' and 'done' or scan[1])
return #items / 2
"""


def remembered_keys(key: Callable[[str], str]) -> tuple[str, str]:
    """The zset of releases by when their memory ends, and the hash of what names their records."""
    return key(REMEMBERED), key(f"{REMEMBERED}:ids")


def release_tokens(commitment_ids: Iterable[str], past: Iterable[str]) -> list[str]:
    """What names a release's records for its subscribers, once each: its commitments' ids (fields of
    ``notifier:sent:<sub>``) and the past deadlines recorded told (members of ``notifier:elapsed:<sub>``)."""
    return list(dict.fromkeys([*commitment_ids, *past]))


class Retention:
    def __init__(self, client: Any, key: Callable[[str], str]) -> None:
        self.client, self.prefix = client, key("")
        self.remembered, self.ids = remembered_keys(key)
        self.progress, self.cursor = key(f"{REMEMBERED}:pruning"), key(f"{REMEMBERED}:backfill")
        self.announced = key("notifier:announced")
        self._reminders = [key(PLANNED), key(DUE)]
        self._prune = client.register_script(_PRUNE)
        self._backfill = client.register_script(_BACKFILL)

    async def prune(self, subscription_ids: Callable[[], Awaitable[Iterable[str]]], *, now: datetime,
                    budget: int = PRUNE_BUDGET) -> tuple[int, int]:
        """Drop, for each of the ids ``subscription_ids`` reads (those that may hold records: the stored ones, the
        file's, those read from a file in an earlier run and not loaded now), its records of the releases forgotten
        by ``now``, at most ``budget`` work (releases and subscriptions looked at, ids removed from a
        subscription's records); a release's planned-reminders record only once none of its reminders is planned
        (looked at again after the latest of them is due). The subscriptions are read only when a release is due
        or one was left part done. Returns the work done and the releases done with."""
        if budget < MIN_PRUNE_BUDGET:
            raise ValueError(f"a prune budget of {budget}: give at least {MIN_PRUNE_BUDGET} (a release, a "
                             "subscription and one of its ids)")
        if not await self._anything_to_do(now):
            return 0, 0
        args = [repr(now.timestamp()), budget, self.prefix, RECHECK_SECONDS, UNBOUNDED_RECHECK_SECONDS,
                *sorted(set(await subscription_ids()))]
        work, dropped = await self._prune(keys=[self.remembered, self.ids, self.progress, *self._reminders], args=args)
        return int(work), int(dropped)

    async def _anything_to_do(self, now: datetime) -> bool:
        """Whether a release is being dropped (part done by an earlier tick) or one is due by ``now``."""
        async with self.client.pipeline(transaction=False) as reads:
            reads.exists(self.progress)
            reads.zrangebyscore(self.remembered, "-inf", repr(now.timestamp()), start=0, num=1)
            in_progress, due = await reads.execute()
        return bool(in_progress or due)

    async def backfill(self, *, now: datetime, count: int = BACKFILL_COUNT) -> int:
        """Index the next ``count`` commitments the notifier handled before the index was kept (from
        ``notifier:announced``), so that their records are dropped like the others. Returns how many were read,
        -1 once every one was."""
        return int(await self._backfill(keys=[self.announced, self.remembered, self.ids, self.cursor],
                                        args=[repr(now.timestamp()), count, self.prefix, UNBOUNDED_RECHECK_SECONDS]))
