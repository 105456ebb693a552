"""``pledgewatch train --stability N``: how far training moves when the training split moves a little.

Each of N fixed training releases, spread evenly over the split sorted by id, is left out in turn and the
decision stage refitted as ``pledgewatch train`` fits it; the spread (min, max, standard deviation) of the
three cuts and of the publisher-grouped cross-validated commitments and deadlines F1 says how much of a
difference between two trainings is noise of the fitting. With ``--stability-validation``, the spread of the
blind validation split's aggregate figures under the same perturbations too: the noise band within which a
difference between classifier versions on that split means nothing (never a way to choose between them).
"""

from __future__ import annotations

import statistics

from .evaluation import SPLITS, evaluate


def left_out(release_ids: list[str], n: int) -> list[str]:
    """The ``n`` release ids, evenly spaced over ``release_ids`` sorted, that the perturbations leave out."""
    ids = sorted(release_ids)
    n = min(n, len(ids))
    return [ids[index * len(ids) // n] for index in range(n)]


def perturbed_runs(pairs: list, n: int, *, validation: bool = False) -> list[dict]:
    """For each release of ``left_out``: the figures of the training made without it (the cuts, the
    cross-validated F1 and, with ``validation``, the validation split's aggregate F1)."""
    from .training import trained

    runs = []
    for rid in left_out([release.release_id for release, _ in pairs], n):
        model, _, learned = trained([(release, label) for release, label in pairs if release.release_id != rid])
        run = {"left out": rid, "threshold": model.threshold, "veto": model.veto,
               "terrorism cut": model.terrorism_cut if model.terrorism_cut is not None else -1.0,
               "CV commitments F1": learned["commitments"]["f1"], "CV deadlines F1": learned["deadlines"]["f1"]}
        if validation:
            figures = evaluate(SPLITS["validation"], model=model)
            run["validation commitments F1"] = figures["commitments"]["f1"]
            run["validation deadlines F1"] = figures["deadlines"]["f1"]
        runs.append(run)
    return runs


def spread(values: list[float]) -> tuple[float, float, float, float]:
    """(min, max, mean, population standard deviation) of ``values``."""
    return min(values), max(values), statistics.fmean(values), statistics.pstdev(values)


def format_spread(runs: list[dict]) -> str:
    names = [name for name in runs[0] if name != "left out"]
    lines = [f"{len(runs)} trainings, each without one training release ({', '.join(r['left out'] for r in runs)})",
             f"{'':30}{'min':>8}{'max':>8}{'mean':>8}{'std':>8}"]
    for name in names:
        if any(run[name] is None for run in runs):  # an F1 of nothing found or labelled
            lines.append(f"  {name:28}{'n/a':>8}")
            continue
        low, high, mean, deviation = spread([run[name] for run in runs])
        lines.append(f"  {name:28}{low:>8.3f}{high:>8.3f}{mean:>8.3f}{deviation:>8.4f}")
    if any(run["terrorism cut"] < 0 for run in runs):
        lines.append("  (terrorism cut -1: none, only a commitment kept flags its release)")
    return "\n".join(lines)


def report_stability(pairs: list, n: int, *, validation: bool = False) -> int:
    print(format_spread(perturbed_runs(pairs, n, validation=validation)))
    return 0
