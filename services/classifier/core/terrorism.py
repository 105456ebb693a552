"""Is a text about terrorism? Matched terms with spans, and a score in [0, 1].

A release is counter-terrorism when it is *substantially* about terrorism: one
passing mention ("national security", a single "terrorist") is not enough. The
score is a saturating function of weighted term hits in the body, with hits in
the title counted double.
"""

from __future__ import annotations

import math
import re
from typing import Final

from .folding import WordSet, fold, matches_at

# Strong terms name terrorism or terrorist groups (weight 1); weak ones are often about terrorism
# but not only (weight 0.5). "Prevent" counts only as the programme's name, case and all.
_TERMS: Final = re.compile(
    r"\b(?=[a-zA-Z])(?:(?P<strong>(?:counter[- ]?)?terror(?:ism|ist|ists)?\b|counterterror\w*|daesh\b|isil\b|isis\b"
    r"|islamic state\b|al[- ]qa['’]?[ie]da\b|al[- ]shabaa?b\b|boko haram\b|jihad\w*"
    r"|foreign (?:terrorist )?fighters?\b|proscri(?:be|bed|ption)\b|contest strategy\b"
    r"|hezbollah\b|hamas\b|taliban\b|aviation security\b|(?-i:Prevent)(?= (?:programme|strategy|duty|referrals?|co-?ordinators?|"
    r"officers?)|\)))"
    r"|(?P<weak>(?:violent )?extremis[mt]s?\b|radicali[sz]\w*|de-?radicali[sz]\w*"
    r"|improvised explosive|suicide bomb\w*|bombings?\b|hostages?\b|hate preachers?\b))",
    re.IGNORECASE,
)

# Every alternative of _TERMS begins with one of these (lowercase): only where one begins can a term begin.
_FIRST_WORDS: Final = (
    "counter", "terror", "daesh", "isil", "isis", "islamic state", "al-qa", "al qa", "al-sh", "al sh", "boko haram",
    "jihad", "foreign ", "proscri", "contest strategy", "hezbollah", "hamas", "taliban", "aviation security",
    "prevent", "violent extremis", "extremis", "radicali", "de-radicali", "deradicali", "improvised explosive",
    "suicide bomb", "bombing", "hostage", "hate preacher",
)

THRESHOLD: Final = 0.5
_SCALE: Final = 4.0  # weighted hits at which the score reaches 1 - 1/e


def terrorism_terms(text: str, *, starts: list[int] | None = None) -> list[tuple[str, int, int, float]]:
    """(term, start, end, weight) for each terrorism term in ``text`` (``starts``: its ``term_starts(fold(text))``
    if the caller has them)."""
    if starts is None:
        starts = term_starts(fold(text))
    return [(m.group(), m.start(), m.end(), 1.0 if m.lastgroup == "strong" else 0.5)
            for m in matches_at(_TERMS, text, starts)]


def mentions_terrorism(text: str, *, starts: list[int] | None = None) -> bool:
    """Does ``text`` name a terrorism term (``starts``: its ``term_starts(fold(text))``, if the caller has them)?"""
    if starts is None:
        starts = term_starts(fold(text))
    return next(matches_at(_TERMS, text, starts), None) is not None


_FIRST: Final = WordSet(_FIRST_WORDS)


def term_starts(folded: str) -> list[int]:
    """The sorted offsets of ``folded`` (a ``fold``-ed text) where a first word, so a term, can begin."""
    return _FIRST.starts(folded)


def score_release(title: str, body: str, *, body_term_starts: list[int] | None = None,
                  ) -> tuple[float, list[dict]]:
    """The counter-terrorism score of a release and the evidence for it (spans into ``body``), each the
    fields of a ``schemas.Evidence``: the event validates them all in one call, several times faster than
    a model built for each. ``body_term_starts``: ``term_starts(fold(body))`` if the caller has them
    (``cues.read_body`` finds them)."""
    body_hits = terrorism_terms(body, starts=body_term_starts)
    weight = sum((hit[3] for hit in body_hits), 0.0) + 2 * sum((hit[3] for hit in terrorism_terms(title)), 0.0)
    score = 1.0 - math.exp(-weight / _SCALE)
    evidence = [{"term": term, "span": (start, end)} for term, start, end, _ in body_hits]
    return round(score, 3), evidence
