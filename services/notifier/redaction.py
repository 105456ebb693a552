"""Destinations without secrets: the one form in which a channel's address leaves the process
(events, dead letters, the API, logs). Pure.

An Apprise URL of a service on a server of one's own keeps its scheme, host and port, so that one can see which
receiver it points at (``json://***@hooks.example.org:8080/***``): its user info, path, query and fragment, where
tokens sit, are ``***``. Which URLs name a server is the plugin's own knowledge (:mod:`.channels.apprise_hosts`):
any other (``slack://***``, ``discord://***``, a topic on ntfy's cloud, a URL Apprise does not read) keeps only
its scheme, as the part after it is a token. Apprise's own privacy form (``url(privacy=True)``) is not used: it
keeps a json URL's path and an ntfy topic, where tokens sit, and shows a token's first and last characters.
A webhook URL is shown the same way (:func:`services.common.shown_urls.shown_url`): scheme, host and port, its
user info and everything after the host ``***`` (``https://hooks.example.org/***``), as a short token in its path
(Slack's ``/services/T000/B000/XXXX``) cannot be told from a word.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from services.common.shown_urls import HIDDEN, shown_url


@lru_cache(maxsize=4096)  # each job's destination is worked out as it is queued, claimed and recorded
def redact_url(kind: str, url: str) -> str:
    """``url`` of a channel of type ``kind`` (``webhook`` or ``apprise``) with its secrets hidden."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if kind == "apprise":
        return _redact_apprise_url(scheme.lower(), url)
    if kind != "webhook":
        return f"{scheme.lower() or '?'}://{HIDDEN}"
    return shown_url(url)


def _redact_apprise_url(scheme: str, url: str) -> str:
    """``scheme://host:port`` with ``***@`` for user info and ``/***`` for anything after, where Apprise reads
    the URL's host as the server it sends to (and ``urlsplit`` reads the same host); else ``scheme://***``."""
    from .channels.apprise_hosts import apprise_host  # lazily: Apprise is slow to import

    host = apprise_host(url)
    try:
        shown_host = urlsplit(url).hostname
    except ValueError:
        shown_host = None
    if host is None or shown_host != host.strip("[]"):
        return f"{scheme or '?'}://{HIDDEN}"
    return shown_url(url)


def redact_channel(spec: dict[str, Any]) -> dict[str, Any]:
    """A channel spec (``{"type": …, …}``) as it may be shown: URLs redacted, secrets ``***``."""
    out = dict(spec)
    if isinstance(out.get("url"), str):
        out["url"] = redact_url(str(out.get("type")), out["url"])
    if out.get("secret") is not None:
        out["secret"] = HIDDEN
    return out


def destination(spec: dict[str, Any]) -> str:
    """The bucket that bounds a channel's sends in flight, never shown: where it sends, secrets hidden, after its
    kind (``webhook:https://…``). A webhook's is its whole URL, which shows no more than its host: a digest of the
    URL tells apart the endpoints of one host (a hanging one holds only its own slots); it is kept only in Redis,
    beside the job that holds the URL itself."""
    where = f"{spec.get('type')}:{sent_to(spec)}"
    if spec.get("type") == "webhook" and isinstance(spec.get("url"), str):
        return f"{where}#{hashlib.sha256(spec['url'].encode()).hexdigest()[:16]}"
    return where


def sent_to(spec: dict[str, Any]) -> str:
    """Where a channel sends, secrets hidden, as a delivery attempt names it when no channel was made for it (its
    URL, ``stdout``, ``smtp``)."""
    kind = str(spec.get("type"))
    if isinstance(spec.get("url"), str):
        return redact_url(kind, spec["url"])
    return {"console": "stdout", "email": "smtp"}.get(kind, "?")


def scrub(text: str, spec: dict[str, Any]) -> str:
    """``text`` (e.g. an error message) with the channel's raw URL and secret replaced."""
    url, secret = spec.get("url"), spec.get("secret")
    if isinstance(url, str) and url:
        text = text.replace(url, redact_url(str(spec.get("type")), url))
    if isinstance(secret, str) and secret:
        text = text.replace(secret, HIDDEN)
    return text
