"""Deadlines in a piece of text, resolved against the release's publication date."""

from __future__ import annotations

import re
from datetime import date

from pydantic import TypeAdapter

from schemas import Deadline

from .calendar_units import MONTH, MONTHS
from .folding import WordSet, case_sensitive, finditer_folded, fold, fold_lowered, matches_at
from .deadline_rules import COMMENCEMENT, MONTH_NAME, NEEDS, RULES

_DEADLINE = TypeAdapter(Deadline)
_DIGIT = re.compile(r"\d")
_FOLDED = {pattern: case_sensitive(pattern) for pattern, _ in RULES}  # each rule's regex, run over the fold
# The words every match of a rule begins with, where they are rare: the rule is tried only where one begins
# (rules starting with "in" or "on" scan faster than they try each offset).
_FIRST = {RULES[i][0]: WordSet(words) for i, words in (
    (0, ("within",)), (1, ("instantly",)), (3, ("tomorrow",)),
    (4, ("for", "within", "over")), (5, ("in", "for", "during", "over", "across")), (6, ("19", "20")),
    (8, ("in", "both")), (9, ("between", "from")), (10, ("from", "between", "for", "during", "over")))}
_MONTH = re.compile(rf"\b{MONTH}")
_STARTING = re.compile(r"\b(?:starting|beginning|commencing|from|as\s+of)\s*$", re.IGNORECASE)
# Every rule needs a digit, a calendar word or "instantly": text with none of them holds no deadline.
_ANY = re.compile(rf"\d|\b(?:{MONTH}|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|spring|"
                  r"summer|autumn|fall|winter|instantly|tomorrow)\b", re.IGNORECASE)
# Every word _ANY matches holds one of these; its other matches are digits.
_MONTH_WORDS = tuple(sorted({name[:3] for name in MONTHS}))  # every month name starts with one
_ANY_WORDS = WordSet(_MONTH_WORDS + (
    "year", "month", "week", "day", "hour", "minute", "second", "decade", "spring", "summer", "autumn", "fall",
    "winter", "instantly", "tomorrow"))


# Each rule runs only on text holding one of its NEEDS: the rules (in order) each need word calls for.
_NEED_WORDS = tuple(sorted({need for needs in NEEDS for need in needs if need != MONTH_NAME}))
_RULES_OF = {need: frozenset(i for i, needs in enumerate(NEEDS) if need in needs)
             for need in _NEED_WORDS + (MONTH_NAME,)}
_NEED_SET, _MONTH_SET = WordSet(_NEED_WORDS), WordSet(_MONTH_WORDS)


def may_hold_deadline(text: str) -> bool:
    """False when ``text`` holds no match of ``_ANY``, so no deadline (most often decided without running it)."""
    if has_digit(text):
        return True  # _ANY matches a digit
    return _ANY_WORDS.in_(fold(text)) and _ANY.search(text) is not None


def has_digit(text: str) -> bool:
    """``_DIGIT.search(text) is not None``; ten substring tests are faster on ASCII text."""
    if text.isascii():
        return ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text
                or "6" in text or "7" in text or "8" in text or "9" in text)
    return _DIGIT.search(text) is not None


def _rules_for(low: str) -> list:
    """The rules, in order, whose needs ``low`` (the lowercased text) holds."""
    chosen: set[int] = set()
    for need in _NEED_SET.found(low):
        chosen |= _RULES_OF[need]
    if _MONTH_SET.in_(low) and _MONTH.search(low) is not None:
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
    low = text.lower()
    folded = fold_lowered(text, low)
    for pattern, resolve in _rules_for(low):
        for match in _finditer(pattern, text, folded):
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


def _finditer(pattern: re.Pattern[str], text: str, folded: str):
    """``pattern.finditer(text)``, found over ``folded`` (``fold(text)``)."""
    first = _FIRST.get(pattern)
    if first is None:
        return finditer_folded(pattern, _FOLDED[pattern], text, folded)
    return (pattern.match(text, hit.start()) for hit in matches_at(_FOLDED[pattern], folded, first.starts(folded)))


def _ended_before(fields: dict, published: date) -> bool:
    last = fields.get("due") or fields.get("end")
    return last is not None and last < published
