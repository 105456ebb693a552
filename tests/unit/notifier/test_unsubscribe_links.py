"""Unsubscribe links: signed per subscription and recipient, read back only with the same key."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.settings import Settings
from services.notifier.config import NotifierConfig
from services.notifier.unsubscribe import Recipient, UnsubscribeLinks, unsubscribe_links

LINKS = UnsubscribeLinks.from_secret("a-server-secret-0123456789", "https://alerts.example.org/pw/")
SUBSCRIPTION_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True)
ADDRESSES = st.emails().map(str.lower)


@given(SUBSCRIPTION_IDS, ADDRESSES)
def test_a_token_reads_back_as_its_subscription_and_address(subscription_id, address):
    assert LINKS.read(LINKS.token(subscription_id, address)) == Recipient(subscription_id, address)


@given(st.text(max_size=700))
def test_reading_any_text_gives_none_or_a_recipient_never_an_error(text):
    assert LINKS.read(text) is None or isinstance(LINKS.read(text), Recipient)


BASE64URL = string.ascii_letters + string.digits + "-_"


def test_a_token_changed_in_any_character_is_refused():
    """Before: the last character of the MAC could be changed within its 4 unused low bits (``…Q`` read as
    ``…X``), and a character outside base64url added anywhere, and the link still worked."""
    token = LINKS.token("desk", "jane@example.org")
    replaced = {token[:at] + char + token[at + 1:] for at in range(len(token)) for char in BASE64URL + "."}
    inserted = {token[:at] + char + token[at:] for at in range(len(token) + 1) for char in "=!~ "}
    accepted = sorted(changed for changed in (replaced | inserted) - {token} if LINKS.read(changed) is not None)
    assert accepted == []


def test_the_url_is_under_the_public_address_and_the_address_is_lower_cased():
    url = LINKS.url("desk", "Jane@Example.org")
    assert url.startswith("https://alerts.example.org/pw/unsubscribe/")
    assert LINKS.read(url.rpartition("/")[2]) == Recipient("desk", "jane@example.org")


def test_another_key_cannot_read_a_token_nor_make_one_for_this_server():
    other = UnsubscribeLinks.from_secret("another-secret-0123456789", "https://alerts.example.org")
    assert other.read(LINKS.token("desk", "jane@example.org")) is None
    assert LINKS.read(other.token("desk", "jane@example.org")) is None


@pytest.mark.parametrize("config, settings, base", [
    ({}, {"api_token": "api-token-0123456789"}, "http://127.0.0.1:8080"),
    ({"public_url": "https://alerts.example.org"}, {"api_token": "api-token-0123456789"},
     "https://alerts.example.org"),
    ({"unsubscribe_secret": "own-secret-0123456789"}, {}, "http://127.0.0.1:8080"),
    ({}, {"http_host": "::1", "http_port": 9000, "api_token": "api-token-0123456789"}, "http://[::1]:9000"),
], ids=["api-token-and-own-address", "public-url", "own-secret", "ipv6-host"])
def test_links_are_keyed_and_placed_by_the_settings(config, settings, base):
    links = unsubscribe_links(NotifierConfig(**config), Settings(**settings))
    assert links is not None and links.base_url == base


def test_no_secret_and_no_api_token_means_no_links():
    assert unsubscribe_links(NotifierConfig(), Settings()) is None


def test_the_own_secret_is_the_key_when_set():
    token = unsubscribe_links(NotifierConfig(), Settings(api_token="api-token-0123456789")).token("d", "a@b.org")
    own = unsubscribe_links(NotifierConfig(unsubscribe_secret="own-secret-0123456789"),
                            Settings(api_token="api-token-0123456789"))
    assert own.read(token) is None


def test_a_link_names_which_subscription_of_its_id_it_was_made_for_and_generation_0_is_the_link_as_before():
    assert LINKS.read(LINKS.token("desk", "jane@example.org", 3)) == Recipient("desk", "jane@example.org", 3)
    assert LINKS.token("desk", "jane@example.org", 3) != LINKS.token("desk", "jane@example.org")
    assert LINKS.token("desk", "jane@example.org", 0) == LINKS.token("desk", "jane@example.org")
