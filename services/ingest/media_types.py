"""The media type of a response that declares none, from its first bytes, as browsers sniff it (pure).

The rules are WHATWG MIME Sniffing's for a resource of unknown type (xtractmime implements them): HTML from
``<!DOCTYPE html``, ``<html``, ``<p`` and the like, ``<?xml`` as XML, PDFs, images, archives, else text or
binary by its bytes. Added to them: a document opening with an RSS or Atom root (``<rss``, ``<feed``) with no
XML declaration is that feed, as the standard's own feed-or-HTML rules read such a root; and an XML document
whose root, within the bytes the standard sniffs, is ``<html`` in the XHTML namespace is an XHTML page (the
standard stops at ``<?xml``, and so would refuse every XHTML page that opens with its XML declaration).
"""

from __future__ import annotations

import codecs
import re

from xtractmime import extract_mime

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_WHITESPACE = {b"\t", b"\n", b"\x0c", b"\r", b" "}  # the standard's, skipped before a pattern

_FEED_ROOTS = tuple(
    (root + end, b"\xff" * (len(root) + 1), _WHITESPACE, media_type)
    for root, media_type in ((b"<rss", b"application/rss+xml"), (b"<feed", b"application/atom+xml"))
    for end in (b" ", b">")
)


SNIFFED_BYTES = 1445  # the standard's resource header: what it reads of a body to sniff it
# An XHTML root after the prolog: the XML declaration and other processing instructions, comments, a DOCTYPE
# (with no internal subset: an XHTML page has none), and whitespace between them. One whitespace character a
# round, not a run of them: a run repeated would backtrack without end over a long one.
_XHTML_ROOT = re.compile(rb"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*>)*"
                         rb"<html(?:\s[^>]*?)?\sxmlns\s*=\s*([\"'])http://www\.w3\.org/1999/xhtml\1[^>]*>", re.S)


def _xhtml_root(body: bytes) -> bool:
    """Whether ``body``'s root element, within its first :data:`SNIFFED_BYTES`, is an XHTML ``<html>``."""
    return _XHTML_ROOT.match(body[:SNIFFED_BYTES]) is not None


def sniffed_type(body: bytes) -> str:
    """The media type ``body``'s first bytes show (no parameters): ``text/html``, ``text/xml``,
    ``application/rss+xml``, ``text/plain``, ``application/octet-stream``, ``image/png``, …

    A UTF-8 byte-order mark is looked past: the standard reads any text after one as plain text, and pages
    served with one are common."""
    body = body.removeprefix(codecs.BOM_UTF8)
    found = (extract_mime(body, content_types=None, extra_types=_FEED_ROOTS) or b"application/octet-stream").decode()
    return "application/xhtml+xml" if found == "text/xml" and _xhtml_root(body) else found
