"""Stream operations every service needs, on a plain redis-py asyncio client.

Publishing, acknowledging and dead-lettering happen in one MULTI/EXEC where
they belong together, so a crash leaves either all of them or none.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from datetime import datetime, timezone

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

from schemas import CloudEvent, DeadLetter, DeadLetterEvent
from schemas.streams import DEAD_LETTERS, EVENT_FIELD, stream_key

from .dead_letter_counts import add_letter
from .metrics import DEAD_LETTERS_WRITTEN
from .stream_stats import origin_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """Where one delivered stream entry came from, for ack and dead letters."""

    stream: str
    group: str
    entry_id: str
    fields: Mapping[bytes, bytes]


def printable_fields(fields: Mapping[bytes | str, bytes | str]) -> dict[str, str]:
    """Entry fields as text; bytes that are not UTF-8 become ``base64:...``."""
    out = {}
    for key, value in fields.items():
        name = key.decode(errors="replace") if isinstance(key, bytes) else key
        if isinstance(value, bytes):
            try:
                value = value.decode()
            except UnicodeDecodeError:
                value = "base64:" + base64.b64encode(value).decode()
        out[name] = value
    return out


def storable_text(text: str) -> str:
    """``text`` safe to encode as UTF-8: a lone surrogate (from a character reference, a file name) becomes
    its escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def as_text(value: bytes | str) -> str:
    """A value as Redis answers it (bytes) or as given (str), as text."""
    return value.decode() if isinstance(value, bytes) else value


TRIM_CHUNK = 100  # entries read at a time while finding where trimming stops (bodies included: keep it small)


def _indented(lua: str) -> str:
    return "".join(f"  {line}" if line.strip() else line for line in lua.splitlines(keepends=True))


def parse_stream_id(value: bytes | str) -> tuple[int, int]:
    """``"1700000000000-3"`` as ``(1700000000000, 3)``, so entry ids compare in stream order."""
    millis, _, seq = as_text(value).partition("-")
    return int(millis), int(seq or 0)


# KEYS: the once key, the entry's stream ("" for none), the keys to set, the streams to publish to.
# ARGV: how many keys to set, their TTL (0: none), the group and entry id to XACK, the event field name, the
# keys' values, the events' JSON.
_COMMIT_ONCE = """
local n = tonumber(ARGV[1])
local done = redis.call('EXISTS', KEYS[1]) == 1
if not done then
  for i = 1, #KEYS - 2 - n do
    redis.call('XADD', KEYS[2 + n + i], '*', ARGV[5], ARGV[5 + n + i])
  end
  for i = 1, n do
    if tonumber(ARGV[2]) > 0 then
      redis.call('SET', KEYS[2 + i], ARGV[5 + i], 'EX', ARGV[2])
    else
      redis.call('SET', KEYS[2 + i], ARGV[5 + i])
    end
  end
end
if KEYS[2] ~= '' then
  redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
end
if done then return 0 end
return 1
"""
# A read's commits in one call: ARGV, for each, how many KEYS and ARGV ``_COMMIT_ONCE`` takes, then those; its
# answer for each, in order. Each commit as ``_COMMIT_ONCE`` does it: one script per commit in a pipeline cost
# redis-py a command's packing and answer each, and Redis a script's call each.
_COMMIT_ONCE_MANY = """
local function once(KEYS, ARGV)""" + _indented(_COMMIT_ONCE) + """end
local answers, i = {}, 1
while i <= #ARGV do
  local nkeys, nargs = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local keys = {unpack(ARGV, i + 2, i + 1 + nkeys)}
  answers[#answers + 1] = once(keys, {unpack(ARGV, i + 2 + nkeys, i + 1 + nkeys + nargs)})
  i = i + 2 + nkeys + nargs
end
return answers
"""


@dataclass(frozen=True)
class OnceCommit:
    """One entry's effects for :meth:`Streams.commit_once_many`: published and ``once_key`` set (with the
    TTL) unless ``once_key`` exists; ``entry`` acknowledged either way."""

    entry: Entry | None
    publish: list[tuple[str, CloudEvent]]
    once_key: str
    ttl_seconds: int | None = None


def _once_arguments(entry: Entry | None, publish: list[tuple[str, CloudEvent]], ttl_seconds: int | None,
                    once_key: str) -> tuple[list[str], list[Any]]:
    """KEYS and ARGV of ``_COMMIT_ONCE``."""
    set_keys = {once_key: "1"}
    keys = [once_key, entry.stream if entry else "", *set_keys, *(stream for stream, _ in publish)]
    args = [len(set_keys), ttl_seconds or 0, entry.group if entry else "", entry.entry_id if entry else "",
            EVENT_FIELD, *set_keys.values(), *(event.to_json() for _, event in publish)]
    return keys, args


class Streams:
    """The prefix-aware stream operations of one service."""

    def __init__(self, client: aioredis.Redis, *, prefix: str, maxlen: int, source: str) -> None:
        self.client = client
        self._commit_once_script = client.register_script(_COMMIT_ONCE) if client is not None else None
        self._commit_once_many_script = client.register_script(_COMMIT_ONCE_MANY) if client is not None else None
        self.prefix = prefix
        self.cap = maxlen
        self.source = source

    def key(self, name: str) -> str:
        return stream_key(name, self.prefix)

    @staticmethod
    def add(redis: aioredis.Redis | Pipeline, stream: str, event: CloudEvent) -> Any:
        """XADD ``event`` in the wire format, on a client (awaitable) or queued on a pipeline.

        No MAXLEN: it would drop entries no group has read yet; :meth:`trim_consumed` trims.
        """
        return Streams.add_json(redis, stream, event.to_json())

    @staticmethod
    def add_json(redis: aioredis.Redis | Pipeline, stream: str, event: bytes) -> Any:
        """:meth:`add` of an event already in the wire format (``CloudEvent.to_json``)."""
        return redis.xadd(stream, {EVENT_FIELD: event})

    async def ensure_group(self, stream: str, group: str, consumer: str | None = None) -> bool:
        """Create ``group`` reading from the start of ``stream``, so nothing published
        before the first consumer started is missed; and ``consumer`` in it, listed from the start (Redis
        lists a consumer only once XREADGROUP has given it an entry). Returns whether the group was created
        (False: it was there)."""
        created = True
        try:
            await self.client.xgroup_create(stream, group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
            created = False
        if consumer is not None:
            await self.client.xgroup_createconsumer(stream, group, consumer)
        return created

    async def publish(self, stream: str, event: CloudEvent) -> str:
        return as_text(await self.add(self.client, stream, event))

    async def commit(self, entry: Entry | None, publish: Iterable[tuple[str, CloudEvent]] = ()) -> None:
        """Publish events and XACK ``entry``, atomically. (Work to be done once per entry, however often it
        is delivered: :meth:`commit_once_many`.)"""
        async with self.client.pipeline(transaction=True) as pipe:
            for stream, event in publish:
                self.add(pipe, stream, event)
            if entry is not None:
                pipe.xack(entry.stream, entry.group, entry.entry_id)
            await pipe.execute()

    async def commit_once_many(self, commits: list[OnceCommit]) -> list[bool]:
        """Each commit's events published and its ``once_key`` set unless that key exists, and its entry
        acknowledged either way, by one script, so two deliveries of one entry racing each other publish once;
        all in one call. Returns, for each, whether its events were published."""
        if not commits:
            return []
        script, calls = self._commit_once_script, [_once_arguments(c.entry, c.publish, c.ttl_seconds, c.once_key)
                                                    for c in commits]
        if len(calls) == 1:  # a read of one entry (a trickle of releases): the script alone, no pipeline around it
            keys, args = calls[0]
            return [bool(await script(keys=keys, args=args))]

        flat = [x for keys, args in calls for x in (len(keys), len(args), *keys, *args)]
        return [bool(done) for done in await self._commit_once_many_script(args=flat)]

    def dead_letter_event(self, *, stream: str, payload: dict[str, str], reason: str,
                          entry_id: str | None = None, group: str | None = None,
                          deliveries: int = 0, replays: int = 0) -> DeadLetterEvent:
        """The dead letter of ``payload`` from ``stream``, its id ``<stream>/<entry id>/<group>``; for an entry given
        up on again after ``replays`` replays of its letters (a notifier job: a replayed stream entry is a new
        entry), ``<stream>/<entry id>/r<replays>/<group>``, so that no letter repeats an earlier one's id."""
        now = datetime.now(timezone.utc)
        letter = DeadLetter(stream=storable_text(stream), entry_id=entry_id, group=group,
                            payload={storable_text(k): storable_text(v) for k, v in payload.items()},
                            reason=storable_text(reason), deliveries=deliveries, at=now)
        round_ = f"/r{replays}" if replays else ""
        ident = f"{stream}/{entry_id}{round_}/{group}" if entry_id else f"{stream}/{now.timestamp()}"
        DEAD_LETTERS_WRITTEN.labels(origin=origin_of(stream, self.prefix)).inc()
        return DeadLetterEvent.wrap(letter, id=ident, source=self.source, time=now, subject=stream)

    def add_letter(self, pipe: Pipeline, letter: DeadLetterEvent) -> None:
        """Queue ``letter`` on the dead-letter stream, and its origin's count, on ``pipe`` (a MULTI/EXEC)."""
        add_letter(pipe, self.key(DEAD_LETTERS), letter.to_json(), origin_of(letter.data.stream, self.prefix))

    async def dead_letter(self, entry: Entry, reason: str, *, deliveries: int = 1) -> None:
        """Move ``entry`` to the dead-letter stream with ``reason`` and acknowledge it."""
        log.error("dead letter %s %s (group %s): %s", entry.stream, entry.entry_id, entry.group, reason)
        event = self.dead_letter_event(stream=entry.stream, payload=printable_fields(entry.fields),
                                       reason=reason, entry_id=entry.entry_id, group=entry.group,
                                       deliveries=deliveries)
        async with self.client.pipeline(transaction=True) as pipe:
            self.add_letter(pipe, event)
            pipe.xack(entry.stream, entry.group, entry.entry_id)
            await pipe.execute()

    async def dead_letter_input(self, *, origin: str, payload: dict[str, str], reason: str,
                                level: int | None = logging.ERROR) -> str:
        """Dead-letter something that never was a stream entry (a bad file, a bad POST); ``level``: WARNING
        where the sender was already told (a client's 400), None where the caller logs it in its own words.
        Returns the letter's id."""
        if level is not None:
            log.log(level, "dead letter from %s: %s", origin, reason)
        async with self.client.pipeline(transaction=True) as pipe:
            self.add_letter(pipe, self.dead_letter_event(stream=origin, payload=payload, reason=reason))
            letter_id, _ = await pipe.execute()
        return as_text(letter_id)

    async def trim_consumed(self, stream: str, *, cap: int | None = None) -> int:
        """Keep ``stream`` near ``cap`` entries (the streams' cap when None) without losing any that a group has
        not read.

        Over the cap, the oldest entries beyond it that every consumer group has
        read and acknowledged are removed (XTRIM MINID): the cap's worth of history
        stays for a group created later and for ``ledger rebuild``. A stream no
        group reads is cut to the cap; a group that lags keeps its backlog, however
        long. Returns the entries removed.
        """
        cap = self.cap if cap is None else cap
        excess = await self.client.xlen(stream) - cap
        if excess <= 0:
            return 0
        groups = await self.client.xinfo_groups(stream)
        if not groups:
            return int(await self.client.xtrim(stream, maxlen=cap, approximate=False))
        oldest_needed = min(parse_stream_id(g["last-delivered-id"]) for g in groups)
        for group in groups:
            if group["pending"]:
                summary = await self.client.xpending(stream, group["name"])
                oldest_needed = min(oldest_needed, parse_stream_id(summary["min"]))
        keep_from = await self._keep_from(stream, excess, oldest_needed)
        if keep_from is None:
            return 0
        return int(await self.client.xtrim(stream, minid=keep_from, approximate=False))

    async def _keep_from(self, stream: str, excess: int, oldest_needed: tuple[int, int]) -> str | None:
        """The MINID that removes the ``excess`` oldest entries of ``stream``, or fewer: none from
        ``oldest_needed`` on. None when nothing can go. Entries appended meanwhile only make more of the old
        ones removable, so the answer stays safe."""
        if oldest_needed == (0, 0):
            return None  # a group has read nothing yet
        needed = f"({oldest_needed[0]}-{oldest_needed[1]}"
        start, left, last = "-", excess, None
        while left > 0:
            want = min(left, TRIM_CHUNK)
            chunk = await self.client.xrange(stream, min=start, max=needed, count=want)
            if chunk:
                last = parse_stream_id(chunk[-1][0])
                start, left = f"({last[0]}-{last[1]}", left - len(chunk)
            if len(chunk) < want:
                break  # reached the oldest entry a group still needs
        return None if last is None else f"{last[0]}-{last[1] + 1}"

    async def times_delivered(self, entry: Entry) -> int:
        pending = await self.client.xpending_range(entry.stream, entry.group, min=entry.entry_id,
                                                   max=entry.entry_id, count=1)
        return int(pending[0]["times_delivered"]) if pending else 0
