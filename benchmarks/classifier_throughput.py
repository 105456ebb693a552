"""Classifier throughput in MB of release text per second on one core, against a baseline.

The corpus is the seed and every release under the given labelled sets, repeated
until it holds at least ``--releases`` releases (1,000 by default). The same
corpus goes, in the same run, through ``classify`` and through the baseline a user
might reach for: ``dateparser.search.search_dates`` over each release body.
Both are warmed with one call, then timed over ``--passes`` passes; the best pass
counts for each. Prints both rates, their ratio and the process's max RSS. Nothing
is asserted: timings on a shared machine are information, not a test.

    .venv/bin/python benchmarks/classifier_throughput.py [--releases N] [--baseline-sample N] [--passes N] [DIR ...]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.classifier.core import classify  # noqa: E402
from services.ingest.files import load_release  # noqa: E402

DEFAULT_SETS = [ROOT / "tests" / "data", ROOT.parent / "shared" / "data" / "dev-releases"]


def corpus(dirs: list[Path], size: int) -> list:
    releases = [load_release(ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt")]
    for directory in dirs:
        releases += [load_release(p) for p in sorted((directory / "releases").glob("*.json"))]
    return list(itertools.islice(itertools.cycle(releases), max(size, len(releases))))


def rate(releases: list, work, passes: int) -> tuple[float, float]:
    """(MB/s, seconds) for ``work`` over every release body, timed on this process's CPU clock: the best
    of ``passes`` passes, after one call to warm caches and lazy imports."""
    megabytes = sum(len(r.body.encode("utf-8")) for r in releases) / 1e6
    work(releases[0])
    best = float("inf")
    for _ in range(passes):
        gc.collect()
        start = time.process_time()
        for release in releases:
            work(release)
        best = min(best, time.process_time() - start)
    return megabytes / best, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="labelled sets (releases/*.json)")
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--baseline-sample", type=int, default=0,
                        help="run the baseline over only the first N releases (0: all); the rate is per MB either way")
    parser.add_argument("--passes", type=int, default=3, help="passes over the corpus for each; the best one counts")
    args = parser.parse_args()
    dirs = [d for d in (args.dirs or DEFAULT_SETS) if (d / "releases").is_dir()]
    releases = corpus(dirs, args.releases)
    megabytes = sum(len(r.body.encode("utf-8")) for r in releases) / 1e6
    print(f"corpus: {len(releases)} releases, {megabytes:.2f} MB of body text (from {len(dirs)} set(s) + seed)")

    ours, ours_s = rate(releases, classify, args.passes)
    print(f"classifier: {ours:8.2f} MB/s  ({ours_s:.2f} s CPU, best of {args.passes})")
    classifier_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS with the classifier and the corpus loaded (before the baseline is imported): "
          f"{classifier_rss:.0f} MB")

    from dateparser.search import search_dates

    def baseline(release):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search_dates(release.body, languages=["en"],
                         settings={"RELATIVE_BASE": release.published_at.replace(tzinfo=None)})

    sample = releases[: args.baseline_sample] if args.baseline_sample else releases
    theirs, theirs_s = rate(sample, baseline, args.passes)
    print(f"baseline (dateparser.search.search_dates): {theirs:8.3f} MB/s  ({theirs_s:.2f} s CPU over "
          f"{len(sample)} releases, best of {args.passes})")
    print(f"ratio: {ours / theirs:.1f}x")
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS after the baseline too: {max_rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
