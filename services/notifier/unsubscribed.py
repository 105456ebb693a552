"""Who has unsubscribed: per subscription, the addresses its email channels no longer write to.

Kept in Redis (``<prefix>notifier:unsubscribed:<subscription id>``, a set of lower-cased addresses)
rather than by editing the subscription, so that it holds as well for subscriptions from the file
(which the API cannot change) and for every email channel of the subscription naming the address.

An unsubscribe link is bound to one subscription, not just to its id: the store counts a generation per id
(``<prefix>notifier:subscriptions:generations``), up by one each time a subscription of that id is created or
deleted, and deletes this set with it. A link made for an earlier generation records nothing, so a new
subscription of a deleted one's id starts with every address it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.streams import as_text

from .addresses import mailbox

# KEYS: the generations hash, the set. ARGV: the subscription id, the link's generation, the address.
# -1: the link is of another generation; else whether the address was added. One script, so that a
# subscription deleted (or created again) since the link was checked gets nothing recorded.
_ADD_IF_CURRENT = """
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') ~= tonumber(ARGV[2]) then return -1 end
return redis.call('SADD', KEYS[2], ARGV[3])
"""


def _recorded(address: str) -> str:
    """``address`` as an unsubscribe records it: the mailbox, lower-cased (:func:`.addresses.mailbox`); one that
    does not parse (recorded before addresses were checked as they are now) as it is, lower-cased."""
    try:
        return mailbox(address)
    except ValueError:
        return address.lower()


def unsubscribed_key(key: Callable[[str], str], subscription_id: str) -> str:
    return key(f"notifier:unsubscribed:{subscription_id}")


class Unsubscribed:
    def __init__(self, client: Any, key: Callable[[str], str], generations: str) -> None:
        """``generations``: the hash of each subscription id's generation (the store's)."""
        self.client, self._key, self.generations = client, key, generations
        self._add_if_current = client.register_script(_ADD_IF_CURRENT)

    def key(self, subscription_id: str) -> str:
        return unsubscribed_key(self._key, subscription_id)

    async def generation(self, subscription_id: str) -> int:
        """Which subscription of this id is the current one (0 when none was created or deleted since
        generations were counted)."""
        return int(await self.client.hget(self.generations, subscription_id) or 0)

    async def add(self, subscription_id: str, address: str, generation: int) -> bool | None:
        """True when ``address`` was subscribed until now; None (nothing recorded) when ``generation`` is not
        the subscription's current one."""
        added = await self._add_if_current(keys=[self.generations, self.key(subscription_id)],
                                           args=[subscription_id, generation, address.lower()])
        return None if added == -1 else bool(added)

    async def remove(self, subscription_id: str, address: str) -> bool:
        """Undo an unsubscribe; True when there was one. ``address`` is read as the mailbox it names (a domain
        written as its A-label or not, a local part composed or not), as its link recorded it."""
        return bool(await self.client.srem(self.key(subscription_id), _recorded(address)))

    async def of(self, subscription_id: str) -> set[str]:
        return {as_text(m) for m in await self.client.smembers(self.key(subscription_id))}

    async def of_each(self, subscription_ids: list[str]) -> dict[str, set[str]]:
        """Who unsubscribed from each of ``subscription_ids`` (those none did left out), in one round trip."""
        async with self.client.pipeline(transaction=False) as pipe:
            for sub_id in subscription_ids:
                pipe.smembers(self.key(sub_id))
            found = await pipe.execute()
        return {sub_id: {as_text(m) for m in members} for sub_id, members in zip(subscription_ids, found) if members}
