"""URLs as they may be shown: a webhook's, an Apprise server's, a polled source's. Pure.

A secret can sit anywhere after a URL's host: its user info, a query value (``?api_key=…``), a fragment, or a
path segment (Slack's ``/services/T000/B000/XXXX``, ``/webhook/<token>``, a private feed's ``/feeds/<token>.rss``),
and a short token cannot be told from a word. So a URL is shown as its scheme, host and port, which say where it
points, with ``***@`` for its user info and ``/***`` for anything after the host. A text naming URLs (an error
message) can show each of them another way too: a feed entry's link as its release's url is published, without its
source's key (:func:`services.ingest.release_urls.url_without_credentials`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

HIDDEN = "***"
# An http(s) URL in a text (an error message); the punctuation a sentence puts after it is not part of it.
_URL_IN_TEXT = re.compile(r"https?://[^\s'\"<>]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def shown_url(url: str) -> str:
    """``scheme://[***@]host[:port][/***]`` of ``url``; ``scheme://***`` when its host or port cannot be read."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    hidden = f"{scheme or '?'}://{HIDDEN}"
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # a malformed port or host
        return hidden
    host = parts.hostname
    if not host:
        return hidden
    if ":" in host:
        host = f"[{host}]"
    user = f"{HIDDEN}@" if "@" in parts.netloc else ""
    rest = f"/{HIDDEN}" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme}://{user}{host}{port}{rest}"


def is_shown_form(url: str) -> bool:
    """Whether ``url`` is in a form a URL is shown in with a part of it hidden (:func:`shown_url`): its user info
    ``***@``, everything after the host ``/***``, or all after the scheme ``***``: not a whole URL."""
    if "://" not in url:
        return False
    netloc, slash, path = url.split("://", 1)[1].partition("/")
    return netloc == HIDDEN or netloc.startswith(f"{HIDDEN}@") or bool(slash) and path == HIDDEN


def urls_shown_in(text: str, shown: Callable[[str], str] = shown_url) -> str:
    """``text`` with every http(s) URL in it as ``shown`` shows it (:func:`shown_url` unless told)."""
    return _URL_IN_TEXT.sub(partial(_shown_match, shown=shown), text)


def _shown_match(match: re.Match[str], *, shown: Callable[[str], str]) -> str:
    url = match.group(0)
    trail = len(url) - len(url.rstrip(_TRAILING))
    return shown(url[:len(url) - trail]) + url[len(url) - trail:]
