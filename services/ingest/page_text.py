"""A whole web page reduced to its article's text (pure).

trafilatura finds the article (it drops menus, cookie banners, related links and
footers that sit in plain ``<div>``s, which tag-based dropping cannot see); its
result, as HTML, is rendered by :func:`html_to_text`, so pages and fragments read
the same way (paragraphs, ``- `` list items, ``" | "`` between table cells).
:func:`html_to_text` of the whole page is the fallback: when trafilatura finds
nothing, and on a short page, where trafilatura has too little text to judge and
dumps the whole body, menu and all, as one paragraph.

Fragments (a GOV.UK body, a feed entry's content) are all text and never come
here: trafilatura would judge parts of them boilerplate (a heading and its list).
"""

from __future__ import annotations

import logging
import threading
from itertools import islice

import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from .html_text import check_depth, html_to_text

# trafilatura's own MIN_EXTRACTED_SIZE: under this many characters it distrusts its reading.
SHORT_PAGE = 250
# trafilatura's time grows faster than the page (4 MB of <br>, a million elements, took a minute; 1.6 MB, 8 s),
# html_to_text's with it (4 MB of <br>: 6 s in all); real article pages hold a few thousand elements (those of
# the extraction benchmark 1,600 at most). Past this many, the article is not looked for (docs/decisions/0089).
MAX_PAGE_ELEMENTS = 20_000

log = logging.getLogger(__name__)

# One parser per thread (an lxml parser is not to be shared between threads: a large page is read in a
# worker thread). The page is already decoded: the parser reads our UTF-8 bytes and ignores any declared charset.
_PARSERS = threading.local()


def _parser() -> HTMLParser:
    parser: HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = HTMLParser(encoding="utf-8", collect_ids=False, default_doctype=False,
                                              remove_comments=True, remove_pis=True)
    return parser


def _document(html: str) -> HtmlElement | None:
    check_depth(html)
    try:
        return document_fromstring(html.encode("utf-8", "replace"), parser=_parser())
    except (ParserError, ValueError):  # an empty document
        return None


def article_html(html: str) -> str | None:
    """The article trafilatura finds in a whole page, as simple HTML; ``None`` if it finds none.

    Deterministic and offline: trafilatura's packaged settings, no comments section, no
    metadata (so no date search), no deduplication across calls (it would keep state);
    extraction fetches nothing. ``fast`` skips its second opinions (readability, jusText):
    as good on the extraction benchmark, and a third faster.
    """
    return _article_of(_document(html))


def _article_of(document: HtmlElement | None) -> str | None:
    """:func:`article_html` of the page parsed as ``document``."""
    if document is None:
        return None
    return trafilatura.extract(
        document, output_format="html", include_comments=False, include_tables=True, include_images=False,
        include_links=False, deduplicate=False, with_metadata=False, fast=True,
    )


def page_to_text(html: str, *, name: str = "page") -> str:
    """Main text of a whole web page, paragraphs separated by blank lines.

    trafilatura's article when it finds one with text, else :func:`html_to_text` of the page.
    A page whose :func:`html_to_text` is shorter than ``SHORT_PAGE`` characters keeps that
    reading unless trafilatura finds at least twice as much (text a ``<form>`` held, say). A page of more than
    ``MAX_PAGE_ELEMENTS`` elements is read whole by :func:`html_to_text`, logged with ``name`` (its address).
    """
    document = _document(html)
    if document is not None and _more_elements_than(document, MAX_PAGE_ELEMENTS):
        log.warning("%s: a page of more than %s elements: its article is not looked for, the whole page is read as "
                    "text", name, f"{MAX_PAGE_ELEMENTS:,}")
        return html_to_text(html)
    article = _article_of(document)
    text = html_to_text(article) if article else ""
    if len(text) >= 2 * SHORT_PAGE:  # more than the short-page rule can ever prefer the page's own reading to
        return text
    whole = html_to_text(html)
    if not text or (whole and len(whole) < SHORT_PAGE and len(text) < 2 * len(whole)):
        return whole
    return text


def _more_elements_than(document: HtmlElement, count: int) -> bool:
    """Whether ``document`` holds more than ``count`` elements (counted no further)."""
    return next(islice(document.iter(), count, None), None) is not None
