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
from typing import NamedTuple

_PARAGRAPH = re.compile(r"[^\n]+")
_CONTINUES = re.compile(r"(?:,|;|\b(?:and|or|including))\s*$")
_BOUNDARY = re.compile(r"[.!?](?:[)\"'’”]*\s+(?=[\"'‘“(]?[A-Z0-9£$€])"
                       r"|(?<=[a-z]{2}[.!?])[)\"'’”]*(?=[A-Z][a-z]))")  # "...take action.The two countries"
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|St|Rt|Hon|Gen|Col|Lt|Capt|Sgt|Rev|No|Nos|Co|Ltd|Inc|vs?|etc|"
    r"approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|[A-Z])|\b(?:e\.g|i\.e|U\.S|U\.K|a\.m|p\.m))\.$"
)
_BULLET = re.compile(r"^(?:[-–•*·]|\d{1,2}[.)])\s+")


class Sentence(NamedTuple):
    start: int
    end: int


def split_sentences(body: str) -> list[Sentence]:
    """``[start, end)`` spans of the sentences of ``body``, leading bullets and spaces left out."""
    sentences: list[Sentence] = []
    pending: int | None = None  # start of a sentence carried over from the previous paragraph
    for paragraph in _PARAGRAPH.finditer(body):
        text = paragraph.group()
        if not text.strip():
            continue
        start = paragraph.start()
        pieces = list(_pieces(text, start))
        if pending is not None and pieces:
            pieces[0] = Sentence(pending, pieces[0].end)
            pending = None
        if pieces and _CONTINUES.search(text, max(0, len(text.rstrip()) - 12)):  # it can only match at the end
            pending = pieces.pop().start
        sentences.extend(pieces)
    if pending is not None:
        sentences.append(Sentence(pending, len(body.rstrip())))
    return sentences


def _pieces(text: str, offset: int):
    begin = 0
    for match in _BOUNDARY.finditer(text):
        stop = match.start() + 1
        if _ABBREVIATION.search(text, max(0, stop - 12), stop):  # abbreviations are short: look back a little
            continue
        while stop < len(text) and text[stop] in ")\"'’”":
            stop += 1
        piece = _trimmed(text, begin, stop, offset)
        if piece:
            yield piece
        begin = match.end()
    piece = _trimmed(text, begin, len(text), offset)
    if piece:
        yield piece


def _trimmed(text: str, begin: int, end: int, offset: int) -> Sentence | None:
    chunk = text[begin:end]
    lead = len(chunk) - len(chunk.lstrip())
    bullet = _BULLET.match(chunk[lead:])
    if bullet:
        lead += bullet.end()
    tail = len(chunk.rstrip())
    if tail <= lead:
        return None
    return Sentence(offset + begin + lead, offset + begin + tail)
