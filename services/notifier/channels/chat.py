"""Chat and other services through Apprise URLs (Slack, Teams, Discord, Telegram, ntfy, …)."""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

import requests

with warnings.catch_warnings():  # Apprise's plugins import the deprecated imghdr module once
    warnings.simplefilter("ignore", DeprecationWarning)
    import apprise

    apprise.Apprise.instantiate("json://localhost")  # load the plugins now, inside this filter

from services.common.outbound import TargetPolicy, TargetRefused

from ..messages import Message, chat_text
from ..redaction import redact_url
from ..release_pages import ReleasePage
from .base import DeliveryResult


def apprise_url_problem(url: str) -> str | None:
    """None when Apprise understands ``url``, else why not."""
    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        scheme = url.split("://", 1)[0]
        return f"Apprise does not understand this URL (scheme {scheme!r}); see the Apprise wiki for services"
    return None


# Apprise's plugins post through requests, and that needs two bounds the target check cannot give, set while an
# Apprise send runs (its worker threads run in a copy of the sender's context, which holds the send's notes):
# - requests follows redirects, and the check sees only the URL's own host, so a service answering 307 to
#   http://169.254.169.254/… would send the notification there: no redirect is followed, the 3xx is the answer,
#   as it is for a webhook;
# - a plugin reads the service's whole answer into memory, and goes on after the send has timed out (a thread
#   cannot be stopped), so an endless answer would take the notifier's memory: it is read up to
#   MAX_ANSWER_BYTES (decompressed), then the connection is dropped.
MAX_ANSWER_BYTES = 1024 * 1024
_APPRISE_SENDING: ContextVar[list[str] | None] = ContextVar("apprise_sending", default=None)
_redirect_target = requests.Session.get_redirect_target
_iter_content = requests.Response.iter_content


class AnswerTooLarge(requests.RequestException):
    """A chat service's answer past :data:`MAX_ANSWER_BYTES`."""


def _no_redirect_while_sending(session: requests.Session, response: requests.Response) -> str | None:
    return None if _APPRISE_SENDING.get() is not None else _redirect_target(session, response)


def _bounded_while_sending(response: requests.Response, chunk_size: int | None = 1,
                           decode_unicode: bool = False) -> Iterator[Any]:
    chunks = _iter_content(response, chunk_size, decode_unicode)
    notes = _APPRISE_SENDING.get()
    return chunks if notes is None else _bounded(response, chunks, notes)


def _bounded(response: requests.Response, chunks: Iterator[Any], notes: list[str]) -> Iterator[Any]:
    read, limit = 0, MAX_ANSWER_BYTES
    for chunk in chunks:
        read += len(chunk)
        if read > limit:
            response.close()
            notes.append(f"its answer was over {limit} bytes")
            raise AnswerTooLarge(f"answer over {limit} bytes")
        yield chunk


requests.Session.get_redirect_target = _no_redirect_while_sending  # type: ignore[method-assign]
requests.Response.iter_content = _bounded_while_sending  # type: ignore[method-assign,assignment]


# Apprise's plugins log a refusal as "Failed to send ... notification: <phrase>, error=<status>."
_STATUS = re.compile(r"\berror=(\d{3})\b")


def failure_reason(result: object) -> str:
    """Why Apprise's ``result`` failed, from its captured log lines: the HTTP status the service answered,
    or that it could not be reached. Only these are repeated: a plugin's own words may hold a token."""
    lines = [entry.message for service in getattr(result, "results", ()) for entry in service.logs()]
    for line in reversed(lines):
        found = _STATUS.search(line)
        if found:
            return f"it answered HTTP {_with_phrase(int(found.group(1)))}"
    if any("connection error" in line.lower() for line in lines):
        return "it could not be reached"
    return "Apprise gave no reason"


def _with_phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


# Apprise services whose URL names the server to reach (the others name a token of a public service).
_SELF_HOSTED = frozenset("json jsons xml xmls form forms gotify gotifys mmost mmosts rocket rockets apprise apprises "
                         "matrix matrixs ntfy ntfys nctalk nctalks ncloud nclouds mqtt mqtts".split())


class AppriseSender:
    name = "apprise"

    def __init__(self, url: str, *, timeout: float, targets: TargetPolicy | None = None,
                 release_page: ReleasePage | None = None) -> None:
        """``release_page``: release id -> its page on the dashboard, linked in the text; None: no link."""
        self.url, self.timeout, self.release_page = url, timeout, release_page
        self.targets = targets or TargetPolicy()
        self.destination = redact_url("apprise", url)  # tokens can sit anywhere in the URL

    async def send(self, message: Message) -> DeliveryResult:
        title, body = chat_text(message, release_page=self.release_page)
        notifier = apprise.Apprise()
        if not notifier.add(self.url):
            return DeliveryResult.failed("Apprise does not understand the URL", retryable=False)
        try:
            await self._check_targets(notifier)
        except TargetRefused as exc:
            return DeliveryResult.failed(str(exc), retryable=False)
        notes: list[str] = []  # what the bounds above stopped, told from Apprise's worker threads
        sending = _APPRISE_SENDING.set(notes)
        try:
            # The text is plain text (a release's own words among it): said so, Apprise escapes it for a service
            # that reads HTML or Markdown, so a title cannot add a link, a mention (Slack's <!channel>) or markup.
            result = await asyncio.wait_for(notifier.async_notify(body=body, title=title,
                                                                  body_format=apprise.NotifyFormat.TEXT),
                                            timeout=self.timeout)
        except asyncio.TimeoutError:
            return DeliveryResult.failed(f"timed out after {self.timeout:g}s")
        finally:
            _APPRISE_SENDING.reset(sending)
        if not result:
            reason = notes[0] if notes else failure_reason(result)
            return DeliveryResult.failed(f"{self.destination} did not take the notification: {reason}")
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
