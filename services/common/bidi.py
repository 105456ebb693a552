"""Text from a release that cannot reorder the text around it. Pure.

An embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) left open in a title reorders everything
after it on the same line: the rest of a tab's title, an email's Subject, a chat message ("Trojan Source").
They are dropped wherever a release's words are shown; the stored release and its events keep them. The marks
(U+200E, U+200F, U+061C) have no scope, act as one right-to-left or left-to-right letter would, and place the
punctuation of right-to-left text: they are kept, as are the letters of every script.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

SCOPED_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROPPED = str.maketrans(dict.fromkeys(SCOPED_CONTROLS))


def without_scoped_controls(text: str) -> str:
    """``text`` without bidirectional embeddings, overrides and isolates."""
    return text.translate(_DROPPED)


def shown(value: Any) -> Any:
    """A template expression's value as shown (Jinja's ``finalize``): strings, markup included, without
    scoped controls; other values as they are."""
    if isinstance(value, Markup):
        return Markup(without_scoped_controls(str(value)))
    return without_scoped_controls(value) if isinstance(value, str) else value
