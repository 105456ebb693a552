"""Webhook channel: the message's CloudEvent as a signed POST (aiohttp), with a timeout.

Structured content mode by default (the whole event as ``application/cloudevents+json``), or binary
(``ce-*`` headers, the data as the body); the signature covers the exact body bytes either way."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import aiohttp

from services.common.outbound import TargetPolicy, TargetRefused, guarded_session
from services.common.retry_after import ASK_TO_WAIT, retry_after_seconds
from services.common.url_hosts import sendable_url_problem

from ..bounds import http_url_problem
from ..messages import Message, message_event, message_id
from ..redaction import redact_url
from .base import DeliveryResult
from .content_modes import ContentMode, encode, encode_rendered
from .signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


def client_error_text(exc: aiohttp.ClientError) -> str:
    """What went wrong with a webhook's request, on one line and without its URL: aiohttp's text of an answer that
    is not valid HTTP holds the whole URL, whose path and query may be the webhook's token, and a delivery's error
    is shown wherever the subscription is (the dashboard, the deliveries stream)."""
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"{type(exc).__name__}: {' '.join(str(exc.message).split())}"
    return f"{type(exc).__name__}: {exc}"


class WebhookSender:
    name = "webhook"

    def __init__(self, url: str, secret: str | None, *, timeout: float, targets: TargetPolicy | None = None,
                 session: aiohttp.ClientSession | None = None, content_mode: ContentMode = "structured") -> None:
        """``session``: a shared, guarded session (``guarded_session`` with the same ``targets``) whose pooled
        connections are reused across sends; without one, each send opens and closes its own.
        ``content_mode``: the CloudEvents HTTP content mode, ``structured`` or ``binary``."""
        problem = http_url_problem(url) or sendable_url_problem(url)
        if problem is not None:
            raise ValueError(f"webhook URL: {problem}")
        self.url, self.secret, self.timeout = url, secret, timeout
        self._client_timeout = aiohttp.ClientTimeout(total=timeout)  # immutable: built once, not for every send
        self.content_mode: ContentMode = content_mode
        self.targets = targets or TargetPolicy()
        self.session = session
        self.destination = redact_url("webhook", url)
        self._refusal = self.targets.url_refusal(url)  # an IP-literal host, refused or not for every send

    def request(self, message: Message, *, now: float) -> tuple[dict[str, str], bytes]:
        """Headers and body of the POST for ``message`` sent at ``now`` (unix seconds)."""
        return self._signed(*encode(message_event(message), self.content_mode), message_id(message), now=now)

    def rendered_request(self, event_json: bytes, message_id: str, *, now: float) -> tuple[dict[str, str], bytes]:
        """The same POST as :meth:`request`, for a message whose CloudEvent is already rendered (``event_json``,
        structured-mode JSON) and whose id is ``message_id``."""
        return self._signed(*encode_rendered(event_json, self.content_mode), message_id, now=now)

    def _signed(self, headers: dict[str, str], body: bytes, message_id: str, *,
                now: float) -> tuple[dict[str, str], bytes]:
        headers.update({"User-Agent": "pledgewatch-notifier", ID_HEADER: message_id})
        if self.secret:
            ts = int(now)
            headers[TIMESTAMP_HEADER] = str(ts)
            headers[SIGNATURE_HEADER] = sign(self.secret, ts, body)
        return headers, body

    async def send(self, message: Message) -> DeliveryResult:
        return await self._send(*self.request(message, now=time.time()))

    async def send_rendered(self, event_json: bytes, message_id: str) -> DeliveryResult:
        """Send a message whose CloudEvent was rendered when it was queued: no model is parsed nor rendered."""
        return await self._send(*self.rendered_request(event_json, message_id, now=time.time()))

    async def _send(self, headers: dict[str, str], body: bytes) -> DeliveryResult:
        timeout = self._client_timeout
        if self._refusal is not None:
            return DeliveryResult.failed(self._refusal, retryable=False)
        try:
            if self.session is not None:
                return await self._post(self.session, body, headers, timeout)
            async with guarded_session(self.targets, timeout=timeout) as session:
                return await self._post(session, body, headers, timeout)
        except asyncio.TimeoutError:
            return DeliveryResult.failed(f"timed out after {self.timeout:g}s")
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, TargetRefused):
                return DeliveryResult.failed(str(exc.os_error), retryable=False)
            return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")
        except aiohttp.ClientError as exc:
            return DeliveryResult.failed(client_error_text(exc))

    async def _post(self, session: aiohttp.ClientSession, body: bytes, headers: dict[str, str],
                    timeout: aiohttp.ClientTimeout) -> DeliveryResult:
        async with session.post(self.url, data=body, headers=headers, allow_redirects=False,
                                timeout=timeout) as resp:
            status = f"HTTP {resp.status} {resp.reason or ''}".strip()
            if 200 <= resp.status < 300:
                return DeliveryResult.delivered(status)
            retryable = resp.status >= 500 or resp.status in (408, 425, 429)
            asked = retry_after_seconds(resp.headers.get("Retry-After"), now=datetime.now(timezone.utc)) \
                if resp.status in ASK_TO_WAIT else None
            return DeliveryResult.failed(status, retryable=retryable, retry_after=asked)
