"""The labelled commitments a model finds in a release, as ``pledgewatch eval`` matches them: what the models of
the decision stage that read a found commitment (its category, its actor) learn from."""

from __future__ import annotations

from schemas import ReleaseClassified, ReleasePublished
from services.classifier.core import classify
from services.classifier.core.decision import DecisionModel

from .evaluation import locate, match_commitments


def found_with_label(release: ReleasePublished, label: dict, model: DecisionModel,
                     key: str) -> tuple[ReleaseClassified, list[tuple[str, int]]]:
    """``release`` as ``model`` reads it, and (the labelled ``key``, the index of the found commitment) for each
    labelled commitment with a ``key`` that it finds, in the label's order."""
    result = classify(release, model=model)
    labelled = label.get("commitments", [])
    matched = match_commitments(result.commitments, [locate(item["quote"], release.body) for item in labelled])
    return result, [(labelled[li][key], fi) for li, fi in sorted(matched.items()) if labelled[li].get(key)]
