"""How the classifier's time grows with one long sentence full of sums and deadlines.

    .venv/bin/python benchmarks/classifier_long_sentence.py [--sizes 2500,5000,10000,20000]

Each release is one commitment sentence ("The government will invest £1,000,000 by 2027 within 30 days 12 …")
repeated N times with no full stop: every sum and every deadline fall in the same sentence, as in a table
pasted without punctuation. The time of ``classify`` on this process's CPU clock is printed per size with its
ratio to the size before: about 2 when the time grows with the text, about 4 when it grows with its square (a
1.9 MB file of it took six minutes before `_of_another_sum` found the nearest sum by bisection). Nothing is
asserted: figures are information, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import ReleasePublished  # noqa: E402
from services.classifier.core import classify  # noqa: E402
from services.ingest.identity import content_hash  # noqa: E402

PIECE = "£1,000,000 by 2027 within 30 days 12 "


def release_of(repeats: int) -> ReleasePublished:
    body = "The government will invest " + PIECE * repeats
    return ReleasePublished(release_id=f"long-{repeats}", version=1, url="https://www.gov.uk/government/news/long",
                            title="Long", published_at=datetime(2026, 1, 1, tzinfo=timezone.utc), source="bench",
                            body=body, content_hash=content_hash("Long", body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2500,5000,10000,20000", help="repeats of the piece, comma-separated")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    classify(release_of(10))  # warm: the model and the patterns load once
    before = None
    for repeats in sizes:
        release = release_of(repeats)
        started = time.process_time()
        classify(release)
        seconds = time.process_time() - started
        ratio = "" if before is None else f"  x{seconds / before:.1f}"
        print(f"{len(release.body.encode()):>9} bytes  {seconds:7.2f} s{ratio}")
        before = seconds


if __name__ == "__main__":
    main()
