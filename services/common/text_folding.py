"""Text as a search compares it: without case or accents, the typography of quotes and spacing aside. What the
ledger's free text, and a filter's keywords and actors, are compared as. Pure."""

from __future__ import annotations

import re
import unicodedata

# Published text writes apostrophes and quotes curly, a keyboard straight: each is compared as the straight one.
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"'}
# Hyphens and dashes are spaces: "counter terrorism" finds "counter-terrorism", "2026-27" finds "2026–27".
_DASHES = dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212", " ")
# Regexes, not str.translate: a translation table is looked up for every character, several times the cost of
# folding the rest (the notifier folds every commitment a keyword is tried on).
_QUOTE = re.compile(f"[{''.join(_QUOTES)}]")
_TYPOGRAPHY = re.compile(f"[{re.escape(''.join(_QUOTES) + ''.join(_DASHES))}]")
_AS_TYPED = {**_QUOTES, **_DASHES}
# The combining marks an accent decomposes into (a regex: a walk over each character costs a query's first read
# of every card several times as much).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def straight_quotes(text: str) -> str:
    """``text`` with its curly quotes and apostrophes straight: ``“Minister’s”`` -> ``"Minister's"``."""
    return _QUOTE.sub(_as_typed, text)


def folded(text: str) -> str:
    """``text`` without case or accents (a decomposed accent too), its quotes straight, its hyphens and dashes
    spaces, its spaces single:
    "Sinn Féin’s  PLAN" -> "sinn fein's plan", "Straße" -> "strasse"."""
    if text.isascii():  # no accent, no curly quote, no dash but the hyphen: most text, in a fraction of the time
        return " ".join(text.replace("-", " ").lower().split())
    # Decomposed first: a fullwidth or small hyphen ("－", "﹣") decomposes into the hyphen it is read as.
    decomposed = _TYPOGRAPHY.sub(_as_typed, unicodedata.normalize("NFKD", text))
    return " ".join(_MARKS.sub("", decomposed).casefold().split())


def _as_typed(match: re.Match[str]) -> str:
    return _AS_TYPED[match.group()]
