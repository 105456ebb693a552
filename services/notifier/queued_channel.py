"""Which of a subscription's channels a queued delivery goes out on now. Pure.

A job holds the channel it was made for (its spec, secrets with it). When the subscription still has that
channel as it was, the job goes out as queued. When the subscription has a channel sending to the same place
with other settings, the job goes out on that one, as it is now: a webhook's secret rotated signs it with the new
secret, an email channel with a recipient added or taken out mails the recipients listed now. When the
subscription has no channel sending to that place, the job has nowhere to go (it is cancelled).

The same place, by channel type: a webhook's URL, exactly as written (its secret and content mode are settings);
an email channel sharing at least one mailbox with the queued one (compared as :func:`.addresses.mailbox` reads
them: case and display name aside); an Apprise URL, exactly as written, for its tokens are the address as much as
the credential and a rotated token cannot be told from another service; the console. A channel of another type is
never the same place. Of several channels sending to the same place, the one sharing the most mailboxes with the
queued one, the first on a tie.

Channels are compared as the channel model reads them (a field added since with its default), so that a job
written before a field was added still matches its channel as it was.
"""

from __future__ import annotations

import json
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


def _mailboxes(channel: EmailChannel) -> set[str]:
    return {mailbox(text) for text in channel.to}


def _shared_place(queued: BaseModel, now: BaseModel) -> int:
    """How much of the place ``queued`` sends to ``now`` sends to as well: 0 when it sends elsewhere; for email
    channels, the mailboxes they share; else 1."""
    if getattr(queued, "type", None) != getattr(now, "type", None):
        return 0
    if isinstance(queued, EmailChannel) and isinstance(now, EmailChannel):
        return len(_mailboxes(queued) & _mailboxes(now))
    return 1 if getattr(queued, "url", None) == getattr(now, "url", None) else 0


def channel_now(sub: Subscription, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The channel a job queued for ``spec`` goes out on, given its subscription ``sub``: ``spec`` itself when
    ``sub`` has it as it was (or no channel model reads it: not a change of the subscription, the send fails it
    as a bad channel); the spec of ``sub``'s channel sending to the same place when its settings changed; None
    when ``sub`` sends to that place no more."""
    read = _read(spec)
    if read is None:
        return spec
    queued, canonical = read
    if any(_canonical(channel.model_dump(mode="json")) == canonical for channel in sub.channels):
        return spec
    best: BaseModel | None = None
    most = 0
    for channel in sub.channels:
        if (n := _shared_place(queued, channel)) > most:
            best, most = channel, n
    return best.model_dump(mode="json") if best is not None else None
