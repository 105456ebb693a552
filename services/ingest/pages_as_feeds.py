"""What to say of an HTML page fetched where a feed was expected (pure).

A site's news page given for its feed is the most common slip in adding a source: feedparser's own words for it
(``text/html; charset=utf-8 is not an XML media type``) say what is wrong but not what to give instead.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .errors import ContentError
from .html_text import check_depth
from .media_types import HTML_TYPES, sniffed_type

_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
_OR_THE_PAGE = "or type: page to read the page itself"


def html_page_problem(data: bytes, *, content_type: str | None) -> str | None:
    """Why ``data`` (UTF-8), served as ``content_type`` (else typed by its first bytes), is no feed when it is an
    HTML page, in words saying what to give instead; None when it is no HTML page."""
    media = (content_type or sniffed_type(data)).split(";")[0].strip().lower()
    if media not in HTML_TYPES:
        return None
    html = data.decode("utf-8", "replace")
    try:
        check_depth(html)  # nested past what the parser reads in time: told as a page naming no feed
        names_a_feed = any(
            "alternate" in str(link.attributes.get("rel") or "").lower().split()
            and str(link.attributes.get("type") or "").strip().lower() in _FEED_TYPES
            for link in LexborHTMLParser(html).css("link[rel]"))
    except ContentError:
        names_a_feed = False
    if names_a_feed:
        return ('an HTML page that names its feed in a <link rel="alternate">: give that address as the '
                f"source's url, {_OR_THE_PAGE}")
    return f"an HTML page, not a feed: give the feed's address as the source's url, {_OR_THE_PAGE}"
