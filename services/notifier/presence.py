"""Whether the subscription a delivery is for still has the channel it was queued for, asked before a queued
delivery is sent and after one fails: a subscription deleted (through the API or the CLI) or taken out of the
subscriptions file is sent nothing more, and a channel it no longer has (its URL changed, the channel taken out,
the subscription deleted and made again under its id with another channel) is sent nothing more: their queued and
retrying deliveries are cancelled rather than retried or dead-lettered.

A job holds the channel it was made for (its spec, secrets with it): that is what binds it to the subscription as
it was, in jobs of every version. A subscription of its id holding an equal channel (compared as the channel model
reads them, so that a job written before a channel field was added still matches) is sent to; a change of its
filter, mode or pause is not a change of its channels.

A subscription is there when the file last read gives its id (the file's subscriptions are never stored in
Redis), the subscriptions hash holds it, or it was read from a subscriptions file and not taken out of one since
(``<prefix>notifier:subscriptions:from-file``): a run not given the file still sends what was queued for it, its
channels unknown to that run. A job about to be cancelled is judged once more by the file as it is now: under
``pledgewatch run --workers`` the process that read an edit of the file (a subscription added, a channel
changed), and queued its deliveries, may not be the one claiming them, which would otherwise judge by the file as
it last read it until some process notes the edit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Literal

from .subscriptions import Subscription

CANCELLED = "cancelled: subscription deleted"
CHANNEL_CHANGED = "cancelled: channel changed"

Why = Literal["deleted", "changed"]


def cancellation(subscription_id: str, failure: str | None = None, why: Why = "deleted") -> str:
    """The error text of a delivery cancelled because ``subscription_id`` is gone (``why`` "deleted") or no
    longer has the job's channel ("changed"): before its attempt (``failure`` None: not sent), or after an attempt
    that failed with ``failure``."""
    if why == "changed":
        text = (f"{CHANNEL_CHANGED} (subscription '{subscription_id}' no longer has the channel this delivery was "
                "queued for: changed, taken out, or the subscription made again with another)")
    else:
        text = (f"{CANCELLED} (no subscription '{subscription_id}' now: deleted, or in a subscriptions file this "
                "run was not given)")
    return f"{text}; this attempt failed: {failure}" if failure else f"{text}; not sent"


_CANONICAL: dict[str, str | None] = {}  # a spec's JSON as written -> as the channel model reads it


def canonical_channel(spec: dict[str, Any]) -> str | None:
    """``spec`` (a channel as a job or a subscription holds it) as JSON after the channel model read it: a field
    added since with its default, keys sorted; None when the model refuses it (the send says why)."""
    written = json.dumps(spec, sort_keys=True)
    try:
        return _CANONICAL[written]
    except KeyError:
        pass
    try:
        channel = Subscription.model_validate({"id": "x", "channels": [spec]}).channels[0]
    except ValueError:
        canonical = None
    else:
        canonical = json.dumps(channel.model_dump(mode="json"), sort_keys=True)
    if len(_CANONICAL) >= 4096:
        _CANONICAL.clear()
    _CANONICAL[written] = canonical
    return canonical


def holds_channel(sub: Subscription, spec: dict[str, Any]) -> bool:
    """Whether ``sub`` has the channel ``spec`` (a queued job's); True for a spec no model reads (not a change
    of the subscription: the send fails it as a bad channel)."""
    wanted = canonical_channel(spec)
    if wanted is None:
        return True
    return any(canonical_channel(channel.model_dump(mode="json")) == wanted for channel in sub.channels)


class SubscriptionPresence:
    def __init__(self, client: Any, stored_key: str, from_file_key: str,
                 file_subscriptions: Callable[[], Iterable[Subscription]], *,
                 looked_again: Callable[[], Iterable[Subscription]] | None = None) -> None:
        """``stored_key``: the subscriptions hash; ``from_file_key``: the set of ids read from a file in any run;
        ``file_subscriptions()``: those of the file last read, without looking at the file again (it is watched
        elsewhere); ``looked_again()``: those of the file as it is now, asked only when a job would be
        cancelled."""
        self.client, self.stored_key, self.from_file_key = client, stored_key, from_file_key
        self.file_subscriptions, self.looked_again = file_subscriptions, looked_again
        self._parsed: dict[bytes, Subscription | None] = {}  # stored JSON -> its model (None: unreadable)

    async def gone(self, jobs: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[str, Why]:
        """Of ``jobs`` (job id, subscription id, channel spec), those not to be sent and why, in one round trip
        (none when every subscription is the file's)."""
        jobs = list(jobs)
        in_file = {sub.id: sub for sub in self.file_subscriptions()}
        wanted = sorted({sub_id for _, sub_id, _ in jobs} - set(in_file))
        subs: dict[str, Subscription | None] = dict(in_file)
        if wanted:
            reads = self.client.pipeline(transaction=False)
            for sub_id in wanted:
                reads.hget(self.stored_key, sub_id)
                reads.sismember(self.from_file_key, sub_id)
            answers = await reads.execute()
            for n, sub_id in enumerate(wanted):
                stored, from_file = answers[2 * n], answers[2 * n + 1]
                if stored is not None:
                    subs[sub_id] = self._stored(stored)
                elif from_file:
                    subs[sub_id] = None  # read from a file this run was not given: its channels unknown here
        why = _judged(jobs, subs)
        if why and self.looked_again is not None:
            now = {sub.id: sub for sub in self.looked_again()}
            why = _judged([job for job in jobs if job[0] in why], {**subs, **now})
        return why

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


def _judged(jobs: Iterable[tuple[str, str, dict[str, Any]]],
            subs: dict[str, Subscription | None]) -> dict[str, Why]:
    """Of ``jobs``, those not to be sent and why, given ``subs`` (a subscription there with its channels unknown:
    None)."""
    why: dict[str, Why] = {}
    for job_id, sub_id, spec in jobs:
        if sub_id not in subs:
            why[job_id] = "deleted"
        elif (sub := subs[sub_id]) is not None and not holds_channel(sub, spec):
            why[job_id] = "changed"
    return why
