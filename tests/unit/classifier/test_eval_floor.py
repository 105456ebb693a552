"""The classifier's figures on both splits of the project's corpus may not fall below the ones reached.

Floors sit a little under the measured values: raise them when the classifier improves. The training
split is what the model was fitted on (its figures are in-sample); the validation split is blind: only its
aggregate figures are read, here as anywhere.
"""

from __future__ import annotations

import pytest

from pledgewatch.evaluation import SPLITS, evaluate

FLOORS = {
    "training": {
        ("commitments", "f1"): 0.86,
        ("deadlines", "f1"): 0.71,
        ("on_matched", "kind"): 0.96,
        ("on_matched", "actor"): 0.57,
        ("on_matched", "category"): 0.51,
        ("on_matched", "counter_terrorism"): 0.92,
        ("on_matched", "money"): 0.97,
        ("release_counter_terrorism_accuracy", None): 0.94,
    },
    "validation": {
        ("commitments", "f1"): 0.70,
        # 0.539 with rules+model-0.7.1: the low edge of the band its training spreads over when one training
        # release of ten is left out (0.539-0.556, `pledgewatch train --stability 10 --stability-validation`),
        # inside that noise, so lowered from 0.54.
        ("deadlines", "f1"): 0.53,
        ("on_matched", "kind"): 0.90,
        ("on_matched", "counter_terrorism"): 0.89,
        ("on_matched", "money"): 0.97,
        ("release_counter_terrorism_accuracy", None): 0.93,
    },
}


@pytest.fixture(scope="module")
def figures():
    cache: dict[str, dict] = {}

    def of(split: str) -> dict:
        if split not in cache:
            if not (SPLITS[split] / "labels.json").is_file():
                pytest.skip(f"{SPLITS[split]} has no labelled set")
            cache[split] = evaluate(SPLITS[split])
        return cache[split]
    return of


@pytest.mark.parametrize(("split", "figure", "floor"),
                         [(split, figure, floor) for split, floors in FLOORS.items() for figure, floor in floors.items()],
                         ids=lambda v: v if isinstance(v, (str, float)) else ".".join(p for p in v if p))
def test_figure_does_not_fall_below_its_floor(figures, split, figure, floor):
    group, name = figure
    found = figures(split)
    value = found[group] if name is None else found[group][name]
    assert value >= floor
