"""Calendar arithmetic for deadlines: the last day of a month, season or year, and
"N units after" a day. Pure date maths; no clock is read."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Final


_NAMES: Final = (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
                 ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
                 ("october", "oct"), ("november", "nov"), ("december", "dec"))
MONTHS: Final = {name: number for number, names in enumerate(_NAMES, start=1) for name in names}
#: A regex fragment for a month name (longest names first so "sept" beats "sep"); only a short name takes a full stop
#: ("Aug. 31"): the one after a whole name ends its sentence ("… until 31 August.").
MONTH: Final = (r"(?:" + "|".join(sorted((names[0] for names in _NAMES), key=len, reverse=True)) + r"|(?:" +
                "|".join(sorted((name for names in _NAMES for name in names[1:]), key=len, reverse=True)) + r")\.?)")
YEAR: Final = r"(?:19|20)\d\d"

# (first month, last month) of each season, as the labelling rules define them.
SEASONS: Final = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}


def month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


_DAYS_IN_MONTH: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def end_of_month(year: int, month: int) -> date:
    """The last day of ``month`` of ``year``."""
    return date(year, month, _days_in(year, month))


def _days_in(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]``, without its two Python calls (``calendar.IllegalMonthError`` for a
    month that is none, as there)."""
    if not 1 <= month <= 12:
        raise calendar.IllegalMonthError(month)
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _DAYS_IN_MONTH[month] + leap


def add_months(start: date, months: int) -> date:
    """``start + relativedelta(months=months)``: the same day of the month ``months`` later (or earlier), or that
    month's last day where it has fewer days. Computed here: relativedelta is Python code, and building and adding
    one cost more than resolving the rest of a deadline."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    month += 1
    return date(year, month, min(start.day, _days_in(year, month)))


def end_of_season(year: int, season: str) -> date:
    """Last day of ``season`` of ``year``; winter 2017 ends in February 2018."""
    last = SEASONS[season.lower()][1]
    return end_of_month(year + 1 if last < SEASONS[season.lower()][0] else year, last)


def season_start(end: date, season: str) -> date:
    """First day of the ``season`` that ends on ``end``."""
    first = SEASONS[season.lower()][0]
    return date(end.year - 1 if first > end.month else end.year, first, 1)


def upcoming_season_year(season: str, published: date, *, following: bool = False) -> int:
    """The year of the next ``season`` that has not ended by ``published``; with ``following``
    ("next spring"), of the next one that has not yet begun."""
    year = published.year
    if following:
        return year if date(year, SEASONS[season.lower()][0], 1) > published else year + 1
    return year + 1 if end_of_season(year, season) < published else year


def upcoming_month_year(month: int, published: date) -> int:
    """The year in which ``month`` next ends on or after ``published``."""
    return published.year if end_of_month(published.year, month) >= published else published.year + 1


def add_units(start: date, amount: float, unit: str) -> date:
    """``start`` plus ``amount`` days, weeks, months, years or decades (fractions of a month as days)."""
    unit = unit.lower().rstrip("s")
    whole = int(amount)
    if unit == "day":
        return start + timedelta(days=amount)
    if unit == "week":
        return start + timedelta(weeks=amount)
    if unit == "month":
        return add_months(start, whole) + timedelta(days=round((amount - whole) * 30))
    if unit == "year":
        return add_months(start, 12 * whole + round((amount - whole) * 12))
    if unit == "decade":
        return add_months(start, 12 * round(amount * 10))
    raise ValueError(f"unknown unit {unit!r}")


def end_of_unit(published: date, unit: str, *, following: int = 0, year_starts: int = 4) -> date:
    """Last day of the week, month, year, decade or financial year holding ``published``,
    or of the ``following``-th one after it. A financial year starts in the month ``year_starts``."""
    unit = unit.lower()
    if unit == "week":
        return published + timedelta(days=6 - published.weekday() + 7 * following)
    if unit == "month":
        first = add_months(published.replace(day=1), following)
        return end_of_month(first.year, first.month)
    if unit == "year":
        return date(published.year + following, 12, 31)
    if unit == "decade":
        return date(published.year // 10 * 10 + 9 + 10 * following, 12, 31)
    if unit == "financial year":
        start_year = published.year if published.month >= year_starts else published.year - 1
        if year_starts == 1:
            return date(start_year + following, 12, 31)
        return end_of_month(start_year + 1 + following, year_starts - 1)
    raise ValueError(f"unknown unit {unit!r}")
