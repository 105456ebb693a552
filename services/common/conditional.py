"""Conditional reads of a feed (RFC 9110 section 13): its validators, and what a GET's preconditions make of them.
Pure.

A feed is polled every few minutes by calendar apps and feed readers: each answer carries a strong ``ETag`` (a
hash of the body as sent) and, when known, ``Last-Modified``; a poll naming what it holds is answered
``304 Not Modified`` with no body while the feed is the same.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from starlette.responses import Response

from .api import field_error

NOT_MODIFIED, PRECONDITION_FAILED = 304, 412
# One subscriber's feed: kept by the subscriber's own app only (not a shared cache), asked again at every use.
PRIVATE_FEED = "private, no-cache"
# The OpenAPI ``headers`` of a conditional read's answers: its 200's, and those its 304 gives again.
_TEXT = {"schema": {"type": "string"}}
VALIDATOR_HEADERS = {
    "ETag": {"description": "A strong tag of the body as sent: send it back as If-None-Match.", **_TEXT},
    "Last-Modified": {"description": "When this answer was first served (left out while Redis refuses writes): "
                                     "send it back as If-Modified-Since.", **_TEXT},
    "Cache-Control": {"description": f"`{PRIVATE_FEED}`: kept by the subscriber's own app only, asked again each "
                                     "time.", **_TEXT},
}
# The OpenAPI ``responses`` of a conditional read beside its 200 (and its 412, an ``Errors``).
CONDITIONAL_ANSWERS = {NOT_MODIFIED: {"description": (
    "Not modified: the feed is still the one If-None-Match names (or, without it, the same since If-Modified-Since)"
    "; no body"), "headers": {name: VALIDATOR_HEADERS[name] for name in ("ETag", "Cache-Control")}}}
# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (RFC 9110 8.8.3); the empty
# members before it skipped, as a recipient of a list must (5.6.1.2: ', "a"' is the list of "a")
_ENTITY_TAG = re.compile(r'[\s,]*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


@dataclass(frozen=True)
class Validators:
    etag: str  # strong, quoted
    last_modified: datetime | None = None  # to the second, as an HTTP date says it


def strong_etag(body: bytes) -> str:
    """A strong entity tag of ``body``: the same bytes, the same tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def entity_tags(field: str) -> list[tuple[bool, str]] | None:
    """The (weak, opaque tag) members of an ``If-Match`` or ``If-None-Match`` value; None for ``*`` (any). Read
    up to where the value stops being a list of entity tags (an unquoted tag): what follows matches nothing."""
    if field.strip() == "*":
        return None
    found, at = [], 0
    while at < len(field) and (match := _ENTITY_TAG.match(field, at)) and match.end() > at:
        found.append((match[1] is not None, match[2]))
        at = match.end()
    return found


def http_date(moment: datetime) -> str:
    """``Sun, 06 Nov 1994 08:49:37 GMT`` (IMF-fixdate, RFC 9110 5.6.7)."""
    return format_datetime(moment.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def parse_http_date(values: list[str]) -> datetime | None:
    """The date of a header given once in any of the three forms RFC 9110 5.6.7 has a recipient accept; None when
    it is not one date (no value, two, or not a date: the header is then ignored, 13.1.3)."""
    if len(values) != 1:
        return None
    value = values[0].strip()
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # asctime, which is in UTC
        return moment.replace(tzinfo=timezone.utc)
    return moment if value.endswith(" GMT") else None


def precondition(header: Callable[[str], list[str]], validators: Validators, *, now: datetime) -> int | None:
    """What the preconditions of a GET (or HEAD) make of a representation with ``validators``, evaluated in RFC
    9110 13.2.2's order: 412, 304, or None to answer it in full. ``header(name)``: every value of that header;
    ``now``: the server's time, on the clock ``last_modified`` is on. An ``If-Modified-Since`` later than ``now``
    is invalid and ignored (13.1.3): a client whose clock is ahead, sending its own time, would be answered 304
    to every change until then."""
    if if_match := header("if-match"):
        tags = entity_tags(",".join(if_match))
        if tags is not None and not any(not weak and tag == validators.etag for weak, tag in tags):  # strong
            return PRECONDITION_FAILED
    elif validators.last_modified is not None and (since := parse_http_date(header("if-unmodified-since"))):
        if validators.last_modified > since:
            return PRECONDITION_FAILED
    if if_none_match := header("if-none-match"):
        tags = entity_tags(",".join(if_none_match))
        if tags is None or any(tag == validators.etag for _, tag in tags):  # weak comparison
            return NOT_MODIFIED
    elif validators.last_modified is not None and (since := parse_http_date(header("if-modified-since"))):
        if validators.last_modified <= since <= now:
            return NOT_MODIFIED
    return None


def conditional_answer(header: Callable[[str], list[str]], body: bytes, validators: Validators, *,
                       media_type: str, now: datetime, judged_at: datetime | None = None,
                       cache_control: str = PRIVATE_FEED) -> Response:
    """``body`` with its validators, or 304 with no body (the validators and caching named again, RFC 9110
    15.4.5), or 412 naming the precondition that failed. ``Last-Modified`` is never after ``now``, the answer's
    ``Date`` (8.8.2.1); the preconditions are judged by the time itself, and by ``judged_at``, now on the clock
    that time was read on (Redis's: ``now`` without it)."""
    headers = {"ETag": validators.etag, "Cache-Control": cache_control}
    outcome = precondition(header, validators, now=judged_at or now)
    if outcome == NOT_MODIFIED:
        return Response(status_code=NOT_MODIFIED, headers=headers)
    if outcome == PRECONDITION_FAILED:
        field = "if-match" if header("if-match") else "if-unmodified-since"
        raise field_error(PRECONDITION_FAILED, field, "the feed is no longer the one named: read it again")
    if validators.last_modified is not None:
        headers["Last-Modified"] = http_date(min(validators.last_modified, now))
    return Response(body, media_type=media_type, headers=headers)
