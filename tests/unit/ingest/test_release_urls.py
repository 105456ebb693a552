"""A release's url without its source's credentials: user info, and the query parameters that are keys."""

from __future__ import annotations

import pytest

from services.ingest.release_urls import credential_parameter, url_without_credentials

FEED = "https://api.example.org/feed.rss"


@pytest.mark.parametrize("url, kept", [
    ("https://reader:pa55word@example.org/press/a", "https://example.org/press/a"),
    ("https://token@example.org:8443/press/a?x=1", "https://example.org:8443/press/a?x=1"),
    ("https://example.org/press/a?api_key=abc", "https://example.org/press/a"),
    ("https://example.org/a?lang=en&apiKey=abc&page=2", "https://example.org/a?lang=en&page=2"),
    ("https://example.org/a?access_token=t&TOKEN=u", "https://example.org/a"),
    ("https://bucket.s3.amazonaws.com/r.html?X-Amz-Credential=c&X-Amz-Signature=s&X-Amz-Date=20261206",
     "https://bucket.s3.amazonaws.com/r.html?X-Amz-Date=20261206"),
    ("https://example.blob.core.windows.net/r.html?sv=2024&sig=abc%2Bd",
     "https://example.blob.core.windows.net/r.html?sv=2024"),
    ("https://example.org/a?key=abc#top", "https://example.org/a#top"),
])
def test_user_info_and_credential_parameters_are_dropped(url, kept):
    assert url_without_credentials(url, source_url=FEED) == kept


@pytest.mark.parametrize("url", [
    "https://www.gov.uk/search/news-and-communications?organisations%5B%5D=home-office&order=updated-newest",
    "https://www.gov.uk/government/news/x?utm_source=rss&utm_medium=feed&keywords=border+security",
    "https://example.org/a?q=monkey&author=Smith&sort=date&page=2",
    "https://example.org/a?b=%20c&&d",  # written as it is: nothing re-encoded
    "https://example.org/a?",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "tag:example.org,2026:press-a?key=not-a-query",
])
def test_an_ordinary_url_is_kept_as_written(url):
    assert url_without_credentials(url, source_url=FEED) is url


def test_a_key_the_source_url_carries_is_dropped_under_any_name():
    source = "https://reader@api.example.org/feed.rss?u=3f9a8b7c6d5e4f30&organisations%5B%5D=home-office"
    url = "https://example.org/a?organisations%5B%5D=home-office&user=3f9a8b7c6d5e4f30&page=2&u=3f9a8b7c6d5e4f30"
    kept = "https://example.org/a?organisations%5B%5D=home-office&page=2"
    assert url_without_credentials(url, source_url=source) == kept


@pytest.mark.parametrize("value", ["home-office", "2026-12-06", "en", "budget", "page2"])
def test_a_source_url_value_that_is_no_key_stays_in_the_url(value):
    url = f"https://example.org/a?topic={value}"
    assert url_without_credentials(url, source_url=f"{FEED}?topic={value}") == url


@pytest.mark.parametrize("name, credential", [
    ("api_key", True), ("apikey", True), ("API-KEY", True), ("apiKey", True), ("key", True), ("token", True),
    ("access_token", True), ("accessToken", True), ("auth", True), ("signature", True), ("sig", True),
    ("X-Amz-Signature", True), ("X-Amz-Security-Token", True), ("client_secret", True), ("password", True),
    ("keywords", False), ("monkey", False), ("author", False), ("organisations[]", False), ("utm_source", False),
    ("page", False), ("signup", False), ("q", False),
])
def test_credential_parameters_are_told_by_their_words(name, credential):
    assert credential_parameter(name) is credential
