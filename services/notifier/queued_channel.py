"""Which of a subscription's channels a queued delivery goes out on now. Pure.

A job holds the channel it was made for (its spec, secrets with it). When the subscription still has that
channel as it was, the job goes out as queued. When the subscription has a channel sending to the same place
with other settings, the job goes out on that one, as it is now (a webhook's secret rotated signs it with the new
secret). When the subscription has no channel sending to that place, the job has nowhere to go (it is cancelled).

The same place, by channel type: a webhook's URL, exactly as written (its secret and content mode are settings);
an Apprise URL, exactly as written, for its tokens are the address as much as the credential and a rotated token
cannot be told from another service; the console. A channel of another type is never the same place. The channel
taken is the one sending there at the job's own position in the channel list it was made from (each channel made
its own job), else the only one sending there; when several do and none is at its position, the job goes out as
queued: taking one of them could send that channel's alert twice and leave another's unsent.

An email job goes to its own recipients that the subscription still lists in any of its email channels (compared
as :func:`.addresses.mailbox` reads them: case and display name aside), written as listed now, and to no other:
channels merged or split still mail each recipient once per alert, a recipient added gets new alerts only, one
taken out nothing more. None of them listed any more: cancelled.

Channels are compared as the channel model reads them (a field added since with its default), so that a job
written before a field was added still matches its channel as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .addresses import mailbox
from .subscriptions import EmailChannel, Subscription

_READ: dict[str, tuple[BaseModel, str] | None] = {}  # a spec's JSON as written -> (its model, canonical JSON)


def _read(spec: dict[str, Any]) -> tuple[BaseModel, str] | None:
    """``spec`` read by the channel model, and its canonical JSON (keys sorted); None when the model refuses it."""
    written = json.dumps(spec, sort_keys=True)
    try:
        return _READ[written]
    except KeyError:
        pass
    try:
        channel = Subscription.model_validate({"id": "x", "channels": [spec]}).channels[0]
    except ValueError:
        read = None
    else:
        read = (channel, json.dumps(channel.model_dump(mode="json"), sort_keys=True))
    if len(_READ) >= 4096:
        _READ.clear()
    _READ[written] = read
    return read


def _canonical(spec: dict[str, Any]) -> str | None:
    """``spec`` as JSON after the channel model read it; None when the model refuses it."""
    read = _read(spec)
    return read[1] if read is not None else None


def _listed(sub: Subscription) -> dict[str, str]:
    """Each mailbox ``sub``'s email channels list, as the first of them to list it writes it."""
    listed: dict[str, str] = {}
    for channel in sub.channels:
        if isinstance(channel, EmailChannel):
            for text in channel.to:
                listed.setdefault(mailbox(text), text)
    return listed


def _email_now(sub: Subscription, queued: EmailChannel) -> dict[str, Any] | None:
    """The job's own recipients that ``sub`` still lists in any of its email channels, written as listed now;
    None when it lists none of them."""
    listed = _listed(sub)
    to = [listed[key] for key in dict.fromkeys(mailbox(text) for text in queued.to) if key in listed]
    return EmailChannel(to=to).model_dump(mode="json") if to else None


def _at_same_url(sub: Subscription, queued: BaseModel, position: int | None,
                 spec: dict[str, Any]) -> dict[str, Any] | None:
    """Of ``sub``'s channels of ``queued``'s type and URL: the one at ``position`` (the job's own in the channel list
    it was made from); else the only one; else, several and none at its position, ``spec`` as queued; None when
    there is none."""
    there = [n for n, channel in enumerate(sub.channels)
             if getattr(channel, "type", None) == getattr(queued, "type", None)
             and getattr(channel, "url", None) == getattr(queued, "url", None)]
    if position in there:
        return sub.channels[position].model_dump(mode="json")
    if len(there) == 1:
        return sub.channels[there[0]].model_dump(mode="json")
    return spec if there else None


def channel_now(sub: Subscription, spec: dict[str, Any],
                position: int | None | Callable[[], int | None] = None) -> dict[str, Any] | None:
    """The channel a job queued for ``spec`` goes out on, given its subscription ``sub`` and the job's position in
    the channel list it was made from (None: unknown; or a function giving it, asked only when ``sub`` no longer has
    the channel as it was): ``spec`` itself when ``sub`` has it as it was (or no channel model reads it: not a change
    of the subscription, the send fails it as a bad channel); the channel sending to the same place with the
    settings it has now; None when ``sub`` sends to that place no more."""
    read = _read(spec)
    if read is None:
        return spec
    queued, canonical = read
    if any(_canonical_of(channel) == canonical for channel in sub.channels):
        return spec
    if callable(position):
        position = position()
    now = _email_now(sub, queued) if isinstance(queued, EmailChannel) else _at_same_url(sub, queued, position, spec)
    return spec if now is not None and _canonical(now) == canonical else now


# id(channel) -> (the channel, its canonical JSON); the channel is held, so its id is not reused while kept
_CANONICAL_OF: dict[int, tuple[BaseModel, str | None]] = {}


def _canonical_of(channel: BaseModel) -> str | None:
    """:func:`_canonical` of a subscription's channel, worked out once per channel (it is immutable), not for every
    job judged against it."""
    held = _CANONICAL_OF.get(id(channel))
    if held is None or held[0] is not channel:
        if len(_CANONICAL_OF) >= 4096:
            _CANONICAL_OF.clear()
        held = _CANONICAL_OF[id(channel)] = (channel, _canonical(channel.model_dump(mode="json")))
    return held[1]
