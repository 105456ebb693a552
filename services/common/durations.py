"""A length of time in words, for people: logs and pages, never a timedelta's ``1 day, 0:00:00``."""

from __future__ import annotations


def gap_label(seconds: float) -> str:
    """``1 day``, ``2.5 days``, ``6 hours``, ``45 minutes``: a usual gap in the largest unit it fills."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size, 1)
            number = f"{count:g}"
            return f"{number} {unit}" + ("" if number == "1" else "s")
    return f"{seconds:g} seconds"
