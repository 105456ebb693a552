"""Acronyms a release defines ("the Canada Centre for Community Engagement and Prevention of Violence
(CCCEPV)") or that stand for its publisher ("DHS" for the U.S. Department of Homeland Security), so
that an actor named by its acronym gets its full name."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_DEFINITION: Final = re.compile(r"\(\s*(?P<acronym>[A-Z][A-Za-z]{1,9})\s*\)")
_WORD: Final = re.compile(r"[A-Za-z][\w'’.-]*")
_MINOR: Final = frozenset("of for and the on in to".split())


def _initials(words: list[str]) -> set[str]:
    """Both spellings of an acronym: "DE" and "DfE" for "Department for Education"."""
    major = "".join(w[0] for w in words if w.lower() not in _MINOR).upper()
    with_minor = "".join(w[0] if w.lower() not in _MINOR else w[0].lower() for w in words if w.lower() != "the")
    return {major, with_minor}


def acronyms(body: str, publisher: str) -> dict[str, str]:
    """Acronym → full name, from "Full Name (ACR)" in ``body`` and from ``publisher``'s initials."""
    found = dict(_publisher_acronyms(publisher))
    if "(" not in body:
        return found
    for match in _DEFINITION.finditer(body):
        acronym = match["acronym"]
        before = _WORD.findall(body[max(0, match.start() - 160):match.start()])[-12:]
        for first in range(len(before)):
            name = before[first:]
            # both spellings start with the name's first letter (a capital, as the acronym's is)
            if name[0][0] == acronym[0] and name[0].lower() not in _MINOR and acronym in _initials(name):
                found.setdefault(acronym, " ".join(name))
                break
    return found


@lru_cache(maxsize=256)  # a few dozen publishers write most releases
def _publisher_acronyms(publisher: str) -> dict[str, str]:
    words = [w for w in _WORD.findall(publisher) if w.upper() not in ("U.S.", "US", "UK")]
    return {acronym: publisher for acronym in _initials(words) if len(acronym) > 1}
