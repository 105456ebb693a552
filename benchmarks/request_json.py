"""What refusing a key given twice adds to reading a request body: ``loads_request`` against ``loads_bounded``.

Every release of ``tests/data/releases`` as a ``POST /releases`` body (the fields ``key_growth.py`` posts), and one
subscription with a webhook and an email channel as a ``POST /subscriptions`` body, each read by both functions;
CPU time of this process (``time.process_time``), the best of ``--rounds`` rounds. Prints µs per body for each and
the difference. ``loads_bounded``, the stream entries' reader, is not changed by the check: it is measured here as
the part both share.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/request_json.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas.json_bounds import loads_bounded  # noqa: E402
from services.common.json_keys import loads_request  # noqa: E402

SUBSCRIPTION = {"id": "desk", "filter": {"counter_terrorism": True, "keywords": ["port", "aviation"]},
                "channels": [{"webhook": {"url": "https://hooks.example.org/in", "secret": "s3cret"}},
                             {"email": {"to": ["desk@example.org"]}}], "reminders": ["P7D", "P1D"]}


def release_bodies() -> list[bytes]:
    bodies = []
    for i, path in enumerate(sorted((ROOT / "tests" / "data" / "releases").glob("*.json"))):
        item = json.loads(path.read_text(encoding="utf-8"))
        bodies.append(json.dumps({"id": f"bench-{i:06d}", "url": f"https://example.org/releases/{i}",
                                  "title": item["title"], "published_at": "2026-12-05T20:00:00+00:00",
                                  "body": item["body"], "source": "bench",
                                  "organisations": item.get("organisations", [])}).encode())
    return bodies


def per_body(read: Callable[[bytes], Any], bodies: list[bytes], rounds: int, repeat: int) -> float:
    """The best round's CPU µs per body."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            for body in bodies:
                read(body)
        best = min(best, (time.process_time() - start) / (repeat * len(bodies)))
    return best * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    releases = release_bodies()
    sizes = sorted(len(body) for body in releases)
    print(f"{len(releases)} release bodies, median {sizes[len(sizes) // 2]} bytes")
    for name, bodies, repeat in (("POST /releases", releases, 60),
                                 ("POST /subscriptions", [json.dumps(SUBSCRIPTION).encode()], 20_000)):
        bounded = per_body(loads_bounded, bodies, args.rounds, repeat)
        checked = per_body(loads_request, bodies, args.rounds, repeat)
        print(f"{name}: loads_bounded {bounded:.1f} µs, loads_request {checked:.1f} µs: "
              f"+{checked - bounded:.1f} µs a body")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
