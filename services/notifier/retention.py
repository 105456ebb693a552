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
                                   recorded told (members of ``elapsed``); its first ``PAGE_IDS`` of them
    notifier:remembered:pages      hash: '<n> <release id>' -> JSON list: the next pages of those ids (n: 1, 2, ...),
                                   for a release of more
    notifier:remembered:pruning    the release being dropped over several ticks: JSON [release id, the last
                                   subscription done in the batch, the latest time a reminder of it kept is due (0:
                                   none), the subscription part done (its ids removed in order), how many of them
                                   were, the page of ids being gone over, the subscriptions read (1: the stored ones,
                                   2: those read from a file), the cursor the batch was read from]
    notifier:remembered:backfill   how far records written before these keys were are indexed (an HSCAN cursor of
                                   ``notifier:announced``), then ``done``

One entry per release, not per subscriber: the alerts' script writes it with the release's last version
(:meth:`.alert_commit.Commit.merge`), no round trip of its own. The leader's tick looks first whether anything is
due (or part done), and runs the prune only then; it drops what is due a bounded amount of work at a time, counted by
the ids decoded and removed and the subscriptions looked at, so a release of thousands of ids, or told to thousands
of subscribers, is dropped over several ticks, a page of its ids and a batch of the subscriptions at a time, from
where the last tick stopped (:meth:`Retention.prune`): a tick decodes the pages and reads the subscriptions it goes
over, not the release's whole list nor every subscription. A release found remembered again (a later version) is
looked at again when its memory ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from .reminder_store import DUE, PLANNED

REMEMBERED = "notifier:remembered"
SUBSCRIPTIONS = "notifier:subscriptions"  # the stored ones (:mod:`.store`), and beside it the ids read from a file
PAGE_IDS = 100  # ids a page of a release's list holds: what a tick decodes at once
PRUNE_BUDGET = 2000  # work a tick: releases and subscriptions looked at, ids decoded and removed
MIN_PRUNE_BUDGET = PAGE_IDS + 3  # a release, a page of its ids, a subscription and one id: what a tick must go on
BACKFILL_COUNT = 200  # records of notifier:announced indexed a tick (each a JSON decode in Redis)
RECHECK_SECONDS = 3600  # after the latest reminder kept is due: when a release's kept records are looked at again
UNBOUNDED_RECHECK_SECONDS = 86_400  # a release's last version kept without a TTL (set by hand): looked at daily

# A release's ids in pages of PAGE ids: page 0 in the ids hash (field: the release id), page n (1, 2, ...) in the
# pages hash (field: 'n <release id>'); every page full but the last. page(key, pages, release, n): page n decoded,
# nil when there is none ({} when it cannot be read); lay(key, pages, release, list, n): the list written as pages
# from page n (its first id being the first of page n). merge(key, pages, release, tokens): adds each token not yet
# there, after the others. Shared by the alerts' script, the backfill and the prune.
MERGE = """
local PAGE = PAGE_IDS
local function page_field(n, release) return n .. ' ' .. release end
local function page(key, pages, release, n)
  local raw
  if n == 0 then raw = redis.call('HGET', key, release) else raw = redis.call('HGET', pages, page_field(n, release)) end
  if not raw then return nil end
  local ok, value = pcall(cjson.decode, raw)
  return ok and type(value) == 'table' and value or {}
end
local function lay(key, pages, release, list, n)
  for at = n * PAGE + 1, #list, PAGE do
    local value = cjson.encode({unpack(list, at, math.min(at + PAGE - 1, #list))})
    if n == 0 then redis.call('HSET', key, release, value)
    else redis.call('HSET', pages, page_field(n, release), value) end
    n = n + 1
  end
  return n
end
local function merge(key, pages, release, tokens)
  if #tokens == 0 then return end
  local list, seen, sizes = {}, {}, {}
  local part = page(key, pages, release, 0)
  while part do
    sizes[#sizes + 1] = #part
    for _, t in ipairs(part) do list[#list + 1] = t; seen[t] = true end
    part = page(key, pages, release, #sizes)
  end
  local before = #list
  for _, t in ipairs(tokens) do
    if not seen[t] then seen[t] = true; list[#list + 1] = t end
  end
  if #list == before then return end
  -- from the last page on, when the pages are as kept; from the first, when not (a list kept before pages were)
  local from = math.max(#sizes - 1, 0)
  for i = 1, #sizes do
    if sizes[i] > PAGE or (i < #sizes and sizes[i] < PAGE) then from = 0 end
  end
  for n = lay(key, pages, release, list, from), #sizes - 1 do redis.call('HDEL', pages, page_field(n, release)) end
end
""".replace("PAGE_IDS", str(PAGE_IDS))

# KEYS: the zset, the ids hash, the progress key, the reminder store's planned hash and due zset, the pages hash, the
# stored subscriptions (hash), the ids read from a subscriptions file in any run (set). ARGV: now, the work allowed,
# the key prefix, the recheck of a kept release, that of one kept without an end. Work is counted as a release looked
# at, a batch of subscriptions read, a subscription looked at, an id decoded, an id removed from a subscription's
# records, a page dropped. A release is gone over a page of its ids at a time, each page for every subscription that
# may hold records (the stored ones, then the file's: read by their cursors a batch at a time, never all at once),
# part of a subscription's ids at a time when the budget ends there; a page is begun only with room for it, an id
# removed and a subscription. Returns {work done, releases dropped}.
_PRUNE = MERGE + """
local now, budget, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local work, dropped = 0, 0
local anyone = redis.call('HLEN', KEYS[7]) + redis.call('SCARD', KEYS[8]) > 0
local scans = {{'HSCAN', KEYS[7], 2}, {'SSCAN', KEYS[8], 1}}  -- a hash's fields come with their values
local function each(command, key, list, from, to)
  for at = from, to, 1000 do redis.call(command, key, unpack(list, at, math.min(at + 999, to))) end
end
-- a value that cannot be read (written by hand) is taken as nothing, rather than stopping every tick on it
local function decoded(raw)
  local ok, value = pcall(cjson.decode, raw or '{}')
  return ok and type(value) == 'table' and value or {}
end
-- what names a release's records, every page of it
local function forget_ids(release)
  redis.call('HDEL', KEYS[2], release)
  local n = 1
  while redis.call('HDEL', KEYS[6], page_field(n, release)) == 1 do work, n = work + 1, n + 1 end
end
while work == 0 or budget - work >= PAGE + 3 do
  local raw, release, hold = redis.call('GET', KEYS[3]), nil, 0
  local after, within, removed, at, source, cursor = '', '', 0, 0, 1, '0'
  local p = decoded(raw)
  if type(p[1]) == 'string' then
    release, hold = p[1], tonumber(p[3]) or 0
    if p[8] ~= nil then  -- left otherwise by an earlier release of pledgewatch: gone over again from the start
      after, within, removed, at = tostring(p[2] or ''), tostring(p[4] or ''), tonumber(p[5]) or 0, tonumber(p[6]) or 0
      source, cursor = tonumber(p[7]) or 1, tostring(p[8])
    end
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
    local ids, done = {}, true
    if anyone then  -- with no subscription to go over, nothing is decoded
      ids = page(KEYS[2], KEYS[6], release, at) or {}
      work = work + #ids
      if at == 0 and #ids > PAGE then  -- a list kept before pages were, laid in pages once
        lay(KEYS[2], KEYS[6], release, ids, 0)
        ids = {unpack(ids, 1, PAGE)}
      end
    else
      source = #scans + 1
    end
    while done and source <= #scans do
      if work >= budget then done = false; break end
      local command, key, step = unpack(scans[source])
      local batch = math.max(1, math.min(100, math.floor((budget - work) / (#ids + 1))))
      local scan = redis.call(command, key, cursor, 'COUNT', batch)
      local items, first = scan[2], 1
      work = work + 1
      -- on from the subscription after the last done in this batch; from the batch's first again when it is not
      -- there (what is done again does nothing)
      for i = 1, #items, step do
        if items[i] == after then first = i + step; break end
      end
      for i = first, #items, step do
        local sub = items[i]
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
        local record = at == 0 and redis.call('HGET', agenda, release)  -- looked at with the first page
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
      if done then  -- the batch done: the next, from the next source once this one's cursor is back at 0
        cursor, after = scan[1], ''
        if cursor == '0' then source = source + 1 end
      end
    end
    if done and anyone and redis.call('HEXISTS', KEYS[6], page_field(at + 1, release)) == 1 then
      at, after, source, cursor, done = at + 1, '', 1, '0', false  -- this page done for every subscription: the next
    end
    if not done then
      redis.call('SET', KEYS[3], cjson.encode({release, after, hold, within, removed, at, source, cursor}))
    else
      redis.call('DEL', KEYS[3])
      forget_ids(release)  -- gone from every subscription's records: a release kept is looked at for its reminders
      if hold > 0 then
        redis.call('ZADD', KEYS[1], hold + tonumber(ARGV[4]), release)
      else
        redis.call('ZREM', KEYS[1], release)
        dropped = dropped + 1
      end
    end
  end
end
return {work, dropped}
"""

# KEYS: notifier:announced, the zset, the ids hash, the backfill cursor, the pages hash. ARGV: now, how many records
# to read, the key prefix, the recheck of a release kept without an end. Indexes the next records of
# notifier:announced (commitment id -> its release, its commitment): a release not in the zset is added, due when its
# memory ends (now when it is forgotten). Returns how many records were read, -1 once all were.
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
  merge(KEYS[3], KEYS[5], release, of[release])
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

# KEYS: the ids hash, the pages hash. ARGV: a release id, then the ids that name its records. What the alerts'
# script merges.
_INDEX = MERGE + """
local tokens = {}
for i = 2, #ARGV do tokens[#tokens + 1] = ARGV[i] end
merge(KEYS[1], KEYS[2], ARGV[1], tokens)
"""


def remembered_keys(key: Callable[[str], str]) -> tuple[str, str, str]:
    """The zset of releases by when their memory ends, and the hashes of what names their records: their first
    pages, and the pages after those."""
    return key(REMEMBERED), key(f"{REMEMBERED}:ids"), key(f"{REMEMBERED}:pages")


def release_tokens(commitment_ids: Iterable[str], past: Iterable[str]) -> list[str]:
    """What names a release's records for its subscribers, once each: its commitments' ids (fields of
    ``notifier:sent:<sub>``) and the past deadlines recorded told (members of ``notifier:elapsed:<sub>``)."""
    return list(dict.fromkeys([*commitment_ids, *past]))


class Retention:
    def __init__(self, client: Any, key: Callable[[str], str]) -> None:
        self.client, self.prefix = client, key("")
        self.remembered, self.ids, self.pages = remembered_keys(key)
        self.progress, self.cursor = key(f"{REMEMBERED}:pruning"), key(f"{REMEMBERED}:backfill")
        self.announced = key("notifier:announced")
        self._reminders = [key(PLANNED), key(DUE)]
        self._subscriptions = [key(SUBSCRIPTIONS), key(f"{SUBSCRIPTIONS}:from-file")]
        self._prune = client.register_script(_PRUNE)
        self._backfill = client.register_script(_BACKFILL)
        self._index = client.register_script(_INDEX)

    async def prune(self, *, now: datetime, budget: int = PRUNE_BUDGET) -> tuple[int, int]:
        """Drop, for each subscription that may hold records (the stored ones, and those read from a
        subscriptions file in any run: the file's now, and those not loaded now), its records of the releases
        forgotten by ``now``, at most ``budget`` work (releases looked at, batches of subscriptions read,
        subscriptions looked at, ids decoded and removed); a release's planned-reminders record only once none of
        its reminders is planned (looked at again after the latest of them is due). Nothing is read but whether
        anything is due when nothing is. Returns the work done and the releases done with."""
        if budget < MIN_PRUNE_BUDGET:
            raise ValueError(f"a prune budget of {budget}: give at least {MIN_PRUNE_BUDGET} (a release, a page of "
                             f"its ids ({PAGE_IDS}), a subscription and one id)")
        if not await self._anything_to_do(now):
            return 0, 0
        args = [repr(now.timestamp()), budget, self.prefix, RECHECK_SECONDS, UNBOUNDED_RECHECK_SECONDS]
        keys = [self.remembered, self.ids, self.progress, *self._reminders, self.pages, *self._subscriptions]
        work, dropped = await self._prune(keys=keys, args=args)
        return int(work), int(dropped)

    async def _anything_to_do(self, now: datetime) -> bool:
        """Whether a release is being dropped (part done by an earlier tick) or one is due by ``now``."""
        async with self.client.pipeline(transaction=False) as reads:
            reads.exists(self.progress)
            reads.zrangebyscore(self.remembered, "-inf", repr(now.timestamp()), start=0, num=1)
            in_progress, due = await reads.execute()
        return bool(in_progress or due)

    async def index(self, release_id: str, tokens: list[str]) -> None:
        """Add ``tokens`` (see :func:`release_tokens`) to what names the records of ``release_id``, as the alerts'
        script does with each version."""
        await self._index(keys=[self.ids, self.pages], args=[release_id, *tokens])

    async def backfill(self, *, now: datetime, count: int = BACKFILL_COUNT) -> int:
        """Index the next ``count`` commitments the notifier handled before the index was kept (from
        ``notifier:announced``), so that their records are dropped like the others. Returns how many were read,
        -1 once every one was."""
        return int(await self._backfill(keys=[self.announced, self.remembered, self.ids, self.cursor, self.pages],
                                        args=[repr(now.timestamp()), count, self.prefix, UNBOUNDED_RECHECK_SECONDS]))
