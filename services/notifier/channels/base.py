"""The one protocol every channel implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..messages import Message


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    error: str | None = None  # with ok: a note on the audit event, e.g. why nothing needed sending
    retryable: bool = True  # False: retrying cannot help (e.g. HTTP 404), dead-letter now
    detail: str | None = None  # how it was accepted: "HTTP 204", an SMTP reply
    unsubscribed: tuple[str, ...] = ()  # recipients left out as they unsubscribed (email), lower-cased
    retry_after: float | None = None  # seconds the endpoint asked to be left alone (a 429's or 503's Retry-After)

    @classmethod
    def delivered(cls, detail: str | None = None) -> "DeliveryResult":
        return cls(ok=True, detail=detail)

    @classmethod
    def failed(cls, error: str, *, retryable: bool = True, retry_after: float | None = None) -> "DeliveryResult":
        return cls(ok=False, error=error, retryable=retryable, retry_after=retry_after)


class Channel(Protocol):
    name: str
    destination: str  # where it goes, secrets removed (audit events, concurrency key)

    async def send(self, message: Message) -> DeliveryResult: ...
