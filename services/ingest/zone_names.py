"""Time zones a feed's RFC 822 date names by a word after its time, read at their offsets (pure).

feedparser reads RFC 822's own zone names (``GMT``, ``UT``, the North American zones, the military letters) and a
few more (``MET``, ``MEST``), and takes any other word after the time for UTC without a word: a British site's
summer ``14:00:00 BST`` was an hour late, and an Australian site's ``09:30:00 AEDT`` on the 1st was 09:30 UTC on
the 1st, where it is the 30th in UTC. The zones below, each one offset wherever it is written, are read at it; any
other word (``IST``: India's, Ireland's or Israel's; ``Europe/London``) makes the date one that cannot be read,
told as every such date is, rather than a wrong one published.
"""

from __future__ import annotations

import re
from datetime import timedelta

# Read by feedparser at their offsets (its own table, and UTC, which it reads apart).
_READ_BY_THE_PARSER = frozenset({
    "UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AST", "ADT", "AT", "CT", "ET",
    "MT", "PT", "MET", "MEST", "A", "M", "N", "Y"})

# Hours east of UTC of abbreviations that name one zone wherever they are written (BST as Britain writes it).
_HOURS_EAST = {
    "BST": 1, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "SAST": 2,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AWST": 8, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13, "HST": -10, "AKST": -9, "AKDT": -8, "NST": -3.5, "NDT": -2.5,
}

_ZONE_AFTER_TIME = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?\s*([A-Za-z][A-Za-z/_]*)\s*$")


def named_zone_offset(written: str) -> timedelta | None:
    """How far east of UTC the zone named by the word after ``written``'s time is, which the parser has read
    as UTC: ``timedelta(0)`` when no word names one or the parser reads it itself; ``None`` when the word
    names a zone not known here (the date cannot be read)."""
    match = _ZONE_AFTER_TIME.search(written)
    if not match:
        return timedelta(0)
    zone = match.group(1).upper()
    if zone in _READ_BY_THE_PARSER:
        return timedelta(0)
    hours = _HOURS_EAST.get(zone)
    return None if hours is None else timedelta(hours=hours)
