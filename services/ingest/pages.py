"""A web page with no feed, reduced to its main text (pure)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from schemas import ReleasePublished

from .drafts import Draft
from .errors import ContentError
from .files import _parse_when
from .html_text import html_published, html_title
from .identity import content_hash, release_id_for
from .page_text import page_to_text


def _home(parts: SplitResult) -> bool:
    return parts.path in ("", "/")


def canonical_url(html: str, *, url: str) -> str:
    """The page's ``<link rel=canonical>`` when it is http(s) on the same host, else ``url``; nor when it
    names the site's home page and ``url`` is not that (a template giving every page the home page's)."""
    node = LexborHTMLParser(html).css_first('link[rel="canonical"][href]')
    if node is not None:
        candidate = urldefrag(urljoin(url, node.attributes.get("href") or ""))[0]
        parts, page = urlsplit(candidate), urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname == page.hostname \
                and (_home(page) or not _home(parts)):
            return candidate
    return urldefrag(url)[0]


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


def release_from_page(html: str, *, url: str, source: str, now: datetime, last_modified: str | None = None,
                      title: str | None = None, published: datetime | None = None) -> Draft:
    """A release from an HTML page fetched from ``url``.

    Publication time: the page's own (meta or ``<time>``), else ``published``
    (from a feed entry); else, not ``dated``, the Last-Modified header, else ``now``.
    Raises :class:`ContentError` for a page with no text.
    """
    body = page_to_text(html, name=url)
    if not body:
        raise ContentError(f"{url}: page has no text")
    title = (title or html_title(html) or body.split("\n", 1)[0]).strip()
    stated = _parse_when(html_published(html)) or published
    canonical = canonical_url(html, url=url)
    release = ReleasePublished(
        release_id=release_id_for(canonical), version=1, url=canonical, title=title,
        published_at=stated or _http_date(last_modified) or now, source=source, body=body,
        content_hash=content_hash(title, body),
    )
    return Draft(release, dated=stated is not None)
