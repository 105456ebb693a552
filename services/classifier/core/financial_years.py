"""Financial years in deadlines: "2018-19", "across 2018-19 and 2019-20", "by 2023/24", "Fiscal Year 2019".
Each is read as a year from April to March and marked ``FINANCIAL``: the caller moves it to the publisher's
own year (July in Australia, October in the US). Resolvers for :mod:`.deadline_rules`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Final

from .folding import case_sensitive, fold, matches_at, word_starts

# Set in the fields of a financial year read as April to March: the caller moves it to the publisher's own year.
FINANCIAL: Final = "financial"
# Set in the fields of "this/next financial year", to the number of years after the one holding publication:
# the caller resolves it in the publisher's own year.
FINANCIAL_FOLLOWING: Final = "financial_following"


def full_year(text: str | None, fallback: int) -> int:
    """The year written as ``text`` ("2019", or "19" for 2019); ``fallback`` when there is none."""
    if not text:
        return fallback
    value = int(text)
    return value + 2000 if value < 100 else value


def read_span(match: re.Match[str], published: date) -> dict | None:
    """"2018-19" → 2018-04-01..2019-03-31; "across 2018-19 and 2019-20" → 2018-04-01..2020-03-31; an academic or
    school year so named ("the 2018/19 academic year", "the academic year 2018-19") → 2018-09-01..2019-08-31; "The
    2018-19 Budget will provide" (a match with no ``y3``) → that financial year."""
    first, second = int(match["y1"]), full_year(match["y2"], 0)
    if second % 100 != (first + 1) % 100:
        return None
    last = first
    if "y3" in match.re.groupindex and match["y3"] and full_year(match["y4"], 0) % 100 == (int(match["y3"]) + 1) % 100 and int(match["y3"]) > first:
        last = int(match["y3"])
    if _ACADEMIC.search(match.group()) or _ACADEMIC_AFTER.match(match.string, match.end()):
        return {"type": "period", "start": date(first, 9, 1), "end": date(last + 1, 8, 31)}
    return {"type": "period", "start": date(first, 4, 1), "end": date(last + 1, 3, 31), FINANCIAL: True}


_ACADEMIC: Final = re.compile(r"\b(?:academic|school)\s+year\b", re.IGNORECASE)
_ACADEMIC_AFTER: Final = re.compile(r"\s+(?:academic|school)\s+years?\b", re.IGNORECASE)


# Before "to", a year ("from 2024-25 to 2026-27": a run of years) or a comparison ("compared to 2016-17", "relative
# to"): no day it is due by.
_NOT_UNTIL: Final = re.compile(r"(?:\d|\b(?:compared|relative|comparison))\s*$", re.IGNORECASE)
# After it, what the year names ("raise spending to 2028-29 levels", "the total to 2028-29 targets"): a level, not a
# day it is due by.
_A_LEVEL: Final = re.compile(r"\s+(?:levels?|targets?|figures?|baselines?|prices?|plans?|rates?|budgets?|allocations?|"
                             r"totals?|spending|funding)\b", re.IGNORECASE)


def read_due(match: re.Match[str], published: date) -> dict | None:
    """"by 2023/24", "until 2023/24", "to 2030-31" → the last day of that financial year (31 March of its second
    year); "from 2024-25 to 2026-27", "compared to 2016-17", "to 2028-29 levels" → None."""
    first, second = int(match["y1"]), full_year(match["y2"], 0)
    if second % 100 != (first + 1) % 100:
        return None
    if match["prep"].lower() == "to" and (_NOT_UNTIL.search(match.string, max(0, match.start() - 12), match.start())
                                         or _A_LEVEL.match(match.string, match.end())):
        return None
    return {"type": "date", "due": date(first + 1, 3, 31), FINANCIAL: True}


def read_named(match: re.Match[str], published: date) -> dict:
    """"Fiscal Year 2019", "FY2019": the financial year that ends in 2019; "by the end of fiscal year 2019" is
    due on its last day."""
    year = int(match["y"])
    if match["prep"]:
        return {"type": "date", "due": date(year, 3, 31), FINANCIAL: True}
    return {"type": "period", "start": date(year - 1, 4, 1), "end": date(year, 3, 31), FINANCIAL: True}



# A financial year named in a release: "2017-18", "Fiscal Year 2023", "FY 2023", "this financial year".
_COUNTS_IN_YEARS: Final = re.compile(r"\b(?:fiscal|financial)\s+years?(?:\s*\(fy\))?(?:\s+(?P<y>(?:19|20)\d\d)\b)?|"
                              r"\bfy\s?(?P<fy>(?:19|20)?\d\d)\b|\b(?P<y1>(?:19|20)\d\d)\s*[-–/]\s*"
                              r"(?P<y2>(?:19|20)?\d\d)\b(?!\s*[-–/]\s*\d)", re.IGNORECASE)
# The same over the folded body (see .folding), tried only where a match can begin: a body's one search with a
# pattern that starts with \b tries every offset.
_COUNTS_IN_YEARS_FOLDED: Final = case_sensitive(_COUNTS_IN_YEARS)
_COUNTS_IN_YEARS_STARTS: Final = ("fiscal", "financial", "fy", "19", "20")


def counts_in_financial_years(body: str, published: date, *, folded: str | None = None) -> bool:
    """Whether ``body`` counts in financial years: it names one that has not ended by ``published`` ("2017-18",
    "Fiscal Year 2023"), or financial years with no number. Years of past statistics ("from 2003/04 to
    2011/12") are not counting. ``folded``: ``fold(body)``, when known."""
    for match in named_years(body, folded=folded):
        if match["y1"]:
            if full_year(match["y2"], 0) % 100 != (int(match["y1"]) + 1) % 100:
                continue
            last = int(match["y1"]) + 1
        else:
            number = match["y"] or match["fy"]
            last = full_year(number, published.year) if number else published.year
        if last >= published.year:
            return True
    return False


def named_years(body: str, *, folded: str | None = None) -> Iterator[re.Match[str]]:
    """What ``_COUNTS_IN_YEARS.finditer(body)`` finds, found over ``fold(body)`` (``folded``, when known): the
    groups are digits, the same in both."""
    if folded is None:
        folded = fold(body)
    return matches_at(_COUNTS_IN_YEARS_FOLDED, folded, word_starts(folded, _COUNTS_IN_YEARS_STARTS))


# "this year" / "next year" with nothing that sets a day in it ("by the end of this year" keeps its own day).
_BARE_YEAR: Final = re.compile(r"(?:(?:in|for|during|over|across)\s+)?(?P<rel>this|next)\s+year", re.IGNORECASE)


def as_financial_year(text: str, published: date, year_starts: int) -> tuple[date, date] | None:
    """The financial year "this year" or "next year" (``text``) means in a release that counts in them, as
    the labelling rules read it: the one holding ``published``, or the one after; None for other text."""
    match = _BARE_YEAR.fullmatch(text.strip())
    if match is None:
        return None
    first = published.year if published.month >= year_starts else published.year - 1
    first += match["rel"].lower() == "next"
    if year_starts == 1:
        return date(first, 1, 1), date(first, 12, 31)
    return date(first, year_starts, 1), date(first + 1, year_starts, 1) - timedelta(days=1)
