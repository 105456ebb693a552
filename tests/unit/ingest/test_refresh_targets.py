"""Which pages are a ``<meta http-equiv="refresh">`` redirect, and to where (pure)."""

from __future__ import annotations

import pytest

from services.ingest.refresh import refresh_target

URL = "https://www.example.gov/news/old"


def page(content: str, text: str = "This page has moved.", *, equiv: str = "refresh") -> str:
    return (f'<html><head><meta http-equiv="{equiv}" content="{content}"><title>Moved</title></head>'
            f"<body><p>{text}</p></body></html>")


@pytest.mark.parametrize(("html", "expected"), [
    (page("0; url=/news/new"), "https://www.example.gov/news/new"),
    (page("0;URL='https://other.example.gov/a b'"), "https://other.example.gov/a%20b"),
    (page("3, url=new"), "https://www.example.gov/news/new"),
    (page(" 5 ; url = /news/new "), "https://www.example.gov/news/new"),
    (page("1.5; url=/news/new"), "https://www.example.gov/news/new"),
    (page("0;/news/new"), "https://www.example.gov/news/new"),
    (page("0; url=/news/new#top"), "https://www.example.gov/news/new"),
    (page("0; url=/news/new", equiv="Refresh"), "https://www.example.gov/news/new"),
    (page("0; url=javascript:alert(1)"), "javascript:alert(1)"),
], ids=["url-equals", "quoted-absolute", "comma", "spaces", "fraction", "no-url-key", "fragment-dropped",
        "equiv-case", "other-scheme-given-as-is"])
def test_a_page_that_only_redirects_names_its_target(html, expected):
    assert refresh_target(html, url=URL) == expected


@pytest.mark.parametrize("html", [
    page("6; url=/news/new"),  # a notice shown for a while: the page itself is what is published
    page("0"),  # a reload, no target
    page("0; url="),
    page("0; url=/news/old"),  # itself: a reload
    page("soon; url=/news/new"),
    page("0; url=/news/new", "The minister said. " * 40),  # a whole article that also refreshes
    page("0; url=/news/new", equiv="content-type"),
    "<html><body><p>No refresh at all.</p></body></html>",
    page("0; url=http://[www.example.gov/news/new"),  # no address a browser goes to: it stays on the page
    page("0; url=http://www.example.gov:99999/news/new"),
    page("0; url=http://www.example.gov:80x/news/new"),
], ids=["delay-too-long", "no-url", "empty-url", "to-itself", "no-delay", "much-text", "other-equiv", "none",
        "unclosed-ipv6-host", "port-out-of-range", "port-not-a-number"])
def test_a_page_of_its_own_is_not_a_redirect(html):
    assert refresh_target(html, url=URL) is None
