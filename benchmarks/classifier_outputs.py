"""Whether a change to the classifier kept every output: hashes of ``classify`` per release, compared.

    .venv/bin/python benchmarks/classifier_outputs.py record OUT.json [DIR ...]
    .venv/bin/python benchmarks/classifier_outputs.py compare OUT.json [DIR ...]

For every release of the seed and of each labelled set (``DIR/releases/*.json``; by default the training
and validation splits and ``../shared/data/dev-releases``), and for variants of the training releases
(upper- and swapped-case, line breaks removed, odd letters and punctuation inserted, bodies cut and
joined), it hashes three outputs: the event ``classify`` returns (JSON), the same with ``rules_only``, and
the proposals training reads (spans, the rules' reading, feature names). ``record`` writes the hashes;
``compare`` prints only how many differ, never a text or an output, so it may run over the blind
validation split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.classifier.core import classify  # noqa: E402
from services.classifier.core.classifier import proposals_of  # noqa: E402
from services.ingest.files import load_release  # noqa: E402

# the shared dev releases beside the checkout (or beside the folder of worktrees holding it)
_DEV = next((p / "shared" / "data" / "dev-releases" for p in ROOT.parents if (p / "shared").is_dir()),
            ROOT.parent / "shared" / "data" / "dev-releases")
DEFAULT_SETS = [ROOT / "tests" / "data", ROOT / "tests" / "data" / "validation", _DEV]
_INSERTS = ("İ", "ı", "ſ", "Σ", "’", ";", " - ", "\u00a0", "\n\n", ",\n")


def releases(dirs: list[Path]) -> dict[str, object]:
    """Every release by a stable key, and the variants of the training split's."""
    seed = load_release(ROOT / "seeds" / "2017-11-29-uk-counterterror-iraq.txt")
    # its id and address come from where the checkout is: the same in every checkout here
    found = {"seed": seed.model_copy(update={"release_id": "rel-seed", "url": "file:///seeds/seed.txt"})}
    for directory in dirs:
        for path in sorted((directory / "releases").glob("*.json")):
            found[f"{directory.name}/{path.name}"] = load_release(path)
    training = [(k, r) for k, r in found.items() if k.startswith(f"{DEFAULT_SETS[0].name}/")]
    for i, (key, release) in enumerate(training):
        body = release.body
        insert = _INSERTS[i % len(_INSERTS)]
        variants = {"upper": body.upper(), "swapcase": body.swapcase(), "one-line": body.replace("\n", " "),
                    "inserted": insert.join(body[j:j + 97] for j in range(0, len(body), 97)),
                    "cut-joined": body[len(body) // 3:] + "\n" + training[i - 1][1].body[: len(body) // 2]}
        for name, text in variants.items():
            found[f"{key}#{name}"] = release.model_copy(update={"body": text})
    return found


def hashes(release) -> list[str]:
    proposals = [[list(p.span), repr(p.found), sorted(p.features)] for p in proposals_of(release)]
    outputs = [classify(release).model_dump_json(), classify(release, rules_only=True).model_dump_json(),
               json.dumps(proposals)]
    return [hashlib.sha256(text.encode()).hexdigest() for text in outputs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", choices=("record", "compare"))
    parser.add_argument("hashes", type=Path)
    parser.add_argument("dirs", nargs="*", type=Path)
    args = parser.parse_args()
    dirs = [d for d in (args.dirs or DEFAULT_SETS) if (d / "releases").is_dir()]
    current = {key: hashes(release) for key, release in releases(dirs).items()}
    if args.mode == "record":
        args.hashes.write_text(json.dumps(current, indent=0, sort_keys=True))
        print(f"recorded {len(current)} releases")
        return 0
    recorded = json.loads(args.hashes.read_text())
    differing = [sum(a != b for a, b in zip(recorded.get(key, [None] * 3), value)) for key, value in current.items()]
    missing = len(set(recorded) ^ set(current))
    print(f"{len(current)} releases: {sum(map(bool, differing))} differ "
          f"({sum(differing)} outputs of {3 * len(current)}); {missing} keys not in both")
    return 1 if any(differing) or missing else 0


if __name__ == "__main__":
    sys.exit(main())
