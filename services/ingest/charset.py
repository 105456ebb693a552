"""Bytes to text by a byte-order mark, else the declared charset; undeclared bytes must be UTF-8 (pure)."""

from __future__ import annotations

import codecs

from services.common.encodings import bad_byte, bom_encoding, declared_html_charset, decode_as

from .errors import ContentError


def decode_text(raw: bytes, *, charset: str | None, url: str, html: bool = False) -> str:
    """Decode ``raw`` by ``charset`` (from Content-Type), else an HTML meta charset, else UTF-8.

    Raises :class:`ContentError` naming ``url`` for an unknown charset, one that
    is not a text encoding (``base64``, ``rot13``) or bytes not valid in it. A byte-order
    mark (UTF-8, UTF-16 or UTF-32, either byte order) wins over any declaration.
    """
    marked, skipped = bom_encoding(raw), 0
    if marked is not None:
        charset, skipped = marked
    elif not charset and html:
        charset = declared_html_charset(raw)
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            raise ContentError(f"{url}: unknown charset {charset!r}") from None
        try:
            return decode_as(raw[skipped:], codec)
        except UnicodeDecodeError as exc:
            raise ContentError(f"{url}: not valid {charset} ({bad_byte(raw, exc, skipped)})") from None
        except (LookupError, ValueError, TypeError):  # base64, rot13, zlib...: codecs, but not for text
            raise ContentError(f"{url}: charset {charset!r} is not a text encoding") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{url}: not UTF-8 and no charset declared ({bad_byte(raw, exc)})") from None
