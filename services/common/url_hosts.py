"""Whether a request can go to a well-formed http URL at all: checks shared by every place a URL is taken
(ingest's sources, the notifier's webhooks and public address), so that one no request can reach is refused
where it is given rather than failing at every use."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from yarl import URL

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_DIGITS_AND_DOTS = re.compile(r"[0-9.]+")
_AUTHORITY = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def sendable_url_problem(url: str) -> str | None:
    """Why no request can go to ``url`` (a well-formed http URL), or None. A host of digits and dots that is no
    dotted quad (``2130706433``, ``127.1``, ``010.0.0.1``) is one: the HTTP client (aiohttp) refuses it at every
    send rather than guess which address it means, as the resolver would. Port 0 is another: no server listens
    on it, every connection to it fails. A space or a control character in the host is a third: the client
    looks the name up and fails at every send, or drops a tab or newline and sends to another host."""
    # the host as written, port included, user and password left out (the client sends those in a header)
    if (authority := _AUTHORITY.match(url)) and _SPACE_OR_CONTROL.search(written := authority[1].rpartition("@")[2]):
        written = re.sub(r":[0-9]*$", "", written)
        return f"host {written[:64]!r} holds a space or a control character, which no host name has"
    host = URL(url).raw_host or ""
    if _DIGITS_AND_DOTS.fullmatch(host) and not _DOTTED_QUAD.fullmatch(host):
        return (f"host {host[:64]!r} is neither a name nor an IPv4 address written a.b.c.d "
                "(each 0 to 255, no leading zero)")
    return port_zero_problem(url)


def port_zero_problem(url: str) -> str | None:
    """Why ``url`` (a well-formed http URL) names no port a request can go to, or None."""
    if urlsplit(url).port == 0:
        return "port 0 is no port a request can go to"
    return None
