"""Fines and penalties: a sum a party that fails a duty may have to pay is no money the publisher commits,
and a sentence that only threatens one ("firms that fail to comply will face fines of up to €50 million")
is a conditional, not a commitment (the labelling rules: "could be fined")."""

from __future__ import annotations

import re
from typing import Final

from .folding import any_in, fold

# Just before an amount: "fines of up to €50 million", "fined up to £18 million", "a penalty of $1m".
_PENALTY_BEFORE: Final = re.compile(r"\b(?:fine[sd]?|penalt(?:y|ies))\b[^.;,£$€\d]{0,30}$", re.IGNORECASE)
# Just after one: "a $5 million fine", "a $25 million civil penalty".
_PENALTY_AFTER: Final = re.compile(r"^\s+(?:(?:civil|financial|monetary|daily)\s+)?(?:fine|penalty)\b", re.IGNORECASE)
# A sentence whose own clause threatens a penalty: "will face fines", "could be fined", "will result in a fine";
# "or face fines" backs a duty the sentence sets ("must remove it within one hour or face fines").
_THREAT: Final = re.compile(
    r"(?<!\bor )\b(?:fac(?:e|es|ing)\s+(?:\w+\s+){0,2}(?:fines?|penalt(?:y|ies))|(?:be|being)\s+fined|"
    r"liable\s+to\s+(?:\w+\s+){0,2}(?:fines?|penalt(?:y|ies))|punishable\s+by|"
    r"result\s+in\s+(?:[^.;]{0,30}\s)?(?:fines?|penalt(?:y|ies)))\b", re.IGNORECASE)
# A duty the same sentence sets, which the penalty backs: "will be legally required to … and face penalties".
_DUTY: Final = re.compile(r"\b(?:must|shall|should|required|obliged|ha(?:ve|s)\s+to|needs?\s+to|"
                          r"ha(?:ve|s)\s+(?:\w+\s+){0,3}(?:hours?|days?|weeks?|months?)\s+to)\b", re.IGNORECASE)
_REACH: Final = 40  # characters before an amount read for a penalty word
# Every match of _THREAT holds one of these (over the folded text, see .folding): a sentence holding none is
# not searched.
_THREAT_WORDS: Final = ("fine", "penalt", "punishable")


def is_penalty(text: str, start: int, end: int) -> bool:
    """Whether the amount at ``text[start:end]`` is a fine or a penalty."""
    return (_PENALTY_BEFORE.search(text, max(0, start - _REACH), start) is not None
            or _PENALTY_AFTER.match(text[end:end + 30]) is not None)


def threatens_penalty(text: str, folded: str | None = None) -> bool:
    """Whether ``text`` (a sentence) only threatens a fine or a penalty: no duty it sets is backed by it.
    ``folded``: ``fold(text)``, when known."""
    if not any_in(fold(text) if folded is None else folded, _THREAT_WORDS):
        return False
    return _THREAT.search(text) is not None and _DUTY.search(text) is None
