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
        ("commitments", "f1"): 0.90,  # rules+model-0.9.0: 0.917 (0.8.3: 0.897)
        # rules+model-0.10.0: 0.733 since an audit of the labels added 19 deadlines the split's commitments
        # write and removed one start (0.751 before it; 0.8.4: 0.752, 0.8.1: 0.733, 0.8.0: 0.706)
        ("deadlines", "f1"): 0.72,
        ("on_matched", "kind"): 0.95,
        # rules+model-0.14.0, the actor model: 0.763 in-sample (0.707 cross-validated); 0.12.2: 0.675
        ("on_matched", "actor"): 0.74,
        # rules+model-0.13.0, the category model: 0.963 in-sample (0.660 cross-validated); 0.12.3: 0.601
        ("on_matched", "category"): 0.90,
        ("on_matched", "counter_terrorism"): 0.92,
        ("on_matched", "money"): 0.97,
        ("release_counter_terrorism_accuracy", None): 0.94,
    },
    "validation": {
        # The split grew from 101 to 206 blind releases (554 labelled commitments, 248 deadlines); the floors
        # below sit under rules+model-0.8.3 on all 206: commitments 0.735 (band 0.727-0.734 over
        # `pledgewatch train --stability 5 --stability-validation`), deadlines 0.582 (band 0.571-0.584),
        # kind 0.941, counter-terrorism on matched 0.934, money 0.975, release-level 0.932. rules+model-0.9.0
        # (0.8.4's deadline readings and the years a clause names): see the figures in docs/CLASSIFIER.md.
        # rules+model-0.10.0 (each deadline a commitment's sentence writes, not only the last): deadlines 0.614.
        # rules+model-0.12.0 (mandates extended, renewed or prolonged proposed): commitments 0.740, deadlines
        # 0.626 (band 0.733-0.744 and 0.615-0.636).
        ("commitments", "f1"): 0.725,
        ("deadlines", "f1"): 0.61,
        ("on_matched", "kind"): 0.93,
        # rules+model-0.14.0, the actor model: 0.676 (0.12.2: 0.629; 0.12.1, the actor round: 0.622)
        ("on_matched", "actor"): 0.65,
        # rules+model-0.13.0, the category model: 0.730 (0.12.3: 0.597, 0.12.2: 0.545; two annotators: 0.90)
        ("on_matched", "category"): 0.70,
        ("on_matched", "counter_terrorism"): 0.92,
        ("on_matched", "money"): 0.97,
        ("release_counter_terrorism_accuracy", None): 0.92,
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
