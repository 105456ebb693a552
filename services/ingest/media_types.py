"""The media type of a response that declares none, from its first bytes, as browsers sniff it (pure).

The rules are WHATWG MIME Sniffing's for a resource of unknown type (xtractmime implements them): HTML from
``<!DOCTYPE html``, ``<html``, ``<p`` and the like, ``<?xml`` as XML, PDFs, images, archives, else text or
binary by its bytes. Added to them: a document opening with an RSS or Atom root (``<rss``, ``<feed``) with no
XML declaration is that feed, as the standard's own feed-or-HTML rules read such a root.
"""

from __future__ import annotations

import codecs

from xtractmime import extract_mime

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_WHITESPACE = {b"\t", b"\n", b"\x0c", b"\r", b" "}  # the standard's, skipped before a pattern

_FEED_ROOTS = tuple(
    (root + end, b"\xff" * (len(root) + 1), _WHITESPACE, media_type)
    for root, media_type in ((b"<rss", b"application/rss+xml"), (b"<feed", b"application/atom+xml"))
    for end in (b" ", b">")
)


def sniffed_type(body: bytes) -> str:
    """The media type ``body``'s first bytes show (no parameters): ``text/html``, ``text/xml``,
    ``application/rss+xml``, ``text/plain``, ``application/octet-stream``, ``image/png``, …

    A UTF-8 byte-order mark is looked past: the standard reads any text after one as plain text, and pages
    served with one are common."""
    found = extract_mime(body.removeprefix(codecs.BOM_UTF8), content_types=None, extra_types=_FEED_ROOTS)
    return (found or b"application/octet-stream").decode("ascii")
