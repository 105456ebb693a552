"""Delivery channels, each behind ``send(message) -> DeliveryResult``."""

from __future__ import annotations

import aiohttp

from services.common.outbound import TargetPolicy

from .base import Channel, DeliveryResult


def build_channel(spec, config, *, webhook_timeout: float,  # type: ignore[no-untyped-def]
                  targets: TargetPolicy | None = None, http: aiohttp.ClientSession | None = None,
                  email_support=None) -> Channel:
    """The channel implementation for one subscription channel spec; ``targets``: where outbound requests
    may go (only public addresses by default); ``http``: a shared session guarded by ``targets`` for webhooks;
    ``email_support``: what the email channel uses beside SMTP (:class:`.email.EmailSupport`)."""
    kind = spec.type
    if kind == "console":
        from .console import ConsoleSender
        return ConsoleSender()
    if kind == "webhook":
        from .webhook import WebhookSender
        return WebhookSender(spec.url, spec.secret, timeout=webhook_timeout, targets=targets, session=http,
                             content_mode=spec.content_mode or config.webhook_content_mode)
    if kind == "email":
        from .email import EmailSender, EmailSupport
        return EmailSender(spec.to, config, support=email_support or EmailSupport())
    if kind == "apprise":
        from ..release_pages import release_pages
        from .chat import AppriseSender
        # only a dashboard address configured: the API's own (as emails fall back to) reaches no chat's reader
        dashboard = config.dashboard_url or config.public_url
        return AppriseSender(spec.url, timeout=config.apprise_timeout, targets=targets,
                             release_page=release_pages(dashboard.rstrip("/") if dashboard else None))
    raise ValueError(f"unknown channel type {kind!r}")


__all__ = ["Channel", "DeliveryResult", "build_channel"]
