"""Chat and other services through Apprise URLs (Slack, Teams, Discord, Telegram, ntfy, …)."""

from __future__ import annotations

import asyncio
import warnings

with warnings.catch_warnings():  # Apprise's plugins import the deprecated imghdr module once
    warnings.simplefilter("ignore", DeprecationWarning)
    import apprise

    apprise.Apprise.instantiate("json://localhost")  # load the plugins now, inside this filter

from services.common.outbound import TargetPolicy, TargetRefused

from ..messages import Message, message_text
from ..redaction import redact_url
from .base import DeliveryResult


def apprise_url_problem(url: str) -> str | None:
    """None when Apprise understands ``url``, else why not."""
    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        scheme = url.split("://", 1)[0]
        return f"Apprise does not understand this URL (scheme {scheme!r}); see the Apprise wiki for services"
    return None


# Apprise services whose URL names the server to reach (the others name a token of a public service).
_SELF_HOSTED = frozenset("json jsons xml xmls form forms gotify gotifys mmost mmosts rocket rockets apprise apprises "
                         "matrix matrixs ntfy ntfys nctalk nctalks ncloud nclouds mqtt mqtts".split())


class AppriseSender:
    name = "apprise"

    def __init__(self, url: str, *, timeout: float, targets: TargetPolicy | None = None) -> None:
        self.url, self.timeout = url, timeout
        self.targets = targets or TargetPolicy()
        self.destination = redact_url("apprise", url)  # tokens can sit anywhere in the URL

    async def send(self, message: Message) -> DeliveryResult:
        title, body = message_text(message)
        notifier = apprise.Apprise()
        if not notifier.add(self.url):
            return DeliveryResult.failed("Apprise does not understand the URL", retryable=False)
        try:
            await self._check_targets(notifier)
        except TargetRefused as exc:
            return DeliveryResult.failed(str(exc), retryable=False)
        try:
            ok = await asyncio.wait_for(notifier.async_notify(body=body, title=title), timeout=self.timeout)
        except asyncio.TimeoutError:
            return DeliveryResult.failed(f"timed out after {self.timeout:g}s")
        if not ok:
            return DeliveryResult.failed(f"{self.destination} refused the notification")
        return DeliveryResult.delivered(f"accepted by {self.destination}")

    async def _check_targets(self, notifier: "apprise.Apprise") -> None:
        """Refuse a self-hosted target (``json://``, ``ntfy://``, ...) that resolves to a non-public address.
        Apprise makes its own connections, so this is checked just before, not on them."""
        scheme = self.url.split("://", 1)[0].lower()
        for server in notifier:
            host = getattr(server, "host", None)
            if not host:
                continue
            if scheme in _SELF_HOSTED or "." in host or ":" in host or host == "localhost":
                port = getattr(server, "port", None) or (443 if getattr(server, "secure", False) else 80)
                await self.targets.check(host, int(port), unresolvable_ok=True)
