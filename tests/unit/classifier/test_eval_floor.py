"""The classifier's figures on the project's labelled set (tests/data) may not fall below the ones
reached. Floors sit a little under the measured values; raise them when the rules improve."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgewatch.evaluation import evaluate

DATA = Path(__file__).resolve().parents[2] / "data"

FLOORS = {
    ("commitments", "f1"): 0.92,
    ("deadlines", "f1"): 0.89,
    ("on_matched", "kind"): 0.98,
    ("on_matched", "actor"): 0.88,
    ("on_matched", "category"): 0.77,
    ("on_matched", "counter_terrorism"): 0.97,
    ("on_matched", "money"): 0.96,
    ("release_counter_terrorism_accuracy", None): 0.98,
}


@pytest.fixture(scope="module")
def figures():
    if not (DATA / "labels.json").is_file():
        pytest.skip("tests/data has no labelled set yet")
    return evaluate(DATA)


@pytest.mark.parametrize(("figure", "floor"), FLOORS.items(), ids=lambda v: v if isinstance(v, float) else
                         ".".join(p for p in v if p))
def test_figure_does_not_fall_below_its_floor(figures, figure, floor):
    group, name = figure
    value = figures[group] if name is None else figures[group][name]
    assert value >= floor
