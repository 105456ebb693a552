"""JSON with bounds: nesting depth and number size are checked before anything is parsed.

One reader for every JSON that comes from outside (stream entries, HTTP bodies), so a
hostile document is refused with a one-line reason instead of a ``RecursionError``, a
``ValueError`` about integer digits, an infinity, or a string that cannot be encoded again.
Strict JSON only: UTF-8, no ``NaN``/``Infinity``, no lone surrogates.
"""

from __future__ import annotations

import math
import re
from itertools import accumulate
from typing import Any

import pydantic_core

MAX_DEPTH = 32  # every event and subscription nests 8 levels or fewer
MAX_INTEGER_DIGITS = 19  # the width of a signed 64-bit integer
MAX_INTEGER = 2**63 - 1  # the models' bound on every integer field, so whatever they accept decodes

_STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S)
_BIG_INTEGER = re.compile(rf"(?<![\w.+-])-?\d{{{MAX_INTEGER_DIGITS + 1},}}(?![\w.])")
_BIG_FLOAT = re.compile(r"(?<![\w.+-])-?(?:\d+(?:\.\d*)?[eE]\+?\d{3,}|\d{300,}\.\d*(?:[eE][-+]?\d+)?)")
# Byte tables, so that the common case is a few C calls rather than a regular expression tried at every
# position: a bracket's step in depth; every byte but a bracket (deleted); and e and E marked "e", digits, + and
# non-ASCII bytes (other scripts' digits, which \d matches) marked "d", every other byte a space, leaving words
# that hold every run a large number could be written with.
_DEPTH_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_NUMBER_MARKS = bytes(ord("e") if b in b"eE" else ord("d") if b in b"0123456789+" or b >= 0x80 else 32
                      for b in range(256))


class JSONBoundsError(ValueError):
    """Input that is not JSON, or is JSON past a bound; the message is one line."""


def check_bounds(text: str, *, encoded: bytes | None = None) -> None:
    """Raise :class:`JSONBoundsError` if ``text`` nests deeper than :data:`MAX_DEPTH` or holds an
    integer of more than :data:`MAX_INTEGER_DIGITS` digits or a number no float can hold.
    Strings are skipped; syntax is not checked (the parser does that). ``encoded``: ``text``'s UTF-8, when
    the caller has it."""
    if _plainly_within(encoded if encoded is not None else text.encode("utf-8", "surrogatepass")):
        return
    bare = strings_emptied(text)
    structure = bare.encode("utf-8", "surrogatepass")
    if structure.count(b"[") + structure.count(b"{") > MAX_DEPTH:  # else fewer openers than the bound in all
        brackets = structure.translate(None, _NOT_BRACKETS)
        if max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH:
            raise JSONBoundsError(f"nested deeper than {MAX_DEPTH} levels")
    if not _may_hold_a_large_number(structure):
        return
    big = _BIG_INTEGER.search(bare)
    if big:
        raise JSONBoundsError(f"integer too large: {len(big.group().lstrip('-'))} digits "
                              f"(at most {MAX_INTEGER_DIGITS})")
    for match in _BIG_FLOAT.finditer(bare):
        if math.isinf(float(match.group())):
            raise JSONBoundsError("number out of range")


def strings_emptied(text: str) -> str:
    """``text`` with each JSON string emptied (``"..."`` becomes ``""``), as ``_STRINGS.sub('""', text)`` gives it.

    The regular expression steps through every character of every string in Python's engine (most of a decode's
    time). Here ``str.replace`` hides the escapes (a run of backslashes pairs from its start, so one left over
    escapes the quote after it) behind a stand-in of the same length, and ``str.split`` finds the strings between
    the quotes left. Where the quotes might pair otherwise (an odd number left; a backslash or the stand-in
    between strings, which valid JSON never has) the regular expression decides."""
    parts = text.replace("\\\\", _STAND_IN * 2).replace('\\"', _STAND_IN * 2).split('"')
    bare = '""'.join(parts[::2])  # what lies between the strings is the text as it was
    if len(parts) % 2 == 0 or "\\" in bare or _STAND_IN in bare:
        return _STRINGS.sub('""', text)
    return bare


_STAND_IN = "\x00"


def _plainly_within(utf8: bytes) -> bool:
    """Whether JSON's UTF-8 ``utf8`` is within the bounds by its bytes alone, its strings not emptied: no more
    openers than :data:`MAX_DEPTH`, no more than :data:`MAX_INTEGER_DIGITS` digit-like bytes in a row, and no
    e or E before three that ends a number as ``_BIG_FLOAT`` reads one (a hexadecimal id's ``3e123`` does not:
    a letter or a digit stands before its digits). Emptying the strings (most of a check's time) only takes
    openers, runs and numbers away, so such JSON has none of them outside its strings either: most events are
    such JSON. False tells nothing: the strings are emptied then."""
    if utf8.count(b"[") + utf8.count(b"{") > MAX_DEPTH:
        return False
    marked = utf8.translate(_NUMBER_MARKS)
    if _LONGER_THAN_AN_INTEGER in marked:
        return False
    exponent = marked.find(_EXPONENT_OF_THREE)
    if exponent < 0:
        return True
    fine = utf8.translate(_NUMBER_CHARACTERS)
    while exponent >= 0:
        # a mantissa has fewer than 2 * (MAX_INTEGER_DIGITS + 1) characters here: no longer run was found
        if _MANTISSA_ENDS.search(fine, max(0, exponent - 2 * MAX_INTEGER_DIGITS - 3), exponent):
            return False
        exponent = marked.find(_EXPONENT_OF_THREE, exponent + 1)
    return True


def _may_hold_a_large_number(structure: bytes) -> bool:
    """False when no run of ``structure`` (JSON with its strings emptied) could match ``_BIG_INTEGER`` (more
    than MAX_INTEGER_DIGITS digits) or ``_BIG_FLOAT`` (an exponent of three digits or more, or 300 digits)."""
    marked = structure.translate(_NUMBER_MARKS)
    if _LONGER_THAN_AN_INTEGER in marked.replace(b"e", b"d"):
        return True
    if b"ed" not in marked and b"de" not in marked and b"ee" not in marked:
        return False  # every e stands alone or beside a space: no word longer than 3 holds one
    return any(len(word) > 3 and b"e" in word for word in marked.split())


_LONGER_THAN_AN_INTEGER = b"d" * (MAX_INTEGER_DIGITS + 1)
_EXPONENT_OF_THREE = b"eddd"  # _BIG_FLOAT's exponent: e, then a sign or a digit, then digits (marked)
# Each byte as a number reads it: an ASCII digit "d", a non-ASCII byte "u" (another script's digit, or a character
# that is neither a digit nor a letter), e and E "e", any other ASCII letter or "_" "w" (\w, before which no number
# starts), . + - as they are, every other byte a space.
_NUMBER_CHARACTERS = bytes(ord("d") if chr(b).isdigit() and b < 0x80 else ord("u") if b >= 0x80
                           else ord("e") if b in b"eE" else ord("w") if chr(b).isalpha() or b == ord("_")
                           else b if b in b".+-" else 32 for b in range(256))
# The end of a mantissa as _BIG_FLOAT starts one: where no \w, ".", "+" or "-" stands before it (or at the text's
# start); searched between a bound before the e and the e
_MANTISSA_ENDS = re.compile(rb"(?:^|[^wde.+\-])-?[du]+(?:\.[du]*)?$")


def loads_bounded(raw: bytes | str) -> Any:
    """Parse ``raw`` (UTF-8 bytes or text) as strict JSON within the bounds (see :func:`check_bounds`).

    Raises :class:`JSONBoundsError` with a one-line reason for anything else."""
    encoded = None
    if isinstance(raw, (bytes, bytearray, memoryview)):
        encoded = bytes(raw)
        try:
            raw = encoded.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONBoundsError(f"not JSON: not UTF-8 (byte {exc.start})") from None
    check_bounds(raw, encoded=encoded)
    try:
        return pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError as exc:
        raise JSONBoundsError(lone_surrogate(raw) or f"not JSON: {' '.join(str(exc).split())}") from None


_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}:,]', re.S)
_ESCAPES = re.compile(r"\\u([0-9a-fA-F]{4})|\\.")


def _lone_escape(string: str) -> str | None:
    """The first ``\\uXXXX`` in a JSON string token that is half a UTF-16 pair without its other half."""
    high: re.Match[str] | None = None  # a high surrogate still to be paired, right before the next escape
    for match in _ESCAPES.finditer(string):
        code = int(match.group(1), 16) if match.group(1) else -1
        if high is not None:
            if 0xDC00 <= code <= 0xDFFF and match.start() == high.end():
                high = None
                continue
            return high.group()
        if 0xD800 <= code <= 0xDBFF:
            high = match
        elif 0xDC00 <= code <= 0xDFFF:
            return match.group()
    return high.group() if high is not None else None


def lone_surrogate(text: str) -> str | None:
    """Where ``text`` writes a lone surrogate (``\\ud800``, not a character), as a one-line reason naming the
    field (``title: \\ud800 is a lone surrogate, …``, ``organisations.1: …``, ``a key in links: …``); None
    when it writes none."""
    path: list[list[object]] = []  # per open container: [kind, current key or index]
    tokens = list(_TOKENS.finditer(text))
    for index, match in enumerate(tokens):
        token = match.group()
        if token in "{[":
            path.append([token, None if token == "{" else 0])
        elif token in "}]":
            if path:
                path.pop()
        elif token == "," and path and path[-1][0] == "[":
            path[-1][1] = int(path[-1][1]) + 1  # type: ignore[call-overload]
        elif token.startswith('"'):
            is_key = bool(path) and path[-1][0] == "{" and index + 1 < len(tokens) and tokens[index + 1].group() == ":"
            lone = _lone_escape(token)
            if lone is None:
                if is_key:
                    path[-1][1] = token[1:-1]
                continue
            where = ".".join(str(key) for _, key in (path[:-1] if is_key else path) if key is not None)
            if is_key:
                where = f"a key in {where}" if where else "a key"
            return f"{where + ': ' if where else ''}{lone} is a lone surrogate, not a character (half of a UTF-16 " \
                   "pair without its other half)"
    return None
