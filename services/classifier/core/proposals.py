"""Rules propose: every clause that may commit someone, with the rules' own reading of it (or none).

The proposals are wide on purpose (every sentence holding a cue word); the decision stage
(:mod:`.decision`) weighs each one, with where it stands and what kind of text the release is
(``genre_of``). Training reads the same proposals, so what the model learns from is exactly what it is
later asked about.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, NamedTuple

from .actors import Actor
from .clauses import commitments_in
from .commitments import Found
from .cues import BodyWords, calendar_starts, candidate_sentences
from .folding import LoweredBody
from .money import has_money
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
            lowered: LoweredBody | None = None, year: int | None = None) -> Iterator[Proposal]:
    """The proposals of one release body, in order (lazily, so that a reader may stop early): the clauses
    the rules read as commitments, and each cue-holding sentence in which they read none. ``lowered``: the
    body lowercased, when known."""
    lowered = LoweredBody(body, body.lower()) if lowered is None else lowered
    previous: Actor | None = None
    first_break = body.find("\n")
    paragraphs = Paragraphs(body)
    genre = genre_of(body)
    # A proposal starting before the body's second sentence is its first; before the fifth, in its lead.
    second = sentences[1].start if len(sentences) > 1 else len(body)
    fifth = sentences[4].start if len(sentences) > 4 else len(body)
    for whole in candidate_sentences(body, sentences, cues=words.cues):
        alone = paragraphs.alone(whole)
        # Whether the sentence names money: read once, for its reading and for its signals (a clause of it is
        # read again).
        money = has_money(body[whole.start:whole.end], folded=lowered.folded(whole.start, whole.end))
        readings = commitments_in(body, whole, publisher, previous, words.triggers, alone=alone, lowered=lowered,
                                  money=money)
        for _, found in reversed(readings):
            if found is not None:
                previous = found.actor
                break
        if not readings:
            readings = [(whole, None)]
        first_paragraph = first_break == -1 or whole.start < first_break
        context = genre[whole.start >= second] if whole.start < fifth else genre[2]
        for span, found in readings:
            read = read_signals(body[span.start:span.end], found, alone=alone, first_paragraph=first_paragraph,
                                low=lowered.low(span.start, span.end), folded=lowered.folded(span.start, span.end),
                                context=context, year=year, money=money if span == whole else None,
                                calendar=calendar_starts(words, span.start, span.end))
            yield tuple.__new__(Proposal, (span, found, read))  # no Python frame (see ``triggers._new_cues``)


_UN_BODIES: Final = ("Security Council", "General Assembly")
_SHORT_LINE: Final = 120  # characters: a headline, a list item or a heading, not a paragraph of prose


def genre_of(body: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The context signals (``signals.CONTEXT_PREFIXES``) of a proposal in ``body`` by where it starts: in
    the first sentence, in the next three (the lead), or later; each with what kind of text the release is:
    coverage of a UN body's meeting ("genre:un"), a release reporting what people said ("genre:said", the
    word twice or more), a list of short lines rather than prose ("genre:lines")."""
    genre = set()
    if _UN_BODIES[0] in body or _UN_BODIES[1] in body:
        genre.add("genre:un")
    if body.count("said") > 1:
        genre.add("genre:said")
    lines = short = 0  # the lines that hold more than spaces, and the short ones among them
    for line in body.split("\n"):
        if line and not line.isspace():  # compiled, a loop with ``isspace`` copies no line (``strip`` did)
            lines += 1
            if len(line) < _SHORT_LINE:
                short += 1
    if short * 2 > lines:
        genre.add("genre:lines")
    return tuple(frozenset(genre | {place})  # type: ignore[return-value]  # three
                 for place in ("place:first", "place:lead", "place:later"))


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
