"""The delivery outbox in Redis: one job per message and channel, due at a time.

Keys (under the prefix): ``notifier:outbox`` (sorted set: job id -> due, unix
seconds), ``notifier:job:<id>`` (the job), ``notifier:done:<id>`` (delivered
mark: a job is never sent again once it is set), ``notifier:job-event:<id>`` (the rendered event of a job that
names it rather than holding a copy: written by the alerts' script from the same argument as the alert's
stream entry, and deleted with the job, so that no trimming of the alerts stream takes it from a job still
queued). Jobs are claimed by pushing
their due time forward by a lease, so a worker that dies mid-send leaves its
jobs to be retried when the lease ends. ``notifier:job-dest`` (hash: job id ->
destination) lets a claim skip jobs whose destination has no free slot. ``notifier:job-generation`` (hash: job
id -> the generation of its subscription, :mod:`.store`, as read with the subscription its message was planned
for) tells a job queued for a subscription deleted since, and made again, from one of the new subscription
(:mod:`.presence`); kept beside the job, not in it, as earlier versions refuse a job with a field they do not
know. A job without one (queued by an earlier version, or a digest, weekly message or reminder) is judged by
when its message was made.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from redis.asyncio.client import Pipeline

from schemas.alerts import Alert
from schemas.due_week import DueThisWeek
from schemas.envelope import CloudEvent
from schemas.streams import EVENT_FIELD
from services.common.dead_letter_counts import ADD_LETTER, FORGET_LETTER, counted_later_key, counts_key
from services.common.redis_clock import REDIS_AT
from services.common.stream_stats import origin_of
from services.common.streams import as_text

from .bounds import MAX_CHANNELS
from .digest import Digest
from .messages import Message, message_id, message_json
from .queued_channel import channel_now
from .redaction import destination
from .subscriptions import Subscription, channel_public

DONE_TTL_SECONDS = 90 * 86400
GIVEN_UP_TTL_SECONDS = 30 * 86400  # a job given up on, kept this long so that `pledgewatch dlq replay` can send it again

_CLAIM = REDIS_AT + """
-- KEYS: outbox zset, job -> destination hash, job -> its subscription's generation hash. ARGV: the lease
-- (seconds), jobs wanted, free slots of an idle destination, the key prefix of jobs, of done marks, of jobs'
-- events, how many jobs in flight to renew, their ids, then (destination, free slots) pairs for the busy ones.
-- Leases and due times are on Redis's clock: the jobs in flight named (those still queued) are leased a lease from
-- its now, then due jobs are claimed in due order, skipping those whose destination has no free slot; looks at
-- most 2000 due jobs. A job already delivered (its done mark set) or gone is finished here, never claimed. Returns
-- (job id, destination, job JSON, its event kept apart or '', its subscription's generation or '') quintuples.
local now, lease_end = redis_at(0), redis_at(ARGV[1])
local free, wanted, idle = {}, tonumber(ARGV[2]), tonumber(ARGV[3])
local job_prefix, done_prefix, event_prefix = ARGV[4], ARGV[5], ARGV[6]
local renewed = 7 + tonumber(ARGV[7])
for i = 8, renewed do redis.call('ZADD', KEYS[1], 'XX', lease_end, ARGV[i]) end
for i = renewed + 1, #ARGV, 2 do free[ARGV[i]] = tonumber(ARGV[i + 1]) end
local claimed, offset, seen = {}, 0, 0
while wanted > 0 and seen < 2000 do
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', offset, 200)
  if #due == 0 then break end
  seen = seen + #due
  local dests = redis.call('HMGET', KEYS[2], unpack(due))
  for i, id in ipairs(due) do
    local d = dests[i] or '?'
    local f = free[d] or idle
    if f > 0 and wanted > 0 then
      local job = redis.call('MGET', job_prefix .. id, event_prefix .. id)
      if job[1] and redis.call('EXISTS', done_prefix .. id) == 0 then
        free[d], wanted = f - 1, wanted - 1
        claimed[#claimed + 1] = id
        claimed[#claimed + 1] = d
        claimed[#claimed + 1] = job[1]
        claimed[#claimed + 1] = job[2] or ''
        claimed[#claimed + 1] = redis.call('HGET', KEYS[3], id) or ''
      else
        redis.call('ZREM', KEYS[1], id)
        redis.call('HDEL', KEYS[2], id)
        redis.call('HDEL', KEYS[3], id)
        redis.call('DEL', job_prefix .. id, event_prefix .. id)
        offset = offset - 1
      end
    end
  end
  offset = offset + #due
end
for i = 1, #claimed, 5 do redis.call('ZADD', KEYS[1], lease_end, claimed[i]) end
return claimed
"""

# KEYS: the job, outbox zset, job -> destination hash. ARGV: job JSON, job id, destination. A job already queued
# keeps what it has (its attempt count, its due time); a new one is due at Redis's now.
_ENQUEUE = REDIS_AT + """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
redis.call('ZADD', KEYS[2], 'NX', redis_at(0), ARGV[2])
redis.call('HSETNX', KEYS[3], ARGV[2], ARGV[3])
"""

# KEYS: outbox zset, job -> destination hash, deliveries stream, dead-letter stream, its counts, job -> its
# subscription's generation hash. ARGV: the key
# prefix of jobs, of done marks, the done marks' TTL, the event field, the key prefix of given-up jobs, their TTL,
# the key prefix of jobs' events, the dead letters' origin, then for each attempt: job id, delivered (1/0), final
# (1/0), its delivery event, its dead letter ('' for none), the job to retry or keep, its event in it ('' for
# none), and in how many seconds it is due again (from Redis's now).
# Records each attempt as DeliveryWorker does one by one: done mark first, audit event, then the job finished,
# dead-lettered or rescheduled.
_RECORD = REDIS_AT + ADD_LETTER + """
local job_prefix, done_prefix, ttl, field = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local given_up_prefix, given_up_ttl, event_prefix, origin = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
for i = 9, #ARGV, 7 do
  local id = ARGV[i]
  if ARGV[i + 1] == '1' then redis.call('SET', done_prefix .. id, '1', 'EX', ttl) end
  redis.call('XADD', KEYS[3], '*', field, ARGV[i + 3])
  if ARGV[i + 2] == '1' then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[6], id)
    redis.call('DEL', job_prefix .. id, event_prefix .. id)
    if ARGV[i + 4] ~= '' then
      add_letter(KEYS[4], KEYS[5], field, ARGV[i + 4], origin)
      -- the job, its channel's secrets with it, kept where it was so that the dead letter can send it again
      redis.call('SET', given_up_prefix .. id, ARGV[i + 5], 'EX', given_up_ttl)
    end
  elseif ARGV[i + 5] ~= '' then
    -- the job to retry holds its event again: one document, as jobs of other channels are
    redis.call('SET', job_prefix .. id, ARGV[i + 5])
    redis.call('DEL', event_prefix .. id)
    redis.call('ZADD', KEYS[1], 'XX', redis_at(ARGV[i + 6]), id)
  end
end
"""


_SEND_AGAIN = REDIS_AT + FORGET_LETTER + """
-- KEYS: dead letters, the given-up job, the job, outbox zset, job -> destination hash, the dead letters' counts,
-- the origins of its letters counted later, the stored subscriptions hash, the ids read from a subscriptions file,
-- job -> its subscription's generation hash (a job sent again has none: judged by when its message was made).
-- ARGV: letter id, job JSON (attempts from zero), job id, destination, its subscription's id, the stored
-- subscription's JSON read before (found to have the job's channel; '' for none). Due at Redis's now. Gated on
-- deleting the letter: of two replays of one letter, one queues the job. The letter kept: -1, its subscription is
-- neither stored nor read from a file any more (deleted); -2, the stored subscription is not the one read before
-- (changed meanwhile).
local stored = redis.call('HGET', KEYS[8], ARGV[5])
if not stored then
  if ARGV[6] ~= '' then return -2 end
  if redis.call('SISMEMBER', KEYS[9], ARGV[5]) == 0 then return -1 end
elseif stored ~= ARGV[6] then
  return -2
end
if forget_letter(KEYS[1], KEYS[6], KEYS[7], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], redis_at(0), ARGV[3])
redis.call('HSET', KEYS[5], ARGV[3], ARGV[4])
redis.call('HDEL', KEYS[10], ARGV[3])
redis.call('DEL', KEYS[2])
return 1
"""


@dataclass(frozen=True)
class SubscriptionDeleted:
    """A dead letter not sent again: the subscription of its delivery is gone."""

    subscription_id: str


@dataclass(frozen=True)
class ChannelChanged:
    """A dead letter not sent again: the subscription of its delivery no longer sends where it was queued to go
    (a URL or the recipients changed, the channel taken out, or the subscription deleted and made again under its
    id with another)."""

    subscription_id: str


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt to record: the job (its attempt count already raised), whether it was delivered
    and is final, its audit event, and its dead letter (final failures) or in how many seconds it is tried again (from
    Redis's now, when the attempt is recorded)."""

    job: DeliveryJob
    delivered: bool
    final: bool
    event: CloudEvent
    dead_letter: CloudEvent | None = None
    retry_in: float | None = None


def _never_replayed(replays: int) -> bool:
    return not replays


class DeliveryJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: str
    subscription_id: str
    channel: dict[str, Any]  # {type: ..., ...} with secrets
    kind: Literal["alert", "digest", "due_this_week"]
    # The message (an Alert, a Digest or a DueThisWeek, as JSON). A job with ``event_json`` holds only its id
    # here (``{"alert_id": ...}`` or ``{"digest_id": ...}``): the event holds the rest (see ``message_data``).
    message: dict[str, Any]
    attempts: int = 0  # attempts made so far (in this round: a replay counts from zero again)
    # Times its dead letter was replayed (`pledgewatch dlq replay`): its events' ids say the round. A job never
    # replayed is written as versions before ``replays`` wrote it, so a notifier rolled back to one of them still
    # reads it (a job refuses unknown fields): left out while 0, by the field's own test (a serializer wrapped
    # around the model's made every dump go through Python, twice as long as the job's JSON itself).
    replays: int = Field(default=0, exclude_if=_never_replayed)
    # A webhook job's message as its CloudEvent in structured-mode JSON, rendered once when the job is made, so
    # that a send posts it as it is; None (other channels, jobs queued by earlier versions): rendered at the send.
    event_json: str | None = None
    # The generation of its subscription when its message was planned (kept beside the job: ``job-generation``);
    # None: not known (queued by an earlier version, or not an alert of a release)
    _generation: int | None = PrivateAttr(default=None)

    @property
    def generation(self) -> int | None:
        # read where pydantic keeps it: ``self._generation`` goes through BaseModel.__getattr__, in Python (some
        # 2.5 µs, read for every job committed and judged)
        private = self.__pydantic_private__
        return private.get("_generation") if private else None

    def planned_for(self, generation: int | None) -> DeliveryJob:
        """This job, its subscription's generation as read with the subscription its message was planned for."""
        self._generation = generation
        return self

    def json_naming_event(self) -> str:
        """The job as queued when its rendered event is kept apart, under ``notifier:job-event:<id>`` (see
        :meth:`Outbox.claim`): without ``event_json``, so that the event is written once, not a second time
        escaped into the job."""
        return self.model_dump_json(exclude={"event_json"})

    def message_data(self) -> dict[str, Any]:
        """The whole message as JSON data: from the rendered event when there is one (the message is its
        ``data``), else ``message`` (a job of another channel, or queued by an earlier version)."""
        if self.event_json is not None:
            return json.loads(self.event_json)["data"]  # type: ignore[no-any-return]
        return self.message

    def made_at(self) -> float | None:
        """When its message was made (its ``created_at``, unix seconds); None when it does not say (parses the
        message: asked only of a job of a subscription made again)."""
        try:
            return datetime.fromisoformat(str(self.message_data()["created_at"])).timestamp()
        except (KeyError, ValueError, TypeError):
            return None

    def message_model(self) -> Message:
        model = {"alert": Alert, "digest": Digest, "due_this_week": DueThisWeek}[self.kind]
        return model.model_validate(self.message_data())  # type: ignore[attr-defined,no-any-return]

    def public_payload(self) -> dict[str, str]:
        """For dead letters: no secrets."""
        from .subscriptions import Subscription as _S

        channel = _S.model_validate({"id": "x", "channels": [self.channel]}).channels[0]
        return {"job_id": self.job_id, "subscription_id": self.subscription_id,
                "channel": json.dumps(channel_public(channel)), "message": json.dumps(self.message_data())}

    @property
    def message_id(self) -> str:
        """The alert's (or a digest's, daily or weekly) id, read without parsing the message."""
        return str(self.message[_ID_FIELD[self.kind]])

    @property
    def destination(self) -> str:
        return destination(self.channel)

    def channel_position(self) -> int | None:
        """Its channel's position in the subscription's channel list it was made from (its id says it:
        :func:`job_id`); None when no position up to ``MAX_CHANNELS`` makes its id."""
        canonical = json.dumps(self.channel, sort_keys=True)
        try:
            message = self.message_id
        except KeyError:
            return None
        return next((n for n in range(MAX_CHANNELS) if _job_id(message, n, canonical) == self.job_id), None)

    @property
    def attempt_id(self) -> str:
        """The id of the event of its latest attempt: ``<job>/<attempt>``, and ``<job>/r<replays>/<attempt>`` once
        replayed, so that no round of attempts repeats another's ids."""
        return f"{self.job_id}/r{self.replays}/{self.attempts}" if self.replays else f"{self.job_id}/{self.attempts}"


_ID_FIELD = {"alert": "alert_id", "digest": "digest_id", "due_this_week": "digest_id"}


def _claimed(job: DeliveryJob, event: bytes, generation: bytes) -> DeliveryJob:
    """A claimed job with the event kept apart from it (``event``; empty: the job holds its own, or has none) and
    its subscription's generation kept beside it (``generation``; empty: none kept)."""
    if event:
        job.event_json = event.decode()
    return job.planned_for(int(generation) if generation else None)


def job_id(message: Message, channel_index: int, canonical_channel: str) -> str:
    """``canonical_channel``: the channel's spec as JSON, its keys sorted."""
    return _job_id(message_id(message), channel_index, canonical_channel)


def _job_id(message: str, channel_index: int, canonical_channel: str) -> str:
    raw = f"{message}\x1f{channel_index}\x1f{canonical_channel}"
    return "job-" + hashlib.sha256(raw.encode()).hexdigest()[:32]


# id(channel) -> (the channel, its spec, the spec's canonical JSON); the channel is held, so its id is not reused
_SPECS: dict[int, tuple[object, dict[str, Any], str]] = {}


def _channel_spec(channel: object) -> tuple[dict[str, Any], str]:
    """A subscription channel's spec as JSON data and its canonical JSON (in job ids), made once per channel
    (they are immutable) rather than for every alert to the subscription."""
    held = _SPECS.get(id(channel))
    if held is None or held[0] is not channel:
        if len(_SPECS) >= 4096:
            _SPECS.clear()
        spec = channel.model_dump(mode="json")  # type: ignore[attr-defined]
        held = _SPECS[id(channel)] = (channel, spec, json.dumps(spec, sort_keys=True))
    return held[1], held[2]


def jobs_for(sub: Subscription, message: Message, *, event_json: bytes | None = None) -> list[DeliveryJob]:
    """One job per channel of ``sub``; a webhook's carries the message's CloudEvent rendered
    (``event_json``, its structured-mode JSON when the caller has it already, else rendered here once) and,
    beside it, only the message's id: the alert is not written, nor claimed, twice."""
    kind: Literal["alert", "digest", "due_this_week"] = (
        "alert" if isinstance(message, Alert) else "due_this_week" if isinstance(message, DueThisWeek) else "digest")
    jobs, data, rendered = [], None, None
    for i, channel in enumerate(sub.channels):
        spec, canonical = _channel_spec(channel)
        if spec.get("type") == "webhook":
            if rendered is None:
                rendered = (event_json if event_json is not None else message_json(message)).decode()
            body, event = {_ID_FIELD[kind]: message_id(message)}, rendered
        else:
            if data is None:
                data = message.model_dump(mode="json")
            body, event = data, None
        jobs.append(DeliveryJob(job_id=job_id(message, i, canonical), subscription_id=sub.id, channel=spec, kind=kind,
                                message=body, event_json=event))
    return jobs


_REPLAY_TRIES = 3


def _channel_now(stored: bytes, channel: dict[str, Any], position: int | None) -> dict[str, Any] | None:
    """The channel of the stored subscription JSON ``stored`` a job queued for ``channel`` goes out on now
    (:func:`.queued_channel.channel_now`; ``channel`` itself when ``stored`` is unreadable: not a change)."""
    try:
        sub = Subscription.model_validate_json(stored)
    except ValueError:
        return channel
    return channel_now(sub, channel, position)


class Outbox:
    def __init__(self, client: Any, key: Any) -> None:
        self.client = client
        self._key = key  # name -> full key
        self.zset = key("notifier:outbox")
        self.dests = key("notifier:job-dest")
        self.generations = key("notifier:job-generation")
        self._claim = client.register_script(_CLAIM)
        self._record = client.register_script(_RECORD)
        self._send_again = client.register_script(_SEND_AGAIN)

    def job_key(self, job_id: str) -> str:
        return self._key(f"notifier:job:{job_id}")

    def done_key(self, job_id: str) -> str:
        return self._key(f"notifier:done:{job_id}")

    def event_key(self, job_id: str) -> str:
        return self._key(f"notifier:job-event:{job_id}")

    def enqueue(self, pipe: Pipeline, job: DeliveryJob) -> None:
        """Add ``job`` inside a transaction, due at Redis's now; a job already queued keeps its attempt count and
        its due time. The script is sent whole (EVAL): a transaction asks nothing first."""
        pipe.eval(_ENQUEUE, 3, self.job_key(job.job_id), self.zset, self.dests, job.model_dump_json(), job.job_id,
                  job.destination)

    async def claim(self, *, lease: float, limit: int, idle_slots: int, busy: dict[str, int] | None = None,
                    renew: list[str] | None = None) -> list[tuple[str, str, DeliveryJob]]:
        """Lease up to ``limit`` due jobs for ``lease`` seconds, as (job id, destination, job, with the generation
        kept beside it): at most ``idle_slots`` per destination, and ``busy[d]`` for a destination ``d`` with sends
        in flight (none when 0). Jobs already delivered are finished, not claimed. ``renew``: jobs in flight whose
        leases are extended to ``lease`` seconds first, in the same script. Due and lease times are Redis's clock
        (``TIME`` in the script), whatever this host's says."""
        renew = renew or []
        if limit <= 0 and not renew:
            return []
        pairs = [v for d, free in (busy or {}).items() for v in (d, max(0, free))]
        raw = await self._claim(keys=[self.zset, self.dests, self.generations],
                                args=[lease, max(0, limit), idle_slots, self.job_key(""), self.done_key(""),
                                      self.event_key(""), len(renew), *renew, *pairs])
        return [(as_text(raw[i]), as_text(raw[i + 1]), _claimed(DeliveryJob.model_validate_json(raw[i + 2]),
                                                                 raw[i + 3], raw[i + 4]))
                for i in range(0, len(raw), 5)]

    async def record(self, attempts: list[Attempt], *, deliveries: str, dead_letters: str) -> None:
        """Record delivery attempts in one script: for each, the done mark when delivered (once set, the job
        is never claimed again), its event on ``deliveries``, then the job finished (with its dead letter on
        ``dead_letters`` if it failed for good) or rescheduled."""
        args: list[Any] = [self.job_key(""), self.done_key(""), DONE_TTL_SECONDS, EVENT_FIELD,
                           self.given_up_key(""), GIVEN_UP_TTL_SECONDS, self.event_key(""),
                           origin_of(self.zset, self._key(""))]
        for a in attempts:
            args += [a.job.job_id, int(a.delivered), int(a.final), a.event.to_json(),
                     a.dead_letter.to_json() if a.dead_letter is not None else "",
                     a.job.model_dump_json() if a.retry_in is not None or a.dead_letter is not None else "",
                     a.retry_in if a.retry_in is not None else ""]
        await self._record(keys=[self.zset, self.dests, deliveries, dead_letters, counts_key(dead_letters),
                                 self.generations], args=args)

    def given_up_key(self, job_id: str) -> str:
        return self._key(f"notifier:given-up:{job_id}")

    async def send_again(self, dead_letters: str, letter_id: str,
                         job_id: str) -> bool | None | SubscriptionDeleted | ChannelChanged:
        """Queue a job given up on again, due at Redis's now, with its attempts from zero and one more replay, and
        delete its dead letter ``letter_id`` on ``dead_letters``, atomically: True when queued; False when the letter is
        gone (sent again or dropped meanwhile); None when the job is no longer kept (past ``GIVEN_UP_TTL_SECONDS``);
        :class:`SubscriptionDeleted` (the letter kept) when its subscription is neither stored nor read from a
        subscriptions file (``notifier:subscriptions:from-file``) any more; :class:`ChannelChanged` (the letter kept)
        when the stored subscription of its id no longer sends where the job was to go; queued on the subscription's
        channel as it is now when that sends to the same place with other settings (a secret rotated, a recipient taken
        out). A subscription read from a file, whose channels this process does not know, has its letters queued as they
        were (the worker judges them when it claims them)."""
        given_up = await self._given_up(job_id)
        if given_up is None:
            return None
        job = given_up.model_copy(update={"attempts": 0, "replays": given_up.replays + 1})
        subscriptions = self._key("notifier:subscriptions")
        for _ in range(_REPLAY_TRIES):
            stored = await self.client.hget(subscriptions, job.subscription_id)
            current = (_channel_now(stored, given_up.channel, given_up.channel_position()) if stored is not None
                       else given_up.channel)
            if current is None:
                return ChannelChanged(job.subscription_id)
            job.channel = current  # the same place, with the settings it has now (a secret rotated since, say)
            queued = await self._send_again(
                keys=[dead_letters, self.given_up_key(job_id), self.job_key(job_id), self.zset, self.dests,
                      counts_key(dead_letters), counted_later_key(dead_letters), subscriptions,
                      self._key("notifier:subscriptions:from-file"), self.generations],
                args=[letter_id, job.model_dump_json(), job_id, job.destination, job.subscription_id,
                      stored or ""])
            if queued != -2:  # -2: changed between the read and the script: read it again
                break
        else:
            return ChannelChanged(job.subscription_id)
        if queued == -1:
            return SubscriptionDeleted(job.subscription_id)
        return bool(queued)

    async def _given_up(self, job_id: str) -> DeliveryJob | None:
        raw = await self.client.get(self.given_up_key(job_id))
        return None if raw is None else DeliveryJob.model_validate_json(raw)

    async def would_send_again(self, job_id: str) -> bool | None | SubscriptionDeleted | ChannelChanged:
        """What :meth:`send_again` would come to now, read without changing anything (``pledgewatch dlq show``):
        True when it would queue the job, None when the job is no longer kept, :class:`SubscriptionDeleted` or
        :class:`ChannelChanged` when it would keep the letter."""
        given_up = await self._given_up(job_id)
        if given_up is None:
            return None
        subscription_id = given_up.subscription_id
        stored = await self.client.hget(self._key("notifier:subscriptions"), subscription_id)
        if stored is None:
            from_file = await self.client.sismember(self._key("notifier:subscriptions:from-file"), subscription_id)
            return True if from_file else SubscriptionDeleted(subscription_id)
        if _channel_now(stored, given_up.channel, given_up.channel_position()) is None:
            return ChannelChanged(subscription_id)
        return True

    async def pending(self) -> int:
        return int(await self.client.zcard(self.zset))
