"""Delivery channels, each behind ``send(message) -> DeliveryResult``."""

from __future__ import annotations

import aiohttp

from services.common.outbound import TargetPolicy

from .base import Channel, DeliveryResult


def build_channel(spec, config, *, webhook_timeout: float,  # type: ignore[no-untyped-def]
                  targets: TargetPolicy | None = None, http: aiohttp.ClientSession | None = None,
                  unsubscribing=None) -> Channel:
    """The channel implementation for one subscription channel spec; ``targets``: where outbound requests
    may go (only public addresses by default); ``http``: a shared session guarded by ``targets`` for webhooks;
    ``unsubscribing``: the email channel's links and record of who unsubscribed (:class:`.email.Unsubscribing`)."""
    kind = spec.type
    if kind == "console":
        from .console import ConsoleSender
        return ConsoleSender()
    if kind == "webhook":
        from .webhook import WebhookSender
        return WebhookSender(spec.url, spec.secret, timeout=webhook_timeout, targets=targets, session=http)
    if kind == "email":
        from .email import EmailSender, Unsubscribing
        return EmailSender(spec.to, config, unsubscribing=unsubscribing or Unsubscribing())
    if kind == "apprise":
        from .chat import AppriseSender
        return AppriseSender(spec.url, timeout=config.apprise_timeout, targets=targets)
    raise ValueError(f"unknown channel type {kind!r}")


__all__ = ["Channel", "DeliveryResult", "build_channel"]
