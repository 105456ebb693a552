"""Destinations without secrets: the one form in which a channel's address leaves the process
(events, dead letters, the API, logs). Pure.

An Apprise URL of a service on a server of one's own keeps its scheme, host and port, so that one can see which
receiver it points at (``json://***@hooks.example.org:8080/***``): its user info, path, query and fragment, where
tokens sit, are ``***``. Which URLs name a server is the plugin's own knowledge (:mod:`.channels.apprise_hosts`):
any other (``slack://***``, ``discord://***``, a topic on ntfy's cloud, a URL Apprise does not read) keeps only
its scheme, as the part after it is a token. Apprise's own privacy form (``url(privacy=True)``) is not used: it
keeps a json URL's path and an ntfy topic, where tokens sit, and shows a token's first and last characters.
A webhook URL keeps scheme, host, port and path; its user info, every query value (and any fragment) and
every path segment that looks like a token (16 or more characters of letters, digits and ``-._~+=``, with both
a letter and a digit: Make's, n8n's UUIDs, Discord's) become ``***``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

HIDDEN = "***"
# A path segment that is a secret rather than a name: long, of token characters, letters and digits mixed.
_TOKEN_SEGMENT = re.compile(r"(?=[^/]*[A-Za-z])(?=[^/]*[0-9])[A-Za-z0-9\-._~+=]{16,}")


def _path_without_tokens(path: str) -> str:
    return "/".join(HIDDEN if _TOKEN_SEGMENT.fullmatch(segment) else segment for segment in path.split("/"))


@lru_cache(maxsize=4096)  # each job's destination is worked out as it is queued, claimed and recorded
def redact_url(kind: str, url: str) -> str:
    """``url`` of a channel of type ``kind`` (``webhook`` or ``apprise``) with its secrets hidden."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if kind == "apprise":
        return _redact_apprise_url(scheme.lower(), url)
    if kind != "webhook":
        return f"{scheme.lower() or '?'}://{HIDDEN}"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a malformed port or host: show nothing but the scheme
        return f"{scheme.lower() or '?'}://{HIDDEN}"
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{HIDDEN}@" if "@" in parts.netloc else "") + host + port
    query = "&".join(f"{k}={HIDDEN}" for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    if parts.query and not query:
        query = HIDDEN
    path = _path_without_tokens(parts.path)
    return urlunsplit((parts.scheme, netloc, path, query, HIDDEN if parts.fragment else ""))


def _redact_apprise_url(scheme: str, url: str) -> str:
    """``scheme://host:port`` with ``***@`` for user info and ``/***`` for anything after, where Apprise reads
    the URL's host as the server it sends to (and ``urlsplit`` reads the same host); else ``scheme://***``."""
    from .channels.apprise_hosts import apprise_host  # lazily: Apprise is slow to import

    hidden = f"{scheme or '?'}://{HIDDEN}"
    host = apprise_host(url)
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return hidden
    if host is None or parts.hostname != host.strip("[]"):
        return hidden
    user = f"{HIDDEN}@" if "@" in parts.netloc else ""
    rest = f"/{HIDDEN}" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{scheme}://{user}{host}{port}{rest}"


def redact_channel(spec: dict[str, Any]) -> dict[str, Any]:
    """A channel spec (``{"type": …, …}``) as it may be shown: URLs redacted, secrets ``***``."""
    out = dict(spec)
    if isinstance(out.get("url"), str):
        out["url"] = redact_url(str(out.get("type")), out["url"])
    if out.get("secret") is not None:
        out["secret"] = HIDDEN
    return out


def destination(spec: dict[str, Any]) -> str:
    """Where a channel sends, secrets hidden, after its kind (``webhook:https://…``): the bucket that bounds sends
    in flight."""
    return f"{spec.get('type')}:{sent_to(spec)}"


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
