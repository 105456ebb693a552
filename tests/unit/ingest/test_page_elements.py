"""A whole page's article is looked for only on a page of at most ``MAX_PAGE_ELEMENTS`` elements: trafilatura's
time grows faster than the page (4 MB of ``<br>`` took a minute), ``html_to_text``'s with it."""

from __future__ import annotations

import logging
import time

from services.ingest.html_text import html_to_text
from services.ingest.page_text import MAX_PAGE_ELEMENTS, page_to_text

ARTICLE = "<article><p>The Home Office will publish the new border strategy within 30 days.</p></article>"
# elements of a page beside what the parser adds (html, head, body) and the article's two
_PAGE = "<html><head></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{article}{fill}</body></html>"


def _page(elements: int, fill: str = "<br>") -> str:
    return _PAGE.format(article=ARTICLE, fill=fill * (elements - 8))


def test_a_page_past_the_cap_is_read_whole_by_the_linear_reader_and_the_log_says_so(caplog):
    html = _page(MAX_PAGE_ELEMENTS + 1)
    with caplog.at_level(logging.WARNING, logger="services.ingest.page_text"):
        text = page_to_text(html, name="https://example.org/long")
    assert text == html_to_text(html)
    assert caplog.messages == [f"https://example.org/long: a page of more than {MAX_PAGE_ELEMENTS:,} elements: its "
                               "article is not looked for, the whole page is read as text"]


def test_a_page_at_the_cap_has_its_article_found(caplog):
    html = _page(MAX_PAGE_ELEMENTS, fill="<p>Home | News | Contact us</p>")
    with caplog.at_level(logging.WARNING):
        text = page_to_text(html)
    assert "border strategy" in text and text != html_to_text(html)
    assert caplog.messages == []


def test_a_page_of_a_megabyte_of_line_breaks_is_read_in_a_second():
    """Before: 4 MB took 61 s, all of it in trafilatura."""
    html = _page(250_000)
    started = time.monotonic()
    assert "border strategy" in page_to_text(html)
    assert time.monotonic() - started < 1.5  # before: 5 s and more
