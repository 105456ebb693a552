"""A search box's words and quoted phrases, each compared :func:`folded`. Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from services.common.text_folding import folded, straight_quotes


def search_terms(text: str | None) -> tuple[str, ...]:
    """What a search box asks for, each term :func:`folded`: its words, and each phrase in double quotes as one
    term (a quote left open runs to the end): ``Iraq "armed  police"`` -> ``("iraq", "armed police")``. A word
    with a hyphen is the phrase of its parts: ``counter-terrorism`` -> ``("counter terrorism",)``."""
    terms: list[str] = []
    for place, part in enumerate(straight_quotes(text or "").split('"')):
        pieces = [part] if place % 2 else part.split()
        terms += [term for term in map(folded, pieces) if term]
    return tuple(terms)


def has_terms(terms: tuple[str, ...], searched: str) -> bool:
    """Whether every term is in ``searched`` (already :func:`folded`), a phrase's words together in its order,
    each starting where a word starts: ``terror`` finds "terrorism", ``aid`` does not find "said"."""
    return all(term in searched and _at_a_word_start(term).search(searched) is not None for term in terms)


@lru_cache(maxsize=1024)  # a query's terms are tried on every card
def _at_a_word_start(term: str) -> re.Pattern[str]:
    # A term starting with a sign ("£10m", "'s") starts where it stands: the sign is no part of a word.
    return re.compile((r"(?<!\w)" if re.match(r"\w", term) else "") + re.escape(term))


WORDLESS = "holds no word to search for (only dashes, quotes or accents)"


def wordless(text: str) -> bool:
    """Whether ``text`` has something typed but no term to search for (``-``, ``"``, an accent alone): searched,
    it would select everything, as if nothing had been typed."""
    return bool(text.strip()) and not search_terms(text)
