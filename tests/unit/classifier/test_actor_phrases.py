"""An actor is a party: never a bare pronoun (docs/CLASSIFIER.md), never a verb phrase, over every
release of the training split and the seed."""

from __future__ import annotations

import re

from services.classifier.core import classify
from services.ingest.files import load_release

from .conftest import ROOT, SEED

_VERB_FIRST = re.compile(r"(?:will|shall|must|should|would|could|can|may|might|need|needs|is|are|was|were|has|"
                         r"have|had|do|does|did)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"(?:we|us|our|i|they|them|he|she|you|it)", re.IGNORECASE)


def test_no_actor_starts_with_a_verb_or_is_a_pronoun():
    releases = [load_release(SEED)] + [load_release(p) for p in sorted((ROOT / "tests" / "data" / "releases").glob("*.json"))]
    wrong = [(r.release_id, c.actor) for r in releases for c in classify(r).commitments
             if _VERB_FIRST.match(c.actor) or _PRONOUN.fullmatch(c.actor.strip("\"'‘’“” "))]
    assert wrong == []
