"""What subscribers were told of a run's commitments, read by one script.

For each subscriber of a run, the fields of its ``notifier:sent:<id>`` record (HMGET) and the members of its
``notifier:elapsed:<id>`` set (SMISMEMBER) the plans of the run's releases need, together (one lookup a subscriber,
not one a subscriber and release: a run's releases share chains and fields, and each lookup is compared again
when the alerts are written). One script call for the whole run, not two commands per subscriber and release in
a pipeline: redis-py packs and parses each command of a pipeline in
Python, which cost three times the script's one call and nested answer (about 1.7 ms against 0.6 ms of client
CPU for 16 releases and 4 subscribers).

The same call reads the chains of the run's commitments (``notifier:chain:<first id>``, see
:mod:`.announcement_index`) and, for each lookup, the fields of every member of the chains it names: which
announcements of a chain a subscriber was told of decides a re-announcement, and the chain's members are in
Redis, so they are read there rather than sent back for a second round trip.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic_core import to_json
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript

from services.common.pipelined_scripts import queue_script

from .announcements import MAX_CHAIN

# ARGV[1]: JSON, for each lookup [the record's key, its fields, the set's key, the members, the indexes (from 1) of
# the chains whose members' fields it reads too] (one argument, not four and one per field and member: redis-py
# packs each argument in Python); ARGV[2]: JSON, the chains' keys; ARGV[3]: how many members of each chain to read.
# Returns {for each lookup {the fields' values then those of its chains' members, in the chains' order (nil:
# none), 1/0 per member}, for each chain its first members and their scores, flat}.
_READ = """
local out, rows, ids = {}, {}, {}
local function call(command, key, list)
  local answers = {}
  for from = 1, #list, 1000 do
    local part = redis.call(command, key, unpack(list, from, math.min(from + 999, #list)))
    for j = 1, #part do answers[#answers + 1] = part[j] end
  end
  return answers
end
local last = tonumber(ARGV[3]) - 1
for i, key in ipairs(cjson.decode(ARGV[2])) do
  local row, members = redis.call('ZRANGE', key, 0, last, 'WITHSCORES'), {}
  for j = 1, #row, 2 do  -- a member is JSON [commitment id, release id]: an id with no escape read as it is
    members[#members + 1] = string.match(row[j], '^%["([^"\\\\]*)"') or cjson.decode(row[j])[1]
  end
  rows[i], ids[i] = row, members
end
for _, lookup in ipairs(cjson.decode(ARGV[1])) do
  local fields = lookup[2]
  if #lookup[5] > 0 then
    fields = {}
    for j = 1, #lookup[2] do fields[j] = lookup[2][j] end
    for _, c in ipairs(lookup[5]) do
      for _, id in ipairs(ids[c]) do fields[#fields + 1] = id end
    end
  end
  out[#out + 1] = {call('HMGET', lookup[1], fields), call('SMISMEMBER', lookup[3], lookup[4])}
end
return {out, rows}
"""

Lookup = tuple[tuple[str, str], tuple[list[str], list[str]]]  # ((sent key, elapsed key), (fields, members))
Read = tuple[dict[str, bytes | None], dict[str, bool]]  # each field's value as read, whether each member is in the set
Row = list[tuple[bytes, float]]  # a chain's first members (JSON [commitment id, release id]) and their scores


class RecordReader:
    def __init__(self, client: Any) -> None:
        self._script = client.register_script(_READ)

    @property
    def scripts(self) -> list[AsyncScript]:
        return [self._script]

    async def read(self, lookups: list[Lookup], chains: Sequence[str] = (),
                   chains_of: Sequence[Sequence[int]] | None = None, *, chain_limit: int = MAX_CHAIN
                   ) -> tuple[list[Read], list[Row]]:
        """For each lookup: each field's value as read (None: absent) and whether each member is in the set, the
        fields of the members of the ``chains`` (keys) it names in ``chains_of`` (indexes) included after its own;
        and each chain's first ``chain_limit`` members with their scores."""
        args = _args(lookups, chains, chains_of, chain_limit)
        return parse_records(lookups, await self._script(args=args) if args else None, chains_of)

    def queue(self, reads: Pipeline, lookups: list[Lookup], chains: Sequence[str] = (),
              chains_of: Sequence[Sequence[int]] | None = None, *, chain_limit: int = MAX_CHAIN) -> bool:
        """Queue the read of ``lookups`` and ``chains`` on ``reads`` (a pipeline sent by ``run_pipeline``, with
        :attr:`scripts`); False when there is nothing to read (nothing queued: :func:`parse_records` of None)."""
        args = _args(lookups, chains, chains_of, chain_limit)
        if args:
            queue_script(reads, self._script, [], args)
        return bool(args)


def parse_records(lookups: list[Lookup], answer: list[Any] | None, chains_of: Sequence[Sequence[int]] | None = None
                  ) -> tuple[list[Read], list[Row]]:
    """The script's answer to ``lookups``: each field's value as read (its chains' members' fields after its own)
    and whether each member is in the set; and the chains' rows."""
    if answer is None:
        return [({}, {}) for _ in lookups], []
    out, flat = answer
    rows = [[(row[i], float(row[i + 1])) for i in range(0, len(row), 2)] for row in flat]
    ids = [[_member_id(m) for m, _ in row] for row in rows]
    refs = chains_of if chains_of is not None else [[] for _ in lookups]
    return [(dict(zip([*fields, *(cid for c in chains for cid in ids[c])], sent)),
             {m: bool(x) for m, x in zip(members, told)})
            for (_, (fields, members)), chains, (sent, told) in zip(lookups, refs, out)], rows


@lru_cache(maxsize=8192)  # a chain's members are read again with each of its announcements
def _member_id(member: bytes) -> str:
    return str(json.loads(member)[0])


def _args(lookups: list[Lookup], chains: Sequence[str], chains_of: Sequence[Sequence[int]] | None,
          chain_limit: int) -> list[Any]:
    if not lookups and not chains:
        return []
    refs = chains_of if chains_of is not None else [[] for _ in lookups]
    return [to_json([(sent_key, fields, elapsed_key, members, [c + 1 for c in chains])
                     for ((sent_key, elapsed_key), (fields, members)), chains in zip(lookups, refs)]),
            to_json(list(chains)), chain_limit]
