"""A stored subscription this version cannot read (:class:`.store.UnreadableSubscription`: stored by an earlier
version before a bound it now keeps) and what each place says of it.

Every route of it answers ``409`` naming its problems (:func:`readable`), but ``PUT``, which replaces it, and
``DELETE``; the notifier's start, ``pledgewatch status``, ``pledgewatch subscriptions list`` and the dashboard say
that it receives nothing and how to fix it (:func:`unreadable_warning`). ``errors``: ``{"field", "message"}``
each, as the API's 422 names them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from services.common.api import field_error

from .store import SubscriptionStore, UnreadableSubscription

log = logging.getLogger(__name__)

T = TypeVar("T")
FIXES = "replace it (`pledgewatch subscriptions add FILE --replace`) or delete it"


def problems_text(errors: Sequence[Mapping[str, str]]) -> str:
    """``reminders: List should have at most 20 items …; filter.keywords: …``."""
    return "; ".join(f"{e['field']}: {e['message']}" for e in errors)


def refusal_text(sub_id: str, errors: Sequence[Mapping[str, str]]) -> str:
    """The API's ``409`` of it, in the API's own terms (PUT, DELETE)."""
    return (f"{sub_id!r} was stored by an earlier version with values this version refuses "
            f"({problems_text(errors)}): replace it (PUT) or delete it")


def unreadable_warning(sub_id: str, errors: Sequence[Mapping[str, str]]) -> str:
    """What an operator is told of it, with the commands that fix it."""
    return (f"stored subscription {sub_id!r} cannot be read by this version ({problems_text(errors)}): it receives "
            f"nothing; {FIXES} (`pledgewatch subscriptions delete {sub_id}`)")


async def readable(get: Callable[[str], Awaitable[T | None]], sub_id: str) -> T | None:
    """The subscription ``get`` finds under ``sub_id`` (None: none); one this version cannot read raises the API's
    ``409`` naming its problems."""
    try:
        return await get(sub_id)
    except UnreadableSubscription as exc:
        raise field_error(409, "id", refusal_text(sub_id, exc.errors)) from None


async def tell_unreadable(store: SubscriptionStore) -> list[UnreadableSubscription]:
    """Warn of each stored subscription this version cannot read, with what is wrong and how to fix it: once, at
    the notifier's start (reading them again is silent); returns them."""
    _, unreadable = await store.stored_and_unreadable()
    for refused in unreadable:
        log.warning("%s", unreadable_warning(refused.sub_id, refused.errors))
    return unreadable
