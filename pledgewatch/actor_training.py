"""The actor model of ``pledgewatch train``: who commits, among the readings the rules can make of a commitment.

Each labelled commitment with an actor that the fitted decision model finds in its release (matched as
``pledgewatch eval`` matches) gives one example per candidate actor
(:func:`services.classifier.core.actor_model.described_candidates`), right when the labelled actor matches it
under ``pledgewatch eval``'s lenient rule. A logistic regression (scikit-learn, L2, ``lbfgs``: deterministic)
learns which candidates are right; the classifier names the candidate of largest score.

Measured on the training split's 676 matched commitments, publisher-grouped five-fold cross-validation: the
rules 0.675, this model 0.706 (C 1; 0.704 at C 0.3; 0.701 with each name's word count as a feature); the
labelled actor is among the candidates for 0.843 of them. docs/CLASSIFIER.md, "A learned actor".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from schemas import ReleasePublished
from services.classifier.core.actor_model import ActorModel, ReleaseContext, described_candidates, publisher_readings
from services.classifier.core.aliases import acronyms
from services.classifier.core.decision import DecisionModel
from services.classifier.core.publishers import UNLISTED, publisher_and_shown

from .dict_regression import fitted_regression
from .evaluation import actor_matches
from .found_labels import found_with_label

C_ACTOR = 0.3

Examples = list[list[tuple[dict[str, float], bool]]]  # per labelled commitment: (features, right) of each candidate


def actor_examples(release: ReleasePublished, label: dict, model: DecisionModel) -> Examples:
    """The candidates of each labelled commitment of ``release`` that ``model`` (its own actor model left out)
    finds, described as the classifier describes them, each with whether the labelled actor is it."""
    result, found_labels = found_with_label(release, label, replace(model, actor=None), "actor")
    who, shown = publisher_and_shown(release)
    named, government = publisher_readings(who, shown)
    names = acronyms(release.body, UNLISTED if shown is not None else who)
    rules = [commitment.actor for commitment in result.commitments]
    examples = []
    for actor, fi in found_labels:
        found = result.commitments[fi]
        described = described_candidates(
            found.text, kind=found.kind.value, rules_actor=rules[fi], publisher_name=named, government=government,
            names=names, release=ReleaseContext(release.title, release.body, rules[:fi] + rules[fi + 1:]))
        examples.append([(features, actor_matches(candidate.name, actor)) for candidate, features in described])
    return examples


def fit_actors(pairs: Iterable[tuple[ReleasePublished, dict]], model: DecisionModel,
               c: float = C_ACTOR) -> ActorModel | None:
    """The actor model over ``pairs`` as ``model`` reads them; None when no candidate is right or none wrong."""
    return _fitted([actor_examples(release, label, model) for release, label in pairs], c)


def _fitted(by_release: list[Examples], c: float = C_ACTOR) -> ActorModel | None:
    rows = [(features, right) for examples in by_release for candidates in examples for features, right in candidates]
    fitted = fitted_regression(rows, c)
    if fitted is None:
        return None
    regression, names = fitted
    weights = {name: round(float(regression.coef_[0][j]), 6) for j, name in enumerate(names)}
    return ActorModel(round(float(regression.intercept_[0]), 6), dict(sorted(weights.items())))


def cross_validated(pairs: list[tuple[ReleasePublished, dict]], model: DecisionModel,
                    folds: list[set[str]]) -> tuple[float, float, int]:
    """(the rules' actor accuracy, the actor model's, commitments scored) on the labelled commitments ``model``
    finds, each release's read by an actor model fitted without its fold (``folds``: release ids)."""
    by_id = {release.release_id: actor_examples(release, label, model) for release, label in pairs}
    rules_right = model_right = scored = 0
    for held_out in folds:
        fitted = _fitted([examples for rid, examples in by_id.items() if rid not in held_out])
        for rid in held_out:
            for candidates in by_id.get(rid, []):
                scored += 1
                rules_right += candidates[0][1]  # the rules' reading is the first candidate
                if fitted is None:
                    model_right += candidates[0][1]
                    continue
                scores = [fitted.score(features) for features, _ in candidates]
                model_right += candidates[scores.index(max(scores))][1]
    return rules_right / max(scored, 1), model_right / max(scored, 1), scored
