"""What can go wrong reading a source; every message names the URL."""

from __future__ import annotations


class SourceError(Exception):
    """A source could not be read this time; it is retried on the next poll."""


class FetchError(SourceError):
    """The request failed: refused, timed out, redirected too often, HTTP error status.

    ``failure``: what went wrong in words, naming the host but not the whole URL (``cannot resolve www.gov.uk
    (no network or DNS?)``); ``status``: the HTTP status the server answered, if it answered one;
    ``retry_after``: the seconds its ``Retry-After`` asked to wait before the next try, if it sent one."""

    def __init__(self, message: str, *, failure: str | None = None, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.failure = failure or message
        self.status = status
        self.retry_after = retry_after


class ContentError(SourceError):
    """The response came but cannot be used: too large, undecodable, unsafe or malformed."""
