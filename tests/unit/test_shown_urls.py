"""A URL as it may be shown: scheme, host and port; user info and anything after the host hidden."""

import pytest

from services.common.shown_urls import is_shown_form, shown_url, urls_shown_in


@pytest.mark.parametrize("url, shown", [
    ("https://api.example/feed?api_key=K3Y", "https://api.example/***"),
    ("https://reader:pa55@api.example:8443/feed", "https://***@api.example:8443/***"),
    ("https://example.org/feeds/t0k/private.rss#top", "https://example.org/***"),
    ("HTTP://Example.ORG/", "http://example.org"),
    ("http://[::1]:8080/x?token=t", "http://[::1]:8080/***"),
    ("http://example.org:99999/x?token=t", "http://***"),
], ids=["query", "user-info-and-port", "path-and-fragment", "no-path", "ipv6", "bad-port"])
def test_a_url_is_shown_as_its_host(url, shown):
    assert shown_url(url) == shown


@pytest.mark.parametrize("url, shown", [
    ("https://api.example/***", True), ("https://***@api.example:8443/***", True), ("https://***@api.example", True),
    ("slack://***", True), ("https://api.example", False), ("https://api.example/in", False),
    ("https://api.example/a/***", False), ("https://api.example/***?x=1", False), ("https://user@api.example", False),
    ("not a url /***", False),
])
def test_a_url_in_a_shown_form_is_told_from_a_whole_one(url, shown):
    assert is_shown_form(url) is shown
    assert is_shown_form(shown_url("https://u:p@api.example/in?k=1"))


def test_every_url_in_a_text_is_shown_so_and_the_text_around_it_kept():
    text = ("http://u:pa55@127.0.0.1:8080/loop?api_key=K3Y: more than 5 redirects, last to "
            "'https://cdn.example/next?sig=abc'.")
    assert urls_shown_in(text) == ("http://***@127.0.0.1:8080/***: more than 5 redirects, last to "
                                   "'https://cdn.example/***'.")


def test_the_urls_in_a_text_can_be_shown_another_way():
    text = "http://u:pa55@127.0.0.1:8080/press/a?lang=en&api_key=K3Y: HTTP 500 (after 8 tries)."
    shown = urls_shown_in(text, lambda url: url.partition("?")[0])
    assert shown == "http://u:pa55@127.0.0.1:8080/press/a: HTTP 500 (after 8 tries)."
