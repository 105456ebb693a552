"""Decoding by declared charset, and backoff delays (pure)."""

from __future__ import annotations

import pytest

from services.ingest.backoff import Backoff, backoff_delay
from services.ingest.charset import decode_text
from services.ingest.errors import ContentError


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
    [pytest.param("Café".encode("latin-1"), None, "not UTF-8 and no charset declared", id="undeclared"),
     pytest.param(b"abc", "klingon-8", "unknown charset", id="unknown"),
     pytest.param(b"\xff\xfe\xfa", "utf-8", "not valid utf-8", id="invalid")],
)
def test_undecodable_text_is_refused_with_a_clear_error(raw, charset, message):
    with pytest.raises(ContentError, match=message):
        decode_text(raw, charset=charset, url="http://x/y")


@pytest.mark.parametrize(("failures", "delay"), [(0, 0), (1, 60), (2, 120), (3, 240), (10, 3600), (99, 3600)])
def test_backoff_doubles_up_to_the_cap(failures, delay):
    assert backoff_delay(failures, base=60, cap=3600) == delay


def test_backoff_holds_a_key_until_its_retry_time():
    backoff = Backoff(base=10, cap=100)
    assert backoff.ready("feed", 0)
    assert backoff.failed("feed", now=0) == 10
    assert not backoff.ready("feed", 9.9) and backoff.ready("feed", 10)
    assert backoff.failed("feed", now=10) == 20
    backoff.succeeded("feed")
    assert backoff.ready("feed", 10) and backoff.failures("feed") == 0
