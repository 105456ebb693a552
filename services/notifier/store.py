"""Where subscriptions live: the YAML file (read-only here) and Redis (the API and CLI write).

The effective set is the file's subscriptions plus the stored ones; an id defined
in the file cannot be written through the API. A system that starts with no subscription
anywhere stores the ``console`` subscription (every commitment to stdout) once, as a
subscription like any other: shown, paused, replaced or deleted through the API, never
dropped because others were added, and not made again once deleted.

Creating or deleting a stored subscription counts up its id's generation (``<key>:generations``) and
deletes what is kept for that id (its feed, who unsubscribed), at once: a new subscription of a deleted
one's id starts clean, and the unsubscribe links of the deleted one no longer work (:mod:`.unsubscribed`). A
subscription made where one of its id was before records when (``<key>:made-again``): what was queued for the one
before is not sent to it (:mod:`.presence`). The notifier reads the stored subscriptions with their generations at
once, and marks the jobs of each with the generation it was planned for (:mod:`.outbox`).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.asyncio.client import Pipeline
import yaml

from services.common.encodings import NotText, decode_bytes
from services.common.errors import field_errors
from services.common.yaml_lines import yaml_error_line

from .reminder_scripts import HELPERS
from .reminder_store import ReminderKeys
from .subscriptions import (CONSOLE_SUBSCRIPTION, Subscription, SubscriptionError, no_subscriptions_file,
                            parse_file_document)
from .yaml_text import load_yaml

log = logging.getLogger(__name__)


def load_file(path: Path, *, older: Callable[[list[dict[str, str]]], None] | None = None) -> list[Subscription]:
    """Parse the YAML subscriptions file; :class:`SubscriptionError` lists every bad field (``older``: see
    :func:`parse_file_document`)."""
    return parse_file_document(read_document(path), older=older)


def read_document(path: Path) -> Any:
    """The content of a YAML (or JSON) file; :class:`SubscriptionError` when it cannot be read or parsed."""
    try:
        text = decode_bytes(path.read_bytes())  # UTF-8, or UTF-16 or UTF-32 with the mark YAML admits them by
    except FileNotFoundError:
        raise no_subscriptions_file(path) from None
    except NotText as exc:
        raise SubscriptionError([{"field": str(path), "message": f"not a text file: {exc}; "
                                  "give the YAML subscriptions file"}]) from None
    except OSError as exc:
        raise SubscriptionError([{"field": str(path), "message": f"cannot read it: {exc.strerror}"}]) from None
    return document_of(text, path)


def document_of(text: str, path: Path) -> Any:
    """The content of the YAML (or JSON) text of the file ``path``; :class:`SubscriptionError` naming its line
    when it is not YAML (a key given twice in one mapping included)."""
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise SubscriptionError([{"field": yaml_error_place(path, exc),
                                  "message": f"not valid YAML: {yaml_problem(exc)}"}]) from None


def yaml_error_place(path: Path, exc: yaml.YAMLError) -> str:
    """``path:line`` of a YAML error (1-based), or ``path`` when the parser did not say where."""
    line = yaml_error_line(exc)
    return f"{path}:{line + 1}" if line is not None else str(path)


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What the YAML parser found wrong, in its own words, without its multi-line excerpt."""
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    return " ".join(part for part in (context, problem) if part) or str(exc).splitlines()[0]


_Version = tuple[int, int, int, int]


def _version_of(path: Path) -> _Version | None:
    """What tells one version of the file from another: its mtime, and its ctime, size and inode, which change
    when only its permissions do (a file unreadable until ``chmod``) or another file takes its place."""
    try:
        st = path.stat()
    except OSError:
        return None  # missing or not to be looked at: load_file says which
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


class FileSubscriptions:
    """The file's subscriptions, re-read when it changes; a broken edit keeps the last good set.
    The file is looked at (stat) at most once every ``recheck_seconds``, not on every event. A broken edit
    (or a missing file) is logged once, not at every look; the next edit is read again, and its repair logged.
    ``report=False`` for a reader that only shows the file (the ledger): the notifier tells what is wrong with it
    and that it was reloaded, so one process running both says it once; such a reader notes it at DEBUG."""

    def __init__(self, path: Path | None, *, recheck_seconds: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic, report: bool = True) -> None:
        self.path = path
        levels = (logging.INFO, logging.WARNING, logging.ERROR)
        self._info, self._warning, self._error = levels if report else (logging.DEBUG,) * len(levels)
        self.recheck_seconds, self.monotonic = recheck_seconds, monotonic
        self._checked: float | None = None
        self._version: _Version | None = None  # of the file last looked at, good or bad; None: it was missing
        self._broken = False
        self._subs: list[Subscription] = []
        if path is not None:
            try:
                self._subs = self._load(path)  # fail fast at startup
            except SubscriptionError as exc:  # one line naming the file, as `pledgewatch run` says it
                if any(e["field"].startswith(str(path)) for e in exc.errors):
                    raise
                raise SubscriptionError([{"field": str(path), "message": str(exc)}]) from None
            self._version = _version_of(path)

    def _load(self, path: Path) -> list[Subscription]:
        return load_file(path, older=self._warn_older)

    def _warn_older(self, errors: list[dict[str, str]]) -> None:
        log.log(self._warning, "subscriptions file %s: %s; taken as written before these checks: fix the file",
                self.path, SubscriptionError(errors))

    def loaded(self) -> list[Subscription]:
        """The subscriptions last read, without looking at the file (from any thread: the delivery worker's asks
        while the notifier's watch re-reads the file)."""
        return list(self._subs)

    def now(self) -> list[Subscription]:
        """The subscriptions in the file as it is now: looked at at once, whenever it was last, and read again if
        it changed."""
        self._checked = None
        return self.current()

    def current(self) -> list[Subscription]:
        if self.path is None:
            return []
        now = self.monotonic()
        if self._checked is not None and now - self._checked < self.recheck_seconds:
            return list(self._subs)
        self._checked = now
        version = _version_of(self.path)
        if version == self._version:
            return list(self._subs)
        self._version = version
        try:
            subs = self._load(self.path)
        except SubscriptionError as exc:
            self._broken = True
            log.log(self._error, "subscriptions file %s: %s; keeping the previous %d", self.path, exc, len(self._subs))
            return list(self._subs)
        again = " (valid again)" if self._broken else ""
        self._subs, self._broken = subs, False
        log.log(self._info, "reloaded %d subscription(s) from %s%s", len(subs), self.path, again)
        return list(self._subs)


# KEYS: the subscriptions hash, the "console subscription was made" mark, the ids read from a file before. ARGV:
# the subscription's id and JSON. One script, so two notifiers starting at once store it once, and never over a
# subscription just added, nor in a system whose subscriptions came from a file (started once without it).
_STORE_CONSOLE_ONCE = """
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('HLEN', KEYS[1]) > 0 or redis.call('EXISTS', KEYS[3]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], '1')
return 1
"""


# KEYS: the subscriptions hash, the generations hash. The stored subscriptions (id, JSON, ...) and the generation of
# each (in their order; false: none counted, one stored before generations were): read at once, so that no
# subscription is paired with the generation of one made again after it was read.
_STORED_WITH_GENERATIONS = """
local stored = redis.call('HGETALL', KEYS[1])
local generations = {}
for i = 1, #stored, 2 do generations[#generations + 1] = redis.call('HGET', KEYS[2], stored[i]) end
return {stored, generations}
"""


# Drops what is kept for a subscription: cancels the reminders its agenda lists and deletes the keys from KEYS[kept]
# on (its agenda and its reminders' time index among them). KEYS[r .. r + 4] (r: nil when there are none): the reminder store's planned, due,
# subjects and refs and the subscription's agenda (``notifier:reminders:planned:<id>``).
_DROP_KEPT = HELPERS + """
local function drop_kept(r, kept)
  if r then
    for _, raw in ipairs(redis.call('HVALS', KEYS[r + 4])) do
      local ok, plan = pcall(cjson.decode, raw)
      if ok and type(plan) == 'table' and type(plan.jobs) == 'table' then
        for id in pairs(plan.jobs) do
          local record = redis.call('HGET', KEYS[r], id)
          local subject = subject_of(record)
          if subject then unref(KEYS[r + 3], KEYS[r + 2], subject) end
          redis.call('HDEL', KEYS[r], id)
          redis.call('ZREM', KEYS[r + 1], id)
        end
      end
    end
  end
  if #KEYS >= kept then redis.call('DEL', unpack(KEYS, kept)) end
end
"""


# KEYS: the subscriptions hash, the generations hash, the made-again hash, the set of ids read from a file, the ids a
# file given left out (zset), then (ARGV[1] '1') the reminder store's planned, due, subjects and refs and the
# subscription's agenda (``notifier:reminders:planned:<id>``) and time index, then what else is kept for it. ARGV:
# '1' or '' (no reminder keys), the moment of the change (unix seconds), then HSET and the subscription's id and JSON (a put:
# returns 1 when it was created, 0 when replaced), or HDEL and its id (a delete: returns 1 when there was one). A
# subscription created or deleted counts up its id's generation, cancels the reminders its agenda lists and drops
# what was kept for that id; one created where one of its id was before (a generation past the first) records when,
# in the made-again hash.
# An id a subscriptions file gave (and no edit of it took out) keeps its reminders and records: they are the file's
# subscription's, which a run given the file has again. So does one a file given left out whose records are not
# dropped yet (:data:`LEFT_FILE_GRACE_SECONDS`): a subscription moved from the file to the API.
_CHANGE = _DROP_KEPT + """
local changed = redis.call(ARGV[3], KEYS[1], unpack(ARGV, 4))
if changed == 1 then
  local generation = redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
  if ARGV[3] == 'HSET' and generation > 1 then redis.call('HSET', KEYS[3], ARGV[4], ARGV[2]) end
  if redis.call('SISMEMBER', KEYS[4], ARGV[4]) == 1 or redis.call('ZSCORE', KEYS[5], ARGV[4]) then return changed end
  if ARGV[1] == '1' then drop_kept(6, 10) else drop_kept(nil, 6) end
end
return changed
"""


# KEYS: the subscriptions hash, the set of ids read from a file, the ids a file given left out (zset), then as
# _CHANGE's from its sixth. ARGV: '1' or '' (no reminder keys), the subscription's id, '1' when the file of the
# process dropping names it (else ''). An id a file given left out is a subscription deleted, unless a file given
# names it again (a run given one that does wrote it back, or the dropping process's own: another process's copy of
# the file left it out, and it is remembered again) or one of its id is stored (moved from the file to the API):
# checked here, at once with the drop, so that a run writing it back meanwhile keeps its records. Returns 1 when what
# was kept for it was dropped.
_DROP_LEFT_FILE = _DROP_KEPT + """
redis.call('ZREM', KEYS[3], ARGV[2])
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[2]); return 0 end
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 or redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end
if ARGV[1] == '1' then drop_kept(4, 8) else drop_kept(nil, 4) end
return 1
"""


LEFT_FILE_GRACE_SECONDS = 600  # after a file given left a subscription out: what is kept for it is dropped
LEFT_FILE_BATCH = 100  # subscriptions a file left out dropped at a time


def _now() -> datetime:
    return datetime.now(timezone.utc)


class UnreadableSubscription(ValueError):
    """A stored subscription this version cannot read: stored by an earlier one, before a bound it now keeps (at
    most 20 reminders, say). ``errors``: ``{"field", "message"}`` each, as the API's 422 names them."""

    def __init__(self, sub_id: str, errors: list[dict[str, str]]) -> None:
        self.sub_id, self.errors = sub_id, errors
        super().__init__(f"stored subscription {sub_id} cannot be read: "
                         + "; ".join(f"{e['field']}: {e['message']}" for e in errors))


def read_subscription(sub_id: str, data: bytes | str) -> Subscription:
    """The subscription stored under ``sub_id`` as ``data`` (its JSON); raises :class:`UnreadableSubscription`
    naming the problems of one this version cannot read."""
    try:
        return Subscription.model_validate_json(data)
    except ValidationError as exc:
        raise UnreadableSubscription(sub_id, field_errors(exc, whole="subscription")) from None


class SubscriptionStore:
    def __init__(self, client: aioredis.Redis, *, key: str, file: FileSubscriptions,
                 kept_for: Callable[[str], list[str]] = lambda sub_id: [],
                 reminders: ReminderKeys | None = None, clock: Callable[[], datetime] = _now) -> None:
        """``kept_for(id)``: the keys kept for a subscription (its feed), deleted with it (and when one of that
        id is created); ``reminders``: where its planned reminders are, cancelled with it (and when one of that id
        is created) in the same script; neither for an id a subscriptions file gives (see :data:`_CHANGE`); ``clock``: the time the messages are stamped with, which records when a
        subscription is made again (see :mod:`.presence`)."""
        self.client, self.key, self.file, self.kept_for, self.reminders = client, key, file, kept_for, reminders
        self.clock = clock
        self.generations = f"{key}:generations"
        self.made_again = f"{key}:made-again"  # hash: id -> when a subscription was last made where one had been
        self.from_file = f"{key}:from-file"  # set: the ids of every subscription read from a file, in any run
        self.left_file = f"{key}:left-file"  # zset: id -> when a file given left it out (taken out of it)
        self._change = client.register_script(_CHANGE)
        self._drop_left_file = client.register_script(_DROP_LEFT_FILE)
        self._parsed: dict[bytes, Subscription] = {}  # stored JSON -> its model: parsed once, not per release
        self._unreadable: dict[tuple[bytes, bytes], UnreadableSubscription] = {}  # (id, JSON): the same, refused
        self._read_once = False  # those of the first read are told by the notifier's start (tell_unreadable)

    async def store_console_once(self) -> bool:
        """Store the ``console`` subscription if there is no subscription at all and it was never stored
        before (so a deleted one stays deleted). True when it was stored now."""
        if self.file.current():
            return False
        made = await self.client.eval(_STORE_CONSOLE_ONCE, 3, self.key, f"{self.key}:console-made", self.from_file,
                                      CONSOLE_SUBSCRIPTION.id, CONSOLE_SUBSCRIPTION.stored())
        return bool(made)

    async def remember_file_ids(self, ids: Iterable[str]) -> None:
        """Remember that ``ids`` were read from a subscriptions file (see :meth:`not_loaded_from_file`)."""
        if ids := list(ids):
            await self.client.sadd(self.from_file, *ids)

    async def forget_file_ids(self, ids: Iterable[str]) -> None:
        """Forget that ``ids`` were read from a subscriptions file: a file given leaves them out. What is kept for
        them is dropped :data:`LEFT_FILE_GRACE_SECONDS` on (:meth:`drop_left_file`)."""
        if ids := list(ids):
            now = self.clock().timestamp()
            async with self.client.pipeline(transaction=True) as writes:
                writes.srem(self.from_file, *ids)
                writes.zadd(self.left_file, dict.fromkeys(ids, now))
                await writes.execute()

    async def not_loaded_from_file(self) -> list[str]:
        """The ids once read from a subscriptions file (:meth:`remember_file_ids`) that are loaded now neither
        from the file nor from Redis, sorted: they receive nothing."""
        return sorted(await self._remembered_file_ids() - {sub.id for sub in await self.effective()})

    async def read_from_file_before(self, sub_id: str) -> bool:
        """Whether ``sub_id`` was read from a subscriptions file in an earlier run (:meth:`remember_file_ids`)."""
        return bool(await self.client.sismember(self.from_file, sub_id))

    async def not_in_file(self) -> list[str]:
        """The ids once read from a subscriptions file that the file given now leaves out (stored ones too), sorted."""
        return sorted(await self._remembered_file_ids() - {sub.id for sub in self.file.current()})

    async def _remembered_file_ids(self) -> set[str]:
        return {member.decode() for member in await self.client.smembers(self.from_file)}

    async def drop_left_file(self, *, now: datetime, count: int = LEFT_FILE_BATCH) -> int:
        """Drop what is kept for up to ``count`` subscriptions a file given left out at least
        :data:`LEFT_FILE_GRACE_SECONDS` before ``now``, as a delete does (a run still handling a release for one,
        from the file as it read it before, has written by then), unless a file given names it again (this
        process's among them: another's copy of the file left it out) or one of its id is stored. Returns how many
        were dropped."""
        due = await self.client.zrangebyscore(self.left_file, "-inf", repr(now.timestamp() - LEFT_FILE_GRACE_SECONDS),
                                              start=0, num=count)
        named = {sub.id for sub in self.file.current()} if due else set()  # this process alerts them
        dropped = 0
        for sub_id in (member.decode() for member in due):
            flag, kept = self._kept_keys(sub_id)
            dropped += int(await self._drop_left_file(keys=[self.key, self.from_file, self.left_file, *kept],
                                                      args=[flag, sub_id, "1" if sub_id in named else ""]))
        return dropped

    def _kept_keys(self, sub_id: str) -> tuple[str, list[str]]:
        """What a delete of ``sub_id`` drops, as its script takes it: '1' when the reminder store's keys and its
        agenda come first (else ''), and the keys."""
        reminders = self.reminders
        planned = ([*reminders.planned, reminders.agenda(sub_id), reminders.by_time(sub_id)]
                   if reminders is not None else [])
        return "1" if planned else "", [*planned, *self.kept_for(sub_id)]

    async def stored(self) -> list[Subscription]:
        return self.parse_stored(await self.client.hgetall(self.key))

    def queue_stored(self, reads: Pipeline) -> None:
        """Queue on ``reads`` the read of the stored subscriptions with their generations (to give
        :meth:`stored_of`)."""
        reads.eval(_STORED_WITH_GENERATIONS, 2, self.key, self.generations)

    def stored_of(self, answer: list[list[bytes | None]]) -> tuple[dict[bytes, bytes], dict[str, int]]:
        """The stored subscriptions (id -> JSON, to give :meth:`effective_of`) and the generation of each stored
        one not defined in the file (a subscription stored before generations were counted: 0, as
        :class:`.unsubscribed.Unsubscribed` reads it), from the answer of the read :meth:`queue_stored` queued."""
        pairs, generations = answer
        stored = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}
        in_file = {sub.id for sub in self.file.current()}
        return stored, {sub_id.decode(): int(generation or 0) for sub_id, generation in zip(stored, generations)
                        if sub_id.decode() not in in_file}

    def parse_stored(self, raw: dict[bytes, bytes]) -> list[Subscription]:
        return self.read_stored(raw)[0]

    def read_stored(self, raw: dict[bytes, bytes]) -> tuple[list[Subscription], list[UnreadableSubscription]]:
        """The stored subscriptions of ``raw`` (id -> JSON), and those this version cannot read (kept as they are:
        replaced or deleted through the API; the notifier's start warns of them, :func:`.unreadable.tell_unreadable`,
        and ``pledgewatch status`` lists them). One that appears after the first read (stored by an older notifier
        in a rolling upgrade) is warned of here, once for each (id, JSON)."""
        from .unreadable import unreadable_warning  # it reads this module's UnreadableSubscription
        subs, parsed, unreadable = [], {}, {}
        for sub_id, data in sorted(raw.items()):
            if (known := self._unreadable.get((sub_id, data))) is not None:  # refused once: not judged again
                unreadable[sub_id, data] = known
                continue
            try:
                parsed[data] = self._parsed.get(data) or read_subscription(sub_id.decode(), data)
                subs.append(parsed[data])
            except UnreadableSubscription as exc:
                if self._read_once and not self.in_file(exc.sub_id):
                    log.warning("%s", unreadable_warning(exc.sub_id, exc.errors))
                else:
                    log.debug("%s; skipped", exc)
                unreadable[sub_id, data] = exc
        self._parsed, self._unreadable, self._read_once = parsed, unreadable, True
        return subs, list(unreadable.values())

    async def stored_and_unreadable(self) -> tuple[list[Subscription], list[UnreadableSubscription]]:
        """The stored subscriptions, and those this version cannot read (:meth:`read_stored`) but for one whose id
        the subscriptions file defines: the file's is the one used, as over any stored one, and the API changes
        and deletes none of its id."""
        subs, unreadable = self.read_stored(await self.client.hgetall(self.key))
        in_file = {sub.id for sub in self.file.current()}
        return subs, [refused for refused in unreadable if refused.sub_id not in in_file]

    async def effective(self) -> list[Subscription]:
        return self.effective_of(await self.client.hgetall(self.key))

    def effective_of(self, stored: dict[bytes, bytes]) -> list[Subscription]:
        """The effective subscriptions, ``stored`` those read from Redis (see :meth:`queue_stored`)."""
        file_subs = self.file.current()
        ids = {s.id for s in file_subs}
        return file_subs + [s for s in self.parse_stored(stored) if s.id not in ids]

    def in_file(self, sub_id: str) -> bool:
        return any(s.id == sub_id for s in self.file.current())

    def file_owns(self, sub_id: str) -> str | None:
        """Why ``sub_id`` cannot be changed or deleted here, when the subscriptions file defines it (naming the
        file, which the running notifier re-reads once it changes); None when it is stored here."""
        if self.file.path is None or not self.in_file(sub_id):
            return None
        return (f"{sub_id!r} is defined in the subscriptions file {self.file.path.absolute()}: change or remove it "
                "there (a running pledgewatch reads the file again once it is saved, no restart)")

    async def get(self, sub_id: str) -> Subscription | None:
        for sub in self.file.current():
            if sub.id == sub_id:
                return sub
        raw = await self.client.hget(self.key, sub_id)
        return read_subscription(sub_id, raw) if raw else None

    async def put(self, sub: Subscription) -> bool:
        """Store ``sub``; True when it was created, False when replaced."""
        return await self._changed(sub.id, "HSET", sub.stored())

    async def delete(self, sub_id: str) -> bool:
        """Delete a stored subscription and what is kept for it, at once; True when there was one."""
        return await self._changed(sub_id, "HDEL")

    async def _changed(self, sub_id: str, command: str, *data: str) -> bool:
        flag, kept = self._kept_keys(sub_id)
        return bool(await self._change(keys=[self.key, self.generations, self.made_again, self.from_file,
                                             self.left_file, *kept],
                                       args=[flag, repr(self.clock().timestamp()), command, sub_id, *data]))
