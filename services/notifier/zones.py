"""A subscription's time zone on the moments written for it. Pure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

UTC = "UTC"


def in_zone(moment: datetime, zone: str) -> datetime:
    """``moment`` (aware) written in ``zone`` (an IANA name): the same instant, whose offset gives the subscriber's
    local day, which an alert's and a digest's day words count from. In UTC it is left as it is, so what is written
    for a subscription without a time zone is written as before."""
    return moment if zone == UTC else moment.astimezone(ZoneInfo(zone))
