"""Rules that look past one sentence: a summary restated in the body, and a deadline
written in a neighbouring sentence that the commitment refers back to."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from schemas import Commitment

from .deadlines import find_deadlines, may_hold_deadline
from .folding import LoweredBody, starts_within
from .sentences import Sentence

_WORD: Final = re.compile(r"[a-z][a-z'’-]{2,}")
_STOP: Final = frozenset(
    "the and for with that this will from have has been are was were its their our into over under more "
    "also which who would could should than then they them these those such set develop a an of".split()
)
_LOOK_BACK, _LOOK_AHEAD = 5, 1


# Every byte of the UTF-8 text that cannot be part of a _WORD match becomes a space, and str.split finds the runs
# that can ("’" stands in as "\x01" meanwhile, as in ``signals._words``); a run's match is the run from its
# first letter on, when that holds three characters or more.
_WORD_BYTES: Final = frozenset(b"abcdefghijklmnopqrstuvwxyz'-\x01")
_TO_SPACES: Final = bytes(byte if byte in _WORD_BYTES else ord(" ") for byte in range(256))
_NOT_FIRST: Final = "'-\x01"  # what a run may hold before its first letter


def _low_content(low: str) -> list[str]:
    """``_content`` of lowercased text (a comprehension: compiled, a loop in C, where ``filterfalse`` calls the
    set's ``__contains__`` through Python's generic call for each word)."""
    return [word for word in _words(low) if word not in _STOP]


def _words(low: str) -> list[str]:
    """``_WORD.findall(low)``, faster."""
    if "\x01" in low:  # the stand-in for "’"
        return _WORD.findall(low)
    ascii_only = low.isascii()
    runs = (low if ascii_only else low.replace("’", "\x01")).encode().translate(_TO_SPACES).decode().split()
    words = []
    for run in runs:
        word = run.lstrip(_NOT_FIRST)
        if len(word) >= 3:
            words.append(word if ascii_only else word.replace("\x01", "’"))
    return words


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    return _low_trigrams(text.lower())


def _low_trigrams(low: str) -> set[tuple[str, str, str]]:
    """``_trigrams`` of lowercased text."""
    words = _low_content(low)
    return set(zip(words, words[1:], words[2:]))


def _may_share(trigrams: set[tuple[str, str, str]], lowered: str) -> bool:
    """False when no trigram in ``trigrams`` can be one of ``_trigrams(lowered)`` (``lowered``: lowercased
    text): each of its words would be in ``lowered``. Cheaper than reading the trigrams of ``lowered``."""
    for first, second, third in trigrams:
        if first in lowered and second in lowered and third in lowered:
            return True
    return False


def borrow_deadlines(commitments: list[Commitment], sentences: list[Sentence], body: str,
                     published: date, year_starts: int = 4, *, lowered: LoweredBody | None = None,
                     may_hold: dict[Sentence, bool] | None = None,
                     calendar: list[int] | None = None) -> list[Commitment]:
    """Give a commitment with no deadline the one a nearby sentence sets for the thing it names again
    ("restrictions from 13 July to 6 August" ... "the restrictions that will be put in place").
    ``commitments`` are those found in ``body``, their deadlines read at ``published`` (a financial year
    starting in the month ``year_starts``; ``lowered``: the body lowercased, when known). ``may_hold``: what
    ``may_hold_deadline`` says of some spans of ``body``, when known (the proposals' signals say it); ``calendar``:
    where each word of ``deadlines.CALENDAR_PREFIXES`` begins in the folded body (``cues.BodyWords.calendar``), when
    known."""
    if all(commitment.deadlines for commitment in commitments):
        return list(commitments)
    lenders = _Lenders(sentences, body, published, year_starts, lowered, calendar)
    if may_hold:
        lenders.may_hold.update(may_hold)  # type: ignore[arg-type]  # a Sentence is a span
    # The sentence of a commitment with no deadline has none to lend: skip it without reading it again. That of
    # one with a deadline holds a digit or a calendar word.
    lenders.silent.update(commitment.span for commitment in commitments if not commitment.deadlines)
    lenders.may_hold.update((commitment.span, True) for commitment in commitments if commitment.deadlines)
    return [commitment if commitment.deadlines else lenders.lend(commitment) for commitment in commitments]


class _Lenders:
    """A release's sentences as lenders of deadlines; each is read at most once for each thing asked of it."""

    def __init__(self, sentences: list[Sentence], body: str, published: date, year_starts: int,
                 lowered: LoweredBody | None = None, calendar: list[int] | None = None) -> None:
        self.sentences, self.body, self.published, self.year_starts = sentences, body, published, year_starts
        self.lowered = LoweredBody(body, None) if lowered is None else lowered  # None: lowered span by span
        self.index = {sentence.start: i for i, sentence in enumerate(sentences)}
        self.may_hold: dict[tuple[int, int], bool] = {}  # by span
        self.trigrams: dict[int, set[tuple[str, str, str]]] = {}  # by sentence start, as the one below
        self.deadlines: dict[int, list] = {}
        self.silent: set[tuple[int, int]] = set()  # spans of sentences known to set no deadline
        self.calendar = calendar  # where a calendar word may begin in the folded body (see ``borrow_deadlines``)

    def lend(self, commitment: Commitment) -> Commitment:
        """``commitment`` with the first deadline a neighbour sets for what it names, if any."""
        position = self.index.get(commitment.span[0])
        if position is None:
            return commitment
        start, end = commitment.span
        lowered = self.lowered.low(start, end)
        trigrams = None
        borrowed = []
        for neighbour in self.sentences[max(0, position - _LOOK_BACK):position] + \
                self.sentences[position + 1:position + 1 + _LOOK_AHEAD]:
            # a sentence known to set no deadline, or with no digit or calendar word, lends nothing
            if neighbour in self.silent or not self._may_hold(neighbour):
                continue
            theirs = self._trigrams(neighbour)
            if trigrams is None:
                if not _may_share(theirs, lowered):
                    continue
                trigrams = _low_trigrams(lowered)
            if trigrams.isdisjoint(theirs):
                continue
            borrowed += self._named_in(neighbour, lowered)
        return commitment.model_copy(update={"deadlines": borrowed[:1]}) if borrowed else commitment

    def _may_hold(self, sentence: Sentence) -> bool:
        known = self.may_hold.get(sentence)
        if known is None:
            start, end = sentence
            starts = None if self.calendar is None else starts_within(self.calendar, start, end)
            known = self.may_hold[sentence] = may_hold_deadline(self.body[start:end],
                                                                folded=self.lowered.folded(start, end), starts=starts)
        return known

    def _trigrams(self, sentence: Sentence) -> set[tuple[str, str, str]]:
        if sentence.start not in self.trigrams:
            self.trigrams[sentence.start] = _low_trigrams(self.lowered.low(sentence.start, sentence.end))
        return self.trigrams[sentence.start]

    def _named_in(self, sentence: Sentence, lowered: str) -> list:
        """The deadlines ``sentence`` sets for something ``lowered`` (a commitment's text) names: the three
        content words before the deadline."""
        start, end = sentence
        if start not in self.deadlines:
            self.deadlines[start] = find_deadlines(self.body[start:end], self.published, start,
                                                   folded=self.lowered.folded(start, end),
                                                   low=self.lowered.low(start, end), year_starts=self.year_starts)
        named = []
        for deadline in self.deadlines[start]:
            words = _low_content(self.lowered.low(sentence.start, deadline.span[0]))[-3:]
            if len(words) == 3 and " ".join(words) in lowered:
                named.append(deadline)
        return named
