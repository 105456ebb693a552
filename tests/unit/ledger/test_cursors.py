"""Cursors: each names the list it pages, and is refused by any other and when its place is not one a list has."""

import base64
import json

import pytest

from services.ledger.core.cursors import decode_cursor, encode_cursor
from services.ledger.core.queries import QueryError

REFUSED = r"^cursor: not one this server gave \(ask again without it\)$"
STAMP = 1767258000.0
DAY = 739_587  # 2025-12-09


def _raw(text: str) -> str:
    """A cursor of this JSON text, as one is written (base64url, no padding)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("listed, position, key", [
    ("commitments", STAMP, "c-0123456789abcdef"),
    ("releases", STAMP, "gov-uk/r001"),
    ("releases", -86400.5, "rel-old"),  # a release published before 1970
    ("reminders", STAMP, "sub/c-1/0/P7D"),
    ("deadlines", DAY, "c-0123456789abcdef"),
])
def test_a_cursor_is_read_back_by_its_own_list(listed, position, key):
    assert decode_cursor(encode_cursor(listed, position, key), listed) == (position, key)


@pytest.mark.parametrize("given, asked", [
    ("releases", "deadlines"), ("deadlines", "releases"), ("commitments", "releases"), ("releases", "commitments"),
    ("reminders", "releases"), ("releases", "reminders"), ("deadlines", "commitments"),
])
def test_a_cursor_of_one_list_is_refused_by_another(given, asked):
    position = DAY if given == "deadlines" else STAMP
    with pytest.raises(QueryError, match=REFUSED):
        decode_cursor(encode_cursor(given, position, "c-0123456789abcdef"), asked)


@pytest.mark.parametrize("listed, text", [
    ("deadlines", '["deadlines",NaN,"x"]'),
    ("deadlines", '["deadlines",Infinity,"x"]'),
    ("deadlines", '["deadlines",1e400,"x"]'),
    ("deadlines", '["deadlines",true,"x"]'),
    ("deadlines", '["deadlines",-5,"x"]'),
    ("deadlines", '["deadlines",0,"x"]'),
    ("deadlines", '["deadlines",3652060,"x"]'),  # the day after 9999-12-31
    ("deadlines", '["deadlines",739587.0,"x"]'),
    ("deadlines", '["deadlines",1.5,"x"]'),
    ("deadlines", '["deadlines","739587","x"]'),
    ("deadlines", '["deadlines",739587,5]'),
    ("deadlines", '["deadlines",739587,""]'),
    ("deadlines", '["deadlines",739587]'),
    ("deadlines", '["deadlines",739587,"x","y"]'),
    ("releases", '["releases",NaN,"x"]'),
    ("releases", '["releases",-Infinity,"x"]'),
    ("releases", '["releases",true,"x"]'),
    ("releases", '["releases",-5,"x"]'),
    ("releases", '["releases",1767258000,"x"]'),
    ("releases", '["releases",1e20,"x"]'),
    ("reminders", '["reminders",-1e20,"x"]'),
    ("releases", '["Releases",1767258000.0,"x"]'),
    ("releases", '{"releases":[1767258000.0,"x"]}'),
    ("releases", '"releases"'),
    ("releases", 'null'),
], ids=lambda value: value if isinstance(value, str) and value.isalpha() else None)
def test_a_place_no_list_has_is_refused(listed, text):
    with pytest.raises(QueryError, match=REFUSED):
        decode_cursor(_raw(text), listed)


@pytest.mark.parametrize("cursor", ["", "nonsense", "%%%", "W10", base64.urlsafe_b64encode(b"\xff\xfe").decode()])
def test_what_is_no_cursor_at_all_is_refused(cursor):
    with pytest.raises(QueryError, match=REFUSED):
        decode_cursor(cursor, "releases")


# Cursors given before they named their list: [number, id], the number an ordinal day for deadlines, a POSIX
# timestamp (always written with a decimal point) for the others.
OLD_DEADLINE = _raw(json.dumps([DAY, "c-0123456789abcdef"]))
OLD_RELEASE = _raw(json.dumps([STAMP, "gov-uk/r001"]))
OLD_COMMITMENT = _raw(json.dumps([STAMP, "c-0123456789abcdef"]))
OLD_REMINDER = _raw(json.dumps([STAMP, "sub/c-1/0/P7D"]))


@pytest.mark.parametrize("cursor, listed, place", [
    (OLD_DEADLINE, "deadlines", (DAY, "c-0123456789abcdef")),
    (OLD_RELEASE, "releases", (STAMP, "gov-uk/r001")),
    (OLD_COMMITMENT, "commitments", (STAMP, "c-0123456789abcdef")),
], ids=["deadlines", "releases", "commitments"])
def test_a_cursor_given_before_cursors_named_their_list_is_read_by_the_list_it_came_from(cursor, listed, place):
    assert decode_cursor(cursor, listed) == place


@pytest.mark.parametrize("cursor, listed", [
    (OLD_DEADLINE, "releases"), (OLD_DEADLINE, "commitments"), (OLD_DEADLINE, "reminders"),
    (OLD_RELEASE, "deadlines"), (OLD_RELEASE, "commitments"),
    (OLD_COMMITMENT, "releases"), (OLD_COMMITMENT, "deadlines"),
    (OLD_REMINDER, "reminders"),  # none was given out by a released version: its list cannot be told
    (_raw('[NaN,"x"]'), "releases"), (_raw('[true,"x"]'), "deadlines"), (_raw('[-5,"x"]'), "deadlines"),
    (_raw('[1.5,"x"]'), "deadlines"),
])
def test_an_old_cursor_is_refused_by_a_list_it_did_not_come_from(cursor, listed):
    with pytest.raises(QueryError, match=REFUSED):
        decode_cursor(cursor, listed)
