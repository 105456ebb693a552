"""Webhook channel: the event as a signed JSON POST (aiohttp), with a timeout."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from services.common.outbound import TargetPolicy, TargetRefused, guarded_session

from ..bounds import http_url_problem
from ..messages import Message, message_id, message_json
from ..redaction import redact_url
from .base import DeliveryResult
from .signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


class WebhookSender:
    name = "webhook"

    def __init__(self, url: str, secret: str | None, *, timeout: float, targets: TargetPolicy | None = None,
                 session: aiohttp.ClientSession | None = None) -> None:
        """``session``: a shared, guarded session (``guarded_session`` with the same ``targets``) whose pooled
        connections are reused across sends; without one, each send opens and closes its own."""
        problem = http_url_problem(url)
        if problem is not None:
            raise ValueError(f"webhook URL: {problem}")
        self.url, self.secret, self.timeout = url, secret, timeout
        self.targets = targets or TargetPolicy()
        self.session = session
        self.destination = redact_url("webhook", url)

    def headers(self, message: Message, body: bytes, *, now: float) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": "pledgewatch-notifier",
                   ID_HEADER: message_id(message)}
        if self.secret:
            ts = int(now)
            headers[TIMESTAMP_HEADER] = str(ts)
            headers[SIGNATURE_HEADER] = sign(self.secret, ts, body)
        return headers

    async def send(self, message: Message) -> DeliveryResult:
        body = message_json(message)
        headers = self.headers(message, body, now=time.time())
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        refusal = self.targets.url_refusal(self.url)
        if refusal is not None:
            return DeliveryResult.failed(refusal, retryable=False)
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
            return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")

    async def _post(self, session: aiohttp.ClientSession, body: bytes, headers: dict[str, str],
                    timeout: aiohttp.ClientTimeout) -> DeliveryResult:
        async with session.post(self.url, data=body, headers=headers, allow_redirects=False,
                                timeout=timeout) as resp:
            status = f"HTTP {resp.status} {resp.reason or ''}".strip()
            if 200 <= resp.status < 300:
                return DeliveryResult.delivered(status)
            retryable = resp.status >= 500 or resp.status in (408, 425, 429)
            return DeliveryResult.failed(status, retryable=retryable)
