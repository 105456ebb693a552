"""JSON written by anyone (a request body, a release file): :func:`~schemas.json_bounds.loads_bounded`, and a key
given twice in one object refused.

JSON does not say what a key given twice means, and the parser keeps its last value: ``{"id": "a", "id": "b"}``
would be read as ``b`` without a word, where the YAML subscriptions file refuses a key given twice. A request body
or a release file is written by anyone (by hand, or by a program's bug), so each is read here. The stream
entries, written by pledgewatch's own models (which never write a key twice), are read by ``loads_bounded`` alone:
it is on the performance-tracked path (docs/PERFORMANCE.md), and this check is not added to it.

The check reads the text a second time with the standard library's parser, which hands each object's pairs over as
given (pydantic's keeps the last value without a word): a few microseconds for a release of 2 kB, beside the
request's own cost of a millisecond or more. Only a text giving a key twice is walked again, to name the key and
its place. No web framework is imported here: the command line reads release files through it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from schemas.json_bounds import loads_bounded

_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}:,]', re.S)  # strings and punctuation: a document's structure


class DuplicateKey(ValueError):
    """A JSON object with a key given twice; ``error`` names the key's place (``channels.0.webhook.url``)."""

    def __init__(self, where: str, key: str) -> None:
        self.error = {"field": where, "message": f"key {key!r} given twice in one object: give each key once"}
        super().__init__(f"{where}: {self.error['message']}")


def loads_request(raw: bytes | str) -> Any:
    """``raw`` (UTF-8 bytes or text) parsed as by :func:`~schemas.json_bounds.loads_bounded` (its
    :class:`~schemas.json_bounds.JSONBoundsError` for JSON that is not, or is past the bounds), and
    :class:`DuplicateKey` for an object giving a key twice."""
    value = loads_bounded(raw)
    each_key_once(raw if isinstance(raw, str) else raw.decode("utf-8"))  # UTF-8 JSON: loads_bounded read it so
    return value


def each_key_once(text: str) -> None:
    """:class:`DuplicateKey` naming the first key given twice in one object of ``text``, which is valid JSON."""
    try:
        _EACH_KEY_ONCE.decode(text)
    except _KeyTwice:
        raise DuplicateKey(*_first_key_twice(text)) from None


class _KeyTwice(Exception):
    """An object of the document gives a key twice."""


def _each_key_once(pairs: list[tuple[str, Any]]) -> None:
    if len(dict(pairs)) != len(pairs):
        raise _KeyTwice


_EACH_KEY_ONCE = json.JSONDecoder(object_pairs_hook=_each_key_once)  # made once: json.loads makes one a call


def _first_key_twice(text: str) -> tuple[str, str]:
    """The place (the keys and indexes to it, dotted) and the key of the first key given twice in one object of
    ``text``, valid JSON giving one twice; keys are compared as read (``"\\u0069d"`` is ``"id"``)."""
    seen: list[set[str] | None] = []  # per open container: the keys it gave so far (a list: None)
    place: list[str | int] = []  # per open container: its key or index being read
    key_next = False
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("{", "["):
            key_next = token == "{"
            seen.append(set() if key_next else None)
            place.append("" if key_next else 0)
        elif token in ("}", "]"):
            seen.pop()
            place.pop()
        elif token == ",":
            keys = seen[-1]
            key_next = keys is not None
            if keys is None:
                place[-1] = int(place[-1]) + 1
        elif token == ":":
            key_next = False
        elif key_next and (keys := seen[-1]) is not None:
            key = json.loads(token)
            if key in keys:
                return ".".join([*map(str, place[:-1]), key]), key
            keys.add(key)
            place[-1] = key
    raise ValueError("no key given twice")  # the caller found one: unreachable
