"""Who has unsubscribed: per subscription, the addresses its email channels no longer write to.

Kept in Redis (``<prefix>notifier:unsubscribed:<subscription id>``, a set of lower-cased addresses)
rather than by editing the subscription, so that it holds as well for subscriptions from the file
(which the API cannot change) and for every email channel of the subscription naming the address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.streams import as_text


class Unsubscribed:
    def __init__(self, client: Any, key: Callable[[str], str]) -> None:
        self.client, self._key = client, key

    def key(self, subscription_id: str) -> str:
        return self._key(f"notifier:unsubscribed:{subscription_id}")

    async def add(self, subscription_id: str, address: str) -> bool:
        """True when ``address`` was subscribed until now."""
        return bool(await self.client.sadd(self.key(subscription_id), address.lower()))

    async def remove(self, subscription_id: str, address: str) -> bool:
        """Undo an unsubscribe; True when there was one."""
        return bool(await self.client.srem(self.key(subscription_id), address.lower()))

    async def of(self, subscription_id: str) -> set[str]:
        return {as_text(m) for m in await self.client.smembers(self.key(subscription_id))}
