"""Chat and other services through Apprise URLs (Slack, Teams, Discord, Telegram, ntfy, …)."""

from __future__ import annotations

import asyncio
import warnings

with warnings.catch_warnings():  # Apprise's plugins import the deprecated imghdr module once
    warnings.simplefilter("ignore", DeprecationWarning)
    import apprise

    apprise.Apprise.instantiate("json://localhost")  # load the plugins now, inside this filter

from ..messages import Message, message_text
from ..redaction import redact_url
from .base import DeliveryResult


def apprise_url_problem(url: str) -> str | None:
    """None when Apprise understands ``url``, else why not."""
    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        scheme = url.split("://", 1)[0]
        return f"Apprise does not understand this URL (scheme {scheme!r}); see the Apprise wiki for services"
    return None


class AppriseSender:
    name = "apprise"

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url, self.timeout = url, timeout
        self.destination = redact_url("apprise", url)  # tokens can sit anywhere in the URL

    async def send(self, message: Message) -> DeliveryResult:
        title, body = message_text(message)
        notifier = apprise.Apprise()
        if not notifier.add(self.url):
            return DeliveryResult.failed("Apprise does not understand the URL", retryable=False)
        try:
            ok = await asyncio.wait_for(notifier.async_notify(body=body, title=title), timeout=self.timeout)
        except asyncio.TimeoutError:
            return DeliveryResult.failed(f"timed out after {self.timeout:g}s")
        return DeliveryResult.delivered() if ok else DeliveryResult.failed(f"{self.destination} refused the notification")
