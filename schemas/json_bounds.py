"""JSON with bounds: nesting depth and number size are checked before anything is parsed.

One reader for every JSON that comes from outside (stream entries, HTTP bodies), so a
hostile document is refused with a one-line reason instead of a ``RecursionError``, a
``ValueError`` about integer digits, an infinity, or a string that cannot be encoded again.
Strict JSON only: UTF-8, no ``NaN``/``Infinity``, no lone surrogates.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pydantic_core

MAX_DEPTH = 32  # every event and subscription nests 8 levels or fewer
MAX_INTEGER_DIGITS = 19  # the width of a signed 64-bit integer
MAX_INTEGER = 2**63 - 1  # the models' bound on every integer field, so whatever they accept decodes

_STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
_BIG_INTEGER = re.compile(rf"(?<![\w.+-])-?\d{{{MAX_INTEGER_DIGITS + 1},}}(?![\w.])")
_BIG_FLOAT = re.compile(r"(?<![\w.+-])-?(?:\d+(?:\.\d*)?[eE]\+?\d{3,}|\d{300,}\.\d*(?:[eE][-+]?\d+)?)")


class JSONBoundsError(ValueError):
    """Input that is not JSON, or is JSON past a bound; the message is one line."""


def check_bounds(text: str) -> None:
    """Raise :class:`JSONBoundsError` if ``text`` nests deeper than :data:`MAX_DEPTH` or holds an
    integer of more than :data:`MAX_INTEGER_DIGITS` digits or a number no float can hold.
    Strings are skipped; syntax is not checked (the parser does that)."""
    bare = _STRINGS.sub('""', text)
    depth = 0
    for match in _BRACKETS.finditer(bare):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise JSONBoundsError(f"nested deeper than {MAX_DEPTH} levels")
    big = _BIG_INTEGER.search(bare)
    if big:
        raise JSONBoundsError(f"integer too large: {len(big.group().lstrip('-'))} digits "
                              f"(at most {MAX_INTEGER_DIGITS})")
    for match in _BIG_FLOAT.finditer(bare):
        if math.isinf(float(match.group())):
            raise JSONBoundsError("number out of range")


def loads_bounded(raw: bytes | str) -> Any:
    """Parse ``raw`` (UTF-8 bytes or text) as strict JSON within the bounds (see :func:`check_bounds`).

    Raises :class:`JSONBoundsError` with a one-line reason for anything else."""
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONBoundsError(f"not JSON: not UTF-8 (byte {exc.start})") from None
    check_bounds(raw)
    try:
        return pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError as exc:
        raise JSONBoundsError(f"not JSON: {' '.join(str(exc).split())}") from None
