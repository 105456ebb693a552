"""Which subscriptions came from a subscriptions file, remembered in Redis across runs.

The file's subscriptions are loaded from the file at every run, never stored: a run started without it (no
``--subscriptions``, no ``PLEDGEWATCH_SUBSCRIPTIONS``) has none of them, and they receive nothing. Their ids
are remembered (``<prefix>notifier:subscriptions:from-file``) so that such a run says so at start, naming them;
their records (feed, planned reminders) are kept for the run that is given the file again. A file given that
leaves some out (an edit took them out, or it was replaced while the notifier was down) deleted them: that is told
once, they are forgotten, and what is kept for them is dropped a while later
(:meth:`.store.SubscriptionStore.drop_left_file`), unless a file given names them again or they are stored.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .store import LEFT_FILE_GRACE_SECONDS, SubscriptionStore
from .subscriptions import Subscription, channel_public, channels_summary

log = logging.getLogger(__name__)
# What to do about a file's subscriptions a run does not have, after "the" or "The".
GIVE_THE_FILE = ("file must be given to every run: `pledgewatch run --subscriptions FILE`, or set "
                 "PLEDGEWATCH_SUBSCRIPTIONS=FILE")


def not_loaded_text(ids: list[str], path: Path | None) -> str:
    """The warning for ``ids``, read from a subscriptions file in an earlier run and not loaded by a run given
    the file ``path`` (None: none)."""
    names = ", ".join(ids)
    if path is not None:
        return (f"subscription(s) {names}, read from a subscriptions file in an earlier run, are not in {path}: "
                f"they are taken as deleted, and their records and planned reminders are deleted in "
                f"{LEFT_FILE_GRACE_SECONDS // 60} minutes unless by then the file given names them again or they "
                f"are stored through the API. The {GIVE_THE_FILE}")
    return (f"subscription(s) {names}, read from a subscriptions file in an earlier run, are not loaded: this run "
            "was given no subscriptions file, so they receive nothing (their records and planned reminders are "
            f"kept; a reminder falling due meanwhile is dropped). The {GIVE_THE_FILE}")


async def absent_text(store: SubscriptionStore, sub_id: str) -> str:
    """Why there is no subscription ``sub_id`` to answer with: one a subscriptions file gave in an earlier run and
    that this run, given no file, does not have is said to be so, with what to do; any other, that there is none."""
    if store.file.path is None and await store.read_from_file_before(sub_id):
        return (f"no subscription {sub_id!r} in this run: it was read from a subscriptions file in an earlier run, "
                f"and this run was given no subscriptions file (the {GIVE_THE_FILE})")
    return f"no subscription {sub_id!r}"


async def tell_not_loaded(store: SubscriptionStore) -> None:
    """At start: say what the file given holds; warn of the subscriptions a file gave in an earlier run that are not
    loaded now (told at every start without a file; once when the file given leaves them out), forget those the
    file given leaves out (one stored through the API under such an id too: the file's is no more), and remember
    the ids of the file given now."""
    path = store.file.path
    if path is not None:
        subs = store.file.current()
        log.info("read %d subscription(s) from %s%s (read again whenever it is saved)", len(subs), path,
                 f": {', '.join(sub.id for sub in subs)}" if subs else "")
    if missing := await store.not_loaded_from_file():
        log.warning("%s", not_loaded_text(missing, path))
    if path is not None:
        await store.forget_file_ids(await store.not_in_file())
    await store.remember_file_ids(sub.id for sub in store.file.current())


async def note_edit(store: SubscriptionStore, before: set[str]) -> set[str]:
    """After the file is looked at again: remember the ids it gives now and forget those an edit took out (the
    reload was logged); returns the ids it gives now."""
    now = {sub.id for sub in store.file.current()}
    if now != before:
        await store.remember_file_ids(now - before)
        await store.forget_file_ids(before - now)
    return now


def overridden_text(stored: Subscription, path: Path | None) -> str:
    """The warning for the stored subscription ``stored``, which the one of the same id in the file ``path``
    takes the place of."""
    sends = channels_summary(channel_public(channel) for channel in stored.channels)
    return (f"subscription {stored.id!r} in the subscriptions file {path} overrides the stored subscription "
            f"{stored.id!r} ({sends}): the file's version is the one used, and the stored one receives nothing "
            "while the file defines that id (rename one of them to keep both)")


async def tell_overridden(store: SubscriptionStore, told: frozenset[str] = frozenset()) -> frozenset[str]:
    """Warn of each stored subscription that one of the same id in the file overrides, unless it was in ``told``
    (warned of already, at start or at an earlier reload); returns the ids overridden now."""
    file_ids = {sub.id for sub in store.file.current()}
    overridden = {sub.id: sub for sub in await store.stored() if sub.id in file_ids}
    for sub_id in sorted(overridden.keys() - told):
        log.warning("%s", overridden_text(overridden[sub_id], store.file.path))
    return frozenset(overridden)
