"""Bytes to text: by a byte-order mark, else a declared charset (HTTP, an XML declaration, an HTML ``<meta>``),
else UTF-8 (pure). Fetched pages and feeds, release files, ``POST /releases`` bodies, and the YAML files of
sources and subscriptions (YAML admits UTF-16 and UTF-32 with their mark)."""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

# UTF-32 before UTF-16: the UTF-32 little-endian mark begins with the UTF-16 one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

_NAMES = {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE", "utf-32-le": "UTF-32LE",
          "utf-32-be": "UTF-32BE"}

# Labels the WHATWG Encoding Standard, and so every browser, reads as windows-1252: pages labelled Latin-1 or
# ASCII are written in it (curly quotes and the euro sign at 0x80-0x9F). Its five undefined bytes stay the code
# points of the same number, as browsers read them.
_READ_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii", "cp1252"})
codecs.register_error("pledgewatch-c1", lambda error: (chr(error.object[error.start]), error.start + 1))

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_html_charset(raw: bytes) -> str | None:
    """The charset an HTML document declares in a ``<meta>`` near its start, as HTML reads it: ``"utf-8"`` for a
    UTF-16 or UTF-32 one (a ``<meta>`` readable as ASCII is no UTF-16 or UTF-32; with a byte-order mark, the mark
    decides before)."""
    match = _META_CHARSET.search(raw[:4096])
    if match is None:
        return None
    declared = match.group(1).decode("ascii")
    try:
        return "utf-8" if codecs.lookup(declared).name.startswith(("utf-16", "utf-32")) else declared
    except LookupError:
        return declared  # refused by whoever decodes by it, naming it


def decode_as(raw: bytes, codec: str) -> str:
    """``raw`` in ``codec`` (a name :func:`codecs.lookup` gives), those browsers read as windows-1252 read so.
    Raises what :meth:`bytes.decode` raises: UnicodeDecodeError for bytes not in it, LookupError for a codec
    that is not a text encoding (base64, rot13)."""
    if codec in _READ_AS_WINDOWS_1252:
        return raw.decode("cp1252", "pledgewatch-c1")
    return raw.decode(codec)


def bom_encoding(raw: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of ``raw`` names, and the mark's length."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return encoding, len(bom)
    return None


def bad_byte(raw: bytes, error: UnicodeDecodeError, skipped: int = 0) -> str:
    """``byte 6: b'\\xe9'``: the byte ``error`` (from decoding ``raw[skipped:]``) names, counted from the first
    byte of ``raw``, a byte order mark included, as an editor or ``cmp`` counts it."""
    at = error.start + skipped
    return f"byte {at}: {raw[at:at + 1]!r}"


class NotText(ValueError):
    """Bytes not valid in the encoding they are read in (the message names it and the byte where they fail), or
    declared in a charset that is unknown or no text encoding."""


def decode_bytes(raw: bytes, *, charset: str | None = None, html: bool = False) -> str:
    """``raw`` decoded by its byte-order mark (UTF-8, UTF-16 or UTF-32, either byte order), the mark dropped,
    else by ``charset`` (declared with it: an HTTP Content-Type, a feed's XML declaration), else, for an HTML
    document (``html``), by the charset its ``<meta>`` declares, else as UTF-8. A charset browsers read as
    windows-1252 (Latin-1, ASCII) is read so (:func:`decode_as`).

    Raises :class:`NotText`, ``not UTF-8 (byte 6: b'\\xe9')``, ``not UTF-16LE, as its byte-order mark says
    (byte 7: b'\\xdc')``, ``not windows-1252, as its <meta> says (…)`` or ``not iso-8859-2 (…)``, the byte
    counted from the first byte of ``raw``, the mark included; or names a declared charset that is unknown
    (``unknown charset 'klingon'``) or no text encoding (``charset 'base64' declared in its <meta> is not a
    text encoding``).
    """
    reading = _reading(raw, charset=charset, html=html)
    try:
        return decode_as(raw[reading.skipped:], reading.codec)
    except UnicodeDecodeError as exc:
        says = f", as {reading.by} says" if reading.by else ""
        raise NotText(f"not {reading.name}{says} ({bad_byte(raw, exc, reading.skipped)})") from None
    except (LookupError, ValueError, TypeError):  # base64, rot13, zlib...: codecs, but not for text
        raise NotText(f"charset {reading.name!r}{_declared_in(reading.by)} is not a text encoding") from None


class _Reading(NamedTuple):
    codec: str  # as codecs.lookup names it
    name: str  # as a refusal names it: the charset as declared, else UTF-8, UTF-16LE...
    skipped: int = 0  # the length of the byte-order mark
    by: str = ""  # what a refusal says decided the encoding: "its byte-order mark", "its <meta>"


_UTF_8 = _Reading("utf-8", "UTF-8")


def _reading(raw: bytes, *, charset: str | None, html: bool) -> _Reading:
    """How :func:`decode_bytes` reads ``raw``; UTF-8 is refused alike whether declared, marked or assumed."""
    marked = bom_encoding(raw)
    if marked is not None:
        encoding, skipped = marked
        return _Reading(encoding, _NAMES[encoding], skipped, "" if encoding == "utf-8" else "its byte-order mark")
    by = ""
    if not charset and html and (charset := declared_html_charset(raw)) is not None:
        by = "its <meta>"
    if not charset:
        return _UTF_8
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise NotText(f"unknown charset {charset!r}{_declared_in(by)}") from None
    return _UTF_8 if codec.startswith("utf-8") else _Reading(codec, charset, 0, by)


def _declared_in(by: str) -> str:
    return f" declared in {by}" if by else ""
