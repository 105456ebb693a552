"""The folded, candidate-offset matching finds exactly what IGNORECASE ``finditer`` finds."""

from __future__ import annotations

import re

from services.classifier.core.folding import any_in, fold, matches_at, word_starts
from services.classifier.core.terrorism import mentions_terrorism, terrorism_terms


def test_fold_keeps_offsets_and_maps_odd_letters():
    text = "İSIS and ıd and ſanctions, KELVIN K"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("isis and id and sanctions")
    assert fold(text).endswith("k")


def test_matches_at_equals_finditer():
    pattern = re.compile(r"\b(?:will|is\s+to|commit\w*)\b", re.IGNORECASE)
    text = "This will commit us; the plan IS  to act. Twill is to commitments willing"
    starts = word_starts(fold(text), ("will", "is", "commit"))
    assert [m.span() for m in matches_at(pattern, text, starts)] == [m.span() for m in pattern.finditer(text)]


def test_any_in():
    assert any_in("the £5m fund", ("grant", "fund"))
    assert not any_in("nothing here", ("grant", "fund"))


def test_terrorism_terms_ignore_case_and_the_prevent_programme():
    text = "COUNTER-TERRORISM funding; the Prevent programme, not prevent programme; ISIL (Daesh); ſuicide bombers"
    terms = [term for term, *_ in terrorism_terms(text)]
    assert terms == ["COUNTER-TERRORISM", "Prevent", "ISIL", "Daesh", "ſuicide bombers"]
    assert mentions_terrorism("a hostage") and not mentions_terrorism("a holiday")
