"""How long one send through a channel may take before it is cut. Pure."""

from __future__ import annotations


def send_bound(channel: object, default: float) -> float:
    """``default``, or the channel's own ``time_limit`` when longer (an email to many recipients: each SMTP
    exchange has its own timeout)."""
    return max(default, getattr(channel, "time_limit", 0.0))
