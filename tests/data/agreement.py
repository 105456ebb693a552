"""How far two labellers agree on the same releases: the ceiling a classifier can be expected to reach.

    python tests/data/agreement.py [FIRST_DIR] [SECOND_LABELS]

FIRST_DIR holds ``releases/`` and the first labeller's ``labels.json`` (default: the validation split);
SECOND_LABELS is a second, independent labelling of some of those releases (default:
``validation/second_labels/labels.json``). Commitments are matched as ``pledgewatch eval`` matches them
(one quote covering at least half of the other), each way round, since the rule is not symmetric; matched
commitments then compare deadlines, kind, category and money. Only aggregate figures are printed, so the blind split
stays blind.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pledgewatch.evaluation import (  # noqa: E402
    _money_equal, _prf, deadline_key, figure, load_set, locate, match_commitments)

HERE = Path(__file__).resolve().parent


def tally(pairs: list, truth_of: dict, other_of: dict) -> Counter:
    """Counts with ``truth_of``'s labels as the reference and ``other_of``'s as what was found."""
    t = Counter()
    for release, _ in pairs:
        truth = truth_of[release.release_id]
        other = other_of[release.release_id]
        spans = [locate(item["quote"], release.body) for item in truth["commitments"]]
        found = [SimpleNamespace(span=locate(item["quote"], release.body) or (0, 0)) for item in other["commitments"]]
        matched = match_commitments(found, spans)
        t["releases"] += 1
        t["release_ct"] += bool(truth["is_counter_terrorism"]) == bool(other["is_counter_terrorism"])
        t["c_labelled"], t["c_found"], t["c_tp"] = (t["c_labelled"] + len(truth["commitments"]),
                                                     t["c_found"] + len(found), t["c_tp"] + len(matched))
        t["d_found"] += sum(len(item.get("deadlines", [])) for item in other["commitments"])
        for li, item in enumerate(truth["commitments"]):
            keys = Counter(deadline_key(d) for d in item.get("deadlines", []))
            t["d_labelled"] += sum(keys.values())
            if li not in matched:
                continue
            mine = other["commitments"][matched[li]]
            t["d_tp"] += sum((keys & Counter(deadline_key(d) for d in mine.get("deadlines", []))).values())
            t["n"] += 1
            t["kind"] += item["kind"] == mine["kind"]
            t["category"] += item.get("category") == mine.get("category")
            money = mine.get("money")
            t["money"] += _money_equal(SimpleNamespace(**money) if money else None, item.get("money"))
    return t


def main(argv: list[str]) -> int:
    first = Path(argv[0]) if argv else HERE / "validation"
    second = Path(argv[1]) if len(argv) > 1 else HERE / "validation" / "second_labels" / "labels.json"
    other_of = json.loads(second.read_text(encoding="utf-8"))
    pairs = [(release, label) for release, label in load_set(first) if release.release_id in other_of]
    truth_of = {release.release_id: label for release, label in pairs}
    print(f"{len(pairs)} releases labelled twice ({first}, {second})")
    print(f"{'reference':<10}{'commitments P / R / F1':>26}{'deadlines P / R / F1':>26}"
          f"{'kind':>7}{'category':>10}{'money':>7}{'release CT':>12}")
    t = Counter()
    for name, reference, found in (("first", truth_of, other_of), ("second", other_of, truth_of)):
        t = tally(pairs, reference, found)
        c = _prf(t["c_tp"], t["c_found"], t["c_labelled"])
        d = _prf(t["d_tp"], t["d_found"], t["d_labelled"])
        print(f"{name:<10}{figure(c['precision'], 12)} / {figure(c['recall'])} / {figure(c['f1'])}"
              f"{figure(d['precision'], 12)} / {figure(d['recall'])} / {figure(d['f1'])}"
              f"{t['kind'] / t['n']:>7.3f}{t['category'] / t['n']:>10.3f}{t['money'] / t['n']:>7.3f}{t['release_ct'] / t['releases']:>12.3f}")
    print(f"commitments {t['c_found']} (first) and {t['c_labelled']} (second); "
          f"deadlines {t['d_found']} (first) and {t['d_labelled']} (second)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
