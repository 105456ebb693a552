"""Unsubscribe links: one per subscription and recipient, signed so that only that recipient's link
unsubscribes that recipient. Pure.

A token is ``<base64url of "<subscription id>\\n<address>[\\n<generation>]">.<base64url of its HMAC-SHA256,
16 bytes>``, keyed by a server secret (``PLEDGEWATCH_UNSUBSCRIBE_SECRET``, else derived from the API token). It
names the subscription, the address it unsubscribes and which subscription of that id it was made for (its
generation, counted up each time a subscription of that id is created or deleted; left out when 0, so the
links made before generations were counted read as generation 0), and nothing can be changed in it without
the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.common.settings import Settings

    from .config import NotifierConfig

MAC_BYTES = 16  # 128 bits: unguessable, and a shorter link
MAX_TOKEN = 640  # a subscription id (64), an address (254) and a generation (20 digits), encoded, with the MAC
_CONTEXT = b"pledgewatch unsubscribe links v1"  # a key derived for this use only


@dataclass(frozen=True)
class Recipient:
    """Who an unsubscribe link is for: an address (lower-cased) of one subscription, the one of that id at
    ``generation`` (:mod:`.unsubscribed`)."""

    subscription_id: str
    address: str
    generation: int = 0


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class UnsubscribeLinks:
    """Makes and reads the links under ``base_url`` (``<base_url>/unsubscribe/<token>``)."""

    key: bytes = field(repr=False)
    base_url: str

    @classmethod
    def from_secret(cls, secret: str, base_url: str) -> UnsubscribeLinks:
        return cls(hmac.new(secret.encode(), _CONTEXT, hashlib.sha256).digest(), base_url.rstrip("/"))

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).digest()[:MAC_BYTES]

    def token(self, subscription_id: str, address: str, generation: int = 0) -> str:
        text = f"{subscription_id}\n{address.lower()}"
        payload = (f"{text}\n{generation}" if generation else text).encode()
        return f"{_encode(payload)}.{_encode(self._mac(payload))}"

    def url(self, subscription_id: str, address: str, generation: int = 0) -> str:
        return f"{self.base_url}/unsubscribe/{self.token(subscription_id, address, generation)}"

    def read(self, token: str) -> Recipient | None:
        """Who ``token`` unsubscribes, or None when it was not made with this key (or is malformed)."""
        body, dot, mac = token.partition(".")
        if not dot or len(token) > MAX_TOKEN or not token.isascii():
            return None
        try:
            payload, given = _decode(body), _decode(mac)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(self._mac(payload), given) or f"{_encode(payload)}.{_encode(given)}" != token:
            return None  # the decoder skips what is not base64url and the unused low bits: only one text is it
        subscription_id, newline, rest = payload.decode("utf-8", "replace").partition("\n")
        address, _, generation = rest.partition("\n")
        if not newline or generation and not (generation.isascii() and generation.isdigit()):
            return None
        return Recipient(subscription_id, address, int(generation or 0))


def unsubscribe_links(config: NotifierConfig, settings: Settings) -> UnsubscribeLinks | None:
    """The links of this notifier: keyed by ``PLEDGEWATCH_UNSUBSCRIBE_SECRET`` or else the API token (None
    when there is neither), under ``PLEDGEWATCH_PUBLIC_URL`` or else the API's own address."""
    secret = (config.unsubscribe_secret.get_secret_value() if config.unsubscribe_secret is not None
              else settings.api_token_value)
    if secret is None:
        return None
    return UnsubscribeLinks.from_secret(secret, public_base(config, settings))


def public_base(config: NotifierConfig, settings: Settings) -> str:
    """The notifier's API as recipients reach it: ``PLEDGEWATCH_PUBLIC_URL``, else the API's own address."""
    host = f"[{settings.http_host}]" if ":" in settings.http_host else settings.http_host
    return config.public_url or f"http://{host}:{settings.http_port}"


def dashboard_base(config: NotifierConfig, settings: Settings) -> str:
    """The dashboard as recipients reach it: ``PLEDGEWATCH_DASHBOARD_URL``, else :func:`public_base` (``pledgewatch
    run`` serves both on one port), as the alerts feed links it."""
    return (config.dashboard_url or public_base(config, settings)).rstrip("/")
