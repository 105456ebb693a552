"""What can go wrong reading a source; every message names the URL."""

from __future__ import annotations


class SourceError(Exception):
    """A source could not be read this time; it is retried on the next poll."""


class FetchError(SourceError):
    """The request failed: refused, timed out, redirected too often, HTTP error status (``status``)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def lasting(self) -> bool:
        """The server refused for good: a 4xx, but 408 (timed out) and 429 (too many requests), which pass."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)


class ContentError(SourceError):
    """The response came but cannot be used: too large, undecodable, unsafe or malformed."""
