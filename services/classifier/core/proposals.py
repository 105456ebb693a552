"""Rules propose: every clause that may commit someone, with the rules' own reading of it (or none).

The proposals are wide on purpose (every sentence holding a cue word); the decision stage
(:mod:`.decision`) weighs each one. Training reads the same proposals, so what the model learns from is
exactly what it is later asked about.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from .actors import Actor
from .clauses import commitments_in
from .commitments import Found
from .cues import BodyWords, candidate_sentences
from .folding import LoweredBody
from .sentences import Sentence
from .signals import Signals, read_signals


class Proposal(NamedTuple):
    span: Sentence  # the clause or sentence proposed
    found: Found | None  # the rules' reading; None when they read no commitment in it
    signals: Signals  # what the decision stage weighs

    @property
    def features(self) -> set[str]:
        """Every feature name the decision stage weighs (``signals.signals``)."""
        return self.signals.names


def propose(body: str, sentences: list[Sentence], words: BodyWords, publisher: str,
            lowered: LoweredBody | None = None) -> Iterator[Proposal]:
    """The proposals of one release body, in order (lazily, so that a reader may stop early): the clauses
    the rules read as commitments, and each cue-holding sentence in which they read none. ``lowered``: the
    body lowercased, when known."""
    lowered = LoweredBody(body, body.lower()) if lowered is None else lowered
    previous: Actor | None = None
    first_break = body.find("\n")
    paragraphs = Paragraphs(body)
    for whole in candidate_sentences(body, sentences, cues=words.cues):
        alone = paragraphs.alone(whole)
        readings: list[tuple[Sentence, Found | None]] = list(
            commitments_in(body, whole, publisher, previous, words.triggers, alone=alone, lowered=lowered))
        if readings:
            previous = readings[-1][1].actor
        else:
            readings = [(whole, None)]
        first_paragraph = first_break == -1 or whole.start < first_break
        for span, found in readings:
            read = read_signals(body[span.start:span.end], found, alone=alone, first_paragraph=first_paragraph,
                                low=lowered.low(*span), folded=lowered.folded(*span))
            yield Proposal(span, found, read)


class Paragraphs:
    """Whether a sentence is a whole paragraph (a line, spaces trimmed) of a body. Asked only of the few
    sentences proposed, each by reading the spaces either side of it up to a line break: no scan of the
    body's lines (nor of a sentence's own line, which in a one-line body of megabytes would make asking
    every sentence quadratic)."""

    def __init__(self, body: str) -> None:
        self.body = body

    def alone(self, sentence: Sentence) -> bool:
        """Whether ``sentence`` is the whole of its paragraph (a headline or a one-line item): nothing but
        spaces before it on its first line or after it on its last."""
        body, start, end = self.body, sentence.start, sentence.end
        if start >= end or body[start].isspace() or body[end - 1].isspace():
            return False
        before = start - 1
        while before >= 0 and body[before] != "\n" and body[before].isspace():
            before -= 1
        if before >= 0 and body[before] != "\n":
            return False
        after, size = end, len(body)
        while after < size and body[after] != "\n" and body[after].isspace():
            after += 1
        return after == size or body[after] == "\n"
