"""Free text as a search compares it: without case or accents, the typography of quotes and spacing aside, and a
search box's words and quoted phrases. Pure."""

from __future__ import annotations

import re
import unicodedata

# Published text writes apostrophes and quotes curly, a keyboard straight: each is compared as the straight one.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"'})
# The combining marks an accent decomposes into (a regex: a walk over each character costs a query's first read
# of every card several times as much).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def folded(text: str) -> str:
    """``text`` without case or accents (a decomposed accent too), its quotes straight, its spaces single:
    "Sinn Féin’s  PLAN" -> "sinn fein's plan", "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return " ".join(_MARKS.sub("", decomposed).casefold().split())


def search_terms(text: str | None) -> tuple[str, ...]:
    """What a search box asks for, each term :func:`folded`: its words, and each phrase in double quotes as one
    term (a quote left open runs to the end): ``Iraq "armed  police"`` -> ``("iraq", "armed police")``."""
    terms: list[str] = []
    for place, part in enumerate(folded(text or "").split('"')):
        if place % 2:
            if part.strip():
                terms.append(part.strip())
        else:
            terms.extend(part.split())
    return tuple(terms)


def has_terms(terms: tuple[str, ...], searched: str) -> bool:
    """Whether every term is in ``searched`` (already :func:`folded`), a phrase's words together in its order."""
    return all(term in searched for term in terms)
