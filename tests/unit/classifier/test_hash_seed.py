"""The classifier's output does not depend on the string hash seed: two replicas, or one restarted, weigh the
same release to the same last bit (a probability at a cut or a rounding edge would otherwise flip)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT

# Releases whose proposals the model weighed differently under hash seeds 1 and 2 when its sums followed the
# iteration order of sets: between them, both models and both ways of reading a proposal's features.
RELEASES = ("ng-108-europol-madrid-propaganda-arrest-2017.json", "ng-291-nato-sg-condemns-tunisia-attack-2015.json",
            "ng-513-za-dirco-tehran-attack-condemnation-2017.json")

_SCORE = """
import json, sys
from pathlib import Path
from services.classifier.core import classify
from services.classifier.core.classifier import proposals_of
from services.classifier.core.decision import shipped_model
from services.ingest.files import load_release

model = shipped_model()
scores = {}
for name in sys.argv[1:]:
    release = load_release(Path("tests/data/releases") / name)
    weighed = []
    for proposal in proposals_of(release):
        ruled, read = proposal.found is not None, proposal.signals
        weighed += [model.commitment_probability(proposal.features, ruled), model.kind.probability(proposal.features, ruled),
                    model.commitment_probability(read.general, ruled, read.tokens),
                    model.kind.probability(read.general, ruled, read.tokens)]
    scores[name] = [list(map(repr, weighed)), classify(release).model_dump_json()]
print(json.dumps(scores))
"""


def _scored(hash_seed: str) -> dict:
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", _SCORE, *RELEASES], cwd=ROOT, env=environment, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_probabilities_and_outputs_are_the_same_under_any_hash_seed():
    first, second = _scored("1"), _scored("2")
    assert first.keys() == set(RELEASES)
    for name in RELEASES:
        assert first[name] == second[name], name
