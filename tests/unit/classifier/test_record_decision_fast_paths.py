"""Building a record and weighing a proposal decide what the plain code they replace decides: a record validated
by the model's own validator is the model its ``__init__`` builds (and refuses what it refuses), the vocabulary adds
each entry it finds once, the general names refuse a lexical one as the disjointness test did, and a neighbour
lends a deadline where the check from its side let it (on the labelled releases and on random text)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from pydantic import ValidationError

from schemas import Commitment
from services.classifier.core import classify, context, records, signals
from services.classifier.core.decision import Linear, shipped_model
from services.classifier.core.signals import lexical
from services.ingest.files import load_release

from .conftest import ROOT


def _fields(commitment: Commitment) -> dict[str, Any]:
    """The fields ``build_commitment`` passes, as it passes them (the models, not their dumps)."""
    return {name: getattr(commitment, name) for name in Commitment.model_fields}


@pytest.fixture(scope="module")
def commitments(seed) -> list[Commitment]:
    files = sorted((ROOT / "tests" / "data" / "releases").glob("*.json"))[:120]
    found = [c for release in [seed, *map(load_release, files)] for c in classify(release, rules_only=True).commitments]
    assert len(found) > 150
    return found


def test_a_record_is_the_model_its_init_builds(commitments):
    for commitment in commitments:
        fields = _fields(commitment)
        built, made = records.new_commitment(dict(fields)), Commitment(**fields)
        assert type(built) is Commitment
        assert built == made and built.model_fields_set == made.model_fields_set
        assert built.model_dump_json() == made.model_dump_json()
        # given as str, as the JSON of an event gives them: converted the same way
        loose = {**fields, "kind": str(fields["kind"].value), "category": fields["category"].value,
                 "span": list(fields["span"])}
        assert records.new_commitment(loose) == Commitment(**loose)


@pytest.mark.parametrize("change", [
    {"confidence": 1.5}, {"confidence": "high"}, {"span": (-1, 4)}, {"kind": "promise"}, {"category": "misc"},
    {"money": {"amount": 1.0, "currency": "pounds", "text": "£1", "span": (0, 2)}}, {"deadlines": [{"type": "soon"}]},
    {"unknown": 1}, {"id": None},
], ids=lambda change: next(iter(change)))
def test_a_record_refuses_what_the_models_init_refuses(commitments, change):
    fields = {**_fields(commitments[0]), **change}
    with pytest.raises(ValidationError) as by_init:
        Commitment(**fields)
    with pytest.raises(ValidationError) as by_validator:
        records.new_commitment(fields)
    assert by_validator.value.errors() == by_init.value.errors()
    assert by_validator.value.title == by_init.value.title == "Commitment"


def _seen_set_weights(vocabulary, tokens: list[str]) -> list[float]:
    """The weights ``_Vocabulary.add_weights`` added before: each entry's once, told apart by a set of those seen."""
    terms: list[float] = []
    seen: set[object] = set()
    before = None
    for token in tokens:
        if before is not None:
            pair = before.after.get(token)
            if pair is not None and pair not in seen:
                seen.add(pair)
                terms.append(pair.weight)
        entry = vocabulary.tokens.get(token)
        if entry is None:
            before = None
            continue
        if entry.weighs and entry not in seen:
            seen.add(entry)
            terms.append(entry.weight)
        before = entry if entry.begins_pair else None
    return terms


def _tokens(count: int, rnd: random.Random, words: list[str]) -> list[list[str]]:
    """Clauses of the model's own words (its pairs' among them, and repeats), and of words it does not know."""
    pieces = words + ["unknownword", "0", "will", "the", "to"]
    return [[rnd.choice(pieces) for _ in range(rnd.randrange(0, 90))] for _ in range(count)]


def test_the_vocabulary_adds_each_entry_it_finds_once(commitments):
    vocabulary = shipped_model().commitment._vocabularies[0]
    pair_words = [word for pair in list(vocabulary.pairs)[:400] for word in pair]
    rnd = random.Random(41)
    clauses = [c.text.lower().split() for c in commitments]
    clauses += _tokens(3000, rnd, sorted(vocabulary.words)[:800] + pair_words)
    for tokens in clauses:
        terms: list[Any] = []
        vocabulary.add_weights(terms, tokens)
        assert Counter(terms) == Counter(_seen_set_weights(vocabulary, tokens)), tokens


def _by_disjointness(model: Linear, features: set[str], ruled: bool, tokens: list[str]) -> float | str:
    """What ``Linear.probability`` gave before, or the message of the error it raised: a lexical name it weighs among
    ``features`` found by one disjointness test of all of them against its lexical names."""
    lexical_names = model._lexical[1 if ruled else 0]
    if not features.isdisjoint(lexical_names):
        return f"lexical names {sorted(features & lexical_names)} given with tokens: pass the words as tokens only"
    return model.probability(features | lexical(tokens), ruled)


def test_general_names_refuse_a_lexical_one_as_the_disjointness_test_did():
    model = shipped_model().commitment
    general = sorted(name for name in model._tables[0] if not name.startswith(("w:", "w2:")))
    known_lexical = sorted(model._lexical[0])[:500]
    words = sorted(model._vocabularies[0].words)[:500]
    rnd = random.Random(42)
    refused = 0
    for _ in range(2000):
        features = set(rnd.sample(general, rnd.randrange(0, 30)))
        features |= set(rnd.sample(known_lexical, rnd.choice([0, 0, 0, 1, 2])))
        features |= {"w:not-a-weighed-word", "unknown-signal"} if rnd.random() < 0.3 else set()
        tokens = [rnd.choice(words) for _ in range(rnd.randrange(1, 40))]
        ruled = rnd.random() < 0.5
        expected = _by_disjointness(model, features, ruled, tokens)
        try:
            got: float | str = model.probability(features, ruled, tokens)
        except ValueError as exc:
            got = str(exc)
            refused += 1
        assert got == expected, features
    assert refused > 300


def test_a_neighbour_lends_where_the_check_from_its_side_let_it(labelled_sentences):
    """``_Lenders.lend`` reads the commitment's trigrams first and looks for their words in the neighbour; it read
    the neighbour's first and looked for theirs in the commitment. Either is a test no trigram both hold fails."""
    words = ["new", "rules", "parking", "petrol", "cars", "the", "ban", "sale", "x", "newer", "’s", "-", "by", "2030"]
    rnd = random.Random(43)
    made = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9))) for _ in range(3000)]
    texts = labelled_sentences + made
    pairs = list(zip(texts, texts[1:])) + list(zip(texts, texts[2:])) + [(text, text) for text in texts[::5]]
    shared = 0
    for text, neighbour in pairs:
        lowered, their_low = text.lower(), neighbour.lower()
        theirs = context._low_trigrams(their_low)
        before = context._may_share(theirs, lowered) and not context._low_trigrams(lowered).isdisjoint(theirs)
        mine = context._low_trigrams(lowered)
        now = bool(mine) and context._may_share(mine, their_low) and not mine.isdisjoint(theirs)
        assert now == before, (text, neighbour)
        shared += now
    assert shared > 300


def test_a_clause_s_tokens_are_its_words_as_lexical_reads_them(labelled_sentences):
    rnd = random.Random(44)
    pieces = ["2025 ", "10m ", "we’ll ", "don't ", "1st ", "x2 ", "’", "'", "٣", "²", "Ⅻ", "£", "é", "İ", "k", "a", " ",
              "0", "9", "-"]
    texts = labelled_sentences + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 25))) for _ in range(5000)]
    for text in texts:
        words = signals._words(text.lower())
        assert signals._word_tokens(words) == signals.lexical_tokens(words), text
