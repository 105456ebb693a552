"""The cursors of paged lists: the ledger's commitments, deadlines and releases, and a subscription's planned
reminders. Pure.

A cursor is the list's name and the place of the last item shown, ``[list, position, id]`` as base64url JSON: the
position a POSIX timestamp (a float) for every list but the deadlines, whose position is an ordinal day (an int).
A cursor is read back only by the list it names, and only with a position that list can hold, so that no list
pages from another's place. Those given before cursors named their list (``[position, id]``) are read by the list
they can only have come from: the deadlines (an int), the releases and the commitments (a float; a commitment's id
is ``c-`` and 16 hex digits, a release's never is in practice); an old reminders cursor cannot be told from a
release's, and is refused.
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date, datetime, timezone
from typing import Literal


class QueryError(ValueError):
    """A query that cannot be run, with the reason."""

Listed = Literal["commitments", "deadlines", "releases", "reminders"]
REFUSED = "cursor: not one this server gave (ask again without it)"
FIRST_STAMP = datetime(1, 1, 2, tzinfo=timezone.utc).timestamp()  # a day in: any zone reads it
LAST_STAMP = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()
LAST_DAY = date.max.toordinal()
_COMMITMENT_ID = re.compile(r"c-[0-9a-f]{16}")


def encode_cursor(listed: Listed, position: float, key: str) -> str:
    """The cursor of the place (``position``, ``key``) in the list ``listed``."""
    return base64.urlsafe_b64encode(json.dumps([listed, position, key], separators=(",", ":")).encode()
                                    ).decode().rstrip("=")


def decode_cursor(cursor: str, listed: Listed) -> tuple[float, str]:
    """The place (position, id) a cursor of the list ``listed`` names: an ordinal day (int) for the deadlines, a
    POSIX timestamp (float) for the others. A :class:`QueryError` (``cursor: …``) for any cursor this server did
    not give for that list: another list's, a position that is not a finite number of the list's type within
    years 1 to 9999, a boolean, an empty id."""
    try:
        place = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise QueryError(REFUSED) from None
    if isinstance(place, list) and len(place) == 3 and place[0] == listed:
        _, position, key = place
    elif isinstance(place, list) and len(place) == 2 and _untagged_of(place, listed):
        position, key = place
    else:
        raise QueryError(REFUSED)
    if not (isinstance(key, str) and key and _holds(listed, position)):
        raise QueryError(REFUSED)
    return position, key


def _holds(listed: Listed, position: object) -> bool:
    """Whether ``position`` is one the list can hold (a JSON ``true`` is no number; ``1e400`` is infinite)."""
    if listed == "deadlines":
        return type(position) is int and 1 <= position <= LAST_DAY
    return type(position) is float and math.isfinite(position) and FIRST_STAMP <= position <= LAST_STAMP


def _untagged_of(place: list, listed: Listed) -> bool:  # type: ignore[type-arg]
    """Whether an untagged ``[position, id]``, as cursors were before they named their list, came from
    ``listed``."""
    position, key = place
    if listed == "deadlines":
        return type(position) is int
    if type(position) is not float or not isinstance(key, str):
        return False
    if listed == "commitments":
        return bool(_COMMITMENT_ID.fullmatch(key))
    return listed == "releases" and not _COMMITMENT_ID.fullmatch(key)
