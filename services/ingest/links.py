"""A release's url and id as ingest admits them, whatever the source (pure).

A feed entry's link (or, with none, its Atom ``<id>``), a page's canonical link, a posted url: whitespace
at either end is stripped, a line break is dropped with the whitespace around it (a link wrapped in the
feed's XML), any other run of whitespace becomes one ``%20`` and any other control character its
``%XX``, so a url never carries a character no URI has. An id must match :data:`RELEASE_ID`.
"""

from __future__ import annotations

import re

from services.common.graphemes import shortened

RELEASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
RELEASE_ID_WORDS = "letters, digits, '.', '_' or '-', starting with a letter or digit; at most 200"

_LINE_BREAK = re.compile(r"[ \t]*[\r\n][\s]*")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def clean_url(url: str) -> str:
    """``url`` with no whitespace or control character (see the module's rules); ``""`` if only whitespace."""
    url = _LINE_BREAK.sub("", url.strip())
    url = _SPACES.sub("%20", url)
    return _CONTROL.sub(lambda m: f"%{ord(m.group(0)):02X}", url)


def url_problem(url: str) -> str | None:
    """Why ``url`` (cleaned) cannot be a release's url, or ``None``."""
    if not url:
        return "the release has no url (empty or only whitespace)"
    if not _SCHEME.match(url):
        return f"url {shortened(url, 200)!r} has no scheme (such as https:)"
    return None


def release_id_problem(release_id: str) -> str | None:
    """Why ``release_id`` cannot name a release, or ``None``."""
    if RELEASE_ID.fullmatch(release_id):
        return None
    return f"release id {shortened(release_id, 81)!r} is not {RELEASE_ID_WORDS} characters"
