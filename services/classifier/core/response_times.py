"""Response times: a standing rule with no calendar date ("within one hour of a removal order", "in under 12
hours", "an hour or two after upload", "instantly"), as ISO 8601 durations. The anchor, the event the time
runs from, is the one the text names, else ``UNSTATED_ANCHOR``. Resolvers for :mod:`.deadline_rules`."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from .calendar_units import add_units
from .numbers import parse_number

UNSTATED_ANCHOR: Final = "unstated"  # a response time whose text names no event it runs from
# The event a response time runs from, after "of", "after", "from", "following" or "upon": a word, with the noun of
# a compound ("a removal order"); after receiving, making or the receipt of something, that thing ("of receiving a
# removal order", "upon receipt of a removal order"); a participle, as its noun ("of being notified").
ANCHOR: Final = (r"(?P<anchor>(?:(?:receiving|getting|making|(?:the\s+)?receipt\s+of)\s+"
                 r"(?=(?:the|a|an|its|their|each)\s))?(?:(?:the|a|an|its|their|each|being)\s+)?[a-z][\w-]*"
                 r"(?:\s+(?:orders?|notices?|requests?|notifications?|referrals?|reports?|complaints?|"
                 r"payments?)\b)?)")
_LEADING_WORD: Final = re.compile(r"^(?:the|a|an|its|their|each|being)\s+", re.IGNORECASE)
_RECEIVED: Final = re.compile(r"^(?:receiving|getting|making|(?:the\s+)?receipt\s+of)\s+", re.IGNORECASE)
# An event written as a participle, named as a noun.
_PARTICIPLES: Final = {"notified": "notification", "asked": "request", "requested": "request", "ordered": "order"}


def read_within(match: re.Match[str], published: date) -> dict | None:
    """"within one to two hours of release" → PT1H..PT2H from "release"; "within 30 days" with no event named
    is a period from publication; "within weeks", with no number, a vague one."""
    if not match["high"] and match["plural"]:  # "within weeks", "within days": no number, a vague period
        return {"type": "period", "start": published, "end": None, "vague": True}
    low = parse_number(match["low"]) if match["low"] else None
    high = parse_number(match["high"]) if match["high"] else 1.0
    if match["low"] and match["high"]:
        one = hyphenated(match["low"], match.string[match.end("low"):match.start("high")], match["high"])
        if one is not None:  # "within twenty-four hours"
            low = high = one
    if high is None:
        return None
    low = high if low is None else low
    unit = match["unit"].lower()
    if unit in ("day", "week") and not match["anchor"]:
        return {"type": "period", "start": published, "end": add_units(published, high, unit)}
    code = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W"}[unit]
    return _response_time(low, high, code, match["anchor"])


_TENS: Final = frozenset("twenty thirty forty fifty sixty seventy eighty ninety".split())
_ONES: Final = frozenset("one two three four five six seven eight nine".split())


def hyphenated(first: str, between: str, second: str) -> float | None:
    """The one number ``first``, ``between`` and ``second`` write when they are a tens word and a ones word joined
    by a hyphen ("twenty-four" is 24, not twenty to four), else None."""
    if between.strip() != "-" or first.lower() not in _TENS or second.lower() not in _ONES:
        return None
    return parse_number(f"{first} {second}")


def read_cut(match: re.Match[str], published: date) -> dict | None:
    """A response time cut to a shorter one, "halved from 48 hours to 24", "from two hours to thirty minutes":
    the new one, with no event named; a length that rises ("from 9 hours to 17 hours") is none."""
    old, new = parse_number(match["old"]), parse_number(match["new"])
    if old is None or new is None:
        return None
    code = {"second": "S", "minute": "M", "hour": "H"}
    old_code, new_code = code[match["unit"].lower()], code[(match["unit2"] or match["unit"]).lower()]
    seconds = {"S": 1, "M": 60, "H": 3600}
    if new * seconds[new_code] >= old * seconds[old_code]:
        return None
    return _response_time(new, new, new_code, None)


def read_instantly(match: re.Match[str], published: date) -> dict:
    return {"type": "response_time", "min": "PT0S", "max": "PT0S", "anchor": UNSTATED_ANCHOR}


def read_bounded(match: re.Match[str], published: date) -> dict | None:
    """"in under 12 hours", "an hour or two after upload": a response time; the anchor only where named."""
    groups = match.groupdict()
    high = parse_number(groups["high"]) if groups.get("high") else 1.0
    low_text = groups.get("low")
    low = 1.0 if low_text and low_text.lower() in ("a", "an") else parse_number(low_text) if low_text else high
    if high is None or low is None:
        return None
    low, high = min(low, high), max(low, high)
    unit = groups.get("unit") or groups.get("unit2")
    if not unit:
        return None
    code = {"second": "S", "minute": "M", "hour": "H"}[unit.lower()]
    return _response_time(low, high, code, groups.get("anchor"))


def _response_time(low: float, high: float, code: str, anchor: str | None) -> dict | None:
    shortest, longest = iso_duration(low, code), iso_duration(high, code)
    if shortest is None or longest is None:
        return None
    return {"type": "response_time", "min": shortest, "max": longest, "anchor": _anchor(anchor)}


# Each unit of an ISO 8601 duration, with the next smaller one and how many of those it holds.
_SMALLER: Final = {"W": ("D", 7), "D": ("H", 24), "H": ("M", 60), "M": ("S", 60)}


def iso_duration(amount: float, code: str) -> str | None:
    """``amount`` of the unit ``code`` (W, D, H, M or S) as an ISO 8601 duration in whole units: 12 hours →
    "PT12H", 1.5 hours → "PT90M" (the form allows no fraction); None below a whole second."""
    while abs(amount - round(amount)) > 1e-9:
        if code not in _SMALLER:
            return None
        code, count = _SMALLER[code]
        amount *= count
    return f"{'PT' if code in 'HMS' else 'P'}{round(amount)}{code}"


def _anchor(text: str | None) -> str:
    """The event a response time runs from, as the text names it; "unstated" when it names none."""
    if not text:
        return UNSTATED_ANCHOR
    event = _LEADING_WORD.sub("", _RECEIVED.sub("", text.strip()))
    return _PARTICIPLES.get(event.lower(), event)
