"""The XML guard sees every feed whatever precedes its DOCTYPE, and a byte-order mark decides the
encoding the same way for every Unicode encoding, in feeds and in pages."""

from __future__ import annotations

import codecs

import pytest

from services.ingest.charset import decode_text
from services.ingest.errors import ContentError
from services.ingest.feeds import parse_feed

BOMB = ('<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<rss version="2.0"><channel><title>&lol1;</title><item><title>&lol1;</title>'
        '<link>https://e.org/a</link><description>x</description></item></channel></rss>')
EXTERNAL = ('<!DOCTYPE rss [<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">]><rss version="2.0">'
            '<channel><title>&x;</title><item><title>A</title><link>https://e.org/a</link></item></channel></rss>')
FEED = ('<rss version="2.0"><channel><title>t</title><item><title>Sécurité</title><link>https://e.org/a</link>'
        '<description>x</description></item></channel></rss>')


@pytest.mark.parametrize("prologue", [
    pytest.param("", id="none"),
    pytest.param("garbage", id="junk-before-doctype"),
    pytest.param('<?xml version="1.0"?><!-- a -- b -->', id="malformed-comment"),
    pytest.param('<?xml version="1.0"?><?xml version="1.0"?>', id="two-declarations"),
    pytest.param('\n  <?xml version="1.0" encoding="windows-1252"?>', id="declaration-after-whitespace"),
    pytest.param('<?xml version="1.0" encoding="koi8-r"?>', id="encoding-expat-does-not-know"),
    pytest.param("\x00", id="nul"),
])
@pytest.mark.parametrize("document", [pytest.param(BOMB, id="entity-bomb"),
                                      pytest.param(EXTERNAL, id="external-entity")])
def test_unsafe_xml_is_refused_whatever_precedes_the_doctype(prologue, document):
    with pytest.raises(ContentError, match="unsafe XML refused"):
        parse_feed((prologue + document).encode(), url="https://e.org/feed", charset="utf-8")


def test_lower_case_doctype_declaring_entities_is_refused():
    with pytest.raises(ContentError, match="unsafe XML refused"):
        parse_feed(b"junk" + BOMB.replace("<!DOCTYPE", "<!doctype").encode(), url="https://e.org/feed")


BOMS = [pytest.param(codecs.BOM_UTF8, "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16-le"),
        pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", id="utf-16-be"),
        pytest.param(codecs.BOM_UTF32_LE, "utf-32-le", id="utf-32-le"),
        pytest.param(codecs.BOM_UTF32_BE, "utf-32-be", id="utf-32-be")]


@pytest.mark.parametrize(("bom", "encoding"), BOMS)
@pytest.mark.parametrize("declared", [None, "utf-8", "iso-8859-1"])
def test_a_byte_order_mark_decides_the_encoding_of_a_page(bom, encoding, declared):
    raw = bom + "<p>Sécurité</p>".encode(encoding)
    assert decode_text(raw, charset=declared, url="https://e.org/p", html=True) == "<p>Sécurité</p>"


@pytest.mark.parametrize(("bom", "encoding"), BOMS)
@pytest.mark.parametrize("declaration", ["", '<?xml version="1.0" encoding="{}"?>'])
def test_a_byte_order_mark_decides_the_encoding_of_a_feed(bom, encoding, declaration):
    raw = bom + (declaration.format(encoding.split("-l")[0].split("-b")[0]) + FEED).encode(encoding)
    [entry] = parse_feed(raw, url="https://e.org/feed", content_type="application/rss+xml")
    assert entry.title == "Sécurité"


@pytest.mark.parametrize(("bom", "encoding"), BOMS[1:])
def test_a_byte_order_mark_cut_short_is_refused_with_a_reason(bom, encoding):
    raw = bom + "<p>x</p>".encode(encoding)[:-1]
    name = encoding.upper().replace("-LE", "LE").replace("-BE", "BE")  # utf-16-le: UTF-16LE
    with pytest.raises(ContentError, match=f"^https://e.org/p: not {name}, as its byte-order mark says \\(byte "):
        decode_text(raw, charset=None, url="https://e.org/p", html=True)
