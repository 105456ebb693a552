"""The category model: a commitment's category chosen over what the rules read of it, the rules' training and
border security standing, weights read from the model file and checked there."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from schemas import Category
from services.classifier.core import classify
from services.classifier.core.categories import MANDATE_RENEWED, rule_hits
from services.classifier.core.category_model import (RULES_STAND, CategoryModel, category_features, named_features,
                                                     release_named_features)
from services.classifier.core.decision import DecisionModel, shipped_model
from services.classifier.core.folding import fold

CLASSES = ["funding", "legislation", "other"]


def test_the_class_of_largest_score_wins_and_unknown_features_weigh_nothing():
    model = CategoryModel(CLASSES, [0.0, 0.1, 0.0], {"w:law": [0.0, 2.0, 0.0], "o=funding": [4.0, 0.0, 0.0]})
    assert model.choose({"w:law": 1.0, "w:never-seen": 1.0}) == "legislation"
    assert model.choose({"w:law": 1.0, "o=funding": 0.75}) == "funding"  # 3.0 against 2.1: a share weighs its value
    assert model.choose({}) == "legislation"  # the intercepts alone


def test_a_tie_goes_to_the_first_class():
    assert CategoryModel(CLASSES, [1.0, 1.0, 0.0], {}).choose({}) == "funding"


@pytest.mark.parametrize(("classes", "intercepts", "weights", "message"), [
    (["funding"], [0.0], {}, "two or more distinct classes"),
    (["funding", "funding"], [0.0, 0.0], {}, "two or more distinct classes"),
    (["funding", "potholes"], [0.0, 0.0], {}, "classes ['potholes'] are no category"),
    (CLASSES, [0.0, 0.0], {}, "2 intercepts for 3 classes"),
    (CLASSES, [0.0, 0.0, 0.0], {"w:law": [1.0]}, "feature 'w:law' has 1 weights for 3 classes"),
])
def test_a_model_that_cannot_choose_is_refused(classes, intercepts, weights, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        CategoryModel(classes, intercepts, weights)


def test_a_model_file_with_a_bad_category_model_is_refused_naming_why(tmp_path):
    from services.classifier.model_choice import ModelFileError, read_model

    data = json.loads(json.dumps(shipped_model().to_dict()))
    data["category"]["classes"][0] = "potholes"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="potholes"):
        read_model(path)


def test_a_model_file_without_a_category_model_reads_and_keeps_the_rules_categories(make_release):
    data = json.loads(json.dumps(shipped_model().to_dict()))
    del data["category"]
    model = DecisionModel.from_dict(data)
    assert model.category is None
    release = make_release("Platforms must remove terrorist content under the new law, and the Home Office will "
                           "invest £5 million in new police equipment.")
    without = classify(release, model=model).commitments
    assert [c.category for c in without] == [c.category for c in classify(release, rules_only=True).commitments]
    assert without and [c.category for c in without] != [
        c.category for c in classify(release, model=replace(model, category=_always("other"))).commitments]


def test_the_features_name_what_the_rules_read_the_words_and_the_release():
    named = named_features(rules_category="other", rule_hits=["other-x", "mandate"], kind="pledge", has_money=False,
                           counter_terrorism=True, others=["sanctions", "sanctions", "funding", "other"])
    features = category_features("The council will renew the mission's mandate.", title="Sanctions renewed",
                                 release_counter_terrorism=False, named=named)
    assert features["rule=other"] == features["kind=pledge"] == features["ct"] == 1.0
    assert features["w:mandate"] == features["w:mission's"] == features["t:sanctions"] == 1.0
    assert features["h=mandate"] == 1.0 and "money" not in features and "rct" not in features
    assert (features["o=sanctions"], features["o=funding"], features["o=other"]) == (0.5, 0.25, 0.25)


def test_the_rules_hits_are_every_category_they_read_in_their_order():
    assert rule_hits(fold("Platforms must remove terrorist content under the new law.")) == [
        "online_content", "legislation"]
    assert rule_hits(fold("The Council extended the mandate of the Mission until 2025.")) == [MANDATE_RENEWED]
    assert rule_hits(fold("The weather was fine.")) == []


def _always(category: str) -> CategoryModel:
    other = "other" if category != "other" else "funding"
    return CategoryModel([category, other], [1.0, 0.0], {})


def test_the_model_chooses_each_kept_commitments_category(make_release):
    release = make_release("The Home Office will invest £5 million in new police equipment.")
    [ruled] = classify(release, rules_only=True).commitments
    assert ruled.category is Category.FUNDING
    model = replace(shipped_model(), category=_always("legislation"))
    [chosen] = classify(release, model=model).commitments
    assert chosen.category is Category.LEGISLATION
    assert chosen.model_copy(update={"category": Category.FUNDING}) == classify(
        release, model=replace(model, category=None)).commitments[0]


@pytest.mark.parametrize(("sentence", "category"), [
    ("The UK will provide officer training courses for Iraqi forces.", Category.TRAINING),
    ("We will develop border infrastructure, watch-lists and biometric capabilities.", Category.BORDER_SECURITY),
])
def test_the_rules_training_and_border_security_stand(make_release, sentence, category):
    assert category.value in RULES_STAND
    model = replace(shipped_model(), category=_always("legislation"))
    [commitment] = classify(make_release(sentence), model=model).commitments
    assert commitment.category is category


def test_a_release_read_commitment_by_commitment_chooses_as_the_features_by_name_do():
    """The classifier's path (the release's scores once, each commitment's words by the word, the rules' hits kept
    from building its record) and the features by name that training reads choose alike, commitment by commitment,
    over the training split."""
    from pledgewatch.evaluation import SPLITS, load_set

    model = shipped_model()
    without = replace(model, category=None)
    compared = 0
    for release, _ in load_set(SPLITS["training"]):
        result = classify(release, model=without)
        rules = [c.category.value for c in result.commitments]
        start = model.category.release_scores(release.title, result.is_counter_terrorism)
        expected = []
        for i, c in enumerate(result.commitments):
            named = release_named_features(result.commitments, i, rules, rule_hits(fold(c.text)))
            by_name = model.category.choose(category_features(
                c.text, title=release.title, release_counter_terrorism=result.is_counter_terrorism, named=named))
            assert model.category.choose_in_release(start, c.text, named) == by_name, c.text
            expected.append(rules[i] if rules[i] in RULES_STAND else by_name)
            compared += 1
        assert [c.category.value for c in classify(release, model=model).commitments] == expected
    assert compared > 500


def test_the_dict_of_a_model_is_a_copy_that_leaves_the_model_as_it_was():
    model = CategoryModel(CLASSES, [0.0, 0.1, 0.0], {"w:law": [0.0, 2.0, 0.0]})
    data = model.to_dict()
    data["classes"][0], data["intercepts"][0], data["weights"]["w:law"][0] = "other", 9.0, 9.0
    assert model == CategoryModel(CLASSES, [0.0, 0.1, 0.0], {"w:law": [0.0, 2.0, 0.0]})
