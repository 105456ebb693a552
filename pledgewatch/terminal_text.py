"""Text for a terminal that may not be UTF-8: what its encoding cannot show is replaced rather than failing."""

from __future__ import annotations

import codecs
import io
import json
from typing import Any

from services.common.logs import JSON_UNESCAPED

# What a few characters the commands write are shown as where the terminal cannot show them.
_PLAIN = {"…": "...", "—": "-", "–": "-"}

PLAIN = "pledgewatch-plain"  # the error handler of a stream of text: `...`, `-` or `?`
JSON = "pledgewatch-json"  # that of a stream of JSON, whose every character past ASCII is in a string: `\\uXXXX`


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_PLAIN.get(c, "?") for c in error.object[error.start:error.end]), error.end


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # as json.dumps writes it: a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"
    return f"\\u{code:04x}"


def _json(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(map(_json_escape, error.object[error.start:error.end])), error.end


codecs.register_error(PLAIN, _plain)
codecs.register_error(JSON, _json)


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
    return text.encode(name, errors=PLAIN).decode(name)


def terminal_json(value: Any, encoding: str | None) -> str:
    """``value`` as indented JSON a terminal of ``encoding`` shows as it is: C1 controls and line separators, which
    ``json.dumps`` leaves, escaped, and every character past ASCII too where the terminal cannot show it."""
    text = json.dumps(value, indent=2, ensure_ascii=False).translate(JSON_UNESCAPED)
    return text if can_show(text, encoding) else json.dumps(value, indent=2)


def fit_output(stream: Any, errors: str) -> None:
    """``stream`` writes what its encoding cannot show by the error handler ``errors`` (:data:`PLAIN`,
    :data:`JSON`, ``backslashreplace``) rather than failing. A stream that can show every character (UTF-8) is
    left as it is, and so is one that is not a text file (as a test captures it)."""
    if isinstance(stream, io.TextIOWrapper) and not can_show("\U0010ffff", stream.encoding):
        stream.reconfigure(errors=errors)
