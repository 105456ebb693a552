"""A response's media type from its first bytes when it declares none (WHATWG MIME sniffing)."""

from __future__ import annotations

import pytest

from services.ingest.media_types import sniffed_type


@pytest.mark.parametrize(("head", "expected"), [
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "text/html"),
    (b"<!doctype HTML>\n<title>x</title>", "text/html"),
    (b"\n  <html lang='en'><p>x</p></html>", "text/html"),
    (b"\xef\xbb\xbf<!DOCTYPE html><p>x</p>", "text/html"),
    (b"<!-- a comment first --><div>x</div>", "text/html"),
    (b'<?xml version="1.0"?><rss version="2.0"></rss>', "text/xml"),
    (b'<rss version="2.0"><channel></channel></rss>', "application/rss+xml"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "application/atom+xml"),
    (b"<feedback>not a feed</feedback>", "text/plain"),
    (b"Plain words, no markup.", "text/plain"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\x00\x01\x02\x03 binary", "application/octet-stream"),
    (b"", "text/plain"),
], ids=["doctype", "doctype-lowercase", "html-after-whitespace", "utf8-bom", "comment", "xml-declaration", "rss",
        "atom", "not-a-feed-root", "plain-text", "pdf", "png", "binary", "empty"])
def test_an_undeclared_body_is_sniffed_from_its_first_bytes(head, expected):
    assert sniffed_type(head) == expected


XHTML_ROOT = b'<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>x</title></head></html>'
XHTML_DOCTYPE = (b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                 b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">')


@pytest.mark.parametrize(("head", "expected"), [
    (b'<?xml version="1.0" encoding="UTF-8"?>\n' + XHTML_ROOT, "application/xhtml+xml"),
    (b'<?xml version="1.0"?>\n' + XHTML_DOCTYPE + b"\n<!-- built 2026-12-01 -->\n" + XHTML_ROOT,
     "application/xhtml+xml"),
    (b"<?xml version='1.0'?><?xml-stylesheet href='s.xsl'?><html xmlns='http://www.w3.org/1999/xhtml'>",
     "application/xhtml+xml"),
    (b'<?xml version="1.0"?><html><body>no namespace</body></html>', "text/xml"),
    (b'<?xml version="1.0"?><htmlish xmlns="http://www.w3.org/1999/xhtml"/>', "text/xml"),
    (b'<?xml version="1.0"?><root><html xmlns="http://www.w3.org/1999/xhtml"/></root>', "text/xml"),
    (b'<?xml version="1.0"?><!--' + b"x" * 2000 + b"-->" + XHTML_ROOT, "text/xml"),
], ids=["declaration-then-root", "doctype-and-comment-between", "stylesheet-instruction", "html-root-without-namespace",
        "other-root-in-the-namespace", "html-not-the-root", "root-past-the-first-bytes"])
def test_an_undeclared_xml_body_whose_root_is_xhtml_is_a_page(head, expected):
    """Before: every body opening with `<?xml` was text/xml, so an XHTML page served with no Content-Type was
    refused as not HTML."""
    assert sniffed_type(head) == expected
