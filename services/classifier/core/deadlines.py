"""Deadlines in a piece of text, resolved against the release's publication date."""

from __future__ import annotations

import re
from datetime import date

from pydantic import TypeAdapter

from schemas import Deadline

from .calendar_units import MONTH, MONTHS
from .folding import any_in, fold
from .deadline_rules import COMMENCEMENT, MONTH_NAME, NEEDS, RULES

_DEADLINE = TypeAdapter(Deadline)
_DIGIT = re.compile(r"\d")
_MONTH = re.compile(rf"\b{MONTH}")
_STARTING = re.compile(r"\b(?:starting|beginning|commencing|from|as\s+of)\s*$", re.IGNORECASE)
# Every rule needs a digit, a calendar word or "instantly": text with none of them holds no deadline.
_ANY = re.compile(rf"\d|\b(?:{MONTH}|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|spring|"
                  r"summer|autumn|fall|winter|instantly|tomorrow)\b", re.IGNORECASE)
# Every word _ANY matches holds one of these; its other matches are digits.
_MONTH_WORDS = tuple(sorted({name[:3] for name in MONTHS}))  # every month name starts with one
_ANY_WORDS = _MONTH_WORDS + (
    "year", "month", "week", "day", "hour", "minute", "second", "decade", "spring", "summer", "autumn", "fall",
    "winter", "instantly", "tomorrow")


# Each rule runs only on text holding one of its NEEDS: the rules (in order) each need word calls for.
_NEED_WORDS = tuple(sorted({need for needs in NEEDS for need in needs if need != MONTH_NAME}))
_RULES_OF = {need: frozenset(i for i, needs in enumerate(NEEDS) if need in needs)
             for need in _NEED_WORDS + (MONTH_NAME,)}


def may_hold_deadline(text: str) -> bool:
    """False when ``text`` holds no match of ``_ANY``, so no deadline (most often decided without running it)."""
    if _DIGIT.search(text) is not None:
        return True  # _ANY matches a digit
    return any_in(fold(text), _ANY_WORDS) and _ANY.search(text) is not None


def _rules_for(low: str) -> list:
    """The rules, in order, whose needs ``low`` (the lowercased text) holds."""
    chosen: set[int] = set()
    for need in _NEED_WORDS:
        if need in low:
            chosen |= _RULES_OF[need]
    if any_in(low, _MONTH_WORDS) and _MONTH.search(low) is not None:
        chosen |= _RULES_OF[MONTH_NAME]
    return [RULES[i] for i in sorted(chosen)]


def find_deadlines(text: str, published: date, offset: int = 0) -> list[Deadline]:
    """Every deadline written in ``text``, in order of appearance.

    ``published`` is the release's publication date (in the release's own time
    zone): relative phrases ("over the next three years", "this year") resolve
    against it, never against today. Spans are shifted by ``offset``. Starts
    ("from spring 2014") and deadlines that ended before publication are left out.
    """
    if not may_hold_deadline(text):
        return []
    candidates = []
    for pattern, resolve in _rules_for(text.lower()):
        for match in pattern.finditer(text):
            fields = resolve(match, published)
            if fields is not None and _STARTING.search(text, max(0, match.start() - 14), match.start()):
                fields = COMMENCEMENT  # "Starting in 2022-23": a start, not a deadline
            if fields is not None:
                candidates.append((match.start(), match.end(), fields))
    candidates.sort(key=lambda item: (item[0], item[0] - item[1]))
    chosen, reach = [], -1
    for start, end, fields in candidates:
        if start >= reach:
            chosen.append((start, end, fields))
            reach = end
    deadlines = []
    for start, end, fields in chosen:
        if fields == COMMENCEMENT or _ended_before(fields, published):
            continue
        deadlines.append(_DEADLINE.validate_python(
            {**fields, "text": text[start:end].strip(), "span": (offset + start, offset + end)}))
    return deadlines


def _ended_before(fields: dict, published: date) -> bool:
    last = fields.get("due") or fields.get("end")
    return last is not None and last < published
