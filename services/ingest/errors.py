"""What can go wrong reading a source; every message names the URL."""

from __future__ import annotations


class SourceError(Exception):
    """A source could not be read this time; it is retried on the next poll."""


class FetchError(SourceError):
    """The request failed: refused, timed out, redirected too often, HTTP error status."""


class ContentError(SourceError):
    """The response came but cannot be used: too large, undecodable, unsafe or malformed."""
