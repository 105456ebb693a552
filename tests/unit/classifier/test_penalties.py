"""A fine is no money the publisher commits: a sentence that only threatens one is a conditional (the
labelling rules: "could be fined"), and the money of a demand backed by one is none."""

from __future__ import annotations

import pytest

from schemas import Category, Kind
from services.classifier.core import classify


@pytest.mark.parametrize("sentence", [
    pytest.param("Companies that fail to comply will face fines of up to €50 million.", id="will-face-fines"),
    pytest.param("Platforms that fail to remove content face fines of up to €50 million.", id="face-fines"),
])
def test_a_threatened_fine_is_no_commitment(make_release, sentence):
    assert classify(make_release(sentence)).commitments == []


@pytest.mark.parametrize(("sentence", "kind", "category"), [
    pytest.param("Platforms must remove terrorist content within one hour or face fines of up to €50 million.",
                 Kind.DEMAND, Category.ONLINE_CONTENT, id="or-face-fines"),
    pytest.param("Operators must report attacks within 72 hours or face fines of up to €10 million.",
                 Kind.DEMAND, Category.LEGISLATION, id="fine-is-no-funding"),
])
def test_the_fine_backing_a_demand_is_not_its_money(make_release, sentence, kind, category):
    [commitment] = classify(make_release(sentence)).commitments
    assert (commitment.kind, commitment.money) == (kind, None)
    assert commitment.category is not Category.FUNDING  # the category model's choice, over the rules' reading
    [ruled] = classify(make_release(sentence), rules_only=True).commitments
    assert ruled.category is category


def test_new_money_is_still_the_commitments(make_release):
    [commitment] = classify(make_release("We will provide £5 million to councils to tackle extremism.")).commitments
    assert commitment.money is not None and commitment.money.amount == 5_000_000
