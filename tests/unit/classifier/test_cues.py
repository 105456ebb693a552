"""The Aho–Corasick cue scan finds exactly the offsets the regex it replaced finds."""

import random
from pathlib import Path

from services.classifier.core.cues import REFERENCE, cue_positions
from tests.shipped_seeds import SEED_RELEASE

_PIECES = list("willshamustneedcomitpledgvowsrqiaxyf _-'’£$€é2\n.") + [
    "will ", "is to", "set  to", "'ll", "we'll", "steps", "right for", "time\tfor", "ıs", "éwill", "_will",
    "calls", "is tot", "plans", "force", "told", "pounds", "needs", "undertake", "ask", "task", "$5", "you’ll",
]


def _reference(low: str) -> list[int]:
    return [m.start() for m in REFERENCE.finditer(low)]


def test_same_offsets_as_the_regex_on_random_text():
    rnd = random.Random(7)
    for _ in range(20000):
        text = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 40)))
        assert cue_positions(text) == _reference(text), text


def test_same_offsets_on_the_labelled_releases():
    root = Path(__file__).resolve().parents[3]
    files = sorted((root / "tests" / "data" / "releases").glob("*.json")) + [SEED_RELEASE]
    assert files
    for path in files:
        low = path.read_text(encoding="utf-8").lower()
        assert cue_positions(low) == _reference(low), path.name


def test_forc_is_no_cue_as_before():
    assert cue_positions("we will force them") == [3]


def test_terrorism_first_word_offsets_match_word_starts():
    from services.classifier.core import terrorism
    from services.classifier.core.folding import word_starts

    rnd = random.Random(3)
    pieces = list(terrorism._FIRST_WORDS) + ["isisis", "al-al ", "counterterror", " ", "x", "\n"]
    for _ in range(5000):
        folded = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        found = terrorism.term_starts(folded)
        assert found == sorted(set(word_starts(folded, terrorism._FIRST_WORDS)))


def test_trigger_families_match_substring_tests():
    from services.classifier.core.triggers import _NEEDS, trigger_families

    rnd = random.Random(5)
    pieces = sorted({w for words in _NEEDS.values() for w in words}) + ["x", " ", "it", "is", "to", "’", "'"]
    for _ in range(5000):
        low = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert trigger_families(low) == {f for f, words in _NEEDS.items() if any(w in low for w in words)}, low


def test_a_mandate_extended_renewed_or_prolonged_is_a_cue():
    # The labelling rules read "decides to extend the mandate of X until 31 March 2025" as the deciding body's
    # pledge, with that date: a sentence that extends, renews or prolongs a mandate or a regime is proposed.
    for low in ("the council extended the mandates of the special rapporteurs for a period of one year.",
                "the council renewed the provisions of resolution 2182 until 15 december 2024.",
                "isil/da'esh and al-qaeda: sanctions regime prolonged until 31 october 2022",
                "the 15-member organ also extends the mandates of the panel of experts."):
        assert cue_positions(low) == _reference(low) != [], low
