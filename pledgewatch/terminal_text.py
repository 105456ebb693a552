"""Text for a terminal that may not be UTF-8: what its encoding cannot show is replaced rather than failing."""

from __future__ import annotations

import codecs
import json
from typing import Any

from services.common.logs import JSON_UNESCAPED

# What a few characters the commands write are shown as where the terminal cannot show them.
_PLAIN = str.maketrans({"…": "...", "—": "-", "–": "-"})


def can_show(text: str, encoding: str | None) -> bool:
    """Whether a stream of ``encoding`` (None: not known, taken as able) can write ``text``."""
    if encoding is None:
        return True
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def terminal_text(text: str, encoding: str | None) -> str:
    """``text`` as a stream of ``encoding`` can write it (None: as it is): an ellipsis as three dots, any other
    character it cannot encode as ``?``."""
    if encoding is None or can_show(text, encoding):
        return text
    name = codecs.lookup(encoding).name
    return text.translate(_PLAIN).encode(name, errors="replace").decode(name)


def terminal_json(value: Any, encoding: str | None) -> str:
    """``value`` as indented JSON a terminal of ``encoding`` shows as it is: C1 controls and line separators, which
    ``json.dumps`` leaves, escaped, and every character past ASCII too where the terminal cannot show it."""
    text = json.dumps(value, indent=2, ensure_ascii=False).translate(JSON_UNESCAPED)
    return text if can_show(text, encoding) else json.dumps(value, indent=2)
