"""HTML that nests deeper than any real page is refused before it is parsed: the parser's time grows with the
square of the depth (100,000 nested <div>s, 1.1 MB, held the shared event loop for 30 s), so a feed entry or a
page could otherwise stop every service of the process for minutes at each poll."""

import pytest

from services.ingest.errors import ContentError
from services.ingest.html_text import MAX_HTML_DEPTH, html_published, html_title, html_to_text
from services.ingest.page_text import page_to_text

TEXT = "The UK will invest £5m by March 2027."
DEEP = MAX_HTML_DEPTH + 50


def _nested(open_tag: str, close_tag: str = "", depth: int = DEEP) -> str:
    return f"<html><body>{open_tag * depth}<p>{TEXT}</p>{close_tag * depth}</body></html>"


@pytest.mark.parametrize("html", [
    _nested("<div>", "</div>"),
    _nested("<div>"),  # never closed
    _nested("<b>"),  # formatting elements nest too
    _nested("<div></span>"),  # a stray end tag closes nothing
    _nested("<div/>"),  # "/>" closes no HTML element but the void ones
    _nested("<DIV class='a>b'>", "</DIV>"),
], ids=["closed", "unclosed", "formatting", "stray-end-tags", "self-closing-syntax", "upper-case-attributes"])
@pytest.mark.parametrize("read", [html_to_text, page_to_text, html_title, html_published])
def test_html_nested_past_the_bound_is_refused_before_it_is_parsed(read, html):
    with pytest.raises(ContentError, match=f"nested deeper than {MAX_HTML_DEPTH} elements"):
        read(html)


@pytest.mark.parametrize("html", [
    _nested("<p>x"),  # a paragraph ends the one before
    _nested("<li>x"),
    _nested("<br><img src=a.png><hr>"),
    _nested("<div>", "</div>", depth=MAX_HTML_DEPTH - 10),
    "<svg>" + '<path d="M0 0"/>' * DEEP + f"</svg><p>{TEXT}</p>",  # "/>" closes in SVG
    "<script>" + "var s = '<div>';" * DEEP + f"</script><p>{TEXT}</p>",
    "<!--" + "<div>" * DEEP + f"--><p>{TEXT}</p>",
    "<table>" + "<tr><td>x" * DEEP + f"</table><p>{TEXT}</p>",
], ids=["paragraphs", "list-items", "void", "just-under", "svg", "script", "comment", "table-cells"])
def test_a_long_but_shallow_page_is_read(html):
    assert TEXT in html_to_text(html)
