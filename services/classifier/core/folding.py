"""Case-insensitive matching made cheap: lowercase the text once, then run case-sensitive regexes and
substring tests over it.

Python's IGNORECASE regexes are about twice as slow as case-sensitive ones. For patterns whose letters are
all ASCII and lowercase, a case-sensitive match over ``fold(text)`` finds exactly the spans an IGNORECASE
match over ``text`` finds, because ``fold`` keeps every character at its offset and maps each character
to the ASCII letter IGNORECASE would match it with. ``str.lower`` alone does that for every character but
three: "İ" (lowered to two characters), "ı" and "ſ" (IGNORECASE matches them with "i" and "s").

Spans from a folded match index the original text; read matched words from the original, not the fold.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import Final, Generic, TypeVar

from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

V = TypeVar("V")

_ODD: Final = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def fold(text: str) -> str:
    """``text`` lowercased, character for character (see the module docstring)."""
    if not text.isascii() and ("İ" in text or "ı" in text or "ſ" in text):
        text = text.translate(_ODD)
    return text.lower()


class LoweredBody:
    """A body lowercased and folded once, so that the ``str.lower`` or ``fold`` of any span of it is a slice:
    each sentence was lowered again by every reader, which cost more than the rest of reading it where the
    text is not ASCII. A slice is the span's own lowering unless the body holds "Σ" (lowered as its
    neighbours say: a final sigma) or "İ" (lowered to two characters); such a body is lowered span by span."""

    def __init__(self, body: str, low: str | None) -> None:
        """``low``: ``body.lower()``; None lowers each span on its own."""
        self.body = body
        self._sliced = low is not None and "Σ" not in body and "İ" not in body
        self._low = low or ""
        self._folded = self._low if low is None or body.isascii() or ("ı" not in body and "ſ" not in body) \
            else fold(body)

    def low(self, start: int, end: int) -> str:
        """``body[start:end].lower()``."""
        return self._low[start:end] if self._sliced else self.body[start:end].lower()

    def folded(self, start: int, end: int) -> str:
        """``fold(body[start:end])``."""
        return self._folded[start:end] if self._sliced else fold(self.body[start:end])


def any_in(folded: str, words: tuple[str, ...]) -> bool:
    """Does ``folded`` hold one of ``words`` (lowercase)? A cheap test before a regex that needs one."""
    for word in words:  # a plain loop: any() over a generator costs more than the tests themselves
        if word in folded:
            return True
    return False


class Lexicon(Generic[V]):
    """Words, each with a value, found in a text in one pass: every occurrence, overlapping and nested ones
    too ("is" in "this"), as (word index, start, end) in order of their ends. The matcher is the Rust
    aho-corasick DFA (``ahocorasick_rs``): one pass reads each character once, where a regex alternation
    or a substring test per word reads the text again for each word."""

    def __init__(self, entries: Iterable[tuple[str, V]]) -> None:
        pairs = list(entries)
        self.words = tuple(word for word, _ in pairs)
        self.values = tuple(value for _, value in pairs)
        self._matcher = AhoCorasick(self.words, matchkind=MatchKind.Standard, implementation=Implementation.DFA)

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        return self._matcher.find_matches_as_indexes(text, overlapping=True)

    def any_in(self, text: str) -> bool:
        """Does ``text`` hold one of the words?"""
        return bool(self._matcher.find_matches_as_indexes(text))


class WordSet:
    """``any_in`` for a fixed set of words, as one pass (see :class:`Lexicon`) instead of a substring test
    per word. A set of a few words is found by ``str.find`` of each instead (``_FEW_WORDS``): one call of the
    matcher costs more than a few searches of a sentence, as it copies the text to UTF-8 and maps each hit's
    offsets back."""

    def __init__(self, words: Iterable[str]) -> None:
        self._lexicon = Lexicon((word, None) for word in words)
        self.words = self._lexicon.words
        self._few = len(self.words) <= _FEW_WORDS
        # Whether two words may begin at the same offset (one begins another, or a word listed twice):
        # ``word_starts`` then gives that offset twice.
        self._nested = any(i != j and second.startswith(first) for i, first in enumerate(self.words)
                           for j, second in enumerate(self.words))

    def in_(self, folded: str) -> bool:
        """``any_in(folded, self.words)``."""
        if self._few:
            return any_in(folded, self.words)
        return self._lexicon.any_in(folded)

    def found(self, folded: str) -> set[str]:
        """The words ``folded`` holds."""
        return {self.words[index] for index, _, _ in self._lexicon.hits(folded)}

    def starts(self, folded: str) -> list[int]:
        """``word_starts(folded, self.words)`` (without repeats)."""
        if not self._few:
            return sorted({start for _, start, _ in self._lexicon.hits(folded)})
        found = word_starts(folded, self.words)
        return sorted(set(found)) if self._nested else found


# A WordSet of at most this many words is found by str.find: over the labelled releases' sentences (300
# characters on average), compiled, 0.3 µs a sentence against 1.0 µs by the matcher for one word, 2.2 against
# 3.1 µs for six; about even from eight words.
_FEW_WORDS: Final = 6


def word_starts(folded: str, prefixes: tuple[str, ...]) -> list[int]:
    """Every offset in ``folded`` where one of ``prefixes`` begins, sorted (a word boundary is not checked)."""
    found = []
    for prefix in prefixes:
        at = folded.find(prefix)
        while at != -1:
            found.append(at)
            at = folded.find(prefix, at + 1)
    found.sort()
    return found


def starts_within(starts: list[int], start: int, end: int) -> list[int]:
    """The offsets of sorted ``starts`` in ``[start, end)``, relative to ``start``: those a pass over a whole text
    found in a span of it (one bisection, then a walk over the few in the span)."""
    found = []
    index, size = bisect_left(starts, start), len(starts)
    while index < size and starts[index] < end:
        found.append(starts[index] - start)
        index += 1
    return found


def matches_at(pattern: re.Pattern[str], text: str, starts: Sequence[int]) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` yields, given every offset at which a match can start.

    A regex engine tries every offset; when only a few offsets can start a match (those of the literal
    words the pattern begins with), trying just those is much faster. Like ``finditer``, a match starting
    inside the previous one is skipped. ``pattern.match(text, at)`` still sees the text before ``at``, so
    ``\\b`` and look-behinds work as in a search.
    """
    reach = 0
    for at in starts:
        if at < reach:
            continue
        match = pattern.match(text, at)
        if match is not None:
            yield match
            reach = match.end()


def case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without IGNORECASE, to run over ``fold(text)`` (its letters must be ASCII lowercase)."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def fold_lowered(text: str, low: str) -> str:
    """``fold(text)`` when ``low`` is already ``text.lower()`` (the same string unless "İ", "ı" or "ſ" occur)."""
    return low if text.isascii() else fold(text)


def finditer_folded(pattern: re.Pattern[str], folded_pattern: re.Pattern[str], text: str,
                    folded: str) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` yields (``pattern`` IGNORECASE), found by the faster case-sensitive
    ``folded_pattern`` (``case_sensitive(pattern)``) over ``folded`` (``fold(text)``). Each hit is matched
    again with ``pattern`` at its offset, so groups read the original text."""
    for hit in folded_pattern.finditer(folded):
        yield pattern.match(text, hit.start())  # type: ignore[misc]  # it matches where the fold matched
