"""``ingest:file-contents``, kept only while a field can be followed (docs/decisions/0056).

A release file's revision, and its revision at its path inside its folder, name the release, version and place it
was last read as (``<release id> <version> <place>``, :mod:`.file_releases`). A field is followed only while its
release's latest version is the one it names, so a release keeps the fields of its latest read alone: its record
(``ingest:release:<id>``) names them (``contents_fields``, a JSON list), and its next read under other fields (a
new version, a new place) drops them, each only while it still names that release (a copy read since holds the
text's field now). A read overtaken by a later version (another replica's, recorded late) writes no field.

Fields written before records named them are swept once, a page at a time: those naming an earlier version of
their release, or a release with no record, go; the others are named in their release's record, to go with its
next version. ``ingest:file-contents:sweep`` holds the sweep's HSCAN cursor, then ``done``.
"""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio.client import Pipeline

from services.common.outages import redis_outage
from services.common.streams import Streams, as_text

from .file_places import FilePlace

log = logging.getLogger(__name__)

FILE_CONTENTS = "ingest:file-contents"
SWEEP_CURSOR = f"{FILE_CONTENTS}:sweep"
SWEEP_COUNT = 200  # fields looked at a page (each an HGET of its release's version)
SWEEP_RETRY_SECONDS = 10.0  # after Redis failed a page

# the fields a record's contents_fields names; a list that cannot be read (written by hand) names none, and an
# item of it that is no field name (a number, null, a list) is none
_NAMED = """
local function named(record)
  local raw = redis.call('HGET', record, 'contents_fields')
  if not raw then return {} end
  local ok, list = pcall(cjson.decode, raw)
  local fields = {}
  if not ok or type(list) ~= 'table' then return fields end
  for _, field in ipairs(list) do
    if type(field) == 'string' then fields[#fields + 1] = field end
  end
  return fields
end
"""

# KEYS: FILE_CONTENTS, the release's record. ARGV: the release id, the version read, the place read at, then the
# fields of the read. The record's place and fields become the read's, unless the release has a later version
# already: that version's read named the file's place since. A version that is no number (written by hand) names
# none; it is returned, to be told, else 1 (recorded) or 0 (overtaken).
_RECORD = _NAMED + """
local release, version = ARGV[1], ARGV[2]
local latest = redis.call('HGET', KEYS[2], 'version')
local unreadable = latest and not string.match(latest, '^%d+$') and latest
if latest and not unreadable and tonumber(latest) > tonumber(version) then return 0 end
redis.call('HSET', KEYS[2], 'place', ARGV[3])
local fields, new = {}, {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i]; new[ARGV[i]] = true end
local mine = release .. ' '
for _, field in ipairs(named(KEYS[2])) do
  if not new[field] then
    local value = redis.call('HGET', KEYS[1], field)
    if value and string.sub(value, 1, #mine) == mine then redis.call('HDEL', KEYS[1], field) end
  end
end
local value = mine .. version .. ' ' .. ARGV[3]
for _, field in ipairs(fields) do redis.call('HSET', KEYS[1], field, value) end
redis.call('HSET', KEYS[2], 'contents_fields', cjson.encode(fields))
return unreadable or 1
"""

# KEYS: FILE_CONTENTS, SWEEP_CURSOR. ARGV: the fields to look at, the prefix of a release's record key. Returns the
# fields removed from this page, -1 once the sweep is done.
_SWEEP = _NAMED + """
local cursor = redis.call('GET', KEYS[2])
if cursor == 'done' then return -1 end
local scan = redis.call('HSCAN', KEYS[1], cursor or '0', 'COUNT', ARGV[1])
local items, removed, adopted, order = scan[2], 0, {}, {}
for i = 1, #items, 2 do
  local field = items[i]
  local release, version = string.match(items[i + 1], '^(%S+) (%d+) ')
  local record = release and (ARGV[2] .. release)
  if record and redis.call('HGET', record, 'version') == version then
    if not adopted[record] then adopted[record] = {}; order[#order + 1] = record end
    table.insert(adopted[record], field)
  else
    redis.call('HDEL', KEYS[1], field)
    removed = removed + 1
  end
end
for _, record in ipairs(order) do
  local fields = adopted[record]
  local list, seen, grew = named(record), {}, false
  for _, field in ipairs(list) do seen[field] = true end
  for _, field in ipairs(fields) do
    if not seen[field] then seen[field], grew = true, true; list[#list + 1] = field end
  end
  if grew then redis.call('HSET', record, 'contents_fields', cjson.encode(list)) end
end
redis.call('SET', KEYS[2], scan[1] == '0' and 'done' or scan[1])
return removed
"""


def contents_fields(revision: str, place: FilePlace) -> list[str]:
    """The fields a read of ``revision`` at ``place`` is kept under: the revision at its path inside its folder,
    and the revision alone."""
    return [f"{revision} {place.inside}", revision]


async def record_contents(streams: Streams, release_id: str, version: int, place: FilePlace, revision: str) -> None:
    """``release_id`` was read at ``place`` as ``version``, its text and withdrawal ``revision``: its record keeps
    the place, and the fields of its read before go for this read's (nothing written when it has a later
    version)."""
    record, key = streams.client.register_script(_RECORD), release_record(streams, release_id)
    recorded = await record(keys=[streams.key(FILE_CONTENTS), key],
                            args=[release_id, version, str(place), *contents_fields(revision, place)])
    if isinstance(recorded, bytes):  # its version unreadable: taken as none, so that the file is followed still
        log.error("%s: its version %r is no number (written by hand?); the read of v%d at %s recorded over it",
                  key, as_text(recorded), version, place)


def queue_contents(pipe: Pipeline, streams: Streams, release_id: str, version: int, place: FilePlace,
                   revision: str) -> None:
    """Queue on ``pipe``, inside the transaction that publishes ``version``, what :func:`record_contents` writes."""
    pipe.eval(_RECORD, 2, streams.key(FILE_CONTENTS), release_record(streams, release_id),
              release_id, version, str(place), *contents_fields(revision, place))


async def sweep_earlier_fields(streams: Streams, *, count: int = SWEEP_COUNT) -> int:
    """Look at the next ``count`` fields written before records named them: those no longer followed go, the
    others are named in their release's record. Returns how many went, -1 once every field was looked at."""
    sweep = streams.client.register_script(_SWEEP)
    return int(await sweep(keys=[streams.key(FILE_CONTENTS), streams.key(SWEEP_CURSOR)],
                           args=[count, release_record(streams, "")]))


async def sweep_until_done(streams: Streams) -> None:
    """Sweep a page after another until done, waiting out Redis outages; says how many fields went, if any."""
    removed = 0
    while True:
        try:
            page = await sweep_earlier_fields(streams)
        except Exception as exc:
            if not redis_outage(exc):  # a fault of ours: told once, and the sweep goes on at the next start
                log.error("sweeping %s failed; it goes on from where it stopped at the next start", FILE_CONTENTS,
                          exc_info=exc)
                return
            # the outage is told by the loops whose work waits on it; this one can wait
            log.debug("sweeping %s: Redis unavailable (%s); retrying in %g s", FILE_CONTENTS, exc, SWEEP_RETRY_SECONDS)
            await asyncio.sleep(SWEEP_RETRY_SECONDS)
            continue
        if page < 0:
            break
        removed += page
    if removed:
        log.info("%s: %d field(s) of earlier file texts, never followed again, removed", FILE_CONTENTS, removed)


def release_record(streams: Streams, release_id: str) -> str:
    return streams.key(f"ingest:release:{release_id}")
