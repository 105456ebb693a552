"""Pages that only send their reader on: ``<meta http-equiv="refresh" content="0; url=…">`` (pure).

Many government sites move a page that way rather than by an HTTP redirect. A page is such a redirect when it
asks to go on within :data:`MAX_DELAY` seconds and shows little text of its own: a notice shown for longer, or
an article that also refreshes, is the page to read.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .errors import ContentError
from .html_text import html_to_text
from .links import clean_url

MAX_DELAY = 5.0  # seconds
MAX_TEXT = 300  # characters shown by a page that only says it has moved
MAX_BYTES = 32 * 1024  # a page that only redirects is small; a larger one is not parsed to find out

# The HTML standard's declarative refresh: a delay, then ";" or "," and optionally "url=", then the URL,
# quoted or not
_CONTENT = re.compile(r"\s*(?P<delay>\d+)(?:\.[\d.]*)?\s*(?:[;,]\s*)?(?:url\s*=\s*)?(?P<url>.*)",
                      re.IGNORECASE | re.DOTALL)


def _target(content: str) -> tuple[float, str] | None:
    """(delay, URL as written) of a refresh's ``content``; ``None`` without a delay or a URL."""
    match = _CONTENT.fullmatch(content)
    if match is None:
        return None
    written = match["url"].strip()
    if written[:1] in ("'", '"'):
        written = written[1:].split(written[0], 1)[0]
    return (float(match["delay"]), written) if written else None


def refresh_target(html: str, *, url: str) -> str | None:
    """Where a page fetched from ``url`` that only redirects by ``<meta http-equiv="refresh">`` sends its reader
    (absolute, fragment dropped, of any scheme: the fetcher refuses what it does not fetch), else ``None``: no
    such refresh, a delay over :data:`MAX_DELAY`, a target that does not parse, a reload of ``url`` itself, or more
    than :data:`MAX_TEXT` characters of text of its own."""
    for meta in LexborHTMLParser(html).css("meta[http-equiv][content]"):
        if (meta.attributes.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        found = _target(meta.attributes.get("content") or "")
        if found is None or found[0] > MAX_DELAY:
            return None
        target = _resolved(found[1], base=url)
        if target is None or target == urldefrag(url)[0] or _says_more(html):
            return None
        return target
    return None


def _resolved(written: str, *, base: str) -> str | None:
    """``written`` made absolute against ``base``, fragment dropped; None when it is no address a browser would go
    to (an unclosed IPv6 host, a port out of range or not a number): the browser stays on the page."""
    try:
        target = urldefrag(urljoin(base, clean_url(written)))[0]
        urlsplit(target).port  # noqa: B018  (read to check it)
    except ValueError:
        return None
    return target


def _says_more(html: str) -> bool:
    try:
        return len(html_to_text(html)) > MAX_TEXT
    except ContentError:  # nested too deep to read: not a short notice
        return True
