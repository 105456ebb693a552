"""The dead-letter stream in Redis: read it newest first, replay a letter onto its stream, drop letters.

A replay re-publishes the original entry and deletes the letter in one Lua script, so a crash (of the
command or of Redis) leaves either both done or neither, and two replays of one letter at once publish it
once: the second finds the letter gone. The groups that read one entry each leave a letter of it; since the entry
put back is read by every group of its stream, a command that has put it back once deletes its other letters
instead of publishing it again.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from schemas.streams import DEAD_LETTERS
from services.common.metrics import DEAD_LETTERS_REPLAYED
from services.common.stream_stats import origin_of
from services.common.streams import as_text
from services.notifier.outbox import GIVEN_UP_TTL_SECONDS, Outbox

from .dead_letters import (OUTBOX, Letter, Unreadable, is_chosen, origin, original_fields, read_letter,
                           why_not_replayable)

PAGE = 500  # entries read per XREVRANGE while scanning

# KEYS: the dead-letter stream, the stream to re-publish onto. ARGV: the letter's id, then field, value, ...
# Returns the new entry's id; 0 when the letter is gone (replayed or dropped meanwhile); -1 when the stream
# it came from no longer exists (re-creating it would leave the entry to no consumer group).
_REPLAY = """
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return 0 end
if redis.call('TYPE', KEYS[2])['ok'] ~= 'stream' then return -1 end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
"""


@dataclass
class Replayed:
    letter_id: str
    stream: str | None = None
    new_id: str | None = None  # set when it went back onto ``stream``
    problem: str | None = None  # else why not
    kept: bool = False  # the letter is still there (it could not be replayed), rather than gone
    with_letter: str | None = None  # the letter of the same entry whose replay put it back, this one deleted


@dataclass
class OriginSummary:
    """One origin's dead letters: how many, and the newest few."""

    origin: str
    total: int = 0
    newest: list[Letter | Unreadable] = field(default_factory=list)


class DeadLetterQueue:
    def __init__(self, client: aioredis.Redis, key: str) -> None:
        self.client, self.key = client, key
        self.prefix = key.removesuffix(DEAD_LETTERS)
        self._replay = client.register_script(_REPLAY)
        # (stream, entry id) -> (the letter replayed, the new entry id): entries this queue put back
        self._put_back: dict[tuple[str, str], tuple[str, str]] = {}

    async def _newest_first(self) -> AsyncIterator[Letter | Unreadable]:
        """Every letter, newest first, read a page at a time."""
        upper = "+"
        while True:
            page = await self.client.xrevrange(self.key, max=upper, min="-", count=PAGE)
            for entry_id, fields in page:
                yield read_letter(as_text(entry_id), fields)
            if len(page) < PAGE:
                return
            upper = "(" + as_text(page[-1][0])

    async def summary(self, *, origins: set[str] | None, limit: int) -> list[OriginSummary]:
        """Per origin (newest letter first): the count and the ``limit`` newest letters. ``origins``: only
        letters of these (``dead_letters.chosen_origins``)."""
        found: dict[str, OriginSummary] = {}
        async for item in self._newest_first():
            if origins is not None and not is_chosen(item, origins, self.prefix):
                continue
            name = origin(item, self.prefix)
            group = found.setdefault(name, OriginSummary(name))
            group.total += 1
            if len(group.newest) < limit:
                group.newest.append(item)
        return list(found.values())

    async def ids(self, *, origins: set[str] | None) -> list[str]:
        """The ids of every letter (of ``origins`` only, when given), newest first."""
        return [item.id async for item in self._newest_first()
                if origins is None or is_chosen(item, origins, self.prefix)]

    async def get(self, letter_id: str) -> Letter | Unreadable | None:
        page = await self.client.xrange(self.key, min=letter_id, max=letter_id, count=1)
        return read_letter(as_text(page[0][0]), page[0][1]) if page else None

    async def replay(self, letter_id: str) -> Replayed:
        """Put the letter's original entry back onto its stream and delete the letter, atomically; counted at
        ``pledgewatch_dead_letters_replayed_total`` once done."""
        done = await self._replay_letter(letter_id)
        if done.new_id is not None and done.stream is not None:
            DEAD_LETTERS_REPLAYED.labels(origin=origin_of(done.stream, self.prefix)).inc()
        return done

    async def _replay_letter(self, letter_id: str) -> Replayed:
        item = await self.get(letter_id)
        if item is None:
            return Replayed(letter_id, problem="no such dead letter")
        if isinstance(item, Unreadable):
            return Replayed(letter_id, problem=f"not a dead letter pledgewatch can read ({item.reason})", kept=True)
        letter = item.letter
        if letter.stream.endswith(OUTBOX) and letter.entry_id:
            return await self._send_again(letter_id, letter.stream, letter.entry_id)
        refusal = why_not_replayable(letter)
        if refusal is not None:
            return Replayed(letter_id, letter.stream, problem=f"cannot be replayed: {refusal}", kept=True)
        entry = (letter.stream, str(letter.entry_id))
        if entry in self._put_back:  # another group's letter of this entry: its replay reached this group too
            first, new_id = self._put_back[entry]
            if not await self.client.xdel(self.key, letter_id):
                return Replayed(letter_id, letter.stream, problem="no such dead letter (replayed or dropped meanwhile)")
            return Replayed(letter_id, letter.stream, new_id=new_id, with_letter=first)
        fields = [part for name, value in original_fields(letter.payload).items() for part in (name, value)]
        result = await self._replay(keys=[self.key, letter.stream], args=[letter_id, *fields])
        if result == 0:
            return Replayed(letter_id, letter.stream, problem="no such dead letter (replayed or dropped meanwhile)")
        if result == -1:
            return Replayed(letter_id, letter.stream, problem=f"cannot be replayed: stream {letter.stream} no longer exists",
                            kept=True)
        self._put_back[entry] = (letter_id, as_text(result))
        return Replayed(letter_id, letter.stream, new_id=as_text(result))

    async def _send_again(self, letter_id: str, outbox: str, job_id: str) -> Replayed:
        """A delivery given up on: its job queued again, attempts from zero, to the subscription's channel as
        it was (secrets kept in Redis with the job, never in the letter)."""
        prefix = outbox.removesuffix(OUTBOX)
        queued = await Outbox(self.client, key=lambda name: prefix + name).send_again(
            self.key, letter_id, job_id, now=time.time())
        if queued is None:
            return Replayed(letter_id, outbox, kept=True, problem=(
                f"cannot be replayed: its delivery job is no longer kept (jobs given up on are kept "
                f"{GIVEN_UP_TTL_SECONDS // 86400} days)"))
        if not queued:
            return Replayed(letter_id, outbox, problem="no such dead letter (replayed or dropped meanwhile)")
        return Replayed(letter_id, outbox, new_id=job_id)

    async def drop(self, letter_ids: list[str]) -> list[str]:
        """Delete letters; returns the ids that were not there."""
        async with self.client.pipeline(transaction=False) as pipe:
            for letter_id in letter_ids:
                pipe.xdel(self.key, letter_id)
            deleted = await pipe.execute()
        return [letter_id for letter_id, n in zip(letter_ids, deleted) if not n]

