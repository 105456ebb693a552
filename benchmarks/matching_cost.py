"""The notifier's matching alone, µs per release, over the pipeline benchmark's releases and subscribers.

    .venv/bin/python benchmarks/matching_cost.py [--passes 20]

Classifies the pipeline benchmark's releases once (``pipeline_throughput.corpus``: the labelled training
releases and the seed), then times ``matching_commitments`` of each release against every subscriber, for three
sets of subscribers: the pipeline benchmark's four (everything, counter-terrorism, funding, one keyword), those
four and two more (two actors; four keywords), and ten sets of the four. Each pass starts with the notifier's
fold cache empty, as for releases it has not seen; the best of five runs of ``--passes`` passes counts, in CPU
time of this process (one core). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pipeline_throughput  # noqa: E402
from services.classifier.core import classify  # noqa: E402
from services.notifier import matching  # noqa: E402
from services.notifier.store import load_file  # noqa: E402

HOOK = "http://127.0.0.1:9"
MORE = """  - {id: actors, filter: {actors: [home office, "Sinn Fein"]}, channels: [console]}
  - {id: words, filter: {keywords: [counter-terrorism, "Minister's", police, funding]}, channels: [console]}
"""


def subscriber_sets() -> dict[str, list]:
    four = pipeline_throughput.subscriptions_yaml(HOOK, sets=1, reminders=0)
    texts = {"the pipeline benchmark's 4": four, "those 4, an actor one and a 4-keyword one": four + MORE,
             "40 (10 with a keyword)": pipeline_throughput.subscriptions_yaml(HOOK, sets=10, reminders=0)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "subscriptions.yaml"
        loaded = {}
        for name, text in texts.items():
            path.write_text(text, encoding="utf-8")
            loaded[name] = load_file(path)
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()
    base = pipeline_throughput.corpus()
    classified = [classify(release) for release, _ in pipeline_throughput.events(len(base), base)]
    commitments = sum(len(result.commitments) for result in classified)
    print(f"{len(classified)} releases, {commitments} commitments")
    for name, subs in subscriber_sets().items():
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            for _ in range(args.passes):
                matching._folded.cache_clear()
                for result in classified:
                    for sub in subs:
                        matching.matching_commitments(sub.filter, result)
            best = min(best, (time.process_time() - start) / (args.passes * len(classified)))
        print(f"subscribers: {name}: {best * 1e6:.1f} µs per release")


if __name__ == "__main__":
    main()
