"""Text cut where a reader sees one character end and the next begin: between grapheme clusters (Unicode UAX #29),
never inside one, but for a first one longer alone than the room. Pure.

A flag is two code points, a family of four people seven, a thumbs-up with a skin tone two, an accented letter
may be a letter and its combining marks: cut between their code points, a text ends in a lone letter symbol, a
man, a bare colour swatch or a letter without its accent.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

import regex

_CLUSTER = regex.compile(r"\X")


def longest_start(text: str, fits: Callable[[str], bool]) -> str:
    """The longest run of ``text``'s first grapheme clusters for which ``fits`` holds (``fits`` holding for every
    run up to some length). When not even the first cluster fits, the longest run of its code points that does:
    a letter under hundreds of combining marks is cut inside rather than to nothing. "" when not one fits."""
    ends = [match.end() for match in _CLUSTER.finditer(text)]
    too_long = bisect_left(range(len(ends)), True, key=lambda cluster: not fits(text[:ends[cluster]]))
    if too_long:
        return text[:ends[too_long - 1]]
    first = ends[0] if ends else 0
    return text[:bisect_left(range(1, first + 1), True, key=lambda length: not fits(text[:length]))]


def shortened(text: str, most: int) -> str:
    """``text`` when it has ``most`` code points at most; else its first grapheme clusters and an ellipsis, as
    many as make ``most``."""
    if len(text) <= most:
        return text
    # where clusters end before the cut does not depend on what follows it: a long text is not read whole
    return longest_start(text[:most], lambda cut: len(cut) < most) + "\u2026"
