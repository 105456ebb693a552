"""Would a learned ranking of a found commitment's competing deadline readings beat the rules' choice?
Training split only, publisher-grouped cross-validation (``pledgewatch.deadline_ranking``).

Each training release is read by the model of the fold that held its publisher out (``training.cross_validate``'s
folds, fits and cuts); every deadline reading its found commitments could take becomes a candidate, a regression
fitted on the other folds' candidates weighs each, and the deadlines F1 is printed end to end for cuts on it,
against the rules' own choice. ``--results FILE`` keeps the out-of-fold classifications (written when FILE is
missing, read when it is there) to try other regressions without refitting the decision model.

    PYTHONPATH=$PWD python benchmarks/deadline_ranking.py [--results /tmp/oof.json] [--c 0.3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from release_errors import out_of_fold_models  # noqa: E402
from schemas import Commitment  # noqa: E402
from services.classifier.core import classify  # noqa: E402
from services.classifier.core.decision import DecisionModel  # noqa: E402

from pledgewatch import training  # noqa: E402
from pledgewatch.deadline_ranking import kept_f1, out_of_fold, readings  # noqa: E402
from pledgewatch.evaluation import load_set  # noqa: E402

CUTS = tuple(step / 20 for step in range(0, 20))


def classified(pairs: list, results: Path | None) -> tuple[dict[str, list[Commitment]], dict[str, int]]:
    """(each training release's found commitments, read by its fold's model; the fold of each release)."""
    if results is not None and results.exists():
        stored = json.loads(results.read_text(encoding="utf-8"))
        return ({rid: [Commitment.model_validate(c) for c in found] for rid, found in stored["found"].items()},
                stored["fold"])
    scored, fold_models = out_of_fold_models(pairs)
    threshold, veto = training._best_thresholds([item[:3] for item in scored])
    found, fold_of = {}, {}
    for fold, (held_out, model) in enumerate(fold_models):
        model = DecisionModel(model.version, model.commitment, model.kind, threshold, veto, model.interactions)
        for release, _ in pairs:
            if release.release_id in held_out:
                found[release.release_id] = classify(release, model=model).commitments
                fold_of[release.release_id] = fold
    if results is not None:
        results.write_text(json.dumps({"fold": fold_of, "found": {rid: [c.model_dump(mode="json") for c in cs]
                                                                  for rid, cs in found.items()}}), encoding="utf-8")
    return found, fold_of


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--results", type=Path, help="keep the out-of-fold classifications here (JSON)")
    parser.add_argument("--c", type=float, default=0.3, help="the ranking regression's C (default 0.3)")
    args = parser.parse_args()
    from sklearn.metrics import roc_auc_score

    pairs = load_set(training.TRAINING_SET)
    found, fold_of = classified(pairs, args.results)
    candidates = [reading for release, label in pairs
                  for reading in readings(release, label, found[release.release_id], fold_of[release.release_id])]
    labelled = sum(len(item.get("deadlines", [])) for _, label in pairs for item in label.get("commitments", []))
    probabilities = out_of_fold(candidates, training.FOLDS, args.c)
    own = [(r, p) for r, p in zip(candidates, probabilities) if r.own]
    neighbours = [(r, p) for r, p in zip(candidates, probabilities) if not r.own]
    right, held, f1 = kept_f1(candidates, probabilities, labelled, 0.0, 2.0)
    print(f"the rules' choice: {right} right of {held} found, {labelled} labelled, deadlines F1 {f1:.3f}")
    print(f"candidates: {len(own)} held ({sum(r.right for r, _ in own)} right), {len(neighbours)} of the sentences "
          f"either side ({sum(r.right for r, _ in neighbours)} right); C {args.c:g}")
    for name, group in (("held", own), ("either side", neighbours)):
        truths = [r.right for r, _ in group]
        auc = roc_auc_score(truths, [p for _, p in group]) if 0 < sum(truths) < len(truths) else None
        print(f"  out-of-fold AUC, {name}: {'n/a' if auc is None else f'{auc:.3f}'}")
    print("\ncut  held readings only (right / found / F1)  competing only  every held one, either side's at the cut")
    best: dict[str, tuple] = {}
    for cut in CUTS:
        row = [kept_f1(candidates, probabilities, labelled, cut, 2.0),
               kept_f1(candidates, probabilities, labelled, cut, 2.0, competing_only=True),
               kept_f1(candidates, probabilities, labelled, 0.0, cut)]
        print(f"{cut:4.2f}  " + "  ".join(f"{r:3} / {n:3} / {f:.3f}" for r, n, f in row))
        for name, figures in zip(("held", "competing", "either side"), row):
            if name not in best or figures[2] > best[name][1][2] + 1e-9:
                best[name] = (cut, figures)
    for name, (cut, (r, n, f)) in best.items():
        print(f"best, {name}: cut {cut:.2f}, {r} right of {n} found, F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
