"""The shipped decision model is what `pledgewatch train` makes of the training split, and training is
deterministic."""

from __future__ import annotations

import json

import pytest

from pledgewatch import training
from pledgewatch.training import MODEL_PATH, TRAINING_SET, publisher_folds, train

pytest.importorskip("sklearn")


def test_the_shipped_model_is_what_training_makes_of_the_training_split(tmp_path, capsys):
    fresh = tmp_path / "decision.json"
    assert train(TRAINING_SET, output=fresh) == 0
    shipped, made = json.loads(MODEL_PATH.read_text()), json.loads(fresh.read_text())
    assert made["threshold"] == shipped["threshold"], "run `pledgewatch train` and commit the model"
    for part in ("commitment", "kind"):
        assert made[part]["weights"].keys() == shipped[part]["weights"].keys(), "run `pledgewatch train`"
        for name, weight in made[part]["weights"].items():
            assert weight == pytest.approx(shipped[part]["weights"][name], abs=1e-3), name
    assert "proposals cover" in capsys.readouterr().out


def test_training_twice_gives_the_same_model(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    train(TRAINING_SET, output=first)
    train(TRAINING_SET, output=second)
    assert first.read_bytes() == second.read_bytes()


def test_a_folder_without_labels_is_refused(tmp_path, capsys):
    assert train(tmp_path, output=tmp_path / "m.json") == 2
    assert "needs releases/ and labels.json" in capsys.readouterr().err


def test_cross_validation_holds_out_whole_publishers():
    group_of = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C", "d1": "D"}
    folds = publisher_folds(group_of, 3)
    assert sorted(rid for fold in folds for rid in fold) == sorted(group_of)
    for publisher in set(group_of.values()):
        assert sum(any(group_of[rid] == publisher for rid in fold) for fold in folds) == 1, publisher
    assert [len(fold) for fold in folds] == [3, 2, 2]


def test_tuning_keeps_the_c_with_the_best_cross_validated_commitment_f1(monkeypatch, capsys):
    scores = {0.2: 0.70, 0.5: 0.72, 1.0: 0.72, 2.0: 0.71, 4.0: 0.69}  # a tie: the smaller C, more regularised
    monkeypatch.setattr(training, "cross_validate", lambda pairs, c_commitment: (
        (0.5, 0.1), {}, {"commitments": {"f1": scores[c_commitment]}, "deadlines": {"f1": 0.6}}))
    c, (_, _, learned) = training.tuned([])
    assert (c, learned["commitments"]["f1"]) == (0.5, 0.72)
    assert capsys.readouterr().out.count("C ") == len(training.C_GRID)
