"""A search box's words and quoted phrases, each compared :func:`folded`. Pure."""

from __future__ import annotations

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
    """Whether every term is in ``searched`` (already :func:`folded`), a phrase's words together in its order."""
    return all(term in searched for term in terms)


WORDLESS = "holds no word to search for (only dashes, quotes or accents)"


def wordless(text: str) -> bool:
    """Whether ``text`` has something typed but no term to search for (``-``, ``"``, an accent alone): searched,
    it would select everything, as if nothing had been typed."""
    return bool(text.strip()) and not search_terms(text)
