"""The bounds a subscription's values must keep, each a pure check returning the reason or None.

Sizes, times of day, pause dates and URLs: past a bound, the API answers 422 with the reason,
and nothing out of range reaches planning, where it would fail for every subscriber.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yarl import URL

MAX_URL = 2048
MAX_TEXT = 200  # a filter entry: an actor, a keyword, a source
MAX_ITEMS = 100  # entries in one filter list, recipients of one email channel
MAX_CHANNELS = 20
MAX_REMINDERS = 20
PAUSE_FROM = datetime(2000, 1, 1, tzinfo=timezone.utc)
PAUSE_BEFORE = datetime(2100, 1, 1, tzinfo=timezone.utc)

_HH_MM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_BAD_CHARACTER = re.compile(r"[\x00-\x20\x7f-\x9f]")
_NUMBER_TEXT = re.compile(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*")


def time_of_day(value: object, *, zone: str = "") -> time:
    """``"HH:MM"`` (00:00 to 23:59) as a time; ``ValueError`` for anything else, numbers included, its message
    saying the time is in ``zone`` (words such as "the subscription's timezone") when given."""
    if isinstance(value, time):
        return value
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a time of day as HH:MM{f' in {zone}' if zone else ''}, 00:00 to 23:59")
    return time(int(match[1]), int(match[2]))


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone (``Europe/London``, ``UTC``), or None when it is one."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name[:64]!r}; expected an IANA name such as Europe/London or UTC"
    return None


def pause_problem(until: datetime, *, now: datetime | None = None) -> str | None:
    """Why ``until`` (aware) cannot end a pause: outside 2000..2099, or before ``now`` when given."""
    if until < PAUSE_FROM:
        return f"must be from {PAUSE_FROM.year} on"
    if until >= PAUSE_BEFORE:
        return f"must be before {PAUSE_BEFORE.year}"
    if now is not None and until < now:
        return f"is in the past (now {now.isoformat(timespec='seconds')})"
    return None


def time_given_problem(value: object) -> str | None:
    """Why ``value`` cannot be a time as given (ISO 8601 text, or a datetime as YAML reads one): a number, or the
    text of one, which pydantic would otherwise read as unix seconds. None when it may be one."""
    if isinstance(value, (int, float)) or (isinstance(value, str) and _NUMBER_TEXT.fullmatch(value)):
        return "expected an ISO 8601 time with a zone (e.g. 2026-02-01T09:00:00Z), not a number"
    return None


PAUSE_END_FORMS = "a date or a time with a zone (e.g. 2026-02-01, from 00:00 UTC, or 2026-02-01T09:00:00Z)"


def pause_end(value: object) -> datetime:
    """The end of a pause as given to ``pledgewatch subscriptions pause --until``, the API's pause, the dashboard's
    and a subscription's ``paused_until``: a date alone (ISO 8601) is the start of that day, 00:00 UTC, as a release
    file's date is; a time must give its zone. A date or datetime as YAML reads one is taken alike. ValueError with
    the reason for anything else, a number or its text included."""
    problem = time_given_problem(value)
    if problem:
        raise ValueError(problem)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"not {PAUSE_END_FORMS}")
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=timezone.utc)
    text = value.strip().upper() if isinstance(value, str) else ""  # RFC 3339 allows "t" and "z" too
    try:
        return datetime.combine(date.fromisoformat(text), time(0, 0), tzinfo=timezone.utc)
    except ValueError:
        pass
    try:
        until = datetime.fromisoformat(text)
    except ValueError:
        until = None
    if until is None or until.tzinfo is None:
        raise ValueError(f"not {PAUSE_END_FORMS}")
    return until


def pause_until_problem(text: str, *, now: datetime) -> str | None:
    """Why ``text`` (as :func:`pause_end` reads it), given to end a pause now, cannot: not such a date or time,
    out of range, or already past."""
    try:
        until = pause_end(text)
    except ValueError as exc:
        return str(exc)
    if until < now:
        return f"the pause would end in the past (now {now.isoformat(timespec='seconds')})"
    return pause_problem(until)


def http_url_problem(url: str) -> str | None:
    """Why ``url`` is not a well-formed http or https URL with a host, or None when it is one."""
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return (f"only http and https URLs are allowed, not {scheme.lower()[:20]}://" if sep
                else "only http and https URLs are allowed: it must start with http:// or https://")
    if len(url) > MAX_URL:
        return f"URL has {len(url)} characters; at most {MAX_URL}"
    if _BAD_CHARACTER.search(url):
        return "not a well-formed URL: a space or control character in it"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        host = URL(url).raw_host
    except (ValueError, UnicodeError) as exc:
        return f"not a well-formed URL: {exc}"
    if not parts.hostname or not host:
        return "URL has no host"
    return None
