"""Days written YYYY-MM-DD, and what is wrong with one that names no day (pure)."""

from __future__ import annotations

import calendar
import re
from datetime import date

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def impossible_day(year: int, month: int, day: int) -> str | None:
    """Why ``year-month-day`` is no day of the calendar (``"February 2026 has 28 days"``); None if it is one."""
    if not 1 <= year <= 9999:
        return f"there is no year {year}"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        return f"{calendar.month_name[month]} {year} has {length} days"
    return None


def calendar_day(text: str) -> date:
    """``text`` (YYYY-MM-DD) as a date; ValueError saying what is wrong: ``'2018-02-30 is not a real date
    (February 2018 has 28 days)'``, ``"'1/2/2018' is not a date; write YYYY-MM-DD"``."""
    match = _DAY.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    problem = impossible_day(year, month, day)
    if problem:
        raise ValueError(f"{match.group()} is not a real date ({problem})")
    return date(year, month, day)
