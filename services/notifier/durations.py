"""ISO 8601 durations (``P30D``, ``PT2H``, ``P1M``) as calendar-aware offsets."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


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
    """Parse an ISO 8601 duration; raise ``ValueError`` with the reason when it is not one."""
    match = _PATTERN.match(text or "")
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration (e.g. P30D, P1W, PT2H)")
    n = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    return Duration(months=n["y"] * 12 + n["mo"],
                    delta=timedelta(weeks=n["w"], days=n["d"], hours=n["h"], minutes=n["mi"], seconds=n["s"]))
