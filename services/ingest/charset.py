"""Fetched bytes to text, refused as :class:`ContentError` naming the URL (pure)."""

from __future__ import annotations

from services.common.encodings import NotText, decode_bytes

from .errors import ContentError


def decode_text(raw: bytes, *, charset: str | None, url: str, html: bool = False) -> str:
    """``raw`` decoded by :func:`~services.common.encodings.decode_bytes`: a byte-order mark, else ``charset``
    (from Content-Type), else (``html``) a ``<meta>`` charset, else UTF-8. :class:`ContentError` ``url: why``
    for bytes not valid in it, or a charset unknown or no text encoding (``base64``, ``rot13``)."""
    try:
        return decode_bytes(raw, charset=charset, html=html)
    except NotText as exc:
        raise ContentError(f"{url}: {exc}") from None
