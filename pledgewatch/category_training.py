"""The category model of ``pledgewatch train``: which category a commitment the classifier keeps is in.

Each labelled commitment with a category that the fitted decision model finds in its release (matched as
``pledgewatch eval`` matches) is one example, described as the classifier describes it at run time
(:func:`services.classifier.core.category_model.category_features`): the rules' categories for it and for the
release's other commitments, its words, its release's title. A multinomial logistic regression (scikit-learn,
L2, ``lbfgs``: deterministic) learns the labelled category from them. Words (of the clause or the title) are
features only when seen in at least ``MIN_RELEASES`` of the releases trained on.

Measured on the training split's matched commitments, publisher-grouped five-fold cross-validation: the rules
0.601, this model deciding every category 0.675 (C 0.3; 0.666 at C 0.1; adding word pairs 0.661, the rules'
category of the title and the actor's words 0.673), and 0.667 as the classifier uses it, training and border
security left to the rules (``category_model.RULES_STAND``); docs/CLASSIFIER.md, "A learned category".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from schemas import ReleasePublished
from services.classifier.core.categories import rule_hits
from services.classifier.core.category_model import (RULES_STAND, CategoryModel, category_features,
                                                     release_named_features)
from services.classifier.core.decision import DecisionModel
from services.classifier.core.folding import fold

from .dict_regression import fitted_regression
from .found_labels import found_with_label

C_CATEGORY = 0.3
MIN_RELEASES = 2
_WORDS = ("w:", "t:")  # the features made of a text's words, kept only when common enough


Examples = list[tuple[dict[str, float], str, str]]  # (features, labelled category, the rules' category)


def category_examples(release: ReleasePublished, label: dict, model: DecisionModel) -> Examples:
    """(features, labelled category, the rules' category) of each labelled commitment of ``release`` that
    ``model`` (its own category model left out) finds."""
    result, found_labels = found_with_label(release, label, replace(model, category=None), "category")
    rules = [commitment.category.value for commitment in result.commitments]
    examples = []
    for category, fi in found_labels:
        text = result.commitments[fi].text
        named = release_named_features(result.commitments, fi, rules, rule_hits(fold(text)))
        features = category_features(text, title=release.title, release_counter_terrorism=result.is_counter_terrorism,
                                     named=named)
        examples.append((features, category, rules[fi]))
    return examples


def fit_categories(pairs: Iterable[tuple[ReleasePublished, dict]], model: DecisionModel,
                   c: float = C_CATEGORY) -> CategoryModel | None:
    """The category model over ``pairs`` as ``model`` reads them; None when the labels name fewer than two
    categories."""
    return _fitted([category_examples(release, label, model) for release, label in pairs], c)


def _fitted(by_release: list[Examples], c: float = C_CATEGORY) -> CategoryModel | None:
    releases_of: dict[str, int] = {}
    for examples in by_release:
        for name in {name for features, _, _ in examples for name in features if name.startswith(_WORDS)}:
            releases_of[name] = releases_of.get(name, 0) + 1
    rows = [({name: value for name, value in features.items()
              if not name.startswith(_WORDS) or releases_of[name] >= MIN_RELEASES}, category)
            for examples in by_release for features, category, _ in examples]
    fitted = fitted_regression(rows, c)
    if fitted is None:
        return None
    regression, names = fitted
    weights = {name: [round(float(regression.coef_[k][j]), 6) for k in range(len(regression.classes_))]
               for j, name in enumerate(names)}
    return CategoryModel([str(name) for name in regression.classes_],
                         [round(float(w), 6) for w in regression.intercept_], dict(sorted(weights.items())))


def cross_validated(pairs: list[tuple[ReleasePublished, dict]], model: DecisionModel,
                    folds: list[set[str]]) -> tuple[float, float, int]:
    """(the rules' category accuracy, the category model's, commitments scored) on the labelled commitments
    ``model`` finds, each release's read by a category model fitted without its fold (``folds``: release ids)."""
    by_id = {release.release_id: category_examples(release, label, model) for release, label in pairs}
    rules_right = model_right = scored = 0
    for held_out in folds:
        fitted = _fitted([examples for rid, examples in by_id.items() if rid not in held_out])
        for rid in held_out:
            for features, category, rules in by_id.get(rid, []):
                chosen = rules if fitted is None or rules in RULES_STAND else fitted.choose(features)
                scored += 1
                rules_right += rules == category
                model_right += chosen == category
    return rules_right / max(scored, 1), model_right / max(scored, 1), scored
