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
        ("deadlines", "f1"): 0.72,  # rules+model-0.8.1: 0.733 (0.8.0: 0.706)
        ("on_matched", "kind"): 0.95,
        ("on_matched", "actor"): 0.57,
        ("on_matched", "category"): 0.51,
        ("on_matched", "counter_terrorism"): 0.92,
        ("on_matched", "money"): 0.97,
        ("release_counter_terrorism_accuracy", None): 0.94,
    },
    "validation": {
        ("commitments", "f1"): 0.70,
        # rules+model-0.8.0, fitted on 333 training releases (86 more than 0.7.x's 247): deadlines 0.522
        # (band 0.517-0.527 over `pledgewatch train --stability 5 --stability-validation`) against 0.539 (band
        # 0.539-0.556): the same 24 right, 38 found against 35; kind 0.891 (147 of 165 matched) against 0.912
        # (145 of 159), while commitments rose (band 0.706-0.719 against 0.699-0.711). Lowered from 0.53 and 0.90.
        # rules+model-0.8.3 (deadline forms: a month and day with no year, a timetable line led by a season or
        # part of a year): 0.559, band 0.549-0.565 against 0.517-0.533. Raised from 0.51.
        ("deadlines", "f1"): 0.54,
        # rules+model-0.8.1 (participles of operative verbs, pairs across an adverb, C_KIND 0.15): kind 0.909,
        # 150 of 165 matched. Raised from 0.88.
        ("on_matched", "kind"): 0.90,
        ("on_matched", "counter_terrorism"): 0.89,
        ("on_matched", "money"): 0.97,
        # 136 validation releases (35 more, UN and EU texts and regulators, labelled blind): 0.926, against
        # 0.941 of 101; 171 releases (35 more from national governments): 0.936. Lowered from 0.93.
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
