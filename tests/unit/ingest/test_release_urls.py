"""A release's url without its source's credentials: user info, and the query parameters that are keys."""

from __future__ import annotations

import pytest

from services.ingest.release_urls import credential_name, url_without_credentials

FEED = "https://api.example.org/feed.rss"
KEY = "3f9a8b7c6d5e4f30"
TAXON = "e2ca2f1a-0ff3-43ce-b813-16645ff27904"


@pytest.mark.parametrize("url, kept", [
    ("https://reader:pa55word@example.org/press/a", "https://example.org/press/a"),
    ("https://token@example.org:8443/press/a?x=1", "https://example.org:8443/press/a?x=1"),
    ("https://example.org/press/a?api_key=abc", "https://example.org/press/a"),
    ("https://example.org/a?lang=en&apiKey=abc&page=2", "https://example.org/a?lang=en&page=2"),
    (f"https://example.org/a?access_token=t&TOKEN={KEY}", "https://example.org/a"),
    ("https://example.org/a?password=x&pwd=y&passwd=z&client_secret=s&auth_token=a&q=1", "https://example.org/a?q=1"),
    ("https://bucket.s3.amazonaws.com/r.html?X-Amz-Credential=c&X-Amz-Signature=s&X-Amz-Date=20261206",
     "https://bucket.s3.amazonaws.com/r.html?X-Amz-Date=20261206"),
    ("https://example.blob.core.windows.net/r.html?sv=2024&se=2026-12-07&sig=abc%2Bd",
     "https://example.blob.core.windows.net/r.html?sv=2024&se=2026-12-07"),
    ("https://cdn.example.org/r.html?Expires=1765000000&Signature=abc&Key-Pair-Id=K2",
     "https://cdn.example.org/r.html?Expires=1765000000&Key-Pair-Id=K2"),
    (f"https://example.org/a?key={KEY}#top", "https://example.org/a#top"),
    (f"https://example.org/a?token={TAXON}", "https://example.org/a"),
    ("https://example.org/a?secret=" + "Zm9vYmFyYmF6cXV4cXV1eA==", "https://example.org/a"),
    (f"https://example.org/a?sig={KEY}&page=2", "https://example.org/a?page=2"),
])
def test_user_info_and_credential_parameters_are_dropped(url, kept):
    assert url_without_credentials(url, source_url=FEED) == kept


@pytest.mark.parametrize("url", [
    "https://www.gov.uk/search/news-and-communications?organisations%5B%5D=home-office&order=updated-newest",
    "https://www.gov.uk/government/news/x?utm_source=rss&utm_medium=feed&keywords=border+security",
    "https://example.org/a?q=monkey&author=Smith&sort=date&page=2",
    "https://example.org/a?b=%20c&&d",  # written as it is: nothing re-encoded
    "https://example.org/a?",
    "https://example.org/a?key=borders&topic=borders",
    "https://example.org/a?sort_key=date&page_token=CAoQAA&auth=none&secret=santa",
    "https://example.org/a?sig=abc&signature=def",
    "https://example.org/a#section-2",
    "https://example.org/a#:~:text=border",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "tag:example.org,2026:press-a?key=not-a-query",
])
def test_an_ordinary_url_is_kept_as_written(url):
    assert url_without_credentials(url, source_url=FEED) is url


def test_a_key_the_source_url_carries_is_dropped_under_any_name():
    source = f"https://reader@api.example.org/feed.rss?u={KEY}&organisations%5B%5D=home-office"
    url = f"https://example.org/a?organisations%5B%5D=home-office&user={KEY}&page=2&u={KEY}"
    kept = "https://example.org/a?organisations%5B%5D=home-office&page=2"
    assert url_without_credentials(url, source_url=source) == kept


@pytest.mark.parametrize("value", ["home-office", "2026-12-06", "en", "budget", "page2"])
def test_a_source_url_value_that_is_no_key_stays_in_the_url(value):
    url = f"https://example.org/a?topic={value}"
    assert url_without_credentials(url, source_url=f"{FEED}?topic={value}") == url


@pytest.mark.parametrize("query", [
    f"level_one_taxon={TAXON}",
    f"keywords=visa2026&level_one_taxon={TAXON}&organisations%5B%5D=home-office&people%5B%5D=a-b"
    "&content_store_document_type=news_story&public_timestamp%5Bfrom%5D=01%2F12%2F2026&order=updated-newest&page=2",
    "keywords=b0rder5ecurity&topic=c4f3b2a1d0e9",
])
def test_a_govuk_search_url_keeps_its_filters_though_the_source_url_repeats_them(query):
    url = f"https://www.gov.uk/search/all?{query}"
    assert url_without_credentials(url, source_url=url) == url


def test_a_filter_named_key_is_kept_though_the_source_url_repeats_it():
    url = "https://example.org/a?key=borders&page=2"
    assert url_without_credentials(url, source_url="https://example.org/a?key=borders") is url


@pytest.mark.parametrize("url, kept", [
    (f"https://example.org/a?topic=borders;api_key={KEY}", "https://example.org/a?topic=borders"),
    (f"https://example.org/a?api_key={KEY};topic=borders&page=2", "https://example.org/a?topic=borders&page=2"),
    (f"https://example.org/a#access_token={KEY}&state=x", "https://example.org/a#state=x"),
    (f"https://example.org/a?x=1#access_token={KEY}", "https://example.org/a?x=1"),
])
def test_a_key_after_a_semicolon_or_in_the_fragment_is_dropped(url, kept):
    assert url_without_credentials(url, source_url=FEED) == kept


@pytest.mark.parametrize("written", ["ab+cd12ef34", "ab%2Bcd12ef34"])
def test_a_source_key_with_a_plus_is_dropped_however_the_link_writes_it(written):
    source = f"{FEED}?u=ab+cd12ef34"
    url = f"https://example.org/a?user={written}&page=2"
    assert url_without_credentials(url, source_url=source) == "https://example.org/a?page=2"


@pytest.mark.parametrize("name, credential", [
    ("api_key", True), ("apikey", True), ("API-KEY", True), ("apiKey", True), ("access_token", True),
    ("accessToken", True), ("auth_token", True), ("X-Amz-Signature", True), ("X-Amz-Credential", True),
    ("X-Amz-Security-Token", True), ("client_secret", True), ("password", True), ("passwd", True), ("pwd", True),
    ("google_api_key", True),
    ("key", False), ("token", False), ("auth", False), ("secret", False), ("sig", False), ("signature", False),
    ("sort_key", False), ("page_token", False), ("keywords", False), ("monkey", False), ("author", False),
    ("organisations[]", False), ("utm_source", False), ("page", False), ("signup", False), ("q", False),
])
def test_credential_names_are_told_by_their_words(name, credential):
    assert credential_name(name) is credential
