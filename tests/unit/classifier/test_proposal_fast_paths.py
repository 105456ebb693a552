"""The proposal stage reads what the plain code reads: a trigger's groups from the fold's match, not from the
text matched again; a body's headline starts and its genre; on the labelled releases' sentences and bodies and on
random text built from the patterns' own words (letters beyond ASCII, "İ", "ı", "ſ" and the Kelvin sign among
them)."""

from __future__ import annotations

import random

import pytest

from services.classifier.core import cues, triggers
from services.classifier.core.folding import WordSet, fold
from services.classifier.core.proposals import genre_of

_PIECES = ["will ", "Will ", "WILL ", "shall ", "we'll ", "They’ll ", "also ", "be ", "required ", "have to ", "need ",
           "is ", "Are ", "set to ", "going to ", "plans to ", "committed ", "Pledged ", "to ", "the next step ",
           "is to ", "obliged ", "expected ", "needs to ", "called on ", "Urges ", "calls for ", "for ", "it is vital for ", "must ", "should ", "Companies ",
           "the ", "Member States today ", "announced ", "£5m ", "provide ", "additional ", "new ", "İ", "ı", "ſ",
           "\u212a", "É", "x", "-", "’", " ", "  ", "\n", ",", ", and ", ".", "(", ";"]


def _texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 20))) for _ in range(count)]


@pytest.mark.parametrize("pattern", triggers._PATTERNS, ids=lambda p: p.pattern[:24])
def test_a_triggers_groups_read_from_the_folds_match_are_the_texts(pattern, labelled_sentences):
    """Each match of ``_finditer`` (over the fold) spans what the IGNORECASE search over the text spans, and
    ``_group`` reads each group as the text's match holds it: the match made again over the text, which it
    replaces."""
    names = list(pattern.groupindex)
    for text in _texts(labelled_sentences, 4000, 41):
        folded = fold(text)
        for known in (None, triggers.read_cues(folded)):
            found = [(m.span(), [triggers._group(text, m, name) for name in names])
                     for m in triggers._finditer(pattern, text, folded, known)]
            assert found == [(m.span(), [m[name] or "" for name in names]) for m in pattern.finditer(text)], text


_LINE_PIECES = ["\n", "\n\n", "A", "Z", "9", "a", " ", "  ", "\t", "\xa0", "\x1c", "\u2028", "to", "to ", "To ", " to\n",
                ".", ",", ";", ":", "tot", "x" * 10, "x" * 29, "y" * 58, "Council", " to", "É", "said ", "Security Council"]


def _bodies(labelled_sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    joined = ["\n".join(labelled_sentences[i:i + 40]) for i in range(0, len(labelled_sentences), 40)]
    return joined + ["".join(rnd.choice(_LINE_PIECES) for _ in range(rnd.randint(0, 30))) for _ in range(count)]


def test_a_bodys_headline_starts_are_those_the_regex_finds_its_first_line_among_them(labelled_sentences):
    """Whether the first line begins a headline is read in the pass over the other lines, not by matching
    ``_HEADLINE_CUE`` at 0, which it replaces."""
    for body in _bodies(labelled_sentences, 20000, 43):
        assert cues._headline_cues(body) == [m.start() for m in cues._HEADLINE_CUE.finditer(body)], body


def _genre_before(body: str) -> tuple[frozenset[str], ...]:
    """``genre_of`` as it was: the lines stripped, their lengths mapped."""
    genre = set()
    if any(name in body for name in ("Security Council", "General Assembly")):
        genre.add("genre:un")
    if body.count("said") > 1:
        genre.add("genre:said")
    lengths = list(map(len, filter(str.strip, body.split("\n"))))
    if sum(map((120).__gt__, lengths)) * 2 > len(lengths):
        genre.add("genre:lines")
    return tuple(frozenset(genre | {place}) for place in ("place:first", "place:lead", "place:later"))


def test_a_bodys_genre_is_read_by_one_loop_over_its_lines_as_it_was(labelled_sentences):
    for body in _bodies(labelled_sentences, 20000, 44) + ["", " ", "\n", "x" * 119 + "\n" + "y" * 120]:
        assert genre_of(body) == _genre_before(body), body


_MUST_STARTS = WordSet(("must", "should", "need", "will", "is", "are"))  # where _MUST was tried


def test_must_is_tried_where_the_words_it_starts_with_begin_and_a_match_may(labelled_sentences):
    """The offsets ``_must_starts`` leaves out of those ``_MUST`` was tried at are none where it matches."""
    for text in _texts(labelled_sentences, 4000, 45):
        folded = fold(text)
        fewer = triggers._must_starts(folded)
        every = _MUST_STARTS.starts(folded)
        assert set(fewer) <= set(every) and fewer == sorted(set(fewer)), text
        assert not [at for at in set(every) - set(fewer) if triggers._FOLDED[id(triggers._MUST)].match(folded, at)], text
