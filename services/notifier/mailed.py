"""Who has been sent a message by email, so that a retry after a failure part-way (a recipient deferred,
the connection lost) mails only those who did not get it.

``<prefix>notifier:mailed:<message id>``: a set of lower-cased addresses, kept a week (retries end
long before).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.streams import as_text

KEEP_SECONDS = 7 * 86400


class Mailed:
    def __init__(self, client: Any, key: Callable[[str], str]) -> None:
        self.client, self._key = client, key

    def key(self, message_id: str) -> str:
        return self._key(f"notifier:mailed:{message_id}")

    async def of(self, message_id: str) -> set[str]:
        return {as_text(m) for m in await self.client.smembers(self.key(message_id))}

    async def add(self, message_id: str, address: str) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.sadd(self.key(message_id), address.lower())
            pipe.expire(self.key(message_id), KEEP_SECONDS)
            await pipe.execute()
