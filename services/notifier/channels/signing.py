"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<body>``. Pure.

Headers: ``X-Pledgewatch-Timestamp: <unix seconds>`` and
``X-Pledgewatch-Signature: sha256=<hex>``.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Pledgewatch-Timestamp"
SIGNATURE_HEADER = "X-Pledgewatch-Signature"
ID_HEADER = "X-Pledgewatch-Alert-Id"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float,
           tolerance: float = 300) -> bool:
    """What a receiver does: recompute, compare in constant time, reject stale timestamps."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)
