"""Whether the subscription a delivery is for still sends where the delivery was queued to go, asked before a
queued delivery is sent and after one fails: a subscription deleted (through the API or the CLI) or taken out of
the subscriptions file is sent nothing more, and a place it no longer sends to (a webhook's URL changed, an email
channel's recipients all replaced, the channel taken out, the subscription deleted and made again under its id
with a channel elsewhere) is sent nothing more: their queued and retrying deliveries are cancelled rather than
retried or dead-lettered. A channel still sending to the same place with other settings (a webhook's secret
rotated, a recipient taken out) has its queued deliveries sent with the settings it has now (:mod:`.queued_channel`).

A job holds the channel it was made for (its spec, secrets with it): that is what binds it to the subscription as
it was, in jobs of every version. A change of the subscription's filter, mode or pause is not a change of its
channels. A subscription deleted and made again under its id, even with the very channel it had, is not sent what
was queued for the one deleted: a job marked with the generation of the subscription it was planned for (an alert
of a release: :mod:`.outbox`, ``job-generation``) is cancelled as the deleted one's when the subscription of its id
is of a later generation now; a job without the mark (queued by an earlier version; a digest, weekly message or
reminder) when its message was made before the subscription was made again (the store records when,
``made-again``).

A subscription is there when the file last read gives its id (the file's subscriptions are never stored in
Redis), the subscriptions hash holds it, or it was read from a subscriptions file and not taken out of one since
(``<prefix>notifier:subscriptions:from-file``): a run not given the file still sends what was queued for it, its
channels unknown to that run. A job about to be cancelled, or sent with other settings than it holds, is judged
once more by the file as it is now: under ``pledgewatch run --workers`` the process that read an edit of the file
(a subscription added, a channel changed, a secret rotated), and queued its deliveries, may not be the one
claiming them, which would otherwise judge by the file as it last read it until some process notes the edit
(and cancel them, or sign them with the secret they replaced).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .queued_channel import channel_now
from .subscriptions import Subscription

CANCELLED = "cancelled: subscription deleted"
CHANNEL_CHANGED = "cancelled: channel changed"

Why = Literal["deleted", "changed"]
# job id, subscription id, channel spec, its position (or a function giving it, asked only when its subscription no
# longer has the channel as it was), when its message was made (unix seconds; None: unknown), asked only of a job of
# a subscription made again, and its subscription's generation as planned (None: not marked)
Queued = tuple[str, str, dict[str, Any], int | None | Callable[[], int | None], Callable[[], float | None], int | None]


def cancellation(subscription_id: str, failure: str | None = None, why: Why = "deleted") -> str:
    """The error text of a delivery cancelled because ``subscription_id`` is gone (``why`` "deleted") or no
    longer sends where the job was to go ("changed"): before its attempt (``failure`` None: not sent), or after an
    attempt that failed with ``failure``."""
    if why == "changed":
        text = (f"{CHANNEL_CHANGED} (subscription '{subscription_id}' no longer sends where this delivery was "
                "queued to go: its URL or recipients changed, the channel taken out, or the subscription made again "
                "with another)")
    else:
        text = (f"{CANCELLED} (no subscription '{subscription_id}' now: deleted, or in a subscriptions file this "
                "run was not given)")
    return f"{text}; this attempt failed: {failure}" if failure else f"{text}; not sent"


@dataclass(frozen=True)
class Judged:
    """Of some jobs (by id): those not to be sent and why (``cancelled``), and those to be sent on their
    subscription's channel as it is now, its settings changed since they were queued (``current``: the spec)."""

    cancelled: dict[str, Why] = field(default_factory=dict)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)


class SubscriptionPresence:
    def __init__(self, client: Any, stored_key: str, from_file_key: str,
                 file_subscriptions: Callable[[], Iterable[Subscription]], *,
                 looked_again: Callable[[], Iterable[Subscription]] | None = None,
                 made_again_key: str | None = None, generations_key: str | None = None) -> None:
        """``stored_key``: the subscriptions hash; ``from_file_key``: the set of ids read from a file in any run;
        ``file_subscriptions()``: those of the file last read, without looking at the file again (it is watched
        elsewhere); ``looked_again()``: those of the file as it is now, asked only when a job would be
        cancelled or sent with other settings than it holds; ``made_again_key``: the hash of when each stored
        subscription was made where one of its id had been, ``generations_key``: the hash of each subscription
        id's generation (both :class:`.store.SubscriptionStore`'s)."""
        self.client, self.stored_key, self.from_file_key = client, stored_key, from_file_key
        self.file_subscriptions, self.looked_again = file_subscriptions, looked_again
        self.made_again_key, self.generations_key = made_again_key, generations_key
        self._parsed: dict[bytes, Subscription | None] = {}  # stored JSON -> its model (None: unreadable)

    async def judge(self, jobs: Iterable[Queued]) -> Judged:
        """Of ``jobs`` (job id, subscription id, channel spec, its position in the channel list it was made from:
        None when unknown, when its message was made, the generation it was planned for: None when not marked),
        those not to be sent and why, and those to be sent on their subscription's channel as it is now, in one
        round trip (none when every subscription is the file's)."""
        jobs = list(jobs)
        in_file = {sub.id: sub for sub in self.file_subscriptions()}
        wanted = sorted({job[1] for job in jobs} - set(in_file))
        marked = {job[1] for job in jobs if job[5] is not None} if self.generations_key is not None else set()
        subs: dict[str, Subscription | None] = dict(in_file)
        made_again: dict[str, float] = {}
        generations: dict[str, int] = {}
        if wanted:
            reads = self.client.pipeline(transaction=True)  # the subscription and its generation as of one moment
            for sub_id in wanted:
                reads.hget(self.stored_key, sub_id)
                reads.sismember(self.from_file_key, sub_id)
                if self.made_again_key is not None:
                    reads.hget(self.made_again_key, sub_id)
                if sub_id in marked:
                    reads.hget(self.generations_key, sub_id)
            answers = iter(await reads.execute())
            for sub_id in wanted:
                stored, from_file = next(answers), next(answers)
                at = next(answers) if self.made_again_key is not None else None
                generation = next(answers) if sub_id in marked else None
                if stored is not None:
                    subs[sub_id] = self._stored(stored)
                    if at:
                        made_again[sub_id] = float(at)
                    if sub_id in marked:  # one stored before generations were counted: 0, as its jobs were marked
                        generations[sub_id] = int(generation or 0)
                elif from_file:
                    subs[sub_id] = None  # read from a file this run was not given: its channels unknown here
        judged = _judged(jobs, subs, made_again, generations)
        doubtful = judged.cancelled.keys() | judged.current.keys()  # the others go out as queued
        if doubtful and self.looked_again is not None:
            now = {sub.id: sub for sub in self.looked_again()}
            judged = _judged([job for job in jobs if job[0] in doubtful], {**subs, **now},
                             {k: v for k, v in made_again.items() if k not in now},
                             {k: v for k, v in generations.items() if k not in now})
        return judged

    def _stored(self, raw: bytes) -> Subscription | None:
        if raw in self._parsed:
            return self._parsed[raw]
        try:
            sub: Subscription | None = Subscription.model_validate_json(raw)
        except ValueError:
            sub = None  # an unreadable one is not a change of channel: sent as queued
        if len(self._parsed) >= 1024:
            self._parsed.clear()
        self._parsed[raw] = sub
        return sub


def _judged(jobs: Iterable[Queued], subs: dict[str, Subscription | None],
            made_again: dict[str, float] | None = None, generations: dict[str, int] | None = None) -> Judged:
    """What to do with ``jobs``, given ``subs`` (a subscription there with its channels unknown: None), the
    generation of each stored one now (``generations``: a job marked with an earlier one is the deleted one's) and
    when each of them made again was made (``made_again``): a job not marked whose message was made before is the
    deleted one's."""
    judged, made_again, generations = Judged(), made_again or {}, generations or {}
    for job_id, sub_id, spec, position, made_at, planned_for in jobs:
        if sub_id not in subs or _deleted_since(planned_for, generations.get(sub_id), made_at,
                                                made_again.get(sub_id)):
            judged.cancelled[job_id] = "deleted"
        elif (sub := subs[sub_id]) is not None:
            current = channel_now(sub, spec, position)
            if current is None:
                judged.cancelled[job_id] = "changed"
            elif current is not spec:
                judged.current[job_id] = current
    return judged


def _deleted_since(planned_for: int | None, generation: int | None, made_at: Callable[[], float | None],
                   subscription_made: float | None) -> bool:
    """Whether a job was queued for a subscription deleted since (its id's generation now is later than the one
    the job was planned for); a job without that mark, or of a subscription whose generation was not read (the
    file's), is judged by the time it was made (:func:`_made_before`)."""
    if planned_for is not None and generation is not None:
        return planned_for < generation
    return _made_before(made_at, subscription_made)


def _made_before(made_at: Callable[[], float | None], subscription_made: float | None) -> bool:
    """Whether a job's message was made before its subscription was made again (then it was queued for the one
    deleted before): only asked of a subscription made again, as reading the time parses the message."""
    if subscription_made is None:
        return False
    at = made_at()
    return at is not None and at < subscription_made
