"""The rules a source keeps (pure).

A configured source's name (the sources file, ``--source``) is part of Redis keys (its rhythm) and a metric's
label, so it is a name: :func:`source_name_problem`. A release's own ``source`` (a posted release's, a release
file's JSON ``source`` or front matter ``source:``) is none of those: it travels with the event, filters and the
ledger compare and show it as text, and the classifier reads the site in it (``canada.ca (via newswire.ca)``).
It is kept as written, only text that names nothing refused: :func:`release_source_problem`."""

from __future__ import annotations

import re
import unicodedata

SOURCE_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"
SOURCE_NAME_RULE = "1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"


def source_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a source's name, or None when it can."""
    if re.fullmatch(SOURCE_NAME, name):
        return None
    return f"{name[:80]!r}: not a source name; use {SOURCE_NAME_RULE}"


RELEASE_SOURCE_MAX = 200
RELEASE_SOURCE_RULE = f"use 1 to {RELEASE_SOURCE_MAX} characters on one line, not all blank"


def release_source_problem(text: str) -> str | None:
    """Why ``text`` cannot be a release's ``source``, or None when it can: any text on one line (no control
    character: a line break, a tab), not blank, at most :data:`RELEASE_SOURCE_MAX` characters."""
    if text.strip() and len(text) <= RELEASE_SOURCE_MAX and not any(
            unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in text):
        return None
    return f"{text[:80]!r}: not a release's source; {RELEASE_SOURCE_RULE}"
