"""Where the publisher-grouped cross-validation's commitment errors fall, release by release (training split).

Each training release is read by the model of the fold that held its publisher out (``training.cross_validate``'s
folds, fits and cuts), and its found and labelled commitments counted: false finds in releases that commit
nothing against the others, misses in releases where the model keeps nothing, how many commitments a release
holds, and the labelled commitments missed because one found commitment covers two of them (two commitments of
one sentence found as one). With ``--dump FILE`` it also writes each proposal's out-of-fold P(commitment), truth,
the rules' reading and release id as JSON lines, to try release-level readings on without refitting.

    PYTHONPATH=$PWD python benchmarks/release_errors.py [--dump /tmp/oof.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.classifier.core import classify  # noqa: E402
from services.classifier.core.decision import DecisionModel  # noqa: E402
from services.classifier.core.publishers import publisher  # noqa: E402

from pledgewatch import training  # noqa: E402
from pledgewatch.evaluation import load_set, locate, match_commitments, overlap, score_release  # noqa: E402


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11+"


BUCKETS = ("0", "1", "2", "3-5", "6-10", "11+")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dump", type=Path, help="write each proposal's out-of-fold reading here (JSON lines)")
    args = parser.parse_args()
    pairs = load_set(training.TRAINING_SET)
    rows_of = {release.release_id: training.examples(release, label) for release, label in pairs}
    group_of = {release.release_id: publisher(release) for release, _ in pairs}
    ids = sorted(rows_of)
    scored, fold_models = [], []
    for held_out in training.publisher_folds(group_of, training.FOLDS):
        kept = [rid for rid in ids if rid not in held_out]
        model = training.fit([rows_of[rid] for rid in kept], [group_of[rid] for rid in kept])
        fold_models.append((held_out, model))
        scored += [(model.commitment_probability(set(row[0]), row[3]), row[1], row[3], rid, row[0])
                   for rid in sorted(held_out) for row in rows_of[rid]]
    threshold, veto = training._best_thresholds([item[:3] for item in scored])
    print(f"cuts: threshold {threshold:.2f}, veto {veto:.2f}")
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for probability, truth, ruled, rid, names in scored:
                out.write(json.dumps({"rid": rid, "p": probability, "truth": truth, "ruled": ruled,
                                      "publisher": group_of[rid], "names": names}) + "\n")
    per_release: dict[str, Counter] = {}
    for held_out, model in fold_models:
        model = DecisionModel(model.version, model.commitment, model.kind, threshold, veto, model.interactions)
        for release, label in pairs:
            if release.release_id in held_out:
                tally: Counter = Counter()
                result = classify(release, model=model)
                score_release(result, label, release.body, tally, [])
                tally.update(_shared(result.commitments, label, release.body))
                per_release[release.release_id] = tally
    total = Counter()
    for tally in per_release.values():
        total.update(tally)
    tp, found, labelled = total["c_tp"], total["c_found"], total["c_labelled"]
    print(f"cross-validated commitments: {tp} right, {found} found, {labelled} labelled, "
          f"F1 {2 * tp / (found + labelled):.3f}")

    by_labelled: dict[str, Counter] = {bucket: Counter() for bucket in BUCKETS}
    for rid, tally in per_release.items():
        row = by_labelled[_bucket(tally["c_labelled"])]
        row["releases"] += 1
        row["labelled"] += tally["c_labelled"]
        row["found"] += tally["c_found"]
        row["right"] += tally["c_tp"]
        row["false"] += tally["c_found"] - tally["c_tp"]
        row["missed"] += tally["c_labelled"] - tally["c_tp"]
        row["none kept"] += tally["c_found"] == 0
        row["missed, none kept"] += tally["c_labelled"] if tally["c_found"] == 0 else 0
    print("\nlabelled a release | releases | labelled | found | right | false finds | missed | "
          "releases with none found | missed there")
    for bucket in BUCKETS:
        row = by_labelled[bucket]
        print(f"{bucket:>18} | {row['releases']:8} | {row['labelled']:8} | {row['found']:5} | {row['right']:5} | "
              f"{row['false']:11} | {row['missed']:6} | {row['none kept']:24} | {row['missed, none kept']}")
    false = sum(row["false"] for row in by_labelled.values())
    missed = sum(row["missed"] for row in by_labelled.values())
    print(f"\nfalse finds {false}: {by_labelled['0']['false']} in the {by_labelled['0']['releases']} releases with "
          f"no labelled commitment, {false - by_labelled['0']['false']} in the others")
    none_kept = sum(row["missed, none kept"] for row in by_labelled.values())
    print(f"missed {missed}: {none_kept} in releases where nothing is found, {missed - none_kept} in the others")

    # Releases by their found count against their labelled count
    by_found: dict[str, Counter] = {bucket: Counter() for bucket in BUCKETS}
    for tally in per_release.values():
        row = by_found[_bucket(tally["c_found"])]
        row["releases"] += 1
        row["found"] += tally["c_found"]
        row["right"] += tally["c_tp"]
        row["labelled"] += tally["c_labelled"]
        row["labelled 0"] += tally["c_labelled"] == 0
    print("\nfound a release | releases | found | right | labelled | releases labelled none")
    for bucket in BUCKETS:
        row = by_found[bucket]
        print(f"{bucket:>15} | {row['releases']:8} | {row['found']:5} | {row['right']:5} | {row['labelled']:8} | "
              f"{row['labelled 0']}")
    # What an oracle of "does this release commit at all" would give: every find dropped in a release labelled none
    zero_false = by_labelled["0"]["false"]
    print(f"\nan oracle dropping every find of a release labelled none: F1 "
          f"{2 * tp / (found - zero_false + labelled):.3f}")
    print(f"found commitments covering two labelled ones or more: {total['shared found']}; labelled commitments "
          f"missed for it: {total['shared missed']}, with {total['shared deadlines']} deadlines and "
          f"{total['shared money']} sums")
    return 0


def _shared(found: list, label: dict, body: str) -> Counter:
    """The found commitments that cover at least half of two labelled quotes or more, and the labelled
    commitments missed because another of them took the one found (with their deadlines and sums)."""
    items = label.get("commitments", [])
    spans = [locate(item["quote"], body) for item in items]
    matched = match_commitments(found, spans)
    counts: Counter = Counter()
    for commitment in found:
        covered = [index for index, span in enumerate(spans)
                   if span is not None and overlap(span, tuple(commitment.span)) * 2 >= span[1] - span[0]]
        if len(covered) > 1:
            missed = [index for index in covered if index not in matched]
            counts["shared found"] += 1
            counts["shared missed"] += len(missed)
            counts["shared deadlines"] += sum(len(items[index].get("deadlines", [])) for index in missed)
            counts["shared money"] += sum(items[index].get("money") is not None for index in missed)
    return counts


if __name__ == "__main__":
    sys.exit(main())
