"""Deadlines in a piece of text, resolved against the release's publication date."""

from __future__ import annotations

import re
from datetime import date

from pydantic import TypeAdapter

from schemas import Deadline

from .calendar_units import MONTH
from .deadline_rules import COMMENCEMENT, DIGIT, MONTH_NAME, NEEDS, RULES

_DEADLINE = TypeAdapter(Deadline)
_DIGIT = re.compile(r"\d")
_MONTH = re.compile(rf"\b{MONTH}")
_STARTING = re.compile(r"\b(?:starting|beginning|commencing|from|as\s+of)\s*$", re.IGNORECASE)
# Every rule needs a digit, a calendar word or "instantly": text with none of them holds no deadline.
_ANY = re.compile(rf"\d|\b(?:{MONTH}|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|spring|"
                  r"summer|autumn|fall|winter|instantly|tomorrow)\b", re.IGNORECASE)


def find_deadlines(text: str, published: date, offset: int = 0) -> list[Deadline]:
    """Every deadline written in ``text``, in order of appearance.

    ``published`` is the release's publication date (in the release's own time
    zone): relative phrases ("over the next three years", "this year") resolve
    against it, never against today. Spans are shifted by ``offset``. Starts
    ("from spring 2014") and deadlines that ended before publication are left out.
    """
    candidates = []
    if not _ANY.search(text):
        return []
    low = text.lower()
    present = {DIGIT: _DIGIT.search(text) is not None, MONTH_NAME: _MONTH.search(low) is not None}
    for (pattern, resolve), needs in zip(RULES, NEEDS):
        if not any(present[need] if need in present else need in low for need in needs):
            continue
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
