"""Decoding by declared charset, which addresses count as public, and backoff delays (pure)."""

from __future__ import annotations

import pytest

from services.common.retrying import RetryPolicy
from services.ingest.backoff import Backoff
from services.ingest.charset import decode_text
from services.ingest.errors import ContentError
from services.ingest.fetch import non_public_kind, origin


@pytest.mark.parametrize(
    ("raw", "charset", "html", "text"),
    [pytest.param("Café".encode(), None, False, "Café", id="utf8-undeclared"),
     pytest.param("Café".encode("latin-1"), "iso-8859-1", False, "Café", id="header-charset"),
     pytest.param('<meta charset="windows-1252"><p>“Quote”</p>'.encode("cp1252"), None, True,
                  '<meta charset="windows-1252"><p>“Quote”</p>', id="meta-charset"),
     pytest.param(b"\xef\xbb\xbfCaf\xc3\xa9", "iso-8859-1", False, "Café", id="bom-wins")],
)
def test_text_is_decoded_by_its_declared_charset(raw, charset, html, text):
    assert decode_text(raw, charset=charset, url="u", html=html) == text


@pytest.mark.parametrize(
    ("raw", "charset", "message"),
    [pytest.param("Café".encode("latin-1"), None, r"^u: not UTF-8 \(byte 3: b'\\xe9'\)$", id="undeclared"),
     pytest.param(b"abc", "klingon-8", "^u: unknown charset 'klingon-8'$", id="unknown"),
     pytest.param(b"ab\x81\xff", "shift_jis", r"^u: not shift_jis \(byte 2: b'\\x81'\)$", id="invalid-declared"),
     pytest.param(b"ab\xfe\xfa", "utf-8", r"^u: not UTF-8 \(byte 2: b'\\xfe'\)$", id="invalid"),
     pytest.param(b"YWJj", "base64", "'base64' is not a text encoding", id="base64-is-not-text"),
     pytest.param(b"nop", "rot13", "'rot13' is not a text encoding", id="rot13-is-not-text"),
     pytest.param(b"<p>x</p>", "zlib", "'zlib' is not a text encoding", id="zlib-is-not-text")],
)
def test_undecodable_text_is_refused_with_a_clear_error(raw, charset, message):
    with pytest.raises(ContentError, match=message):
        decode_text(raw, charset=charset, url="u")


@pytest.mark.parametrize(("raw", "charset", "message"), [
    pytest.param(b"\xef\xbb\xbfCaf\xe9", None, "not UTF-8 (byte 6: b'\\xe9')", id="utf-8-mark"),
    pytest.param(b"\xef\xbb\xbfCaf\xe9", "iso-8859-1", "not UTF-8 (byte 6: b'\\xe9')", id="mark-over-header"),
    pytest.param(b"\xff\xfeA\x00\x00\xdc", None, "not UTF-16LE, as its byte-order mark says (byte 4: b'\\x00')",
                 id="utf-16-mark"),
    pytest.param(b"Caf\xe9", "utf-8", "not UTF-8 (byte 3: b'\\xe9')", id="no-mark"),
])
def test_the_byte_a_page_fails_at_is_counted_from_its_first_byte_as_for_a_release_file(raw, charset, message):
    """Before: counted after a byte order mark (``byte 3`` for the sixth byte of a marked page), and not shown."""
    with pytest.raises(ContentError) as caught:
        decode_text(raw, charset=charset, url="https://e.org/p")
    assert str(caught.value) == f"https://e.org/p: {message}"


@pytest.mark.parametrize(
    ("address", "kind"),
    [pytest.param("127.0.0.1", "loopback", id="ipv4-loopback"),
     pytest.param("::1", "loopback", id="ipv6-loopback"),
     pytest.param("::ffff:127.0.0.1", "loopback", id="ipv4-mapped-loopback"),
     pytest.param("10.1.2.3", "private", id="rfc1918"),
     pytest.param("192.168.0.10", "private", id="home-router"),
     pytest.param("fd00::1", "private", id="ipv6-unique-local"),
     pytest.param("169.254.169.254", "link-local", id="cloud-metadata"),
     pytest.param("fe80::1%eth0", "link-local", id="ipv6-link-local-with-scope"),
     pytest.param("224.0.0.1", "multicast", id="multicast"),
     pytest.param("0.0.0.0", "unspecified", id="unspecified"),
     pytest.param("240.0.0.1", "reserved", id="reserved"),
     pytest.param("151.101.0.144", None, id="public-ipv4"),
     pytest.param("2a04:4e42::144", None, id="public-ipv6")],
)
def test_addresses_a_feed_link_may_not_reach_are_named(address, kind):
    assert non_public_kind(address) == kind


@pytest.mark.parametrize(
    ("url", "expected"),
    [pytest.param("https://Example.org/a", ("example.org", 443), id="https-default-port"),
     pytest.param("http://127.0.0.1:8080/x", ("127.0.0.1", 8080), id="explicit-port")],
)
def test_origin_is_host_and_port(url, expected):
    assert origin(url) == expected


@pytest.mark.parametrize(("failures", "delay"), [(0, 0), (1, 60), (2, 120), (3, 240), (10, 3600), (99, 3600)])
def test_backoff_doubles_up_to_the_cap(failures, delay):
    assert RetryPolicy(base=60, cap=3600).delay(failures) == delay


def test_backoff_holds_a_key_until_its_retry_time():
    backoff = Backoff(RetryPolicy(base=10, cap=100))
    assert backoff.ready("feed", 0)
    assert backoff.failed("feed", now=0) == 10
    assert not backoff.ready("feed", 9.9) and backoff.ready("feed", 10)
    assert backoff.failed("feed", now=10) == 20
    backoff.succeeded("feed")
    assert backoff.ready("feed", 10) and backoff.failures("feed") == 0


@pytest.mark.parametrize("declared", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_page_whose_meta_declares_utf_16_without_a_mark_is_read_as_utf_8_as_browsers_and_release_files_do(declared):
    """Before: decoded as UTF-16 (its ASCII read as CJK characters) or refused, where a release file saved from it
    was read: a <meta> readable as ASCII cannot be UTF-16, and HTML reads such a declaration as UTF-8."""
    raw = f'<html><head><meta charset="{declared}"></head><body>Café!</body></html>'.encode()
    assert decode_text(raw, charset=None, url="u", html=True) == raw.decode()


@pytest.mark.parametrize(("raw", "charset", "text"), [
    pytest.param(b"\x93Quote\x94 \x80", "iso-8859-1", "\u201cQuote\u201d \u20ac", id="latin-1-label"),
    pytest.param(b"\x93Quote\x94", "latin1", "\u201cQuote\u201d", id="latin1-label"),
    pytest.param(b"\xa3 5m", "us-ascii", "\u00a3 5m", id="ascii-label"),
    pytest.param(b"a\x81b\x9dc", "windows-1252", "a\x81b\x9dc", id="bytes-windows-1252-leaves-undefined"),
])
def test_a_page_labelled_latin_1_or_ascii_is_read_as_windows_1252_as_browsers_read_it(raw, charset, text):
    """Before: curly quotes came out as control characters (U+0093), a pound sign in an "ascii" page was refused,
    and the five bytes windows-1252 leaves undefined were refused in a windows-1252 page."""
    assert decode_text(raw, charset=charset, url="u") == text
