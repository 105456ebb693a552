"""Free text as a search compares it: without case or accents, the typography of quotes and spacing aside, and a
search box's words and quoted phrases. Pure."""

from __future__ import annotations

import re
import unicodedata

# Published text writes apostrophes and quotes curly, a keyboard straight: each is compared as the straight one.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"'})
# Hyphens and dashes are spaces: "counter terrorism" finds "counter-terrorism", "2026-27" finds "2026–27".
_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212", " "))
# The combining marks an accent decomposes into (a regex: a walk over each character costs a query's first read
# of every card several times as much).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def folded(text: str) -> str:
    """``text`` without case or accents (a decomposed accent too), its quotes straight, its hyphens and dashes
    spaces, its spaces single:
    "Sinn Féin’s  PLAN" -> "sinn fein's plan", "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES).translate(_DASHES))
    return " ".join(_MARKS.sub("", decomposed).casefold().split())


def search_terms(text: str | None) -> tuple[str, ...]:
    """What a search box asks for, each term :func:`folded`: its words, and each phrase in double quotes as one
    term (a quote left open runs to the end): ``Iraq "armed  police"`` -> ``("iraq", "armed police")``. A word
    with a hyphen is the phrase of its parts: ``counter-terrorism`` -> ``("counter terrorism",)``."""
    terms: list[str] = []
    for place, part in enumerate((text or "").translate(_QUOTES).split('"')):
        pieces = [part] if place % 2 else part.split()
        terms += [term for term in map(folded, pieces) if term]
    return tuple(terms)


def has_terms(terms: tuple[str, ...], searched: str) -> bool:
    """Whether every term is in ``searched`` (already :func:`folded`), a phrase's words together in its order."""
    return all(term in searched for term in terms)
