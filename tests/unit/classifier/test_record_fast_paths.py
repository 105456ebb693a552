"""Fast paths of the deadline, borrowing and id code decide exactly what the plain code they replace decides (on
the labelled releases' sentences and on random text built from the deadline rules' own words)."""

from __future__ import annotations

import random
import re

import pytest

from services.classifier.core import context, deadlines, records
from services.classifier.core.calendar_units import MONTH
from services.classifier.core.deadline_rules import CORES, MONTH_NAME, NEEDS, RULES
from services.classifier.core.folding import fold

_PIECES = ["by ", "the ", "end of ", "next ", "this ", "year", "years ", "month ", "Week ", "decade ", "financial ",
           "1st ", "17 ", "of ", "June ", "Sept. ", "May ", "may ", "mayor ", "march ", "2018", "19", "-", "–", "/",
           " to ", " and ", ", ", "from ", "between ", "over ", "within ", "coming ", "three ", "days", "instantly ",
           "tomorrow ", "Spring ", "İ", "ı", "ſ", "K", "x", " ", "\n", "’s", "today ", "second ", "2", "day"]
_ANY = re.compile(rf"\d|\b(?:{MONTH}|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|spring|"
                  r"summer|autumn|fall|winter|instantly|tomorrow)\b", re.IGNORECASE)


def _texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 20))) for _ in range(count)]


def test_may_hold_deadline_as_the_regex_decides(labelled_sentences):
    for text in _texts(labelled_sentences, 3000, 21):
        assert deadlines.may_hold_deadline(text) == (_ANY.search(text) is not None), text


def test_rules_chosen_by_need_as_substring_tests_choose_them(labelled_sentences):
    month = re.compile(rf"\b{MONTH}")
    for text in _texts(labelled_sentences, 3000, 22):
        low = text.lower()
        held = {need for needs in NEEDS for need in needs if need != MONTH_NAME and need in low}
        if month.search(low):
            held.add(MONTH_NAME)
        assert deadlines._rules_for(low) == tuple(rule for rule, needs in zip(RULES, NEEDS) if held & set(needs))


@pytest.mark.parametrize("index", sorted(CORES))
def test_every_match_of_a_rule_holds_its_core(index, labelled_sentences):
    pattern, _ = RULES[index]
    for text in _texts(labelled_sentences, 3000, index):
        if pattern.search(text):
            assert CORES[index].search(fold(text)), text
        assert [m.span() for m in deadlines._finditer(pattern, text, fold(text))] == \
            [m.span() for m in pattern.finditer(text)], text


def test_id_words_as_the_regex_finds_them(labelled_sentences):
    for text in _texts(labelled_sentences, 500, 23) + ["We’ll give £5m — 50% of it — to 3 councils, by 2020!", "A_b\tc\x0bd $4 K"]:
        low = text.lower()
        assert records._words(low) == " ".join(records._WORD.findall(low)), text


def test_trigrams_are_the_joined_content_word_triples(labelled_sentences):
    for text in labelled_sentences:
        words = [w for w in context._WORD.findall(text.lower()) if w not in context._STOP]
        joined = {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
        assert {" ".join(trigram) for trigram in context._trigrams(text)} == joined
