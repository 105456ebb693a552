"""One time written twice in a text's deadlines: a unit named relative to publication beside a day within it."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from schemas import Deadline

# "this year", "next month", "next week": a unit named relative to publication, and how many days it spans at most.
_UNIT_NAMED: Final = re.compile(r"(?:this|next)\s+(?P<unit>year|month|week)", re.IGNORECASE)
_UNIT_DAYS: Final = {"year": 366, "month": 31, "week": 7}
_BESIDE: Final = re.compile(r"[\s,]*")


def without_units_told_twice(deadlines: list[Deadline], text: str, offset: int) -> list[Deadline]:
    """``deadlines`` (those read in ``text``, in order, their spans shifted by ``offset``) less each unit named
    relative to publication that is written beside a day or span ending within it, with nothing but spaces or a
    comma between them: "next month, on 12 June" and "this year, between 8 June and 31 August" name one time, and
    the day is the deadline."""
    dropped = set()
    for index in range(len(deadlines) - 1):
        first, second = deadlines[index], deadlines[index + 1]
        if _BESIDE.fullmatch(text, first.span[1] - offset, second.span[0] - offset) is None:
            continue
        for unit, other, at in ((first, second, index), (second, first, index + 1)):
            named = _UNIT_NAMED.fullmatch(unit.text)
            if named is not None and _UNIT_NAMED.fullmatch(other.text) is None and \
                    _ends_within(other, _last_day(unit), _UNIT_DAYS[named["unit"].lower()]):
                dropped.add(at)
    return [deadline for index, deadline in enumerate(deadlines) if index not in dropped] if dropped else deadlines


def _last_day(deadline: Deadline) -> date | None:
    return getattr(deadline, "due", None) or getattr(deadline, "end", None)


def _ends_within(deadline: Deadline, unit_ends: date | None, days: int) -> bool:
    ends = _last_day(deadline)
    return ends is not None and unit_ends is not None and 0 <= (unit_ends - ends).days < days
