"""A commitment's sentence cut into pieces, its money and deadlines marked. Pure.

Every span of a commitment (its money's, its deadlines') counts in characters of the release's body, as the
commitment's own span does, so a piece's place in the sentence is its span less the sentence's start. A span
that does not fall where its text is (a sentence whose spaces were tidied) is looked for by its text instead;
one found nowhere, or overlapping a piece already marked, is left unmarked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas.classified import Commitment

MarkKind = Literal["money", "deadline"]


@dataclass(frozen=True)
class Piece:
    text: str
    mark: MarkKind | None = None  # None: plain text between the marks


def _place(sentence: str, text: str, start: int) -> tuple[int, int] | None:
    """Where ``text`` is in ``sentence``: at ``start`` when it is there, else its first occurrence."""
    if text and sentence[start:start + len(text)] == text:
        return start, start + len(text)
    found = sentence.find(text) if text else -1
    return (found, found + len(text)) if found >= 0 else None


def highlighted(commitment: Commitment) -> list[Piece]:
    """``commitment.text`` as pieces in order, its money and each deadline marked; joined, they are the text."""
    sentence, origin = commitment.text, commitment.span[0]
    wanted: list[tuple[MarkKind, str, int]] = []
    if commitment.money is not None:
        wanted.append(("money", commitment.money.text, commitment.money.span[0] - origin))
    wanted += [("deadline", d.text, d.span[0] - origin) for d in commitment.deadlines]
    marks: list[tuple[int, int, MarkKind]] = []
    for kind, text, start in wanted:
        place = _place(sentence, text, start)
        if place and all(place[1] <= s or place[0] >= e for s, e, _ in marks):
            marks.append((*place, kind))
    pieces, at = [], 0
    for start, end, kind in sorted(marks):
        if start > at:
            pieces.append(Piece(sentence[at:start]))
        pieces.append(Piece(sentence[start:end], kind))
        at = end
    if at < len(sentence):
        pieces.append(Piece(sentence[at:]))
    return pieces
