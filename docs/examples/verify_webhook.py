import hashlib
import hmac
import time
from collections.abc import Mapping


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever the case of its name: most frameworks lower-case them."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def verify(secret: str, headers: Mapping[str, str], body: bytes, tolerance: int = 300) -> bool:
    """True when ``body`` (the raw bytes received) was signed with ``secret`` less than ``tolerance`` s ago."""
    timestamp = header(headers, "X-Pledgewatch-Timestamp") or ""
    signature = header(headers, "X-Pledgewatch-Signature") or ""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(time.time() - int(timestamp)) > tolerance:  # refuse replays of old requests
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(("sha256=" + mac.hexdigest()).encode(), signature.encode())
