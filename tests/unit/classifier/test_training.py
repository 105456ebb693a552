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
    assert made["terrorism_cut"] == shipped["terrorism_cut"], "run `pledgewatch train`"
    assert [pair[:2] for pair in made["interactions"]["pairs"]] == [pair[:2] for pair in shipped["interactions"]["pairs"]]
    assert [pair[2] for pair in made["interactions"]["pairs"]] == \
        pytest.approx([pair[2] for pair in shipped["interactions"]["pairs"]], abs=1e-3)
    for part in ("commitment", "kind", "interactions"):
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


def test_the_trees_written_as_weights_of_signals_and_pairs_score_as_the_trees_do():
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    from services.classifier.core.decision import step_name

    names = ["operative", "genre:un", "will", "money", "place:first"]
    rows = [({name for index, name in enumerate(names) if (seed >> index) & 1}, (seed * 37 % 101) / 101)
            for seed in range(200)]
    targets = [("operative" in present) != (linear > 0.6) or ("genre:un" in present and "will" in present)
               for present, linear in rows]
    vectoriser = DictVectorizer(sparse=False)
    matrix = vectoriser.fit_transform([{**dict.fromkeys(present, 1), "linear": linear} for present, linear in rows])
    trees = GradientBoostingClassifier(n_estimators=30, max_depth=2, init="zero", random_state=0).fit(matrix, targets)
    interactions = training._as_interactions(trees, list(vectoriser.get_feature_names_out()))
    assert any(name.startswith(step_name(0)[:7]) for pair in interactions.pairs for name in pair[:2])
    for (present, linear), expected in zip(rows, trees.predict_proba(matrix)[:, 1]):
        assert interactions.probability(present, linear) == pytest.approx(expected, abs=1e-5)
