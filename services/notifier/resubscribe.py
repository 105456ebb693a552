"""Undoing an unsubscribe: an address one subscription's email channels left out, written to again.

The one place it is done: the API's ``DELETE /subscriptions/{id}/unsubscribed/{address}`` (and so
``pledgewatch subscriptions resubscribe``) and the dashboard's button both call :func:`resubscribe`. Doing it
twice is doing it once: the second finds the address no longer unsubscribed and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import Enum

from .addresses import unseen_character_in
from .unsubscribed import Unsubscribed

log = logging.getLogger(__name__)


class Resubscription(Enum):
    DONE = "done"
    NOT_UNSUBSCRIBED = "not unsubscribed"  # nothing to undo (done already, or never unsubscribed)
    NO_SUBSCRIPTION = "no subscription"


async def resubscribe(find_subscription: Callable[[str], Awaitable[object | None]], unsubscribed: Unsubscribed,
                      subscription_id: str, address: str) -> Resubscription:
    """Undo ``address``'s unsubscribe from ``subscription_id`` (the file's or a stored one, as
    ``find_subscription`` finds it; None: there is none). Redis errors pass through: retrying is safe. Raises
    ValueError, naming the character, for an address holding one no address may (U+200B ZERO WIDTH SPACE, …)."""
    if await find_subscription(subscription_id) is None:
        return Resubscription.NO_SUBSCRIPTION
    problem = unseen_character_in(address)
    if problem:
        raise ValueError(f"not an email address: {address!r} ({problem})")
    if not await unsubscribed.remove(subscription_id, address):
        return Resubscription.NOT_UNSUBSCRIBED
    log.info("%s subscribed again to subscription %s", address.lower(), subscription_id)
    return Resubscription.DONE
