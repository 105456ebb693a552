"""Rules that look past one sentence: a summary restated in the body, and a deadline
written in a neighbouring sentence that the commitment refers back to."""

from __future__ import annotations

import re
from datetime import date

from schemas import Commitment

from .deadlines import find_deadlines, may_hold_deadline
from .sentences import Sentence

_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
_STOP = frozenset(
    "the and for with that this will from have has been are was were its their our into over under more "
    "also which who would could should than then they them these those such set develop a an of".split()
)
_LOOK_BACK, _LOOK_AHEAD = 5, 1


def _content(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def _trigrams(text: str) -> set[str]:
    words = _content(text)
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def borrow_deadlines(commitments: list[Commitment], sentences: list[Sentence], body: str,
                     published: date) -> list[Commitment]:
    """Give a commitment with no deadline the one a nearby sentence sets for the thing it names again
    ("restrictions from 13 July to 6 August" ... "the restrictions that will be put in place")."""
    index = {sentence.start: i for i, sentence in enumerate(sentences)}
    cache: dict[int, list] = {}
    may_hold: dict[int, bool] = {}
    trigrams_of: dict[int, set[str]] = {}  # a sentence's trigrams, by its start, for every neighbour read
    result = []
    for commitment in commitments:
        position = index.get(commitment.span[0])
        if commitment.deadlines or position is None:
            result.append(commitment)
            continue
        lowered = commitment.text.lower()
        trigrams = None
        borrowed = []
        for neighbour in sentences[max(0, position - _LOOK_BACK):position] + sentences[position + 1:
                                                                                       position + 1 + _LOOK_AHEAD]:
            text = body[neighbour.start:neighbour.end]
            if neighbour.start not in may_hold:  # a sentence with no digit or calendar word lends nothing
                may_hold[neighbour.start] = may_hold_deadline(text)
            if not may_hold[neighbour.start]:
                continue
            if trigrams is None:
                trigrams = _trigrams(lowered)
            if neighbour.start not in trigrams_of:
                trigrams_of[neighbour.start] = _trigrams(text)
            if trigrams.isdisjoint(trigrams_of[neighbour.start]):
                continue
            if neighbour.start not in cache:
                cache[neighbour.start] = find_deadlines(text, published, neighbour.start)
            for deadline in cache[neighbour.start]:
                named = _content(text[: deadline.span[0] - neighbour.start])[-3:]
                if len(named) == 3 and " ".join(named) in lowered:
                    borrowed.append(deadline)
        result.append(commitment.model_copy(update={"deadlines": borrowed[:1]}) if borrowed else commitment)
    return result
