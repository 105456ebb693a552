"""The words of a commitment that say what it commits to, for comparing two commitments. Pure."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z][a-z'-]+|\d[\d.,]*")
# Words that carry no action: compared commitments share them whatever they commit to.
_STOP = frozenset("""
a about above after again against all also an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just may me might more most must my no nor not now of off on
once only or other our ours out over own same shall she should so some such than that the their theirs them
then there these they this those through to too under until up upon very was we were what when where which
while who whom why will with would you your today year years month months week weeks day days new next
government minister secretary said says announced announces announce also one two three four five six seven
eight nine ten million billion
january february march april june july august september october november december
""".split())
_SUFFIXES = ("ing", "ed", "es", "s")  # enough to make "investing", "invested" and "invests" one word


@lru_cache(maxsize=4096)  # a commitment is compared with several others, and again as a candidate
def action_words(text: str) -> frozenset[str]:
    """The content words of ``text``, lowercased, without the words every commitment shares and without
    numbers or month names (money and dates are compared on their own): "The UK will provide £10m to train Iraqi police"
    -> {uk, provide, train, iraqi, police}; "investing", "invested" and "invests" -> "invest"."""
    words = (_stem(w.strip("'-")) for w in _WORD.findall(text.lower()) if not w[0].isdigit())
    return frozenset(w for w in words if w not in _STOP and len(w) > 2)


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
