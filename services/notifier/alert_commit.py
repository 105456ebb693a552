"""The alerts' transaction as one script: what a run's plans read is compared, then their effects written.

A run of releases is planned from reads: the subscribers' records of its commitments (fields of
``notifier:sent:<id>``, members of ``notifier:elapsed:<id>``), the releases' last versions and the
announcement index's sets. Its effects (alert events, feed entries, digest buffers, delivery jobs, the
records, the index) are written by one script that first compares each of those reads with what is there
now: a field's value or absence, a member's presence, a last version's SHA-1, an index set's size (the sets
only grow). If any differs (another handler, a replica or a reclaimed entry, told a subscriber meanwhile)
nothing is written and the run is planned again, as a WATCHed transaction would be; but a write to another
field of the same record (another release's commitments) no longer makes it plan again.

What to compare and write is collected in a :class:`Commit` (no I/O), sent as one JSON argument with the
large documents (events, jobs, records) beside it, so each costs one argument rather than several commands
and none is escaped into the JSON and decoded from it again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import to_json

from services.common.redis_clock import REDIS_AT
from services.common.streams import as_text

from .feed import FEED_SIZE
from .outbox import DeliveryJob
from .retention import MERGE

# ARGV[1]: the commit, JSON (see Commit); ARGV[2]: the alerts stream, ARGV[3]: its event field, ARGV[4]: the
# outbox zset, ARGV[5]: job -> destination hash, ARGV[6]: the key prefix of jobs, ARGV[7]: feed length,
# ARGV[8]: the index sets' bound, ARGV[9]: the key prefix of done marks, ARGV[10]: the key prefix of jobs'
# events, ARGV[11]: job -> its subscription's generation hash; then the documents, named in the commit by their
# place (1: ARGV[12]). Returns 0 (a read changed:
# nothing written) or {1, the ids of the jobs queued leased (handed to the committing worker)...}.
_COMMIT = REDIS_AT + MERGE + """
local c = cjson.decode(ARGV[1])
local docs = 11
-- command(key, ...list) in slices (unpack stops at a few thousand values; a slice of pairs stays pairs), the
-- answers joined
local function call(command, key, list, first, last)
  local answers = {}
  first, last = first or 1, last or #list
  for from = first, last, 1000 do
    local part = redis.call(command, key, unpack(list, from, math.min(from + 999, last)))
    if type(part) == 'table' then
      for i = 1, #part do answers[#answers + 1] = part[i] end
    end
  end
  return answers
end
for _, f in ipairs(c.fields) do
  local now = call('HMGET', f[1], f[2])
  for i = 1, #f[2] do
    if now[i] ~= f[3][i] then return 0 end
  end
end
for _, m in ipairs(c.members) do
  local now = call('SMISMEMBER', m[1], m[2])
  for i = 1, #m[2] do
    if now[i] ~= m[3][i] then return 0 end
  end
end
for _, v in ipairs(c.values) do
  local now = redis.call('GET', v[1])
  if (now and redis.sha1hex(now)) ~= v[2] then return 0 end
end
local sizes = c.sizes
for i = 1, #sizes, 2 do
  if redis.call('SCARD', sizes[i]) ~= sizes[i + 1] then return 0 end
end
local feed_last, common = tonumber(ARGV[7]) - 1, tonumber(ARGV[8])
for _, a in ipairs(c.alerts) do
  local event = ARGV[docs + a[1]]
  redis.call('XADD', ARGV[2], '*', ARGV[3], event)
  redis.call('LPUSH', a[2], event)
  redis.call('LTRIM', a[2], 0, feed_last)
  if a[3] then redis.call('RPUSH', a[3], ARGV[docs + a[4]]) end
end
-- a job offered to the committing worker (j[4]: its lease, seconds) is queued leased, as a claim would leave it,
-- when it is new here (not queued, not delivered); otherwise it is queued due (or left as it is) for a claim. Due
-- and lease times are Redis's clock, which every claim compares them with.
local answer, due_now = {1}, redis_at(0)
for _, j in ipairs(c.jobs) do
  -- a job new here is marked with its subscription's generation (j[6]) as read when it was planned; one queued
  -- already keeps its own
  if redis.call('SET', ARGV[6] .. j[1], ARGV[docs + j[2]], 'NX') and j[6] then
    redis.call('HSET', ARGV[11], j[1], j[6])
  end
  -- a job naming its alert's event: the event beside it, from the argument its stream entry was written from
  if j[5] then redis.call('SET', ARGV[10] .. j[1], ARGV[docs + j[5]], 'NX') end
  if j[4] and redis.call('EXISTS', ARGV[9] .. j[1]) == 0
      and redis.call('ZADD', ARGV[4], 'NX', redis_at(j[4]), j[1]) == 1 then
    answer[#answer + 1] = j[1]
  else
    redis.call('ZADD', ARGV[4], 'NX', due_now, j[1])
  end
  redis.call('HSETNX', ARGV[5], j[1], j[3])
end
for _, h in ipairs(c.hashes) do
  local args = h[2]
  if h[3] then  -- its values are documents
    args = {}
    for i = 1, #h[2], 2 do args[i], args[i + 1] = h[2][i], ARGV[docs + h[2][i + 1]] end
  end
  call('HSET', h[1], args)
end
local sets, i = c.sets, 1
while i <= #sets do
  call('SADD', sets[i], sets, i + 2, i + 1 + sets[i + 1])
  i = i + 2 + sets[i + 1]
end
for _, s in ipairs(c.capped) do
  if redis.call('SCARD', s[1]) <= common then call('SADD', s[1], s[2]) end
end
for _, z in ipairs(c.sorted) do call('ZADD', z[1], z[2]) end
for _, v in ipairs(c.strings) do redis.call('SET', v[1], ARGV[docs + v[2]], 'EX', v[3]) end
for _, m in ipairs(c.merged) do merge(m[1], m[2], m[3], m[4]) end
for _, a in ipairs(c.acks) do redis.call('XACK', a[1], a[2], a[3]) end
-- the delivery processes woken (PLEDGEWATCH_DELIVERY_PROCESS): a stream of one entry each reads blocking
if c.bell and #c.jobs > 0 then redis.call('XADD', c.bell, 'MAXLEN', '1', '*', 'n', #c.jobs) end
return answer
"""


@dataclass
class Commit:
    """What a run's plans read (to compare) and what they write, in the script's order."""

    fields: list[list[Any]] = field(default_factory=list)  # [hash key, fields, values read (false: none)]
    members: list[list[Any]] = field(default_factory=list)  # [set key, members, 1/0 as read]
    values: list[list[Any]] = field(default_factory=list)  # [key, SHA-1 of the value read (false: none)]
    # set key, its size as read, ... (flat: a read's commitments have some twenty index sets each, and each list
    # in a list costs the script's JSON decoding a table)
    sizes: list[Any] = field(default_factory=list)
    alerts: list[list[Any]] = field(default_factory=list)  # [event doc, feed key, digest key or false, alert doc]
    # [job id, job doc, destination, its lease (seconds, text) when offered to the committing worker (see offer),
    # else false, its event's doc when the job names it (its alert's), else false, its subscription's generation
    # when known, else false]; due at Redis's now, leased from it
    jobs: list[list[Any]] = field(default_factory=list)
    hashes: list[list[Any]] = field(default_factory=list)  # [key, [field, value or doc, ...], values are docs]
    sets: list[Any] = field(default_factory=list)  # key, how many members, the members, ... (flat, as sizes)
    capped: list[list[Any]] = field(default_factory=list)  # [key, members]: added while the set is not too large
    sorted: list[list[Any]] = field(default_factory=list)  # [key, [score (text), member, ...]]
    strings: list[list[Any]] = field(default_factory=list)  # [key, value doc, seconds to live (text)]
    merged: list[list[Any]] = field(default_factory=list)  # [hash key, pages hash key, field, [tokens]] (.retention)
    acks: list[list[str]] = field(default_factory=list)  # [stream, group, entry id]: XACKed with the effects
    # the delivery processes' bell (:mod:`.delivery_bell`), rung when jobs are queued; false: the worker is this
    # process's own, handed or woken here
    bell: str | bool = False
    docs: list[bytes | str] = field(default_factory=list)
    queued: list[DeliveryJob] = field(default_factory=list)  # the jobs, in ``jobs``' order
    handed: set[str] = field(default_factory=set)  # once written: the offered jobs it queued leased

    # --- what was read ---------------------------------------------------------------------------
    def expect_fields(self, key: str, read: dict[str, bytes | None]) -> None:
        if read:
            self.fields.append([key, list(read), [v.decode() if v is not None else False for v in read.values()]])

    def expect_members(self, key: str, read: dict[str, bool]) -> None:
        if read:
            self.members.append([key, list(read), [int(m) for m in read.values()]])

    def expect_value(self, key: str, read: bytes | None) -> None:
        self.values.append([key, hashlib.sha1(read).hexdigest() if read is not None else False])

    def expect_sizes(self, sizes: dict[str, int]) -> None:
        self.sizes += [x for k, n in sizes.items() for x in (k, n)]

    # --- what is written -------------------------------------------------------------------------
    def _doc(self, doc: bytes | str) -> int:
        self.docs.append(doc)
        return len(self.docs)

    def alert(self, event: bytes, *, feed: str, digest: tuple[str, str] | None) -> int:
        """The alert's event on the alerts stream and at the head of ``feed``; a digest subscriber's alert
        appended to its buffer (``digest``: key, alert JSON). Returns the event's document, for its jobs."""
        buffered = [digest[0], self._doc(digest[1])] if digest is not None else [False, 0]
        event_doc = self._doc(event)
        self.alerts.append([event_doc, feed, *buffered])
        return event_doc

    def job(self, job: DeliveryJob, *, event: int | None = None) -> None:
        """Queue ``job`` due at Redis's now (as :meth:`.Outbox.enqueue`: one already queued keeps its attempt count
        and due time). ``event``: the
        document of its alert's event (:meth:`alert`), when that is the job's rendered event: the job is
        queued naming it (:meth:`.DeliveryJob.json_naming_event`), the event written beside it once; its
        subscription's generation (:attr:`.DeliveryJob.generation`, when known) beside it."""
        named = event is not None and job.event_json is not None
        document = job.json_naming_event() if named else job.model_dump_json()
        generation = job.generation
        if generation is None:
            generation = False
        self.jobs.append([job.job_id, self._doc(document), job.destination, False, event if named else False,
                          generation])
        self.queued.append(job)

    def offer(self, job_ids: set[str], *, lease: float) -> None:
        """Queue these jobs leased for ``lease`` seconds from Redis's now, as a claim leaves them, when they are new
        here (neither queued nor delivered): the committing worker sends them; once written, they are named in
        :attr:`handed`."""
        for j in self.jobs:
            if j[0] in job_ids:
                j[3] = repr(lease)

    def hset(self, key: str, mapping: dict[str, str], *, documents: bool = False) -> None:
        """``documents``: the values are large (JSON records), passed beside the commit rather than in it."""
        values = ((f, self._doc(v)) for f, v in mapping.items()) if documents else mapping.items()
        self.hashes.append([key, [x for pair in values for x in pair], documents])

    def sadd(self, key: str, members: list[str], *, capped: bool = False) -> None:
        if capped:
            self.capped.append([key, members])
        else:
            self.sets += [key, len(members), *members]

    def zadd(self, key: str, scores: dict[str, float]) -> None:
        # repr: a Lua number would reach Redis with 14 digits, a timestamp's microseconds lost
        self.sorted.append([key, [x for member, score in scores.items() for x in (repr(score), member)]])

    def set(self, key: str, value: str, *, ex: int) -> None:
        self.strings.append([key, self._doc(value), str(ex)])

    def merge(self, key: str, pages: str, field: str, tokens: list[str]) -> None:
        """Add each of ``tokens`` not yet there to the list kept in pages under ``field`` (page 0 in ``key``, the
        others in ``pages``: :mod:`.retention`)."""
        if tokens:
            self.merged.append([key, pages, field, tokens])

    def ack(self, stream: str, group: str, entry_id: str) -> None:
        """Acknowledge an entry with the effects: only when nothing is left to do for it once they are written."""
        self.acks.append([stream, group, entry_id])


class AlertCommitter:
    def __init__(self, client: Any, *, alerts: str, event_field: str, outbox_zset: str, job_dests: str,
                 job_prefix: str, done_prefix: str, event_prefix: str, common: int, job_generations: str) -> None:
        self._script = client.register_script(_COMMIT)
        self._head = [alerts, event_field, outbox_zset, job_dests, job_prefix, FEED_SIZE, common, done_prefix,
                      event_prefix, job_generations]

    async def commit(self, commit: Commit) -> bool:
        """Write ``commit`` if what it read is still there: True, and the offered jobs queued leased in
        ``commit.handed``; else write nothing: False."""
        # pydantic's encoder, in Rust: a run's plan is some kilobytes a release, which json.dumps took a
        # twentieth of the notifier's time to encode
        plan = to_json({k: v for k, v in commit.__dict__.items() if k not in ("docs", "queued", "handed")})
        answer = await self._script(args=script_args(plan, self._head, commit.docs))
        if not answer:
            return False
        commit.handed = {as_text(j) for j in answer[1:]}
        return True


def script_args(plan: bytes, head: list[Any], docs: list[bytes | str]) -> list[Any]:
    """The script's arguments: the plan and the documents as views of their UTF-8 bytes, which redis-py writes to
    the connection as they are (a run's are some 700 KB), where it copies any other argument into new buffers
    three times over (``hiredis.pack_command``); the same bytes reach Redis."""
    return [memoryview(plan), *head, *(memoryview(doc if isinstance(doc, bytes) else doc.encode()) for doc in docs)]
