"""A release file is decoded by its byte-order mark (UTF-8, UTF-16 or UTF-32, either byte order), else must be
UTF-8: the same text in any of these encodings is the same release; bytes that are not are refused as a fetched
page is, in the same words (pure, files in tmp_path)."""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.common.encodings import NotText, decode_bytes
from services.ingest.charset import decode_text
from services.ingest.errors import ContentError
from services.ingest.files import ReleaseFileError, load_release

MARKED = [pytest.param(codecs.BOM_UTF8, "utf-8", id="utf-8"),
          pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16-le"),
          pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", id="utf-16-be"),
          pytest.param(codecs.BOM_UTF32_LE, "utf-32-le", id="utf-32-le"),
          pytest.param(codecs.BOM_UTF32_BE, "utf-32-be", id="utf-32-be")]

FILES = [
    pytest.param("2026-05-05-plan.txt", "Sécurité des ports\nThe UK will invest £5m by 2027.\n", id="txt"),
    pytest.param("plan.md", "---\ndate: 2026-05-05\nlocale: fr\n---\n# Sécurité des ports\nThe UK will invest £5m "
                 "by 2027.\n", id="md-front-matter"),
    pytest.param("plan.json", '{"id": "plan-1", "title": "Sécurité des ports", "published_at": '
                 '"2026-05-05T09:00:00+00:00", "body": "The UK will invest £5m by 2027."}', id="json"),
    pytest.param("2026-05-05-plan.html", "<html><head><title>x</title></head><body><main><h1>Sécurité des ports"
                 "</h1><p>The UK will invest £5m by 2027.</p></main></body></html>", id="html"),
]


@pytest.mark.parametrize(("bom", "encoding"), MARKED)
@pytest.mark.parametrize(("name", "text"), FILES)
def test_a_file_with_a_byte_order_mark_is_the_release_its_utf8_twin_is(tmp_path, bom, encoding, name, text):
    """Before: every mark but UTF-8's was refused as 'not UTF-8 (byte 0: b'\\xff')'."""
    (tmp_path / "utf8").mkdir()
    (tmp_path / "marked").mkdir()
    plain, marked = tmp_path / "utf8" / name, tmp_path / "marked" / name
    plain.write_bytes(text.encode())
    marked.write_bytes(bom + text.encode(encoding))
    expected, got = load_release(plain), load_release(marked)
    assert (got.title, got.body, got.content_hash, got.locale) == \
        (expected.title, expected.body, expected.content_hash, expected.locale)
    assert "Sécurité des ports" in got.title and "£5m" in got.body


@pytest.mark.parametrize(("raw", "message"), [
    pytest.param("Sécurité\nThe UK will act.".encode("latin-1"), "not UTF-8 (byte 1: b'\\xe9')", id="latin-1"),
    pytest.param("Sécurité\nThe UK will act.".encode("cp1252"), "not UTF-8 (byte 1: b'\\xe9')", id="windows-1252"),
    pytest.param(codecs.BOM_UTF8 + b"Caf\xe9 title\nbody", "not UTF-8 (byte 6: b'\\xe9')", id="utf-8-mark"),
    pytest.param(codecs.BOM_UTF16_LE + "Title\nbody".encode("utf-16-le")[:-1],
                 "not UTF-16LE, as its byte-order mark says (byte 20: b'y')", id="utf-16-cut-short"),
    pytest.param(codecs.BOM_UTF16_BE + "Ti".encode("utf-16-be") + b"\xdc\x00" + "\nbody".encode("utf-16-be"),
                 "not UTF-16BE, as its byte-order mark says (byte 6: b'\\xdc')", id="utf-16-lone-surrogate"),
    pytest.param(codecs.BOM_UTF32_LE + "Title\nbody".encode("utf-32-le") + b"\x00\x00\x11\x00",
                 "not UTF-32LE, as its byte-order mark says (byte 44: b'\\x00')", id="utf-32-beyond-unicode"),
])
def test_a_file_not_in_its_encoding_is_refused_naming_the_byte(tmp_path, raw, message):
    path = tmp_path / "2026-05-05-plan.txt"
    path.write_bytes(raw)
    with pytest.raises(ReleaseFileError) as caught:
        load_release(path)
    assert str(caught.value) == f"{path}: {message}"


BOM_OF = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
          "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


@given(text=st.text(alphabet=st.characters(exclude_categories=("Cs",))), encoding=st.sampled_from(sorted(BOM_OF)))
def test_marked_text_decodes_to_itself(text, encoding):
    # FF FE 00 00 is the UTF-32LE mark: UTF-16LE text that starts with NUL reads as UTF-32LE, as in every reader
    assume(not (encoding == "utf-16-le" and text.startswith("\x00")))
    assert decode_bytes(BOM_OF[encoding] + text.encode(encoding)) == text


@given(text=st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_unmarked_utf8_decodes_to_itself(text):
    assume(not text.startswith("\ufeff"))
    assert decode_bytes(text.encode()) == text


@given(raw=st.binary(max_size=64))
def test_any_bytes_decode_or_are_refused_as_not_text(raw):
    try:
        decode_bytes(raw)
    except NotText as exc:
        assert "\n" not in str(exc) and str(exc).startswith("not UTF-")


@pytest.mark.parametrize("declaration", [
    pytest.param('<meta charset="windows-1252">', id="meta-charset"),
    pytest.param('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', id="http-equiv"),
])
def test_an_html_file_is_read_in_the_charset_it_declares_as_a_fetched_page_is(tmp_path, declaration):
    """Before: a page saved by a browser in windows-1252 was refused as 'not UTF-8 (byte …: b'\\xa3')'."""
    (tmp_path / "utf8").mkdir()
    (tmp_path / "declared").mkdir()
    page = ("<html><head>{}<title>x</title></head><body><main><h1>Sécurité des ports</h1>"
            "<p>The UK will invest £5m by 2027.</p></main></body></html>")
    plain, declared = tmp_path / "utf8" / "2026-05-05-plan.html", tmp_path / "declared" / "2026-05-05-plan.html"
    plain.write_bytes(page.format('<meta charset="utf-8">').encode())
    declared.write_bytes(page.format(declaration).encode("windows-1252"))
    assert load_release(declared).body == load_release(plain).body
    assert "£5m" in load_release(declared).body


def test_an_html_file_declaring_a_charset_it_is_not_in_is_refused_naming_it(tmp_path):
    path = tmp_path / "2026-05-05-plan.html"
    path.write_bytes('<html><head><meta charset="utf-8"></head><body><p>The UK will invest £5m.</p></body></html>'
                     .encode("windows-1252"))
    with pytest.raises(ReleaseFileError, match=r"not UTF-8 \(byte \d+: b'\\xa3'\)"):
        load_release(path)


@pytest.mark.parametrize(("charset", "message"), [
    pytest.param("klingon", "unknown charset 'klingon' declared in its <meta>", id="unknown"),
    pytest.param("base64", "charset 'base64' declared in its <meta> is not a text encoding", id="no-text-encoding"),
])
def test_an_html_file_declaring_no_text_encoding_is_refused_naming_it(tmp_path, charset, message):
    path = tmp_path / "2026-05-05-plan.html"
    path.write_bytes(f'<html><head><meta charset="{charset}"></head><body><p>The UK will act.</p></body></html>'
                     .encode())
    with pytest.raises(ReleaseFileError, match=re.escape(message)):
        load_release(path)


def test_an_html_file_labelled_latin_1_is_read_as_windows_1252_as_browsers_read_it(tmp_path):
    path = tmp_path / "2026-05-05-plan.html"
    path.write_bytes(b'<html><head><meta charset="iso-8859-1"></head><body><main><p>The UK will invest '
                     b'\xa35m in \x93Prevent\x94 by 2027.</p></main></body></html>')
    assert "\u00a35m in \u201cPrevent\u201d" in load_release(path).body


@pytest.mark.parametrize("raw", [
    pytest.param(b'<html><head><meta charset="utf-8"></head><body>\xa35m</body></html>', id="utf-8-meta"),
    pytest.param(b'<html><body>Caf\xe9</body></html>', id="undeclared"),
    pytest.param(b'<meta charset="shift_jis"><p>ab\x81\xff</p>', id="shift-jis-meta"),
    pytest.param(b'<meta charset="klingon"><p>x</p>', id="unknown-meta"),
    pytest.param(b'<meta charset="rot13"><p>x</p>', id="no-text-encoding-meta"),
    pytest.param(codecs.BOM_UTF16_LE + "<p>x</p>".encode("utf-16-le")[:-1], id="utf-16-cut-short"),
])
def test_a_fetched_page_and_an_html_release_file_of_the_same_bytes_are_refused_in_the_same_words(tmp_path, raw):
    """Before: a page said 'not valid utf-8 (byte …)' or 'not UTF-8 and no charset declared (byte …)' where a
    release file said 'not UTF-8 (byte …)', and 'not valid utf-16-le' where it said 'not UTF-16LE, as its
    byte-order mark says'."""
    path = tmp_path / "2026-05-05-plan.html"
    path.write_bytes(raw)
    with pytest.raises(ReleaseFileError) as as_file:
        load_release(path)
    with pytest.raises(ContentError) as as_page:
        decode_text(raw, charset=None, url="https://e.org/p", html=True)
    assert str(as_file.value).removeprefix(f"{path}: ") == str(as_page.value).removeprefix("https://e.org/p: ")


@given(raw=st.binary(max_size=64), html=st.booleans(),
       charset=st.sampled_from([None, "utf-8", "utf-16", "latin-1", "shift_jis", "klingon", "base64"]))
def test_any_bytes_in_any_charset_decode_or_are_refused_as_not_text_in_one_line(raw, html, charset):
    try:
        decode_bytes(raw, charset=charset, html=html)
    except NotText as exc:
        assert "\n" not in str(exc) and str(exc).startswith(("not ", "unknown charset ", "charset "))
