"""HTML to text: fragments through html_to_text, whole web pages through the page extractor (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from services.ingest.feeds import FeedEntry, entry_release
from services.ingest.files import load_release
from services.ingest.html_text import MAX_HTML_DEPTH, html_to_text
from services.ingest.page_text import page_to_text
from services.ingest.pages import release_from_page

NOW = datetime(2024, 1, 10, tzinfo=timezone.utc)

# A whole page laid out in plain divs, as many ministry sites are: no <main> or <article> to point at the
# text, and a cookie banner, breadcrumbs, related links and share buttons that are no part of the release.
PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Prevent funding confirmed | Ministry of Security</title>
<meta property="article:published_time" content="2024-01-09T10:00:00+00:00"></head>
<body>
<div class="cookie-banner"><p>We use some essential cookies to make this service work. We would also like to use
analytics cookies so we can understand how you use the service.</p><button>Accept</button></div>
<div id="top"><a href="/">Ministry of Security</a>
<ul class="menu"><li><a href="/news">News</a></li><li><a href="/about">About us</a></li></ul></div>
<div class="page">
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/news">News</a></div>
<div class="content">
<h1>Prevent funding confirmed for three more years</h1>
<p>The ministry will provide £10m a year to Prevent coordinators in 40 local authorities over the next
three years.</p>
<p>Local authorities must publish their Prevent delivery plans by March 2025, the Security Minister said today.</p>
<table>
  <tr><th>Programme</th><th>Funding</th></tr>
  <tr><td>Prevent</td><td>£10m</td></tr>
  <tr><td>Channel</td><td>£4m</td></tr>
</table>
</div>
<div class="related-links"><h2>Related content</h2><ul>
<li><a href="/a">Channel guidance for local authorities and partners</a></li>
<li><a href="/b">Counter-terrorism strategy published</a></li></ul></div>
<div class="share"><p>Share this page: <a href="#">Facebook</a> <a href="#">X</a></p></div>
</div>
<div class="site-footer"><p>All content is available under the Open Government Licence v3.0. © Crown copyright</p></div>
</body></html>"""

ARTICLE = ("Prevent funding confirmed for three more years\n\n"
           "The ministry will provide £10m a year to Prevent coordinators in 40 local authorities over the next "
           "three years.\n\n"
           "Local authorities must publish their Prevent delivery plans by March 2025, the Security Minister said "
           "today.\n\n"
           "Programme | Funding\n\nPrevent | £10m\n\nChannel | £4m")
CHROME = ("cookies", "Accept", "About us", "Home >", "Related content", "Channel guidance", "Share this page",
          "Crown copyright")


@pytest.mark.parametrize(
    ("html", "expected"),
    [pytest.param("<table><tr><td>Prevent</td><td>£10m</td></tr><tr><td>Channel</td><td>£4m</td></tr></table>",
                  "Prevent | £10m\n\nChannel | £4m", id="cells-of-a-row"),
     pytest.param("<table>\n  <tr>\n    <th>Programme</th>\n    <th>Funding</th>\n  </tr>\n</table>",
                  "Programme | Funding", id="header-cells-on-source-lines-of-their-own"),
     pytest.param("<table><tr><td>Total</td><td></td><td><b>£14</b>m</td></tr></table>", "Total | £14m",
                  id="an-empty-cell-is-one-gap"),
     pytest.param("<details><summary>Funding by programme</summary>The UK will invest £10m.</details>",
                  "Funding by programme\n\nThe UK will invest £10m.", id="summary-line"),
     pytest.param("<ul><li>Prevent</li><li>Channel</li></ul>", "- Prevent\n\n- Channel", id="list-items"),
     pytest.param("<p>The UK will\n   invest £10m.</p>", "The UK will invest £10m.", id="a-source-line-break-is-a-space"),
     pytest.param("<pre>2024: plans\n2025: reports</pre>", "2024: plans\n2025: reports", id="pre-keeps-its-lines")],
)
def test_html_to_text_never_glues_cells_summaries_or_list_items(html, expected):
    assert html_to_text(html) == expected


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz£0123456789", min_size=1, max_size=8)


@given(st.lists(st.lists(_WORD, min_size=1, max_size=4), min_size=1, max_size=4))
def test_html_to_text_gives_a_table_row_per_paragraph_and_a_bar_between_cells(rows):
    html = "<table>" + "".join(
        "<tr>\n" + "".join(f"  <td>{cell}</td>\n" for cell in row) + "</tr>" for row in rows) + "</table>"
    assert html_to_text(html) == "\n\n".join(" | ".join(row) for row in rows)


@given(st.text(max_size=300))
def test_any_text_reads_as_a_page_or_a_fragment_without_raising(html):
    assert "\x00" not in html_to_text(html) and "\x00" not in page_to_text(html)


def test_html_to_text_reads_deeply_nested_html_without_recursing():
    depth = MAX_HTML_DEPTH  # as deep as it takes (past Python's recursion limit); deeper is refused unread
    assert html_to_text("<div>" * depth + "<p>We will act.</p>" + "</div>" * depth) == "We will act."


def test_page_source_reduces_a_whole_page_to_its_article():
    assert all(chrome in html_to_text(PAGE) for chrome in CHROME)  # what the fragment reader would keep
    draft = release_from_page(PAGE, url="https://e.org/news/prevent", source="ministry", now=NOW)
    assert draft.release.body == ARTICLE
    assert draft.release.title == "Prevent funding confirmed for three more years" and draft.dated


def test_html_release_file_is_read_as_a_whole_page(tmp_path):
    path = tmp_path / "prevent.html"
    path.write_text(PAGE)
    assert load_release(path).body == ARTICLE


@pytest.mark.parametrize(
    ("html", "expected"),
    [pytest.param("<html><body><nav>Menu</nav><main><h1>Border plan</h1><p>We will invest.</p>"
                  "<p>Second.</p></main></body></html>",
                  "Border plan\n\nWe will invest.\n\nSecond.", id="short-page-read-by-its-tags"),
     pytest.param("<html><body><h1>Border plan</h1><form action='/search'><p>"
                  + "The UK will invest £10m in border security over the next three years. " * 3
                  + "</p></form></body></html>",
                  " ".join(["The UK will invest £10m in border security over the next three years."] * 3),
                  id="short-page-whose-text-a-form-held")],
)
def test_short_page_keeps_its_tag_reading_unless_the_extractor_finds_far_more(html, expected):
    assert page_to_text(html) == expected


@pytest.mark.parametrize("nothing", [None, ""], ids=["none", "empty"])
def test_page_falls_back_to_html_to_text_when_the_extractor_finds_nothing(monkeypatch, nothing):
    monkeypatch.setattr("trafilatura.extract", lambda *args, **kwargs: nothing)
    assert page_to_text(PAGE) == html_to_text(PAGE)


def test_page_too_deeply_nested_for_the_extractor_still_gives_its_text():
    depth = 600
    page = "<html><body>" + "<div>" * depth + "<p>We will act.</p>" + "</div>" * depth + "</body></html>"
    assert page_to_text(page) == "We will act."


def test_page_entities_are_never_expanded():
    bomb = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            "<html><body><article><p>The UK will act &c; now.</p></article></body></html>")
    text = page_to_text(bomb)
    assert "The UK will act" in text and "aaaaaaaaaa" not in text


# A feed entry's content (like a GOV.UK body) is a fragment: all of it is the release, so nothing is judged
# boilerplate. The page extractor would drop this heading and its list, deadlines and all.
FRAGMENT = ('<div class="govspeak"><p>The ministry will provide £24 million to protect 12 regional ports over the '
            "next two years.</p><h2>What the fund pays for</h2><ul><li>new freight screening lanes by March 2025</li>"
            "<li>40 specialist officers at the ports by the end of the year</li></ul>"
            "<p>Port operators must submit updated security plans within six months.</p></div>")


def test_feed_entry_content_is_a_fragment_read_whole():
    entry = FeedEntry(key="k", link="https://e.org/ports", title="Ports fund", published=NOW, updated=None,
                      summary_html="", content_html=FRAGMENT, fingerprint="f")
    body = entry_release(entry, source="ministry", now=NOW).release.body
    assert body == html_to_text(FRAGMENT)
    assert "- new freight screening lanes by March 2025" in body.split("\n\n")
    assert "new freight screening lanes" not in page_to_text(FRAGMENT)
