"""A server's ``Retry-After`` (``429``, ``503``) as the seconds it asks to be left alone (pure)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

ASK_TO_WAIT = frozenset({429, 503})  # the answers whose Retry-After says when to come back (RFC 9110 10.2.3, RFC 6585)


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """``value``, whole seconds or an HTTP date (GMT), as seconds from ``now`` (aware); 0 for a date past,
    ``None`` when absent or neither."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # no zone: not an HTTP date, which is always GMT
        return None
    return max(0.0, (moment - now).total_seconds())
