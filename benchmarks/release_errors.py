"""Where the publisher-grouped cross-validation's commitment errors fall, release by release (training split).

Each training release is read by the model of the fold that held its publisher out (``training.cross_validate``'s
folds, fits and cuts), and its found and labelled commitments counted: false finds in releases that commit
nothing against the others, misses in releases where the model keeps nothing, how many commitments a release
holds, and the labelled commitments missed because one found commitment covers two of them (two commitments of
one sentence found as one). With ``--dump FILE`` it also writes each proposal's out-of-fold P(commitment), truth,
the rules' reading and release id as JSON lines, to try release-level readings on without refitting. With ``--forms`` it also counts,
by form of text (``form_of``: milestone timetable lines, reported speech, operative clauses, duties on others,
money in a past form, clauses with no modal or verb of commitment such as nouns and headlines, the rest), the
proposals, those kept rightly and wrongly, the labelled commitments a proposal covers but the model drops, and
those no proposal covers (the rules' recall ceiling).

    PYTHONPATH=$PWD python benchmarks/release_errors.py [--dump /tmp/oof.jsonl] [--forms]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.classifier.core import classify  # noqa: E402
from services.classifier.core.classifier import proposals_of  # noqa: E402
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
    parser.add_argument("--forms", action="store_true", help="count the errors by form of text (form_of)")
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
    if args.forms:
        _print_forms(pairs, scored, threshold, veto)
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


_TIMETABLE = re.compile(r"^\s*(?:January|February|March|April|May|June|July|August|September|October|November|"
                        r"December|Spring|Summer|Autumn|Fall|Winter|Early|Late|Mid|Q[1-4]|By|From)\b[^:\n]{0,25}"
                        r"\d{4}\s*[:–-]")
_SPEECH = re.compile(r"\b(?:said|says|told|tell|added|stated|according to|will say|will announce|expected to "
                     r"(?:tell|say|announce|set out))\b", re.IGNORECASE)
_OPERATIVE = {"operative", "operative_past", "operative_that", "decide", "declarative", "call_for", "mandate", "extend"}
_DUTY = {"duty", "legal_duty", "have_to", "need_to", "window", "expects_party", "must", "rule:kind:demand"}
_PAST = {"perfect", "past_be", "year:past"}
_COMMITTING = {"will", "shall", "must", "should", "is_to", "set_to", "committed", "intend", "continue", "perfect",
               "announce", "to_be", "ll", "would", "could"}
FORMS = ("milestone timetable", "reported speech", "operative clause", "duty on others", "money in a past form",
         "no modal or verb of commitment", "the rest")


def form_of(text: str, names: set[str]) -> str:
    """The form of text of a clause (its signal names ``names``; a labelled quote no proposal covers has
    none), the first of ``FORMS`` that fits: the forms issue #12 names, told apart by the general signals."""
    if _TIMETABLE.search(text):
        return FORMS[0]
    if _SPEECH.search(text):
        return FORMS[1]
    if names & _OPERATIVE:
        return FORMS[2]
    if names & _DUTY:
        return FORMS[3]
    if "money" in names and names & _PAST and "will" not in names:
        return FORMS[4]
    return FORMS[5] if not names & _COMMITTING else FORMS[6]


def _print_forms(pairs: list, scored: list, threshold: float, veto: float) -> None:
    """The out-of-fold errors of ``scored`` (``main``'s, in the order of each fold's releases) by form."""
    kept_of = {}
    for probability, truth, ruled, rid, names in scored:
        kept_of.setdefault(rid, []).append((probability >= (veto if ruled else threshold), truth, set(names)))
    counts: dict[str, Counter] = {form: Counter() for form in FORMS}
    for release, label in pairs:
        body, proposals, readings = release.body, proposals_of(release), kept_of.get(release.release_id, [])
        for proposal, (kept, truth, names) in zip(proposals, readings):
            row = counts[form_of(body[proposal.span.start:proposal.span.end], names)]
            row["proposals"] += 1
            row["right" if kept and truth else "false" if kept else "passed over"] += 1
        for item in label.get("commitments", []):
            span = locate(item["quote"], body)
            if span is None:
                continue
            covering = [index for index, proposal in enumerate(proposals)
                        if overlap(span, (proposal.span.start, proposal.span.end)) * 2 >= span[1] - span[0]]
            if not covering:
                counts[form_of(item["quote"], set())]["uncovered"] += 1
            elif not any(readings[index][0] for index in covering):
                proposal = proposals[covering[0]]
                counts[form_of(body[proposal.span.start:proposal.span.end], readings[covering[0]][2])]["dropped"] += 1
    print("\nform of text | proposals | kept, right | kept, no label | labelled, dropped | labelled, no proposal")
    for form in FORMS:
        row = counts[form]
        print(f"{form:>30} | {row['proposals']:9} | {row['right']:11} | {row['false']:14} | {row['dropped']:17} | "
              f"{row['uncovered']}")


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
