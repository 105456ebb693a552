"""Sentence spans in a release body.

Paragraphs are separated by line breaks. A paragraph that ends in a comma (or
"and"/"or") carries on into the next one: GOV.UK bodies often break one long
sentence across paragraphs ("... through the provision of officer training,
<blank line> including places for ..."). Inside a paragraph a sentence ends at
., ! or ? followed by a space and a capital, digit or opening quote (or by a
capitalised word with no space, as copied text often has), unless the full stop
closes a known abbreviation.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Final, NamedTuple

# A line from its first non-space character; group 1 leaves out the spaces it ends with.
_PARAGRAPH: Final = re.compile(r"(\S(?:[^\n]*\S)?)[^\S\n]*")
_CONTINUES: Final = re.compile(r"(?:,|;|\b(?:and|or|including))\s*$")
# A full stop that closes an abbreviation ends no sentence (each look-behind covers the words of one length).
_NOT_ABBREVIATION: Final = (
    r"(?<!\b[A-Zv]\.)(?<!\b(?:Mr|Ms|Dr|St|Rt|Lt|No|Co|vs)\.)"
    r"(?<!\b(?:Mrs|Sir|Hon|Gen|Col|Sgt|Rev|Nos|Ltd|Inc|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    r"|e\.g|i\.e|U\.S|U\.K|a\.m|p\.m)\.)(?<!\b(?:Prof|Capt|Sept)\.)(?<!\bapprox\.)"
)
# What follows a sentence's last stop: spaces (no line break: a boundary stays inside its paragraph) before
# a capital, digit or opening quote, or a capitalised word with no space ("...take action.The two countries").
_AFTER_STOP: Final = (r"(?:[)\"'’”]*[^\S\n]+(?=[\"'‘“(]?[A-Z0-9£$€])"
               r"|(?<=[a-z]{2}[.!?])[)\"'’”]*(?=[A-Z][a-z]))")
_BOUNDARY: Final = re.compile(r"[.!?]" + _NOT_ABBREVIATION + _AFTER_STOP)
# The same for a body with no "!" or "?": a pattern that starts with one literal character is searched for
# as fast as str.find, one that starts with a set of characters several times slower.
_FULL_STOP_BOUNDARY: Final = re.compile(r"\." + _NOT_ABBREVIATION + _AFTER_STOP)
_CLOSERS: Final = ")\"'’”"
# The longest run of text read as one sentence (the labelled releases' longest is under 2,000 characters): a
# longer one is read in pieces, cut at a space, so that reading a release can stop between them at its time budget
MAX_SENTENCE_CHARS: Final = 10_000
_LEAD: Final = re.compile(r"\s*(?:(?:[-–•*·]|\d{1,2}[.)])\s+)?")  # spaces and a bullet before a sentence


class Sentence(NamedTuple):
    start: int
    end: int


def split_sentences(body: str) -> list[Sentence]:
    """``[start, end)`` spans of the sentences of ``body``, leading bullets and spaces left out."""
    spans: list[tuple[int, int]] = []
    pending: int | None = None  # start of a sentence carried over from the previous paragraph
    cuts, at = _cuts(body), 0
    for start, end, line_end in _paragraphs(body):
        first, begin = len(spans), start
        while at < len(cuts) and cuts[at][0] <= end:
            _add_trimmed(spans, body, begin, cuts[at][0], cuts[at][0])
            begin = cuts[at][1]
            at += 1
        _add_trimmed(spans, body, begin, end, line_end)
        if pending is not None and len(spans) > first:
            spans[first] = (pending, spans[first][1])
            pending = None
        if len(spans) > first and _continues(body, start, end):
            pending = spans.pop()[0]
    if pending is not None:
        spans.append((pending, len(body.rstrip())))
    if any(end - start > MAX_SENTENCE_CHARS for start, end in spans):
        spans = [piece for start, end in spans for piece in _pieces(body, start, end)]
    return list(map(_sentence, spans))


def _paragraphs(body: str) -> list[tuple[int, int, int]]:
    """``[(*m.span(1), m.end()) for m in _PARAGRAPH.finditer(body)]``: each line (ended by a line feed only)
    holding more than spaces, from its first to its last character that is no space, and where the line ends.
    The line feeds are found by ``str.find`` and only the spaces at a line's ends are read: the regex read
    every character."""
    found = []
    size, at = len(body), 0
    while at < size:
        line_end = body.find("\n", at)
        if line_end == -1:
            line_end = size
        start, end = at, line_end
        while start < end and body[start].isspace():
            start += 1
        if start < end:
            while body[end - 1].isspace():
                end -= 1
            found.append((start, end, line_end))
        at = line_end + 1
    return found


# Sentence from a (start, end) pair without the Python-level __new__ of a NamedTuple: over twice as fast.
_sentence = partial(tuple.__new__, Sentence)


def _continues(body: str, start: int, end: int) -> bool:
    """Does the paragraph ``body[start:end]`` carry on into the next one?"""
    # _CONTINUES can only match at the end: after ",", ";", "and", "or" or "including"
    return body[end - 1] in ",;drg" and _CONTINUES.search(body, max(start, end - 12), end) is not None


def _cuts(body: str) -> list[tuple[int, int]]:
    """(where a sentence ends, where the text after it starts) at each sentence boundary of ``body``."""
    boundaries = _BOUNDARY if "!" in body or "?" in body else _FULL_STOP_BOUNDARY
    cuts = []
    for boundary in boundaries.finditer(body):
        stop = boundary.start() + 1
        while stop < len(body) and body[stop] in _CLOSERS:
            stop += 1
        cuts.append((stop, boundary.end()))
    return cuts


def _pieces(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """``body[start:end]`` in pieces of at most ``MAX_SENTENCE_CHARS``, each cut after its last space (at the
    cap in a word longer than that), without the spaces between them."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = start + MAX_SENTENCE_CHARS
        space = body.rfind(" ", start + 1, cut + 1)
        if space != -1:
            cut = space
        while cut > start and body[cut - 1].isspace():
            cut -= 1
        pieces.append((start, cut))
        start = cut
        while body[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


def _add_trimmed(spans: list[tuple[int, int]], body: str, begin: int, end: int, line_end: int) -> None:
    """Add ``body[begin:end]`` (which ends in no space) to ``spans`` without the spaces and bullet it
    starts with, unless nothing is left. The space after a bullet may run on to ``line_end``: a line "- "
    holds no sentence."""
    if not body[begin].isalpha():  # no space, bullet or digit: nothing to cut
        lead = _LEAD.match(body, begin, line_end)
        assert lead is not None  # the pattern matches the empty string
        begin = lead.end()
    if begin < end:
        spans.append((begin, end))
