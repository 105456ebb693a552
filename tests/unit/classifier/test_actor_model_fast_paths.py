"""Choosing a commitment's actor reads what the plain code reads: whether the text is a headline, whether it
speaks in the first person, its capitalised names, and the candidate of largest score, on the labelled releases'
sentences and on random text built from the patterns' own characters (letters beyond ASCII, "İ", "ſ" and the
Kelvin sign among them)."""

from __future__ import annotations

import random
import re

from services.classifier.core import actor_model, actors
from services.classifier.core.actor_model import (ActorModel, ReleaseContext, chosen_actor, described_candidates,
                                                  is_headline, is_hostile, last_word, speaks_in_first_person)
from services.classifier.core.folding import fold

# What the fast paths replace
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_CAPITAL_WORD = re.compile(r"\b[A-Z][\w'’-]*")
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?:[A-Z][\w’'&.-]*|\d+)(?:\s+(?:(?:of|for|and|the|on|in|&)\s+)*(?:[A-Z][\w’'&.-]*))*")

_PIECES = ["We ", "we", "WE ", "our ", "Our", "us", "US ", "uſ ", "ours ", "use ", "Home Office ", "of ", "the ",
           "and ", "& ", "for ", "on ", "in ", "UK ", "U.S. ", "O'Neill ", "anti-Daesh ", "x-Ray ", "’s ", "'", "’",
           "-", "_", "_A", "1", "٣", "2024 ", "É", "é", "Ö", "İ", "ı", "ſ", "\u212a", "K", "k", "a", " ", "  ", "\n",
           ",", ".", "(", "Funding to be Distributed ", "Faith-based Institutions", "Member States ", "internet ",
           "companies ", "Council ", "NATO ", "Allies "]


def _texts(sentences: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return sentences + ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 20))) for _ in range(count)]


def test_a_headline_is_told_as_the_two_word_counts_tell_it(labelled_sentences):
    for text in _texts(labelled_sentences, 20000, 31):
        assert is_headline(text) == (len(_CAPITAL_WORD.findall(text)) * 2 > len(_WORD.findall(text))), text


def test_the_first_person_is_found_where_the_ignorecase_search_finds_it(labelled_sentences):
    for text in _texts(labelled_sentences, 20000, 32):
        assert speaks_in_first_person(fold(text)) == (_FIRST_PERSON.search(text) is not None), text


def test_the_capitalised_names_are_those_the_plain_pattern_finds(labelled_sentences):
    for text in _texts(labelled_sentences, 20000, 33):
        assert [m.span() for m in actors._CAPITALISED.finditer(text)] == \
            [m.span() for m in _CAPITALISED.finditer(text)], text


def test_the_chosen_actor_is_the_first_candidate_of_largest_score(labelled_sentences):
    rnd = random.Random(34)
    release = ReleaseContext("The Home Office and NATO", "The Home Office said. Member States agreed.",
                             ["Home Office", "NATO", "Member States"])
    for text in labelled_sentences[:400]:
        kwargs = {"kind": rnd.choice(["pledge", "demand"]), "rules_actor": rnd.choice(["UK government", "NATO"]),
                  "publisher_name": "Home Office", "government": "UK government", "names": {},
                  "release": release}
        described = described_candidates(text, **kwargs)
        names = {name for _, features in described for name in features}
        model = ActorModel(0.0, {name: rnd.choice([-1.0, 0.0, 0.5, 1.0]) for name in names})
        best, best_score = kwargs["rules_actor"], None
        for candidate, features in described:
            if actor_model._names_other_than_publisher(text, kwargs["rules_actor"], "Home Office", "UK government") \
                    and candidate.sources <= actor_model._PUBLISHER_SOURCES:
                continue
            score = model.score(features)
            if best_score is None or score > best_score:
                best, best_score = candidate.name, score
        assert chosen_actor(model, text, **kwargs) == best, text


def test_the_last_word_read_back_is_the_last_the_pattern_finds(labelled_sentences):
    rnd = random.Random(35)
    for text in _texts(labelled_sentences, 20000, 36):
        for _ in range(3):
            start = rnd.randint(0, len(text))
            end = rnd.randint(start, len(text))
            words = _WORD.findall(text[start:end])
            assert last_word(text, start, end) == (words[-1] if words else None), (text, start, end)


def test_a_hostile_name_is_told_as_the_two_searches_tell_it(labelled_sentences):
    pieces = _PIECES + ["Daesh ", "Da’esh", "da'esh ", "DAESH", "daeſh", "ISIL ", "isis", "ıSIS", "al-Qaeda ",
                        "Al Qa'ida", "terrorists ", "Extremist", "criminals", "the group ", "Groups", "militants ",
                        "attacker", "Offenders ", "fighters", "Fighter", "esh", "qa"]
    rnd = random.Random(37)
    names = labelled_sentences + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
                                  for _ in range(20000)]
    for name in names:
        assert is_hostile(name) == bool(actors._HOSTILE.search(name) or actor_model._DAESH.search(name)), name
