"""One rule per way of writing a deadline: a compiled regex and a resolver that turns
its match into the deadline's fields, resolved against the publication date.

Each rule runs only on text holding one of its ``NEEDS`` (a lowercase word, the first digits of a
year or ``MONTH_NAME``): a substring test is far cheaper than a regex. A resolver returns a dict of fields (``type`` plus its values), ``COMMENCEMENT`` for a
start that is not a deadline ("from spring 2014"), or None when the match is no date. Those of financial
years and of response times are in :mod:`.financial_years` and :mod:`.response_times`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Final

from .calendar_units import (
    MONTH, YEAR, add_units, end_of_month, end_of_season, end_of_unit, month_number, season_start,
    upcoming_month_year, upcoming_season_year,
)
from .financial_years import FINANCIAL, FINANCIAL_FOLLOWING, full_year, read_due, read_named, read_span
from .numbers import NUMBER, parse_number
from .response_times import ANCHOR, read_bounded, read_cut, read_instantly, read_within

COMMENCEMENT: Final = "commencement"
Fields = dict | str | None
Rule = tuple[re.Pattern[str], Callable[[re.Match[str], date], Fields]]
MONTH_NAME: Final = "<month>"
_CENTURY: Final = ("19", "20")  # a rule whose match holds a YEAR needs one of these

_SEASON: Final = r"(?:spring|summer|autumn|fall|winter)"
_DAY: Final = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY: Final = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_ORDINAL_WORDS: Final = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                         "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                         "eighteenth", "nineteenth", "twentieth")
# A day of the month written in words ("the thirty-first of March"), by its words joined with hyphens.
DAYS_IN_WORDS: Final = ({word: day for day, word in enumerate(_ORDINAL_WORDS, start=1)}
                        | {f"twenty-{word}": 20 + day for day, word in enumerate(_ORDINAL_WORDS[:9], start=1)}
                        | {"thirtieth": 30, "thirty-first": 31})
# "twenty-second", "thirty-first" (a word DAYS_IN_WORDS lacks, "thirty-second", is none); one short alternation,
# as a pattern of every day's words cost more to compile than the rule saves.
_DAY_WORD: Final = (r"(?:(?:twenty|thirty)[\s-]+)?(?:" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) +
                    r"|thirtieth)")
_TO: Final = r"\s*(?:to|until|till|and|-|–)\s*"
_PREP: Final = (r"(?P<prep>by|in|on\s+or\s+before|on|before|until|till|through|during|throughout|from|no later than|in time for|"
         r"deadline(?:\s+for(?:\s+[\w-]+){1,4}?)?\s+(?:of|is))")
# "the end of", or "end" straight before a month or year ("by end March", "by end-2018")
_END_OF: Final = (rf"(?:(?:the\s+)?(?P<edge>end|close|middle|start|beginning)(?:\s+of\s+|(?:-|\s+)(?=(?:{MONTH}|\d))))?")
_BY_END: Final = rf"\b(?:{_PREP}\s+)?{_END_OF}"
# The words a match of _PREP, _END_OF or _WEEKDAY begins with ("in time for" begins with "in").
PREP_WORDS: Final = ("by", "in", "on", "before", "until", "till", "through", "during", "throughout", "from", "no later than",
              "deadline")
END_OF_WORDS: Final = ("the", "end", "close", "middle", "start", "beginning")
WEEKDAY_WORDS: Final = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _group(match: re.Match[str], name: str) -> str | None:
    """``match.groupdict().get(name)``, without building the dict of every group."""
    return match.group(name) if name in match.re.groupindex else None


def _is_start(match: re.Match[str]) -> bool:
    return (_group(match, "prep") or "").lower() == "from"


# Prepositions after which a unit is due the day before it begins.
_BEFORE_IT_BEGINS: Final = ("before", "in time for")


def _due(match: re.Match[str], due: date, published: date, first: date | None = None) -> Fields:
    """A due date for "by/in/on/until X" (the labelling rules read "extended the mandate until X" as due on X);
    a bare date with no preposition is no deadline."""
    if _is_start(match):
        return COMMENCEMENT
    prep = (_group(match, "prep") or "").lower()
    edge = (_group(match, "edge") or "").lower()
    if not prep and not edge and not _group(match, "rel") and not _group(match, "yrel"):
        return None  # "April next year" is read with no preposition, as "next April" is
    if edge in ("start", "beginning"):
        if first is None:
            return None
        due = first
    elif edge == "middle":
        return None
    elif prep in _BEFORE_IT_BEGINS and not edge and first is not None:
        due = first - timedelta(days=1)  # "before summer", "in time for summer" end when summer begins
    if prep == "on" and due <= published:
        return None  # "On 29 November the Prime Minister visited …": when something happened
    return {"type": "date", "due": due}


def _amount(match: re.Match[str]) -> float | None:
    """The number of units a match counts: "three", "2.5", "two and a half" (the ``half`` group)."""
    amount = parse_number(match["n"])
    return None if amount is None else amount + 0.5 * bool(match["half"])


def _relative_period(match: re.Match[str], published: date) -> Fields:
    unit = match["unit"].lower()
    if match["n"]:
        amount = _amount(match)
    else:
        amount = None if match["plural"] else 1.0
    if amount is None:
        return {"type": "period", "start": published, "end": None, "vague": True}
    return {"type": "period", "start": published, "end": add_units(published, amount, unit)}


# A duration that says how long something lasts or is kept, not by when it is done: "records are kept for
# five years", "the licence is valid for three years", "jailed for six years".
_NON_DIGITS: Final = re.compile(r"\D")  # dropped from a day's number ("1st" → "1")
_LASTING: Final = re.compile(r"\b(?:keep|kept|keeps|retain\w*|stor(?:e|ed|es|ing)|valid|last|lasts|held|hold|holds|"
                      r"sentenced|jailed|imprisoned|banned|disqualified|suspended|remain|remains|live[ds]?|lived|"
                      r"serv(?:e|ed|ing)|detained)\b[^.;,]{0,40}$", re.IGNORECASE)


def _fixed_duration(match: re.Match[str], published: date) -> Fields:
    if _LASTING.search(match.string, max(0, match.start() - 60), match.start()):
        return None
    amount = _amount(match)
    if amount is None:
        return None
    if match["fm"]:  # "over two years from April 2025", "for two years from 1 April 2025": from that day
        day = int(_NON_DIGITS.sub("", match["fd"])) if match["fd"] else 1
        start = date(int(match["fy"]), month_number(match["fm"]), day)
        return {"type": "period", "start": start, "end": add_units(start, amount, match["unit"]) - timedelta(days=1)}
    if match["from"]:  # "over five years beginning in 2015-16", "over four years from 2018-19": from that year's first day
        return _from_year(match, amount)
    return {"type": "period", "start": published, "end": add_units(published, amount, match["unit"])}


def _more_units(match: re.Match[str], published: date) -> Fields:
    """"a further year of funding", "for another year", "a two-year extension": a period from publication, as "for a
    further three years" is."""
    if _LASTING.search(match.string, max(0, match.start() - 60), match.start()):
        return None
    amount = parse_number(match["n"]) if match["n"] else 1.0
    if amount is None:
        return None
    return {"type": "period", "start": published, "end": add_units(published, amount, match["unit"] or match["unit2"])}


# What is still to come: "will announce", "is to vote", "is due to speak", "are going to".
_TO_COME: Final = re.compile(r"\b(?:will|shall|(?:is|are)\s+(?:due\s+)?to|going\s+to)\b|\w['’]ll\b", re.IGNORECASE)


# Where a clause ends: a mark, or a word that opens another ("said tonight that the Government will build").
_CLAUSE_BREAK: Final = re.compile(r"[,;:()\u2013\u2014]|[.!?](?=\s|$)|\b(?:that|who|which|whom|whose|while|whereas|but)\b",
                                  re.IGNORECASE)


def _this_day(match: re.Match[str], published: date) -> Fields:
    """"this afternoon", "this evening", "tonight": a time of the publication day, due that day when its own
    clause says what is still to come then ("will announce this afternoon"); "adopted this afternoon" is when it
    was done, and "voted tonight to approve it, and the Mayor will sign it" says so of another clause."""
    if _TO_COME.search(match.string) is None:  # the common case, found faster than the clause
        return None
    begin, end = _clause(match.string, match.start(), match.end())
    return {"type": "date", "due": published} if _TO_COME.search(match.string, begin, end) else None


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause of ``text[start:end]`` begins and ends; a time set apart by itself ("This afternoon, the
    Minister will", "will, this evening, set out") takes the clauses beside it, as one that opens a sentence
    does (capitalised, after a heading run into it)."""
    breaks = [(found.start(), found.end()) for found in _CLAUSE_BREAK.finditer(text)]
    before = [index for index, (_, after) in enumerate(breaks) if after <= start]
    following = [index for index, (at, _) in enumerate(breaks) if at >= end]
    first = before[-1] if before else -1
    last = following[0] if following else len(breaks)
    if (text[start].isupper() or not text[breaks[first][1] if first >= 0 else 0:start].strip()) and (
            last == len(breaks) or not text[end:breaks[last][0]].strip()):
        first, last = first - 1, last + 1
    return (breaks[first][1] if first >= 0 else 0), (breaks[last][0] if last < len(breaks) else len(text))


# A term agreed before: "the three-year funding settlement agreed in 2021", "... signed last year".
_DONE_BEFORE: Final = re.compile(rf"\s+(?:(?:that|which)\s+(?:was|were)\s+)?\w+ed\s+(?:(?:in|on|during)\s+"
                                 rf"(?:\w+\s+)?(?P<y>{YEAR})\b|last\s+(?:year|month|week)\b|\w+\s+years?\s+ago\b)",
                                 re.IGNORECASE)


def _funding_term(match: re.Match[str], published: date) -> Fields:
    """"five-year funding terms", "a three-year funding deal": a period of that many years from publication;
    one agreed before publication ("the three-year funding settlement agreed in 2021") is none."""
    done = _DONE_BEFORE.match(match.string, match.end())
    if done is not None and (done["y"] is None or int(done["y"]) <= published.year):
        return None
    amount = parse_number(match["n"])
    return None if amount is None else {"type": "period", "start": published, "end": add_units(published, amount, "year")}


def _from_year(match: re.Match[str], amount: float) -> Fields:
    first = int(match["from"])
    financial = match["to"] is not None
    if financial and full_year(match["to"], 0) % 100 != (first + 1) % 100:
        return None
    start = date(first, 4, 1) if financial else date(first, 1, 1)
    fields = {"type": "period", "start": start, "end": add_units(start, amount, match["unit"]) - timedelta(days=1)}
    if financial:
        fields[FINANCIAL] = True  # moved to the publisher's own year by the caller
    return fields


def _milestone(match: re.Match[str], published: date) -> Fields:
    """A timetable line led by its date: "June 2026: services must publish …" is due then."""
    month, year = month_number(match["m"]), int(match["y"])
    due = date(year, month, int(_NON_DIGITS.sub("", match["d"]))) if match["d"] else end_of_month(year, month)
    return {"type": "date", "due": due}


def _milestone_part(match: re.Match[str], published: date) -> Fields:
    """A timetable line led by a season or part of a year: "Spring 2025: services must …", "Q1 2025: …",
    "Early 2025: …" are due when it ends."""
    year = int(match["y"])
    if match["s"]:
        return {"type": "date", "due": end_of_season(year, match["s"])}
    if match["q"]:
        return {"type": "date", "due": end_of_month(year, _PARTS[match["q"].lower()][1])}
    return {"type": "date", "due": end_of_month(year, _PART_ENDS[match["part"].lower()])}


def _academic_year(match: re.Match[str], published: date) -> Fields:
    """An academic year runs 1 September to 31 August."""
    current = published.year if published.month >= 9 else published.year - 1
    first = current if match["rel"].lower() in ("this", "current") else current + 1
    return {"type": "period", "start": date(first, 9, 1), "end": date(first + 1, 8, 31)}


_YEAR_NUMBER: Final = re.compile(YEAR)


def _years_in_a_row(match: re.Match[str], published: date) -> Fields:
    """"in 2024 and 2025", "in 2024, 2025 and 2026": years that follow one another, one period (as "across
    2018-19 and 2019-20" is); years apart are left to the rule of one year, which reads the first."""
    years = [int(year) for year in _YEAR_NUMBER.findall(match["years"])]
    if any(later != earlier + 1 for earlier, later in zip(years, years[1:])):
        return None
    return {"type": "period", "start": date(years[0], 1, 1), "end": date(years[-1], 12, 31)}


def _year_range(match: re.Match[str], published: date) -> Fields:
    first, last = int(match["y1"]), int(match["y2"])
    if last < first:
        return None
    return {"type": "period", "start": date(first, 1, 1), "end": date(last, 12, 31)}


# A number of four digits or more straight after a day, month or season read with no year: a year YEAR does not
# read (before 1900, from 2100). Left out, it would make "by 1 January 2100" the next 1 January: no deadline.
_UNREAD_YEAR: Final = re.compile(r",?\s+(?:of\s+)?\(?\d{4}")


def _year_unread(match: re.Match[str], group: str) -> bool:
    return not match[group] and _UNREAD_YEAR.match(match.string, match.end()) is not None


def _month_range(match: re.Match[str], published: date) -> Fields:
    if _year_unread(match, "y2"):
        return None
    m1, m2 = month_number(match["m1"]), month_number(match["m2"])
    y2 = _relative_year(match, published) or full_year(match["y2"], full_year(match["y1"], published.year))
    y1 = full_year(match["y1"], y2 - 1 if m1 > m2 else y2)
    start = date(y1, m1, int(_NON_DIGITS.sub("", match["d1"]))) if match["d1"] else date(y1, m1, 1)
    end = date(y2, m2, int(_NON_DIGITS.sub("", match["d2"]))) if match["d2"] else end_of_month(y2, m2)
    return {"type": "period", "start": start, "end": end} if start <= end else None


# A day written with no year that fell this long before publication is when something happened ("the resolution
# adopted on 28 September", published in November), not a day the next year.
_RECENT_PAST: Final = timedelta(days=92)


def _day(match: re.Match[str], published: date) -> Fields:
    return _day_of(match, published, int(_NON_DIGITS.sub("", match["d"])))


def _day_in_words(match: re.Match[str], published: date) -> Fields:
    """"by the thirty-first of March": as "by 31 March"."""
    day = DAYS_IN_WORDS.get("-".join(match["dw"].lower().replace("-", " ").split()))
    return None if day is None else _day_of(match, published, day)


def _day_of(match: re.Match[str], published: date, day: int) -> Fields:
    """The ``day`` of the month (the ``m`` group) a match names, in its year (``y`` or ``yrel``) or the next."""
    if _year_unread(match, "y"):
        return None
    month = month_number(match["m"])
    if day > 31:
        return None
    named = _relative_year(match, published)
    if not match["y"] and named is None and \
            published - _RECENT_PAST <= _same_year_day(published.year, month, day) < published:
        return None
    year = named or full_year(match["y"], upcoming_month_year(month, published))
    due = _same_year_day(year, month, day)  # "by 31 February 2027": the month it names, due at its end
    if (match["prep"] or "").lower() in _BEFORE_IT_BEGINS:
        due -= timedelta(days=1)
    return _due(match, due, published)


def _days_of_a_month(match: re.Match[str], published: date) -> Fields:
    """"from 5 to 8 August", "on 16-17 May 2023", "on 3 and 4 December": something held over days of one month,
    due on the last of them; days gone by are when something happened."""
    if _year_unread(match, "y"):
        return None
    month, first, day = month_number(match["m"]), int(_NON_DIGITS.sub("", match["d1"])), int(_NON_DIGITS.sub("", match["d"]))
    if first >= day:
        return None
    due = date(full_year(match["y"], upcoming_month_year(month, published)), month, day)
    if not match["y"] and published - _RECENT_PAST <= _same_year_day(published.year, month, day) < published:
        return None
    return {"type": "date", "due": due} if due > published else None


def _same_year_day(year: int, month: int, day: int) -> date:
    """The ``day`` of ``month``, or the month's last day where it has fewer days."""
    return date(year, month, min(day, end_of_month(year, month).day))


def _iso_day(match: re.Match[str], published: date) -> Fields:
    """"by 2027-03-31": due that day; a day the month lacks ("2027-02-30") at the month's end, as "31 February"."""
    day = int(match["d"])
    if not 1 <= day <= 31:
        return None
    due = _same_year_day(int(match["y"]), int(match["mo"]), day)
    if (match["prep"] or "").lower() in _BEFORE_IT_BEGINS:
        due -= timedelta(days=1)
    return _due(match, due, published)


_LAST_YEAR: Final = re.compile(r"\s+last\s+year\b", re.IGNORECASE)
# A year named relative to publication after a month, season or part of a year: "June next year".
_RELATIVE_YEAR: Final = r"(?P<yrel>this|next)\s+year\b"


def _relative_year(match: re.Match[str], published: date) -> int | None:
    """The year "this year" or "next year" (the ``yrel`` group) names, if the match has one."""
    rel = (_group(match, "yrel") or "").lower()
    return None if not rel else published.year + (rel == "next")


# Month names that are other words in lower case: "this may be", "the next march", "this august body".
_OTHER_WORDS: Final = frozenset(("may", "march", "august"))


def _month(match: re.Match[str], published: date) -> Fields:
    if not match["y"] and _LAST_YEAR.match(match.string, match.end()):
        return None  # "opened in September last year"
    month = month_number(match["m"])
    rel = (match["rel"] or "").lower()
    if rel and match["m"].lower() in _OTHER_WORDS and match["m"][0].islower():
        return None
    named = _relative_year(match, published)
    if not match["y"] and named is None and not rel and (match["prep"] or "").lower() == "in" and \
            published - _RECENT_PAST <= end_of_month(published.year, month) < published:
        return None  # "In March, the codes came into force", published in May: when something happened
    if rel == "next" and not match["y"] and named is None:  # "next April": the next one not yet begun
        named = published.year if date(published.year, month, 1) > published else published.year + 1
    year = named or full_year(match["y"], upcoming_month_year(month, published))
    return _due(match, end_of_month(year, month), published, date(year, month, 1))


def _season(match: re.Match[str], published: date) -> Fields:
    if _year_unread(match, "y"):
        return None
    season, rel = match["s"].lower(), (match["rel"] or "").lower()
    if match["y"]:
        year = full_year(match["y"], published.year)
    elif match["yrel"]:
        year = published.year + (match["yrel"].lower() == "next")
    elif rel == "this" or rel == "later this":
        year = published.year
    else:
        year = upcoming_season_year(season, published, following=rel == "next")
    due = end_of_season(year, season)
    return _due(match, due, published, season_start(due, season))


# A part of a year: its first and last month.
_PARTS: Final = {"q1": (1, 3), "first quarter": (1, 3), "q2": (4, 6), "second quarter": (4, 6), "q3": (7, 9),
          "third quarter": (7, 9), "q4": (10, 12), "fourth quarter": (10, 12), "final quarter": (10, 12),
          "last quarter": (10, 12), "h1": (1, 6), "first half": (1, 6), "h2": (7, 12), "second half": (7, 12)}


def _year_part(match: re.Match[str], published: date) -> Fields:
    """"by Q2 2018", "in the third quarter of 2018", "the first half of 2019": the end of that part of the year."""
    first, last = _PARTS[" ".join(match["part"].lower().split())]
    year = int(match["y"]) if match["y"] else published.year + (match["yrel"].lower() == "next")
    return _due(match, end_of_month(year, last), published, date(year, first, 1))


# The last month of a part of a year: "early 2024" is January to April (as the labels read it), "mid-2027"
# ends with June, "late 2027" with the year.
_PART_ENDS: Final = {"early": 4, "mid": 6, "late": 12}


def _calendar_year(match: re.Match[str], published: date) -> Fields:
    year = int(match["y"])
    last_month = _PART_ENDS.get((match["part"] or "").lower(), 12)
    return _due(match, end_of_month(year, last_month), published, date(year, 1, 1))


# This year (month, week) named as the time something happened in, as "earlier this year" is: "so far this
# year", "already this year", "this year alone", "the first two months of this year", "the same period next year".
_GONE_BY_BEFORE: Final = re.compile(r"\b(?:so\s+far|already|to\s+date|(?:first|past|last|opening)\s+(?:[\w-]+\s+)?"
                             r"(?:days|weeks|months|quarters?|half)\s+of|same\s+(?:period|time|months?|quarter)\s+"
                             r"(?:of\s+)?)\s*$", re.IGNORECASE)
_GONE_BY_AFTER: Final = re.compile(r"\s*(?:so\s+far|to\s+date|alone)\b", re.IGNORECASE)


def _gone_by(match: re.Match[str]) -> bool:
    text, start = match.string, match.start("rel")
    return (_GONE_BY_BEFORE.search(text, max(0, start - 40), start) is not None
            or _GONE_BY_AFTER.match(text, match.end()) is not None)


def _this_unit(match: re.Match[str], published: date) -> Fields:
    unit = " ".join(match["unit"].lower().replace("fiscal", "financial").split())
    within = (match["within"] or "").lower()  # "later in the year" is this year's end, as "later this year" is
    if match["rel"].lower() == "the" and not match["edge"] and not within:
        return None
    if (match["when"] or within).lower() == "earlier" or _gone_by(match):
        return None  # "the talks earlier this year", "so far this year": when something happened
    following = 1 if (match["rel"] or "").lower() == "next" else 0
    due = end_of_unit(published, unit, following=following)
    part_ends = _PART_ENDS.get((match["when"] or "").lower())
    if part_ends and unit == "year":
        due = end_of_month(due.year, part_ends)  # "early next year" ends with April, as "early 2024" does
    fields = _due(match, due, published)
    if isinstance(fields, dict) and unit == "financial year":
        fields[FINANCIAL_FOLLOWING] = following  # the publisher's own year, which the caller knows
    return fields


_UNIT: Final = r"(?P<unit>year|month|week|decade|(?:financial|fiscal)\s+year)"

RULES: Final[list[Rule]] = [
    (_compile(rf"\bwithin\s+(?:the\s+)?(?:(?P<low>{NUMBER})\s*(?:to|-|–|or)\s*)?(?P<high>{NUMBER})?\s*"
              r"(?P<unit>second|minute|hour|day|week)(?P<plural>s)?\b"
              rf"(?:\s+(?:of|after|from|following|upon)\s+{ANCHOR})?"), read_within),
    (_compile(r"\binstantly\b"), read_instantly),
    (_compile(rf"\b(?:over|during|in|within|for|across)\s+the\s+(?:next|coming|following|forthcoming)\s+"
              rf"(?:(?P<n>{NUMBER})(?P<half>\s+and\s+a\s+half)?\s+|(?:several|few)\s+)?(?P<unit>day|week|month|year|decade)(?P<plural>s)?\b"
              r"(?:\s+(?:and|or)\s+(?:day|week|month|year)s)?"), _relative_period),
    (_compile(r"\btomorrow\b"), lambda match, published: {"type": "date", "due": published + timedelta(days=1)}),
    (_compile(rf"\b(?:for|within|over|in)\s+(?:a\s+(?:further|period\s+of)\s+|another\s+|(?:an\s+)?additional\s+)?"
              rf"(?P<n>{NUMBER})(?P<half>\s+and\s+a\s+half)?\s+(?P<unit>week|month|year)s?\b(?:['’]s?\s+time\b)?"
              rf"(?:,?\s+(?:(?:beginning|starting|commencing)\s+(?:in|on)|from)\s+(?:(?:fiscal|financial)\s+year\s+)?"
              rf"(?:(?P<from>{YEAR})(?:\s*[-–/]\s*(?P<to>(?:19|20)?\d\d))?\b(?!\s*[-–/]\s*\d)|"
              rf"(?:(?P<fd>{_DAY})\s+(?:of\s+)?)?(?P<fm>{MONTH})\s+(?P<fy>{YEAR})\b))?"), _fixed_duration),
    (_compile(rf"\b(?:in|for|during|over|across)\s+(?:the\s+|its\s+|their\s+)?"
              rf"(?:(?:financial|fiscal|academic|school)\s+year\s+)?"
              rf"(?P<y1>{YEAR})\s*(?:-|–|/|\s+to\s+)\s*(?P<y2>(?:19|20)?\d\d)\b(?!\s*[-–/]\s*\d)"
              rf"(?:\s+(?:and|to)\s+(?P<y3>{YEAR})\s*(?:-|–|/)\s*(?P<y4>(?:19|20)?\d\d)\b)?"), read_span),
    (_compile(rf"(?<![\d/-])(?P<y1>{YEAR})\s*[-–]\s*(?P<y2>{YEAR})\b"), _year_range),
    (_compile(r"\b(?:(?:for|in|during|over|across|by)\s+)?(?:the\s+)?(?P<rel>next|this|current|coming|following)\s+"
              r"(?:academic|school)\s+year\b"), _academic_year),
    (_compile(r"\b(?:(?:in\s+)?both\s+)?this\s+year\s+and\s+next(?:\s+year)?\b(?!['’]|\s*year['’])"),
     lambda match, published: {"type": "period", "start": published, "end": date(published.year + 1, 12, 31)}),
    (_compile(rf"\b(?:between|from)\s+(?P<y1>{YEAR})\s+(?:and|to|until)\s+(?P<y2>{YEAR})\b"), _year_range),
    (_compile(rf"\b(?:from|between|(?:for|during|over)\s+the\s+period(?:\s+(?:from|of))?)\s+"
              rf"(?:(?P<d1>{_DAY})\s+)?(?P<m1>{MONTH})(?:\s+(?P<y1>{YEAR}))?{_TO}"
              rf"(?:(?P<d2>{_DAY})\s+)?(?P<m2>{MONTH})(?:,?\s+\(?(?P<y2>{YEAR})\)?|\s+{_RELATIVE_YEAR})?"),
     _month_range),
    (_compile(rf"{_BY_END}{_WEEKDAY}(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{MONTH}),?"
              rf"(?:\s+(?P<y>{YEAR})|\s+(?:of\s+)?{_RELATIVE_YEAR})?\b"),
     _day),
    (_compile(rf"{_BY_END}{_WEEKDAY}(?P<m>{MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{YEAR}))?\b(?![:.]?\d)"
              r"(?!\s*(?:[-–]|and|to)\s*\d)"), _day),
    (_compile(rf"{_BY_END}(?:(?:early|mid|late)[\s-]+)?(?:(?P<rel>next|this)\s+)?(?P<m>{MONTH})"
              rf"(?:\s+(?P<y>{YEAR})|\s+(?:of\s+)?{_RELATIVE_YEAR})?\b(?!\s*\d)"), _month),
    (_compile(rf"\b(?:(?:{_PREP}|(?P<rel>later\s+this|this|next))\s+){_END_OF}(?:the\s+)?"
              rf"(?:(?:early|late)\s+)?(?P<s>{_SEASON})(?:\s+(?:of\s+)?(?:(?P<y>{YEAR})|{_RELATIVE_YEAR}))?\b"), _season),
    (_compile(rf"\b{_PREP}\s+{_END_OF}(?:the\s+year\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<y>{YEAR})\b"
              r"(?!\s*[-–/]\s*\d)"),
     _calendar_year),
    (_compile(rf"{_BY_END}(?:(?P<when>later|earlier|early|mid|late)[\s-]+|(?P<within>later|earlier)\s+in\s+(?=the\s))?"
              rf"(?P<rel>this|next|the)\s+{_UNIT}\b(?!['’]s)(?!\s+(?:19|20)\d\d\b)"),
     _this_unit),
    (_compile(rf"^\s*(?P<text>(?:(?P<d>{_DAY})\s+)?(?P<m>{MONTH})\s+(?P<y>{YEAR}))\s*[:–—-]\s"), _milestone),
    (_compile(rf"\b(?:in\s+)?(?:under|less\s+than|no\s+more\s+than|at\s+most)\s+(?P<high>{NUMBER})\s*"
              r"(?P<unit>second|minute|hour)s?\b(?:\s+(?:of|after|from|following|upon)\s+"
              rf"{ANCHOR})?"), read_bounded),
    (_compile(rf"\b(?P<low>an?|{NUMBER})\s+(?:(?P<unit>second|minute|hour)s?\s+)?(?:or|to)\s+(?P<high>{NUMBER})\s+"
              r"(?(unit)|(?P<unit2>second|minute|hour)s?\s+)(?:after|following)\s+"
              rf"{ANCHOR}"), read_bounded),
    (_compile(rf"\b(?P<prep>by|before|no\s+later\s+than|until|till|through|to)\s+(?:the\s+end\s+of\s+)?(?:the\s+)?"
              rf"(?:(?:financial|fiscal)\s+year\s+)?(?P<y1>{YEAR})\s*(?:-|–|/)\s*(?P<y2>(?:19|20)?\d\d)\b"
              r"(?!\s*[-–/]\s*\d)"), read_due),
    (_compile(r"\b(?:soon|shortly|in\s+the\s+near\s+future|in\s+due\s+course|imminently|"
              r"in\s+the\s+short(?:\s+term|-term(?=\s*[,.;:]))(?![\s-]*(?:and|or|to)\b))\b"),
     lambda match, published: {"type": "period", "start": published, "end": None, "vague": True}),
    (_compile(rf"\b{_PREP}\s+{_END_OF}(?:the\s+)?(?P<part>q[1-4]|h[12]|(?:first|second|third|fourth|final|last)\s+"
              rf"quarter|(?:first|second)\s+half)(?:\s+of)?\s+(?:(?P<y>{YEAR})\b|{_RELATIVE_YEAR})"), _year_part),
    (_compile(rf"\b(?:(?P<prep>by|before|no\s+later\s+than|until|through)\s+(?:the\s+end\s+of\s+)?)?"
              rf"(?:fiscal\s+year(?:\s*\(fy\))?|fy)\s*(?P<y>{YEAR})\b(?!\s*[-–/]\s*\d)"), read_named),
    (_compile(rf"\b(?:for|during|over)\s+(?:the|a)\s+period\s+(?:beginning|starting|commencing)\s+(?:on\s+)?"
              rf"(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{MONTH}),?(?:\s+(?P<y1>{YEAR}))?,?\s+and\s+"
              rf"(?:ending|expiring)\s+(?:on\s+)?(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{MONTH}),?"
              rf"(?:\s+(?P<y2>{YEAR}))?\b"), _month_range),
    (_compile(rf"^\s*(?P<text>(?:(?P<part>early|mid|late)[\s-]+|(?P<s>{_SEASON})\s+(?:of\s+)?|(?P<q>q[1-4]|h[12])\s+)"
              rf"(?P<y>{YEAR}))\s*[:–—-]\s"), _milestone_part),
    (_compile(rf"\b(?:in|during|over|across|throughout)\s+(?:both\s+)?(?P<years>{YEAR}(?:\s*,\s*{YEAR})*,?\s+(?:and|&)\s+"
              rf"{YEAR})\b(?!\s*[-–/]\s*\d)"), _years_in_a_row),
    # A response time cut to a shorter one: "halved from 48 hours to 24", "from two hours to thirty minutes".
    (_compile(rf"\bfrom\s+(?P<old>{NUMBER})\s+(?P<unit>second|minute|hour)s?\s+(?:down\s+)?to\s+(?P<new>{NUMBER})"
              r"(?:\s+(?P<unit2>second|minute|hour)s?)?\b"), read_cut),
    # The financial year that names a budget: "The 2019-20 Budget will provide", as "in the 2019-20 Budget" is read.
    (_compile(rf"\bthe\s+(?P<text>(?P<y1>{YEAR})\s*[-–/]\s*(?P<y2>(?:19|20)?\d\d))\b(?!\s*[-–/]\s*\d)"
              r"(?=\s+(?:[\w'’$.,-]+\s+){0,6}?budget\b)"), read_span),
    (_compile(rf"\b(?:on|from|between)\s+(?P<d1>{_DAY})\s*(?:-|–|to|and|until)\s*(?P<d>{_DAY})\s+(?:of\s+)?"
              rf"(?P<m>{MONTH})(?:,?\s+(?P<y>{YEAR}))?\b(?!\s*\d)"), _days_of_a_month),
    (_compile(rf"\b(?:(?:a\s+further|another|(?:an\s+)?additional)\s+(?P<unit>year|month|week)\b(?!['’]s)|"
              rf"an?\s+(?P<n>{NUMBER})[\s-]+(?P<unit2>year|month|week)\s+(?:extension|renewal)\b)"), _more_units),
    (_compile(r"\b(?:this\s+(?:afternoon|evening)|tonight)\b"), _this_day),
    (_compile(rf"\b(?P<n>{NUMBER})[\s-]+years?\s+funding\s+(?:terms?|deals?|agreements?|settlements?)\b"), _funding_term),
    (_compile(rf"\b{_PREP}\s+(?P<y>{YEAR})-(?P<mo>0?[1-9]|1[0-2])-(?P<d>\d\d)\b(?![-/]?\d)"), _iso_day),
    (_compile(rf"{_BY_END}{_WEEKDAY}the\s+(?P<dw>{_DAY_WORD})\s+of\s+(?P<m>{MONTH}),?"
              rf"(?:\s+(?P<y>{YEAR})|\s+(?:of\s+)?{_RELATIVE_YEAR})?\b"), _day_in_words),
]

# What each rule in RULES needs before its regex is worth running (any one of them), in the same order.
NEEDS: Final[list[tuple[str, ...]]] = [
    ("within",), ("instantly",), ("next", "coming", "following", "forthcoming"), ("tomorrow",),
    ("week", "month", "year"), _CENTURY, _CENTURY, ("academic", "school year"), ("this year and next",), _CENTURY,
    (MONTH_NAME,), (MONTH_NAME,), (MONTH_NAME,), (MONTH_NAME,), ("spring", "summer", "autumn", "fall", "winter"),
    _CENTURY, ("year", "month", "week", "decade"),
    (MONTH_NAME,), ("under", "less than", "no more than", "at most"), ("after", "following"), _CENTURY,
    ("soon", "shortly", "near future", "due course", "imminently", "short"), _CENTURY + ("this year", "next year"),
    ("fiscal year", "fy"), ("period",), _CENTURY, _CENTURY, ("from",), ("budget",), (MONTH_NAME,), ("further", "another", "additional", "extension", "renewal"),
    ("afternoon", "evening", "tonight"), ("funding",), _CENTURY, (MONTH_NAME,),
]
assert len(NEEDS) == len(RULES)
ISO_DAY: Final = len(RULES) - 2  # the index of the rule of a day in ISO form
DAY_IN_WORDS: Final = len(RULES) - 1  # and of a day in words

# Text every match of a rule holds, found (over the fold) far faster than the rule's own regex scans: the
# rule runs only on text holding it. By index in RULES.
CORES: Final[dict[int, re.Pattern[str]]] = {
    2: re.compile(r"the\s+(?:next|coming|following|forthcoming)\s"),  # "over the next three years"
    5: re.compile(rf"{YEAR}\s*(?:-|–|/|\s+to\s+)\s*(?:19|20)?\d\d\b"),  # "in 2018-19"
    6: re.compile(rf"{YEAR}\s*[-–]\s*{YEAR}\b"),  # "2018-2020"
    9: re.compile(rf"{YEAR}\s+(?:and|to|until)\s+{YEAR}\b"),  # "between 2018 and 2020"
    11: re.compile(rf"{_DAY}\s+(?:of\s+)?{MONTH}"),  # "by the 1st of June"
    12: re.compile(rf"{MONTH}\s+{_DAY}\b"),  # "by June 1, 2018", "by June 30"
    16: re.compile(rf"(?:this|next|the)\s+{_UNIT}\b"),  # "by the end of this year"
    18: re.compile(r"(?:hour|minute|second)"),  # "in under 12 hours"
    # "an hour or two after"
    19: re.compile(r"(?:or|to)\s+\S+\s+(?:(?:hour|minute|second)s?\s+)?(?:after|following)\s"),
    20: re.compile(rf"{YEAR}\s*(?:-|–|/)\s*(?:19|20)?\d\d\b"),  # "by 2023/24"
    22: re.compile(r"q[1-4]|h[12]|quarter|half"),  # "by the second quarter of 2019", "in H2 2020"
    # "by fiscal year 2025", "FY2024" ("fy" of "justify": none), "Fiscal Year (FY) 2023"
    23: re.compile(rf"(?:fiscal\s+year(?:\s*\(fy\))?|fy)\s*{YEAR}\b"),
    26: re.compile(rf"{YEAR},?\s+(?:and|&)\s+{YEAR}\b"),  # "in 2024 and 2025"
    ISO_DAY: re.compile(rf"{YEAR}-\d\d?-\d\d"),  # "by 2027-03-31"
    DAY_IN_WORDS: re.compile(rf"{_DAY_WORD}\s+of\s+{MONTH}"),  # "by the thirty-first of March"
}
