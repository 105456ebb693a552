"""ISO 8601 durations (``P30D``, ``PT2H``, ``P1M``) as calendar-aware offsets, at most five years."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)
MAX_TEXT = 32
_MONTH = 2_629_746  # seconds in an average Gregorian month (a 400-year cycle / 4800)
_SECONDS = {"y": 12 * _MONTH, "mo": _MONTH, "w": 604_800, "d": 86_400, "h": 3_600, "mi": 60, "s": 1}
MAX_SECONDS = 5 * 12 * _MONTH  # P5Y: the longest offset a reminder may have
LONGEST = "P5Y"


@dataclass(frozen=True)
class Duration:
    """Months (calendar) plus an exact time delta."""

    months: int
    delta: timedelta

    def before(self, moment: datetime) -> datetime:
        """``moment`` minus this duration; months step back on the calendar (31 Mar - P1M = 28/29 Feb)."""
        year, month = divmod(moment.year * 12 + moment.month - 1 - self.months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day) - self.delta


def parse_duration(text: str) -> Duration:
    """Parse an ISO 8601 duration of at most :data:`LONGEST` (years and months count as average
    Gregorian ones); raise ``ValueError`` with the reason when it is not one, or is longer."""
    n = _counts(text)
    if n is None:
        raise ValueError(f"{text[:MAX_TEXT]!r} is not an ISO 8601 duration (e.g. P30D, P1W, PT2H)")
    if sum(n[k] * _SECONDS[k] for k in n) > MAX_SECONDS:
        raise ValueError(f"{text!r} is longer than {LONGEST}")
    return _duration(n)


def duration_of_any_length(text: str) -> Duration | None:
    """An ISO 8601 duration of any length, as :func:`parse_duration` reads one (a day is 24 hours, a week 7
    days: ``PT60M``, ``PT1H`` and ``PT3600S`` are one duration, as are ``P1D`` and ``PT24H``); None when it is
    not one."""
    n = _counts(text)
    return None if n is None else _duration(n)


def _counts(text: str) -> dict[str, int] | None:
    match = _PATTERN.match(text or "") if len(text or "") <= MAX_TEXT else None
    if not match or text in ("P", "PT") or text.endswith("T"):
        return None
    return {k: int(v) if v else 0 for k, v in match.groupdict().items()}


def _duration(n: dict[str, int]) -> Duration:
    return Duration(months=n["y"] * 12 + n["mo"],
                    delta=timedelta(weeks=n["w"], days=n["d"], hours=n["h"], minutes=n["mi"], seconds=n["s"]))


_UNITS = (("y", "year"), ("mo", "month"), ("w", "week"), ("d", "day"), ("h", "hour"), ("mi", "minute"), ("s", "second"))


def duration_words(text: str) -> str:
    """``P1Y2M`` as ``1 year 2 months``, ``PT2H`` as ``2 hours``; ``""`` for a zero duration (``P0D``). Any
    length: a response time may be longer than :data:`LONGEST`."""
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"{text[:MAX_TEXT]!r} is not an ISO 8601 duration")
    counts = {k: int(v) for k, v in match.groupdict().items() if v}
    return " ".join(f"{counts[k]} {unit}{'' if counts[k] == 1 else 's'}" for k, unit in _UNITS if counts.get(k))


def duration_seconds(text: str) -> int:
    """How long ``text`` is, in seconds (years and months as average Gregorian ones): to order offsets."""
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"{text[:MAX_TEXT]!r} is not an ISO 8601 duration")
    return sum(int(v) * _SECONDS[k] for k, v in match.groupdict().items() if v)


def canonical_duration(text: str) -> str:
    """The one spelling of the moment ``text`` names (``P1W`` -> ``P7D``, ``PT24H`` -> ``P1D``, ``PT0S`` ->
    ``P0D``, ``P12M`` -> ``P1Y``): years and months, then days, hours, minutes and seconds, each carried up as
    far as it goes exactly. A spelling in days (``P30D``, ``P7D``, ``P1D``, ``P0D``) is its own. Raises
    ``ValueError`` as :func:`parse_duration` does."""
    duration = parse_duration(text)
    years, months = divmod(duration.months, 12)
    minutes, seconds = divmod(duration.delta.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    date_part = "".join(f"{n}{unit}" for n, unit in ((years, "Y"), (months, "M"), (duration.delta.days, "D")) if n)
    time_part = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not date_part and not time_part:
        return "P0D"
    return f"P{date_part}" + (f"T{time_part}" if time_part else "")
