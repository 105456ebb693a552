"""The Lua scripts behind :class:`.reminder_store.ReminderStore`: each writes a thousand reminders (or a
chunk being fired) in one call, atomically. Keys and arguments are described above each."""

from services.common.dead_letter_counts import ADD_LETTER
from services.common.redis_clock import REDIS_AT

HELPERS = """
local function subject_of(record) return record and string.match(record, '^{"s":"([^"]+)"') end
-- Whether release version a is older than b, both decimal without leading zeros: by length, then digit by digit
-- (Lua's numbers are doubles, which cannot tell two versions above 2^53 apart).
local function older(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
-- The release version that planned a record: its "v" (the last field); for one written before records carried
-- it, its subject's release version (the subject JSON's first "version"; KEYS[3] is the subjects); '0' when
-- neither is known (the earliest layout, or a subject gone): any version replaces or cancels that one.
local planners = {}
local function planned_by(record)
  local at = string.find(record, ',"v":', -26, true)  -- looked for in the last 26 characters alone: 19 digits at most
  local v = at and string.match(record, '^(%d+)}$', at + 5)
  if v then return v end
  local subject = subject_of(record)
  if not subject then return '0' end
  if planners[subject] == nil then
    local text = redis.call('HGET', KEYS[3], subject)
    planners[subject] = text and string.match(text, '"version":(%d+)') or '0'
  end
  return planners[subject]
end
-- A subscription's own time index (sorted set: reminder id -> when it fires next, as in the due index `due`):
-- `due` .. ':' .. the subscription id the record names ("u"), kept by every script that writes or removes a
-- reminder's time, so that its planned reminders are listed a page at a time (decision 0086). nil for a record
-- that names none (the earliest layout).
local function by_subscription(due, record)
  local sub = record and string.match(record, ',"u":"([^"]+)",')
  return sub and (due .. ':' .. sub)
end
local function index_at(due, record, at, id)
  local index = by_subscription(due, record)
  if index then redis.call('ZADD', index, at, id) end
end
local function unindex(due, record, id)
  local index = by_subscription(due, record)
  if index then redis.call('ZREM', index, id) end
end
local function unref(refs, subjects, subject)
  if redis.call('HINCRBY', refs, subject, -1) <= 0 then
    redis.call('HDEL', refs, subject)
    redis.call('HDEL', subjects, subject)
  end
end
-- What is left of a reminder finished as planned (fired, dropped or dead-lettered): the release version that
-- planned it, under `gone` .. its id for `ttl` seconds (its fired mark's lifetime), unless a newer one is left
-- already. APPLY refuses a plan of an older version than that: a handler that read its records before it fired.
local function leave(gone, ttl, id, by)
  local key = gone .. id
  local was = redis.call('GET', key)
  if not was or older(was, by) then redis.call('SET', key, by, 'EX', ttl) end
end
local function bury(gone, ttl, id, record)
  local by = planned_by(record)
  if by ~= '0' then leave(gone, ttl, id, by) end
end
-- The end of a claimed reminder: no longer claimed (nor leased), and no longer planned unless planned again since
-- (its record is no longer the one claimed), leaving the version that planned it (see bury). KEYS 1-5 are planned,
-- due, subjects, refs, claimed; KEYS[10] the claims' leases.
local function finish(id, record, gone, ttl)
  redis.call('HDEL', KEYS[5], id)
  redis.call('ZREM', KEYS[10], id)
  if redis.call('HGET', KEYS[1], id) == record then
    bury(gone, ttl, id, record)
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    unindex(KEYS[2], record, id)
    unref(KEYS[4], KEYS[3], subject_of(record))
  end
end
-- A planned reminder dropped by release version `by` (none: nothing; one a newer version planned is kept: it
-- planned it again after `by`'s plan was read), leaving `by` as a finished one leaves its planner (see bury): a
-- handler of an older version that read its records before plans it again otherwise. KEYS 1-6 are planned, due,
-- subjects, refs, APScheduler jobs, run times.
local function cancel(id, by, gone, ttl)
  local old = redis.call('HGET', KEYS[1], id)
  if old and older(by, planned_by(old)) then return end
  leave(gone, ttl, id, by)
  local was = subject_of(old)
  if was then unref(KEYS[4], KEYS[3], was)
  elseif old then redis.call('HDEL', KEYS[5], id); redis.call('ZREM', KEYS[6], id) end
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  unindex(KEYS[2], old, id)
end
-- Whether the stored subscription `sub` is still of generation `g` (as a number's digits; '' for one of the
-- subscriptions file, or planned before generations were compared: always), read once a script from the
-- generations hash `hash` (a field absent is generation 0: stored before generations were counted).
local generations_read = {}
local function of_generation(hash, sub, g)
  if g == '' then return true end
  if generations_read[sub] == nil then generations_read[sub] = redis.call('HGET', hash, sub) or '0' end
  return generations_read[sub] == g
end
local function add_job(jobs, run_times, at)
  redis.call('HSET', jobs, ARGV[at], ARGV[at + 1])
  redis.call('ZADD', run_times, ARGV[at + 2], ARGV[at])
end
local function add_jobs(jobs, run_times, first, count)
  for i = first, first + 3 * count - 1, 3 do add_job(jobs, run_times, i) end
  return first + 3 * count
end
"""

# KEYS: planned, due, subjects, refs, APScheduler jobs, run times, the subscriptions' generations. ARGV: the prefix
# of what fired reminders leave (see bury), subject count S, job count J, S (key, JSON) pairs, J (job id, pickled
# state, run time) triples, then (reminder id, record, subject key, fire time, its job's number among the J,
# subscription id, its generation as planned for or '') septuples. A record planned for a subscription deleted (or
# made again) since its plan was read is not written: the plan is made again for what is there now. A record
# planned by a newer release version than the new one's stays as it is, and so does one such a version planned
# that has fired since (a handler of an older version that read its records before); a subject is written with
# the first record that refers to it, a job with the first record due at its second. A record replacing one of
# the earliest layout also removes its job (its id is the reminder's).
APPLY = HELPERS + """
local gone, texts, i = ARGV[1], {}, 4
for _ = 1, tonumber(ARGV[2]) do texts[ARGV[i]] = ARGV[i + 1]; i = i + 2 end
local first_job, added = i, {}
i = i + 3 * tonumber(ARGV[3])
for j = i, #ARGV, 7 do
  local id, record, subject = ARGV[j], ARGV[j + 1], ARGV[j + 2]
  local old = redis.call('HGET', KEYS[1], id)
  local newest = old and planned_by(old) or redis.call('GET', gone .. id)
  if of_generation(KEYS[7], ARGV[j + 5], ARGV[j + 6]) and not (newest and older(planned_by(record), newest)) then
    if texts[subject] then redis.call('HSETNX', KEYS[3], subject, texts[subject]); texts[subject] = nil end
    local was = subject_of(old)
    if old and not was then redis.call('HDEL', KEYS[5], id); redis.call('ZREM', KEYS[6], id) end
    if was ~= subject then
      redis.call('HINCRBY', KEYS[4], subject, 1)
      if was then unref(KEYS[4], KEYS[3], was) end
    end
    redis.call('HSET', KEYS[1], id, record)
    redis.call('ZADD', KEYS[2], ARGV[j + 3], id)
    if old and by_subscription(KEYS[2], old) ~= by_subscription(KEYS[2], record) then unindex(KEYS[2], old, id) end
    index_at(KEYS[2], record, ARGV[j + 3], id)
    local job = first_job + 3 * (tonumber(ARGV[j + 4]) - 1)
    if not added[job] then add_job(KEYS[5], KEYS[6], job); added[job] = true end
  end
end
"""

# KEYS: planned, due, subjects, refs, the subscriptions' generations. ARGV: for each subscription its id, how many
# reminder ids follow, and those ids. Each of them still planned under a generation of that subscription other than
# its own now (the record's "g", just before its version) is taken out: planned for one deleted since, and not
# recorded in its agenda, whose delete cancels what it lists. Returns how many.
UNPLAN_STALE = HELPERS + """
local i, count = 1, 0
while i <= #ARGV do
  local now = redis.call('HGET', KEYS[5], ARGV[i]) or '0'
  for j = i + 2, i + 1 + tonumber(ARGV[i + 1]) do
    local record = redis.call('HGET', KEYS[1], ARGV[j])
    local g = record and string.match(record, ',"g":(%d+),"v":%d+}$')
    if g and g ~= now then
      redis.call('HDEL', KEYS[1], ARGV[j])
      redis.call('ZREM', KEYS[2], ARGV[j])
      unindex(KEYS[2], record, ARGV[j])
      unref(KEYS[4], KEYS[3], subject_of(record))
      count = count + 1
    end
  end
  i = i + 2 + tonumber(ARGV[i + 1])
end
return count
"""

# KEYS: due, planned, subjects, claimed, the claims' leases. ARGV: due by (unix seconds), the lease's length in seconds
# ('' to read them without claiming them), most to take. Returns {{reminder id, due time, record}..., {subject key,
# subject JSON}...}. A claim leaves a reminder at its due time and leases it until Redis's now plus the lease; one
# whose lease has not ended on Redis's clock is held by its claim, and neither taken nor read.
CLAIM = REDIS_AT + HELPERS + """
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', redis_at(0))  -- ended: their reminders may be taken again
local lease = ARGV[2] ~= '' and redis_at(ARGV[2])
local want, from, claimed, wanted, keys = tonumber(ARGV[3]), 0, {}, {}, {}
while #claimed < 3 * want do
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', from, want - #claimed / 3)
  if #due == 0 then break end
  from = from + #due / 2
  for i = 1, #due, 2 do
    local id = due[i]
    if not redis.call('ZSCORE', KEYS[5], id) then
      local record = redis.call('HGET', KEYS[2], id)
      local subject = subject_of(record)
      if subject then
        if lease then
          redis.call('ZADD', KEYS[5], lease, id)
          redis.call('HSET', KEYS[4], id, record)
        end
        claimed[#claimed + 1] = id; claimed[#claimed + 1] = due[i + 1]; claimed[#claimed + 1] = record
        if not wanted[subject] then wanted[subject] = true; keys[#keys + 1] = subject end
      else
        redis.call('ZREM', KEYS[1], id)  -- nothing planned under this id any more
        from = from - 1
      end
    end
  end
end
local subjects = {}
if #keys > 0 then
  local texts = redis.call('HMGET', KEYS[3], unpack(keys))
  for i, key in ipairs(keys) do subjects[#subjects + 1] = key; subjects[#subjects + 1] = texts[i] or '' end
end
return {claimed, subjects}
"""

# KEYS: planned, due, subjects, refs, claimed, reminders stream, alerts stream, outbox, job -> destination, the claims'
# leases. ARGV: the
# fired mark's value and TTL (also that of what a finished reminder leaves), the event field, the job key prefix, the
# feeds' size, the prefix of what finished reminders leave (see bury), then for each reminder: its id, claimed record,
# fired key (its slot's mark; '' for one dropped: only finished), the mark an earlier version set for it ('' for
# none), reminder.due event, alert event, digest buffer key and alert JSON ('' '' for none), the subscriber's digest
# record (notifier:digest-last) and the digest moment of the firing's day (ISO 8601, UTC; '' '' for none), the
# subscriber's feed key ('' for none), job count, then (job id, job JSON, destination) for each job, due at Redis's
# now. Each reminder still planned as claimed whose slot was not fired before (its fired key unset, nor the earlier
# mark) sets it, publishes its events, records its alert in the feed (as feed.record_in_feed) and buffers its digest
# entry, or, with none or once its day's digest is recorded as sent (decided here, atomically with the digest's own
# record), queues its jobs (as Outbox.enqueue); every one is finished. Returns 1 or 0 per reminder: fired now or not.
FIRE = REDIS_AT + HELPERS + """
-- An ISO 8601 UTC moment as the number YYYYMMDDhhmmss (compared as numbers: Lua compares strings by locale)
local function stamp(iso) return tonumber((string.gsub(string.sub(iso, 1, 19), '%D', ''))) end
local function digest_went(last_key, moment)
  if last_key == '' then return false end
  local last = redis.call('GET', last_key)
  return last and stamp(last) >= stamp(moment)
end
local value, ttl, field, job_prefix, feed_size = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local at = redis_at(0)
local gone, fired, i = ARGV[6], {}, 7
while i <= #ARGV do
  local id, record, key, earlier = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local jobs = tonumber(ARGV[i + 11])
  local current = redis.call('HGET', KEYS[1], id) == record  -- not cancelled nor planned again since its claim
  local now = current and key ~= '' and (earlier == '' or redis.call('EXISTS', earlier) == 0)
    and redis.call('SET', key, value, 'NX', 'EX', ttl)
  if now then
    redis.call('XADD', KEYS[6], '*', field, ARGV[i + 4])
    redis.call('XADD', KEYS[7], '*', field, ARGV[i + 5])
    if ARGV[i + 10] ~= '' then
      redis.call('LPUSH', ARGV[i + 10], ARGV[i + 5])
      redis.call('LTRIM', ARGV[i + 10], 0, tonumber(feed_size) - 1)
    end
    if ARGV[i + 6] ~= '' and not digest_went(ARGV[i + 8], ARGV[i + 9]) then
      redis.call('RPUSH', ARGV[i + 6], ARGV[i + 7])
    else
      for j = i + 12, i + 11 + 3 * jobs, 3 do
        redis.call('SET', job_prefix .. ARGV[j], ARGV[j + 1], 'NX')
        redis.call('ZADD', KEYS[8], 'NX', at, ARGV[j])
        redis.call('HSETNX', KEYS[9], ARGV[j], ARGV[j + 2])
      end
    end
  end
  finish(id, record, gone, ttl)
  fired[#fired + 1] = now and 1 or 0
  i = i + 12 + 3 * jobs
end
return fired
"""

# KEYS: planned, due, subjects, refs, claimed, APScheduler jobs, run times, dead letters stream, its counts, the
# claims' leases. ARGV:
# the prefix of what finished reminders leave and its TTL (see bury), the event field, the dead letters' origin,
# job count J, J job triples, then
# (reminder id, record as read, next record ('' to dead-letter it), next time, dead letter event) quints. Each
# reminder whose firing failed fires again at its time, one attempt further, or is dead-lettered and finished, if
# it is still planned as it was read: a firing of it that overlapped this one (a second's firing reads what it
# fires without claiming it) has retried it, dead-lettered it or fired it since. Returns 1 or 0 per reminder.
FAIL = HELPERS + ADD_LETTER + """
local gone, ttl, field, origin, done = ARGV[1], ARGV[2], ARGV[3], ARGV[4], {}
local first = add_jobs(KEYS[6], KEYS[7], 6, tonumber(ARGV[5]))
for i = first, #ARGV, 5 do
  local id, record = ARGV[i], ARGV[i + 1]
  local current = redis.call('HGET', KEYS[1], id) == record
  if redis.call('HGET', KEYS[5], id) == record then redis.call('HDEL', KEYS[5], id); redis.call('ZREM', KEYS[10], id) end
  if current and ARGV[i + 2] ~= '' then
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    redis.call('ZADD', KEYS[2], ARGV[i + 3], id)
    index_at(KEYS[2], ARGV[i + 2], ARGV[i + 3], id)
  elseif current then
    add_letter(KEYS[8], KEYS[9], field, ARGV[i + 4], origin)
    finish(id, record, gone, ttl)
  end
  done[#done + 1] = current and 1 or 0
end
return done
"""

# KEYS: planned, due, claimed, APScheduler jobs, run times, the claims' leases. ARGV: job count (0 or 1), the job for
# now. Every reminder a previous leader claimed and did not finish is no longer claimed nor leased: due again at its
# time, unless planned again since. Returns how many.
RECLAIM = HELPERS + """
local claimed = redis.call('HGETALL', KEYS[3])
local count = 0
for i = 1, #claimed, 2 do
  if redis.call('HGET', KEYS[1], claimed[i]) == claimed[i + 1] then count = count + 1 end
end
redis.call('DEL', KEYS[3], KEYS[6])
if count > 0 then add_jobs(KEYS[4], KEYS[5], 2, tonumber(ARGV[1])) end
return count
"""

# KEYS: planned, due, claimed, APScheduler jobs, run times. ARGV: job count J, J job triples, then (reminder id,
# record as read, new time, its subscriber's agenda key, its release id, new time as ISO 8601) sextuples. Each
# reminder still planned as read and not claimed is moved to its new time, and so is its time in the agenda's
# record of its release (JSON {"version": n, "jobs": {id: time}}, its version written back as the digits read), if
# that still lists it. Returns how many moved.
RETIME = HELPERS + """
local i = add_jobs(KEYS[4], KEYS[5], 2, tonumber(ARGV[1]))
local moved, plans, order = 0, {}, {}
for j = i, #ARGV, 6 do
  local id = ARGV[j]
  if redis.call('HGET', KEYS[1], id) == ARGV[j + 1] and redis.call('HEXISTS', KEYS[3], id) == 0 then
    redis.call('ZADD', KEYS[2], ARGV[j + 2], id)
    index_at(KEYS[2], ARGV[j + 1], ARGV[j + 2], id)
    moved = moved + 1
    local where = ARGV[j + 3] .. '\\n' .. ARGV[j + 4]
    if plans[where] == nil then
      local raw = redis.call('HGET', ARGV[j + 3], ARGV[j + 4])
      plans[where] = raw and {ARGV[j + 3], ARGV[j + 4], cjson.decode(raw)} or false
      -- the version kept as its digits: as a double it would be rounded, and cjson writes 14 digits of it
      local version = raw and string.match(raw, '"version":%s*(%d+)')
      if version then plans[where][3].version = version end
      order[#order + 1] = where
    end
    local plan = plans[where]
    if plan and type(plan[3].jobs) == 'table' and plan[3].jobs[id] then plan[3].jobs[id] = ARGV[j + 5] end
  end
end
for _, where in ipairs(order) do
  local plan = plans[where]
  if plan then
    local text = cjson.encode(plan[3])
    if type(plan[3].version) == 'string' then text = string.gsub(text, '"version":"(%d+)"', '"version":%1', 1) end
    redis.call('HSET', plan[1], plan[2], text)
  end
end
return moved
"""
