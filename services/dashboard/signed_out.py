"""Sessions ended by signing out, kept in Redis until they would have ended by themselves.

A session cookie says by itself until when it is signed in (:mod:`.sessions`), so a copy of it taken before
sign-out would stay signed in for the rest of that time; its id kept here ends it for every copy. Only a
signed-in session is looked up: a visitor who never signed in costs Redis nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from redis.asyncio import Redis

from .sessions import Session


class SignedOutSessions:
    def __init__(self, client: Redis, key: Callable[[str], str]) -> None:
        self.client, self.key = client, key

    def _key(self, session: Session) -> str:
        return self.key(f"dashboard:signed-out:{session.id}")

    async def end(self, session: Session, now: datetime) -> None:
        """Ends ``session`` for every copy of its cookie (one no longer signed in has nothing to end)."""
        if session.signed_in(now):
            await self.client.set(self._key(session), 1, exat=session.signed_in_until)

    async def ended(self, session: Session) -> bool:
        return bool(await self.client.exists(self._key(session)))
