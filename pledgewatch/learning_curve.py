"""``pledgewatch train --learning-curve``: would more labelled releases lift the classifier?

The publisher-grouped cross-validation of ``pledgewatch train --compare``, with each fold's model fitted on
a share (``SHARES``) of the releases it would otherwise be trained on, drawn at random (``SEEDS`` draws a
share, each seeded, so the curve is the same run after run); the held-out folds, and how the cuts are
chosen, stay as they are. Commitments and deadlines F1 rising with the share say that labelling more
releases is worth it; a flat curve, that it is not. Writes no model.
"""

from __future__ import annotations

import random
import statistics

SHARES = (0.5, 0.75, 1.0)
SEEDS = 3


def sampler(share: float, seed: int):
    """A ``training.cross_validate`` ``trained_on``: ``share`` of a fold's training release ids, sorted, drawn
    by a generator seeded with ``seed`` (all of them at a share of 1)."""
    def trained_on(ids: list[str]) -> list[str]:
        if share >= 1:
            return ids
        return sorted(random.Random(seed).sample(sorted(ids), max(1, round(share * len(ids)))))
    return trained_on


def learning_curve(pairs: list, shares: tuple[float, ...] = SHARES, seeds: int = SEEDS) -> list[dict]:
    """For each share: the cross-validated commitments and deadlines F1 of each draw."""
    from .training import cross_validate

    curve = []
    for share in shares:
        draws = [cross_validate(pairs, trained_on=sampler(share, seed))[2] for seed in range(seeds if share < 1 else 1)]
        curve.append({"share": share, "commitments": [d["commitments"]["f1"] for d in draws],
                      "deadlines": [d["deadlines"]["f1"] for d in draws]})
    return curve


def format_curve(curve: list[dict]) -> str:
    lines = ["share of each fold's training releases: cross-validated F1, mean (min-max over the draws)",
             f"{'':8}{'commitments':>26}{'deadlines':>26}"]
    for point in curve:
        cells = [f"{statistics.fmean(values):.3f} ({min(values):.3f}-{max(values):.3f})" if None not in values
                 else "n/a (nothing found or labelled)" for values in (point["commitments"], point["deadlines"])]
        lines.append(f"  {point['share']:<6g}{cells[0]:>26}{cells[1]:>26}")
    return "\n".join(lines)


def report_learning_curve(pairs: list) -> int:
    print(format_curve(learning_curve(pairs)))
    return 0
