"""Deadlines in a piece of text, resolved against the release's publication date."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Final

from pydantic import TypeAdapter

from schemas import Deadline

from .calendar_units import MONTH, MONTHS, add_months, end_of_month, end_of_unit
from .folding import Lexicon, WordSet, case_sensitive, fold, matches_at
from .deadline_repeats import without_units_told_twice
from .deadline_rules import (
    COMMENCEMENT, CORES, DAY_IN_WORDS, DAYS_IN_WORDS, END_OF_WORDS, ISO_DAY, MONTH_NAME, NEEDS, PREP_WORDS, RULES, WEEKDAY_WORDS, Fields, Rule,
)
from .financial_years import FINANCIAL, FINANCIAL_FOLLOWING

_DEADLINE: Final = TypeAdapter(Deadline)
_DIGIT: Final = re.compile(r"\d")
# Tables by id(pattern): hashing a compiled pattern hashes its whole program (about a microsecond).
_FOLDED: Final = {id(pattern): case_sensitive(pattern) for pattern, _ in RULES}  # each rule's regex, run over the fold
_CORE: Final = {id(RULES[i][0]): core for i, core in CORES.items()}
_MONTH_WORDS: Final = tuple(sorted({name[:3] for name in MONTHS}))  # every month name starts with one
# Where a year may begin ("19", "20"): where every match of rule 6 and of the cores of rules 5, 6, 9, 20 and 26
# begins. One WordSet, so that ``find_deadlines`` finds its starts in a text once for them all (``_words_start``).
_CENTURY_STARTS: Final = WordSet(("19", "20"))
# The words every match of a rule begins with: the rule is tried only where one begins. Worth it where the
# words are rare, or where the rule is long (11, 13 to 16: a scan tries all their optional words at every
# word boundary, which costs more than trying them at each "in" or "on"; 12 and 22 as well, where the core
# they hold is frequent or absent; 18, 24 and 26, which a scan of the whole text tried at every offset).
_FIRST: Final = {id(RULES[i][0]): WordSet(words) for i, words in (
    (0, ("within",)), (1, ("instantly",)), (3, ("tomorrow",)),
    (4, ("for", "within", "over", "in")), (5, ("in", "for", "during", "over", "across")),
    (8, ("in", "both", "this")), (9, ("between", "from")), (10, ("from", "between", "for", "during", "over")),
    (2, ("over", "during", "in", "within", "for", "across")),
    (11, PREP_WORDS + END_OF_WORDS + WEEKDAY_WORDS + tuple("0123456789")),
    (12, PREP_WORDS + END_OF_WORDS + WEEKDAY_WORDS + _MONTH_WORDS),
    (13, PREP_WORDS + END_OF_WORDS + ("early", "mid", "late", "next", "this") + _MONTH_WORDS),
    (14, PREP_WORDS + ("later", "this", "next")),
    (15, PREP_WORDS),
    (16, PREP_WORDS + END_OF_WORDS + ("later", "earlier", "early", "mid", "late", "this", "next")),
    (18, ("in", "under", "less", "no", "at")), (20, ("by", "before", "no", "until", "till", "through", "to")), (22, PREP_WORDS),
    (24, ("for", "during", "over")), (26, ("in", "during", "over", "across", "throughout")),
    (ISO_DAY, PREP_WORDS), (DAY_IN_WORDS, PREP_WORDS + END_OF_WORDS + WEEKDAY_WORDS))} | \
    {id(RULES[6][0]): _CENTURY_STARTS}
# The rules of _FIRST that begin with "\b": as each of their first words begins with a word character, a match
# cannot begin inside a word ("in" of "within", "on" of "month"), where about half of their first words stand.
_AT_A_WORD: Final = frozenset(key for key in _FIRST if key != id(RULES[6][0]))  # rule 6 begins with a look-behind
# Where a match of a rule's core (``CORES``) may begin: a search tries each offset, and the cores that begin with a
# month name, a digit or one of a few words were tried at most of them. By id(core); a core that is a literal
# alternation is found where one of its words stands.
_CORE_STARTS: Final = {id(CORES[i]): WordSet(words) for i, words in (
    (11, tuple("0123456789")), (12, _MONTH_WORDS), (16, ("this", "next", "the")), (23, ("fiscal", "fy")),
    (DAY_IN_WORDS, tuple(sorted({word[:3] for word in DAYS_IN_WORDS}))))} | \
    {id(CORES[i]): _CENTURY_STARTS for i in (5, 6, 9, 20, 26, ISO_DAY)}
_DAY_CORE: Final = id(CORES[11])
_LITERAL_CORES: Final = {id(CORES[18]): WordSet(("hour", "minute", "second")),
                         id(CORES[22]): WordSet(("q1", "q2", "q3", "q4", "h1", "h2", "quarter", "half"))}
_MONTH: Final = re.compile(rf"\b{MONTH}")
_STARTING: Final = re.compile(r"\b(?:starting|beginning|commencing|from|as\s+of)\s*$", re.IGNORECASE)
# Every rule needs a digit or a calendar word ("instantly" counts): text with neither holds no deadline.
# A calendar word, matched over the fold; each begins with one of CALENDAR_PREFIXES.
_CALENDAR_WORD: Final = re.compile(rf"\b(?:{MONTH}|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|"
                            r"spring|summer|autumn|fall|winter|instantly|tomorrow|soon|shortly|near\s+future|"
                            r"due\s+course|imminently)\b")
CALENDAR_PREFIXES: Final = _MONTH_WORDS + (
    "year", "month", "week", "day", "hour", "minute", "second", "decade", "spring", "summer", "autumn", "fall",
    "winter", "instantly", "tomorrow", "soon", "shortly", "near", "due", "imminently")
_CALENDAR_STARTS: Final = Lexicon((word, None) for word in CALENDAR_PREFIXES)
# Times read as deadlines that are no calendar word: the model's time signal (``may_hold_deadline``) was fitted
# without them, and a text holding one is read whatever that signal says.
_TIMES_OF_TODAY: Final = WordSet(("short term", "short-term", "afternoon", "evening", "tonight"))
# The needs of the rules that read them: the only rules run on such a text when it holds no calendar word.
_TODAY_NEEDS: Final = frozenset(("short", "afternoon", "evening", "tonight"))


# Each rule runs only on text holding one of its NEEDS. One pass finds the need words a text holds and where
# a month name may begin (at one of _MONTH_WORDS, all three letters long).
_NEED_WORDS: Final = sorted({need for needs in NEEDS for need in needs if need != MONTH_NAME})
_NEEDS_FOUND: Final = Lexicon([(word, word) for word in _NEED_WORDS] + [(word, MONTH_NAME) for word in _MONTH_WORDS])


def may_hold_deadline(text: str, *, folded: str | None = None, digit: bool | None = None,
                      starts: list[int] | None = None) -> bool:
    """False when ``text`` holds no digit and no calendar word, so no deadline (``folded``: ``fold(text)``,
    ``digit``: ``has_digit(text)``, and ``starts``: where each word of ``CALENDAR_PREFIXES`` begins in ``folded``
    (a start may come twice, or be that of a word cut at the end of ``text``), when known)."""
    if has_digit(text) if digit is None else digit:
        return True
    if folded is None:
        folded = fold(text)
    if starts is None:
        starts = [start for _, start, _ in _CALENDAR_STARTS.hits(folded)]
    for start in starts:  # a calendar word can begin only where one of CALENDAR_PREFIXES does
        if _CALENDAR_WORD.match(folded, start) is not None:
            return True
    return False


def has_digit(text: str) -> bool:
    """``_DIGIT.search(text) is not None``; ten substring tests are faster, and only text that is not ASCII
    may hold another digit."""
    if ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text or "6" in text
            or "7" in text or "8" in text or "9" in text):
        return True
    return not text.isascii() and _DIGIT.search(text) is not None


def _rules_for(low: str, today_only: bool = False) -> tuple[Rule, ...]:
    """The rules, in order, whose needs ``low`` (the lowercased text) holds; with ``today_only``, of those only
    the rules of a time of today ("tonight", "in the short term")."""
    needs = set()
    values = _NEEDS_FOUND.values
    for index, start, _ in _NEEDS_FOUND.hits(low):
        need = values[index]
        if need != MONTH_NAME:
            needs.add(need)
        elif MONTH_NAME not in needs and _MONTH.match(low, start) is not None:
            needs.add(MONTH_NAME)
    return _rules_needing(frozenset(needs) & _TODAY_NEEDS if today_only else frozenset(needs))


@lru_cache(maxsize=4096)
def _rules_needing(needs: frozenset[str]) -> tuple[Rule, ...]:
    return tuple(rule for rule, rule_needs in zip(RULES, NEEDS) if not needs.isdisjoint(rule_needs))


def find_deadlines(text: str, published: date, offset: int = 0, *, folded: str | None = None,
                   low: str | None = None, year_starts: int = 4, may_hold: bool | None = None) -> list[Deadline]:
    """Every deadline written in ``text``, in order of appearance.

    ``published`` is the release's publication date (in the release's own time
    zone): relative phrases ("over the next three years", "this year") resolve
    against it, never against today. Spans are shifted by ``offset``. Starts
    ("from spring 2014") and deadlines that ended before publication are left out. ``folded`` is
    ``fold(text)`` and ``low`` ``text.lower()``, when the caller has them. A financial year starts in the
    month ``year_starts`` (the publisher's own year: April in the UK, July in Australia). ``may_hold``:
    ``may_hold_deadline(text)``, when known.
    """
    if folded is None:
        folded = fold(text)
    if may_hold is None:
        may_hold = may_hold_deadline(text, folded=folded)
    if not may_hold and not _TIMES_OF_TODAY.in_(folded):
        return []
    candidates = []
    if low is None:
        low = folded if text.isascii() else text.lower()
    known: _Starts = {}
    for pattern, resolve in _rules_for(low, today_only=not may_hold):
        for match in _finditer(pattern, text, folded, known):
            try:
                fields = resolve(match, published)
            except (ValueError, OverflowError):  # a day no month has ("by 0 June") or a span past its end
                fields = None
            if fields is not None and _STARTING.search(text, max(0, match.start() - 14), match.start()):
                fields = COMMENCEMENT  # "Starting in 2022-23": a start, not a deadline
            if fields is not None:
                candidates.append((*_text_span(match), fields))
    candidates.sort(key=lambda item: (item[0], item[0] - item[1]))
    chosen: list[tuple[int, int, Fields]] = []
    reach = -1
    for start, end, fields in candidates:
        if start >= reach:
            chosen.append((start, end, fields))
            reach = end
    deadlines: list[Deadline] = []
    for start, end, fields in _without_starts(_without_spelled_out_lengths(chosen, text), text):
        if isinstance(fields, dict) and fields.pop(FINANCIAL, False):
            fields = _in_financial_year(fields, year_starts)
        if isinstance(fields, dict) and FINANCIAL_FOLLOWING in fields:
            following = fields.pop(FINANCIAL_FOLLOWING)
            fields["due"] = end_of_unit(published, "financial year", following=following, year_starts=year_starts)
        if not isinstance(fields, dict) or _ended_before(fields, published):  # COMMENCEMENT
            continue
        deadlines.append(_DEADLINE.validate_python(
            {**fields, "text": text[start:end].strip(), "span": (offset + start, offset + end)}))
    return without_units_told_twice(deadlines, text, offset) if len(deadlines) > 1 else deadlines


# A verb that starts the work just before a date: "work begins in the spring and ends by the autumn".
_STARTED: Final = re.compile(r"\b(?:start|starts|started|starting|begin|begins|began|beginning|commenc\w+|kick\w*\s+off|"
                      r"gets?\s+under\s+way)\b(?:\s+\w+){0,2}\s*$", re.IGNORECASE)


# A window that opens "in" or "on" a date: "applications open in January and close in March".
_OPENS: Final = re.compile(r"\bopen(?:s|ing)?\s*$", re.IGNORECASE)
_IN_OR_ON: Final = re.compile(r"(?:in|on)\s", re.IGNORECASE)


def _without_starts(chosen: list[tuple[int, int, Fields]], text: str) -> list[tuple[int, int, Fields]]:
    """A date that starts the work (or opens a window) is no deadline when the text gives another that ends it."""
    if len(chosen) < 2:
        return chosen
    kept = [item for item in chosen if not _starts(item[0], text)]
    return kept if kept else chosen


def _starts(start: int, text: str) -> bool:
    before = max(0, start - 40)
    return _STARTED.search(text, before, start) is not None or (
        _OPENS.search(text, before, start) is not None and _IN_OR_ON.match(text, start) is not None)


def _in_financial_year(fields: dict, year_starts: int) -> dict:
    """``fields`` read in an April-to-March year, moved to the year that starts in the month ``year_starts``
    ("2018-19" in Australia: 1 July 2018 to 30 June 2019)."""
    moved = dict(fields)
    for name in ("start", "end", "due"):
        if name in moved:
            day = add_months(moved[name], year_starts - 4)
            moved[name] = day if name == "start" else end_of_month(day.year, day.month)
    return moved


_UNTIL: Final = re.compile(r"[\s,]*(?:until|till)\b", re.IGNORECASE)
# A length added to one running now ("for a further 12 months until 31 October") is a deadline beside the day,
# ending no later than it.
_MORE: Final = re.compile(r"(?:for\s+)?(?:a\s+further|another|an?\s+additional)\b", re.IGNORECASE)


def _without_spelled_out_lengths(chosen: list[tuple[int, int, Fields]], text: str) -> list[tuple[int, int, Fields]]:
    """A length of time followed by the day it runs until ("for nine months, until 20 December") is one
    deadline: that day. A further length ("for a further 12 months until 31 October") is kept beside it, cut
    to end by that day."""
    if len(chosen) < 2:
        return chosen
    kept = []
    for (start, end, fields), following in zip(chosen, chosen[1:] + [None]):
        period = isinstance(fields, dict) and fields.get("type") == "period" and not fields.get(FINANCIAL)
        until = _UNTIL.match(text, end) if period and following is not None else None
        if until is not None and following is not None and end <= following[0] < until.end():  # the next deadline begins with "until"
            if _MORE.match(text, start) is None:
                continue
            fields = _ending_by(fields, following[2])
        kept.append((start, end, fields))
    return kept


def _ending_by(period: Fields, until: Fields) -> Fields:
    """``period`` ending no later than the day ``until`` is due."""
    if not isinstance(period, dict) or not isinstance(until, dict) or until.get("type") != "date":
        return period
    end, due = period.get("end"), until.get("due")
    return {**period, "end": due} if end is not None and due is not None and due < end else period


def _text_span(match: re.Match[str]) -> tuple[int, int]:
    """Where the deadline is written: the rule's ``text`` group where it has one ("have *six months* to")."""
    if "text" in match.re.groupindex and match.start("text") >= 0:
        return match.span("text")
    return match.span()


# The starts of WordSets in one text, by id(WordSet): found once for all the rules that ask.
_Starts = dict[int, list[int]]


def _words_start(words: WordSet, folded: str, known: _Starts | None) -> list[int]:
    """``words.starts(folded)``, remembered in ``known`` (the starts found in ``folded`` so far), if given."""
    if known is None:
        return words.starts(folded)
    key = id(words)
    starts = known.get(key)
    if starts is None:
        starts = known[key] = words.starts(folded)
    return starts


def _finditer(pattern: re.Pattern[str], text: str, folded: str, known: _Starts | None = None) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))``, found over ``folded`` (``fold(text)``); ``known``: see ``_words_start``."""
    key = id(pattern)
    core = _CORE.get(key)
    if core is not None and not _holds_core(core, folded, known):
        return []
    first = _FIRST.get(key)
    if first is None:
        hits = _FOLDED[key].finditer(folded)
    else:
        starts = _words_start(first, folded, known)
        hits = matches_at(_FOLDED[key], folded, _outside_words(starts, folded) if key in _AT_A_WORD else starts)
    return [pattern.match(text, hit.start()) for hit in hits]  # type: ignore[misc]  # matched again to read groups from ``text``


def _outside_words(starts: list[int], folded: str) -> list[int]:
    """The offsets of ``starts`` that no word character (as ``\\w`` reads one) stands before: where "\\b" holds
    before a word character."""
    return [at for at in starts if at == 0 or not (folded[at - 1].isalnum() or folded[at - 1] == "_")]


def _holds_core(core: re.Pattern[str], folded: str, known: _Starts | None = None) -> bool:
    """``core.search(folded) is not None``, tried only where a match may begin (``_CORE_STARTS``); ``known``: see
    ``_words_start``."""
    key = id(core)
    literal = _LITERAL_CORES.get(key)
    if literal is not None:
        return literal.in_(folded)
    starts = _CORE_STARTS.get(key)
    if starts is None or key == _DAY_CORE and not folded.isascii():  # "\d" matches other digits too
        return core.search(folded) is not None
    for at in _words_start(starts, folded, known):
        if core.match(folded, at) is not None:
            return True
    return False


def _ended_before(fields: dict, published: date) -> bool:
    last = fields.get("due") or fields.get("end")
    return last is not None and last < published
