"""Building a record and weighing a proposal decide what the plain code they replace decides: a record (and a
release's reading) validated by the model's own validator is the model its ``__init__`` builds (and refuses what it
refuses), and the general names refuse a lexical one as the disjointness test of all of them did (on the labelled
releases and random names)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import ValidationError

from schemas import Commitment, ReleaseClassified
from services.classifier.core import classifier, classify, records
from services.classifier.core.decision import Linear, shipped_model
from services.classifier.core.signals import lexical
from services.ingest.files import load_release

from .conftest import ROOT


def _fields(commitment: Commitment) -> dict[str, Any]:
    """The fields ``build_commitment`` passes, as it passes them (the models, not their dumps)."""
    return {name: getattr(commitment, name) for name in Commitment.model_fields}


@pytest.fixture(scope="module")
def classified(seed) -> list[ReleaseClassified]:
    files = sorted((ROOT / "tests" / "data" / "releases").glob("*.json"))[:120]
    return [classify(release, rules_only=True) for release in [seed, *map(load_release, files)]]


@pytest.fixture(scope="module")
def commitments(classified) -> list[Commitment]:
    found = [commitment for release in classified for commitment in release.commitments]
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


def test_a_release_s_reading_is_the_model_its_init_builds(classified):
    for release in classified:
        # as ``classify`` passes them: the evidence as dicts, the commitments as models
        fields = {name: getattr(release, name) for name in ReleaseClassified.model_fields}
        fields["evidence"] = [evidence.model_dump() for evidence in release.evidence]
        built, made = classifier._new_classified(dict(fields)), ReleaseClassified(**fields)
        assert type(built) is ReleaseClassified and built == made == release
        assert built.model_fields_set == made.model_fields_set
        assert built.model_dump_json() == made.model_dump_json()
    fields = {**fields, "counter_terrorism_score": 1.5, "evidence": [{"term": "x", "span": (2, -1)}], "extra": 1}
    with pytest.raises(ValidationError) as by_init:
        ReleaseClassified(**fields)
    with pytest.raises(ValidationError) as by_validator:
        classifier._new_classified(fields)
    assert by_validator.value.errors() == by_init.value.errors() and len(by_init.value.errors()) == 3


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
