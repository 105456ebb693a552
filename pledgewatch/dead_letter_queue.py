"""The dead-letter stream in Redis: read it a page at a time, newest first, with the counts kept beside it;
replay a letter onto its stream; drop letters.

A replay re-publishes the original entry and deletes the letter in one Lua script, so a crash (of the
command or of Redis) leaves either both done or neither, and two replays of one letter at once publish it
once: the second finds the letter gone. The groups that read one entry each leave a letter of it; since the entry
put back is read by every group of its stream, the script that puts it back marks it put back (for
:data:`REPLAYED_TTL_SECONDS`), and a replay of another group's letter of it, by this command or any other, at once
or later, finds the mark and deletes that letter instead of publishing the entry again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from schemas.streams import DEAD_LETTERS
from services.common.dead_letter_counts import (FORGET_LETTER, UNCOUNTED, LetterDeleter, by_origin,
                                               count_letters_without_origin, counts_key, deleting_keys, overcounted)
from services.common.dead_letter_recount import recount_letters
from services.common.metrics import DEAD_LETTERS_REPLAYED
from services.common.pipelined_scripts import queue_script, run_pipeline
from services.common.stream_stats import DEAD_LETTER_ORIGINS, UNREADABLE, origin_of
from services.common.streams import as_text
from services.notifier.outbox import GIVEN_UP_TTL_SECONDS, ChannelChanged, Outbox, SubscriptionDeleted

from .dead_letters import OUTBOX, Letter, Unreadable, is_chosen, original_fields, read_letter, why_not_replayable
from .refused_files import read_fine_since

PAGE = 500  # entries read per XREVRANGE while scanning
SCAN_LIMIT = 5_000  # letters one `list` of chosen origins reads at most before it stops and says where to go on
REPLAYED_TTL_SECONDS = 30 * 86400  # how long an entry put back is remembered for its other groups' letters

# KEYS: the dead-letter stream, its counts, the origins of letters counted later (``deleting_keys``), the stream to
# re-publish onto, the mark of that entry put back.
# ARGV: the letter's id, the mark's TTL, then field, value, ... Returns the new entry's id; {mark} (the letter
# whose replay put the entry back, and its new id) when it was put back already, this letter deleted; 0 when the
# letter is gone (replayed or dropped meanwhile); -1 when the stream it came from no longer exists (re-creating
# it would leave the entry to no consumer group).
_REPLAY = FORGET_LETTER + """
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
if not entry then return 0 end
local mark = redis.call('GET', KEYS[5])
if mark then
  forget_letter(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
  return {mark}
end
if redis.call('TYPE', KEYS[4])['ok'] ~= 'stream' then return -1 end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[4], '*', unpack(fields))
forget_letter(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
redis.call('SET', KEYS[5], ARGV[1] .. ' ' .. id, 'EX', ARGV[2])
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
class Page:
    """Letters newest first, from where a page began, and where the next one begins."""

    letters: list[Letter | Unreadable]
    after: str | None  # the id older letters follow (``list --after``); None: no older letter is left
    read: int  # letters read to find these
    filled: bool  # False: ``SCAN_LIMIT`` letters were read before the page filled


@dataclass(frozen=True)
class Dropped:
    """A page of letters deleted by one script."""

    count: int
    oldest: str | None  # the oldest letter deleted (``--after`` for the rest)
    more: bool  # older letters are left


@dataclass(frozen=True)
class Counts:
    """How many letters there are, in all and by origin (``uncounted``: letters no writer counted)."""

    total: int
    by_origin: dict[str, int]
    overcounted: int = 0  # counts of letters that are gone (``dead_letter_counts.overcounted``)

    @property
    def uncounted(self) -> int:
        return self.by_origin.get(UNCOUNTED, 0)

    def of(self, origins: set[str] | None) -> int | None:
        """How many letters ``origins`` (``dead_letters.chosen_origins``) choose: None when the counts cannot
        tell (one source of an origin, unreadable letters, or letters not counted yet, any of which may be of
        ``origins``)."""
        if origins is None:
            return self.total
        return None if self.uncounted else self.counted(origins)

    def counted(self, origins: set[str]) -> int | None:
        """How many counted letters ``origins`` choose (the least there are): None for a source of an origin,
        or unreadable letters."""
        if any(name not in DEAD_LETTER_ORIGINS or name == UNREADABLE for name in origins):
            return None
        return sum(self.by_origin.get(name, 0) for name in origins)


class DeadLetterQueue:
    def __init__(self, client: aioredis.Redis, key: str) -> None:
        self.client, self.key = client, key
        self.prefix = key.removesuffix(DEAD_LETTERS)
        self._replay = client.register_script(_REPLAY)
        self._deleter = LetterDeleter(client, key)

    async def counts(self) -> Counts:
        """The letters' counts as kept (one XLEN and one HGETALL, however many letters there are); letters
        written without an origin field (by an earlier version) are counted first, once: whatever the counts'
        sum, which counts of letters that are gone can bring up to the length."""
        return (await self.counts_and_newest())[0]

    async def counts_and_newest(self) -> tuple[Counts, str | None]:
        """:meth:`counts`, and the id of the newest letter (None when there is none) read with them at once: the
        letters those counts are of end there."""
        await count_letters_without_origin(self.client, self.key)
        return await self._read_counts()

    async def _read_counts(self) -> tuple[Counts, str | None]:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xlen(self.key)
            pipe.hgetall(counts_key(self.key))
            pipe.xrevrange(self.key, count=1)
            total, counted, newest = await pipe.execute()
        counts = Counts(int(total), by_origin(counted, int(total)), overcounted(counted, int(total)))
        return counts, as_text(newest[0][0]) if newest else None

    async def recount(self) -> tuple[int, list[tuple[str, int, int]]]:
        """The counts rebuilt from every letter (``dead_letter_recount.recount_letters``): how many letters there
        are, and each origin whose count changed, before and after."""
        return await recount_letters(self.client, self.key)

    async def page(self, *, origins: set[str] | None, after: str | None, limit: int, newest: str | None = None
                   ) -> Page:
        """Up to ``limit`` letters (of ``origins`` only, when given) older than ``after`` (without it, from
        ``newest`` on, or the newest letter), newest first. Of chosen origins it reads at most
        :data:`SCAN_LIMIT` letters."""
        upper = f"({after}" if after else (newest or "+")
        if origins is None:  # one read: the page and one more, to know whether older ones are left
            entries = await self.client.xrevrange(self.key, max=upper, min="-", count=limit + 1)
            letters = [read_letter(as_text(i), fields) for i, fields in entries[:limit]]
            return Page(letters, letters[-1].id if len(entries) > limit else None, len(entries), True)
        found: list[Letter | Unreadable] = []
        read = 0
        while len(found) < limit and read < SCAN_LIMIT:
            want = min(PAGE, SCAN_LIMIT - read)
            entries = await self.client.xrevrange(self.key, max=upper, min="-", count=want)
            for entry_id, fields in entries:
                read, upper = read + 1, "(" + as_text(entry_id)
                item = read_letter(as_text(entry_id), fields)
                if is_chosen(item, origins, self.prefix):
                    found.append(item)
                    if len(found) == limit:
                        break
            if len(entries) < want and len(found) < limit:
                return Page(found, None, read, True)  # the oldest letter was read
        return Page(found, upper[1:], read, len(found) == limit)

    async def drop_page(self, *, after: str | None, newest: str, limit: int) -> Dropped:
        """Up to ``limit`` letters older than ``after`` (without it, from ``newest`` on), newest first, deleted and
        counted down by one script: none of them read here."""
        return Dropped(*await self._deleter.drop_older(f"({after}" if after else newest, limit))

    async def get(self, letter_id: str) -> Letter | Unreadable | None:
        page = await self.client.xrange(self.key, min=letter_id, max=letter_id, count=1)
        return read_letter(as_text(page[0][0]), page[0][1]) if page else None

    async def replay(self, letter_id: str) -> Replayed:
        """Put the letter's original entry back onto its stream and delete the letter, atomically; counted at
        ``pledgewatch_dead_letters_replayed_total`` once done."""
        done = await self._replay_letter(letter_id)
        self._count_replayed(done)
        return done

    async def replay_page(self, items: list[Letter | Unreadable]) -> list[Replayed]:
        """Each of ``items`` (letters as read, a page of them) replayed as :meth:`replay` replays one, in order;
        the scripts of those going back onto their streams sent together, in one pipeline."""
        fine = await read_fine_since(self.client, self.prefix, items)
        done: list[Replayed | None] = [_unreadable(item) if isinstance(item, Unreadable)
                                       else await self._replay_without_script(item, item.id in fine) for item in items]
        scripted = [(n, item) for n, item in enumerate(items) if done[n] is None and isinstance(item, Letter)]

        def fill(pipe: Pipeline) -> None:
            for _, item in scripted:
                queue_script(pipe, self._replay, *self._script_call(item))

        results = await run_pipeline(self.client, fill, [self._replay]) if scripted else []
        for (n, item), result in zip(scripted, results):
            done[n] = self._replayed_by_script(item, result)
        replayed = [outcome for outcome in done if outcome is not None]
        for outcome in replayed:
            self._count_replayed(outcome)
        return replayed

    def _count_replayed(self, done: Replayed) -> None:
        if done.new_id is not None and done.stream is not None:
            DEAD_LETTERS_REPLAYED.labels(origin=origin_of(done.stream, self.prefix)).inc()

    async def _replay_letter(self, letter_id: str) -> Replayed:
        item = await self.get(letter_id)
        if item is None:
            return Replayed(letter_id, problem="no such dead letter")
        if isinstance(item, Unreadable):
            return _unreadable(item)
        fine = item.id in await read_fine_since(self.client, self.prefix, [item])
        return (await self._replay_without_script(item, fine)
                or self._replayed_by_script(item, await self._replay(*self._script_call(item))))

    async def _replay_without_script(self, item: Letter, fine: bool) -> Replayed | None:
        """What came of replaying ``item`` when the replay script is not for it (a delivery to queue again, or no
        entry to put back); None when it is. ``fine``: it refused a release file read fine since."""
        letter = item.letter
        if letter.stream.endswith(OUTBOX) and letter.entry_id:
            return await self._send_again(item.id, letter.stream, letter.entry_id)
        refusal = why_not_replayable(letter, read_fine_since=fine)
        if refusal is not None:
            return Replayed(item.id, letter.stream, problem=f"cannot be replayed: {refusal}", kept=True)
        return None

    def _script_call(self, item: Letter) -> tuple[list[str], list[str | int | bytes]]:
        """The keys and arguments of the replay script for ``item``."""
        letter = item.letter
        mark = f"{self.key}:replayed:{letter.stream}/{letter.entry_id}"
        fields = [part for name, value in original_fields(letter.payload).items() for part in (name, value)]
        return [*deleting_keys(self.key), letter.stream, mark], [item.id, REPLAYED_TTL_SECONDS, *fields]

    def _replayed_by_script(self, item: Letter, result: Any) -> Replayed:
        letter_id, letter = item.id, item.letter
        if isinstance(result, list):  # another group's letter of this entry: its replay reached this group too
            first, _, new_id = as_text(result[0]).partition(" ")
            return Replayed(letter_id, letter.stream, new_id=new_id, with_letter=first)
        if result == 0:
            return Replayed(letter_id, letter.stream, problem="no such dead letter (replayed or dropped meanwhile)")
        if result == -1:
            return Replayed(letter_id, letter.stream, problem=f"cannot be replayed: stream {letter.stream} no longer exists",
                            kept=True)
        return Replayed(letter_id, letter.stream, new_id=as_text(result))

    async def _send_again(self, letter_id: str, outbox: str, job_id: str) -> Replayed:
        """A delivery given up on: its job queued again, attempts from zero, to the place it was to go, with the
        subscription's channel settings as they are now (secrets kept in Redis with the job, never in the
        letter)."""
        queued = await _outbox(outbox, self.client).send_again(self.key, letter_id, job_id)
        refusal = delivery_refusal(queued)
        if refusal is not None:
            return Replayed(letter_id, outbox, kept=True, problem=f"cannot be replayed: {refusal}")
        if not queued:
            return Replayed(letter_id, outbox, problem="no such dead letter (replayed or dropped meanwhile)")
        return Replayed(letter_id, outbox, new_id=job_id)

    async def refusals(self, items: list[Letter | Unreadable], fine: set[str]) -> dict[str, str]:
        """Why each letter of ``items`` a replay would keep is not replayable now, by letter id (those it would
        replay left out); ``fine``: the letters whose release file was read fine since. A delivery's is read from
        the notifier's records as a replay reads them: its subscription deleted, or sending elsewhere since."""
        refused: dict[str, str] = {}
        for item in items:
            if isinstance(item, Unreadable):
                continue
            letter = item.letter
            if letter.stream.endswith(OUTBOX) and letter.entry_id:
                refusal = delivery_refusal(await _outbox(letter.stream, self.client).would_send_again(letter.entry_id))
            else:
                refusal = why_not_replayable(letter, read_fine_since=item.id in fine)
            if refusal is not None:
                refused[item.id] = refusal
        return refused

    async def drop(self, letter_ids: list[str]) -> list[str]:
        """Delete letters (their counts with them); returns the ids that were not there."""
        deleted = await self._deleter.drop(letter_ids)
        return [letter_id for letter_id, done in zip(letter_ids, deleted) if not done]


def _outbox(outbox: str, client: aioredis.Redis) -> Outbox:
    """The notifier's outbox whose key is ``outbox`` (its prefix is the letter's, not this command's)."""
    prefix = outbox.removesuffix(OUTBOX)
    return Outbox(client, key=lambda name: prefix + name)


def delivery_refusal(queued: bool | None | SubscriptionDeleted | ChannelChanged) -> str | None:
    """Why a delivery given up on is not queued again, from what :meth:`Outbox.send_again` came to (or
    :meth:`Outbox.would_send_again` says it would); None when it is (or its letter was gone)."""
    if queued is None:
        return (f"its delivery job is no longer kept (jobs given up on are kept {GIVEN_UP_TTL_SECONDS // 86400} "
                "days)")
    if isinstance(queued, SubscriptionDeleted):
        return f"its subscription '{queued.subscription_id}' was deleted"
    if isinstance(queued, ChannelChanged):
        return (f"its subscription '{queued.subscription_id}' no longer sends where it was queued to go (its URL or "
                "recipients changed since, or the channel taken out)")
    return None


def _unreadable(item: Unreadable) -> Replayed:
    return Replayed(item.id, problem=f"not a dead letter pledgewatch can read ({item.reason})", kept=True)
