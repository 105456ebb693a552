"""Rules propose: every clause that may commit someone, with the rules' own reading of it (or none).

The proposals are wide on purpose (every sentence holding a cue word); the decision stage
(:mod:`.decision`) weighs each one. Training reads the same proposals, so what the model learns from is
exactly what it is later asked about.
"""

from __future__ import annotations

from typing import NamedTuple

from .actors import Actor
from .clauses import commitments_in
from .commitments import Found
from .cues import BodyWords, candidate_sentences
from .sentences import Sentence
from .signals import signals


class Proposal(NamedTuple):
    span: Sentence  # the clause or sentence proposed
    found: Found | None  # the rules' reading; None when they read no commitment in it
    features: set[str]  # what the decision stage weighs (``signals.signals``)


def propose(body: str, sentences: list[Sentence], words: BodyWords, publisher: str) -> list[Proposal]:
    """The proposals of one release body, in order: the clauses the rules read as commitments, and each
    cue-holding sentence in which they read none."""
    proposals = []
    previous: Actor | None = None
    first_break = body.find("\n")
    for whole in candidate_sentences(body, sentences, cues=words.cues):
        readings: list[tuple[Sentence, Found | None]] = list(
            commitments_in(body, whole, publisher, previous, words.triggers))
        if readings:
            previous = readings[-1][1].actor
        else:
            readings = [(whole, None)]
        alone = _alone(body, whole)
        first_paragraph = first_break == -1 or whole.start < first_break
        for span, found in readings:
            features = signals(body[span.start:span.end], found, alone=alone, first_paragraph=first_paragraph)
            proposals.append(Proposal(span, found, features))
    return proposals


def _alone(body: str, sentence: Sentence) -> bool:
    """Whether ``sentence`` is the whole of its paragraph (a headline or a one-line item)."""
    first, last = body.rfind("\n", 0, sentence.start) + 1, body.find("\n", sentence.end)
    return not body[first:sentence.start].strip() and not body[sentence.end:last if last != -1 else None].strip()
